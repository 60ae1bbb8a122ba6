"""The scenario of issue 9 as building blocks: 柳南's approved 2022 figure for 国家级创新平台, and the seed
with a 2022 实际 row under indicator 1 (the seed's own 实际 row is for 高新技术企业 in 2018)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model

from mubiao.accounts.models import Role, RoleKind
from mubiao.audit.models import Door
from mubiao.audit.services import Actor
from mubiao.orgunits.models import Department, OrgUnit
from mubiao.plans.models import Indicator, Plan
from mubiao.reporting.models import ActualValue
from mubiao.reporting.workflow import actual_approve, actual_enter, actual_submit
from tests.tables.tables import seed_lines

#: The line of the seed with indicator 1's 2022 力争 row (1-based, as messages count): the 实际 row goes after it.
AFTER_2022_STRETCH_OF_INDICATOR_1 = 18


def seed_with_2022_actuals(liudong: str, beibu: str, liunan: str) -> bytes:
    """The seed with a 实际 row for indicator 1 in 2022: the city's total, 柳东, 北部 and 柳南 ("" is blank)."""
    figures = [Decimal(text) for text in (liudong, beibu, liunan) if text]
    total = str(sum(figures, Decimal(0)))
    lines = seed_lines()
    width = len(lines[AFTER_2022_STRETCH_OF_INDICATOR_1 - 1].split("\t"))
    cells = ["", "", "", "", "实际", total, liudong, beibu, "", liunan]
    lines.insert(AFTER_2022_STRETCH_OF_INDICATOR_1, "\t".join(cells + [""] * (width - len(cells))))
    return "\n".join(lines).encode("utf-8")


def person(username: str, kind: str, **scope) -> Actor:
    user = get_user_model().objects.create_user(username=username, password="x-Long-enough-9")
    Role.objects.create(user=user, kind=kind, **scope)
    return Actor.for_user(user, Door.WEB)


def liunan_reports_and_keji_approves(plan: Plan) -> ActualValue:
    """柳南's 2022 figure of 1 平台 for indicator 1, reported, submitted and approved (version 3)."""
    platforms = Indicator.objects.get(plan=plan, number="1")
    liunan = OrgUnit.objects.get(short_name="柳南")
    reporter = person("liunan", RoleKind.REPORTER, org_unit=liunan)
    reviewer = person("keji", RoleKind.REVIEWER, department=Department.objects.get(name="市科技局"))
    actual = actual_enter(actor=reporter, indicator=platforms, org_unit=liunan, period="2022", value="1")
    actual = actual_submit(actor=reporter, actual=actual, expected_version=actual.version)
    return actual_approve(actor=reviewer, actual=actual, expected_version=actual.version)
