"""People of the reporting workflow: a reporter for 柳南 and one for 柳北, reviewers for 市科技局 and
市人力资源社会保障局, a viewer and an administrator — and evidence kept in a temporary directory."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from mubiao.accounts.models import Role, RoleKind
from mubiao.audit.models import Door
from mubiao.audit.services import Actor


@pytest.fixture(autouse=True)
def evidence_root(settings, tmp_path):
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    return settings.EVIDENCE_ROOT


def make_user(username: str, kind: str | None, *, unit: str | None = None, department: str | None = None, email=""):
    from django.contrib.auth import get_user_model

    from mubiao.orgunits.models import Department, OrgUnit

    user = get_user_model().objects.create_user(username=username, password="x-Long-enough-9", email=email)
    if kind is not None:
        Role.objects.create(
            user=user,
            kind=kind,
            org_unit=OrgUnit.objects.get(short_name=unit) if unit else None,
            department=Department.objects.get(name=department) if department else None,
        )
    return user


@pytest.fixture
def people(seed_plan):
    return SimpleNamespace(
        reporter=make_user("liunan", RoleKind.REPORTER, unit="柳南", email="liunan@example.cn"),
        other_reporter=make_user("liubei", RoleKind.REPORTER, unit="柳北", email="liubei@example.cn"),
        reviewer=make_user("keji", RoleKind.REVIEWER, department="市科技局"),
        other_reviewer=make_user("renshe", RoleKind.REVIEWER, department="市人力资源社会保障局"),
        viewer=make_user("leader", RoleKind.VIEWER),
        admin=make_user("admin", RoleKind.ADMIN),
    )


def web(user) -> Actor:
    return Actor.for_user(user, Door.WEB)


@pytest.fixture
def indicator3(seed_plan):
    return seed_plan.indicators.get(number="3")


@pytest.fixture
def liunan(seed_plan):
    from mubiao.orgunits.models import OrgUnit

    return OrgUnit.objects.get(short_name="柳南")
