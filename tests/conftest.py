"""Shared fixtures: the seed table, the Liuzhou org units, the imported example plan.

The seed is built once per test session: the test database is created with the Liuzhou units
loaded and the seed table imported (`django_db_setup` below), and each test that uses the database
runs inside a transaction that is rolled back, so every test finds the seed as imported. Tests that
need the units without the plan ask for `no_seed_plan`. Transactional tests (`transaction=True`,
`live_server`) empty the database when they end; `seed_plan` and `liuzhou` then build the seed again.

Browser tests (marked `browser`) need Debian's Chromium at /usr/bin/chromium. Without it they are
skipped and the summary says why — unless MUBIAO_REQUIRE_BROWSER=1 (as in CI), where a missing
browser is a failure rather than a silent skip.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.test.utils import override_settings

from mubiao.audit.models import Door
from mubiao.audit.services import Actor

if TYPE_CHECKING:
    from django.db.models import Model

    from mubiao.orgunits.models import OrgUnit
    from mubiao.plans.models import Plan

PACKAGE_DIR = Path(__file__).resolve().parents[1] / "mubiao"
SEED_PATH = PACKAGE_DIR / "examples" / "liuzhou_2018_2022_keji.txt"
SEED_SHA256 = hashlib.sha256(SEED_PATH.read_bytes()).hexdigest()
LIUZHOU_UNITS = PACKAGE_DIR / "orgunits" / "data" / "liuzhou.json"
LIUZHOU_CODE = "450200"
CHROMIUM = Path("/usr/bin/chromium")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("MUBIAO_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"MUBIAO_REQUIRE_BROWSER=1 but {CHROMIUM} is missing: install Debian's chromium")
    skip = pytest.mark.skip(reason=f"Chromium 未安装（{CHROMIUM}）：跳过浏览器测试")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


class OneRoundPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """The site's hasher with one round instead of a million: hashes look the same (pbkdf2_sha256$…).

    A million rounds cost about 0.2 s per password set or checked — over a second for each test
    that signs in the workflow's people — and test no more than one round does.
    """

    iterations = 1


@pytest.fixture(scope="session", autouse=True)
def _one_round_password_hashing() -> Iterator[None]:
    # override_settings sends setting_changed, which clears Django's cache of hashers.
    with override_settings(PASSWORD_HASHERS=[f"{__name__}.OneRoundPBKDF2PasswordHasher"]):
        yield


def tester() -> Actor:
    return Actor(door=Door.CLI, label="tester（命令行）")


def seed_in_database() -> Plan:
    """The seed plan, with the Liuzhou units under it; whichever of them is missing is made first.

    Both are there in every test but the ones after a transactional test, which empties the database.
    """
    from mubiao.orgunits.models import OrgUnit
    from mubiao.orgunits.services import orgunit_tree_load
    from mubiao.plans.models import Plan
    from mubiao.reporting.importing import import_table

    if not OrgUnit.objects.filter(code=LIUZHOU_CODE).exists():
        orgunit_tree_load(tree=json.loads(LIUZHOU_UNITS.read_text(encoding="utf-8")), actor=tester())
    plan = Plan.objects.filter(source_files__sha256=SEED_SHA256).order_by("pk").first()
    if plan is None:
        plan = import_table(content=SEED_PATH.read_bytes(), filename=SEED_PATH.name, actor=tester()).plan
    return plan


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """pytest-django's test database, with the seed in it before the first test runs."""
    with django_db_blocker.unblock():
        seed_in_database()


@pytest.fixture
def seed_bytes() -> bytes:
    return SEED_PATH.read_bytes()


@pytest.fixture
def actor() -> Actor:
    return tester()


@pytest.fixture
def _seed(db: None) -> Plan:
    return seed_in_database()


@pytest.fixture
def seed_plan(_seed: Plan) -> Plan:
    """The seed table imported into its plan (imported once per session; each test's changes roll back)."""
    return _seed


@pytest.fixture
def liuzhou(_seed: Plan) -> OrgUnit:
    """柳州市 and its 12 units, with full names, codes and aliases."""
    return _seed.area


def rows_hanging_from(model: type[Model], pks: set[Any]) -> dict[type[Model], set[Any]]:
    """The rows to delete with these: theirs, and every row that refers to them, however deep."""
    found: dict[type[Model], set[Any]] = defaultdict(set)
    pending: list[tuple[type[Model], set[Any]]] = [(model, pks)]
    while pending:
        model, pks = pending.pop()
        new = pks - found[model]
        if not new:
            continue
        found[model] |= new
        for relation in model._meta.get_fields(include_hidden=True):
            # Reverse foreign keys, hidden ones included (value → source file, indicator → departments).
            if relation.auto_created and not relation.concrete and (relation.one_to_many or relation.one_to_one):
                related = relation.related_model
                lookup = {f"{relation.field.name}__in": new}
                referring = set(related._base_manager.filter(**lookup).values_list("pk", flat=True))
                if referring:
                    pending.append((related, referring))
    return found


def referrers_first(models: list[type[Model]]) -> list[type[Model]]:
    """The models ordered so that none comes after a model it refers to (a cycle keeps its order)."""
    ordered: list[type[Model]] = []
    remaining = list(models)
    while remaining:
        unreferred = [
            model
            for model in remaining
            if not any(
                field.related_model is model
                for other in remaining
                if other is not model
                for field in other._meta.concrete_fields
                if field.is_relation
            )
        ]
        chosen = unreferred[0] if unreferred else remaining[0]
        remaining.remove(chosen)
        ordered.append(chosen)
    return ordered


def delete_with_everything_under(model: type[Model], pks: set[Any]) -> None:
    """Delete these rows, every row that refers to them, and the departments no indicator names any more.

    Tables that refer to others go first: most foreign keys are checked when the transaction commits
    (Django makes them deferrable), but on PostgreSQL a target's references are checked by each
    statement (plans migration 0008). For a transactional test the atomic block is that commit.
    """
    from django.db import transaction

    from mubiao.plans.models import Indicator

    departments = Indicator._meta.get_field("lead_departments").related_model
    found = rows_hanging_from(model, pks)
    with transaction.atomic():
        for each in referrers_first(list(found)):
            each._base_manager.filter(pk__in=found[each])._raw_delete(each._base_manager.db)
        named = set(departments._base_manager.values_list("pk", flat=True))
        unnamed = {pk for pk in named if rows_hanging_from(departments, {pk}) == {departments: {pk}}}
        departments._base_manager.filter(pk__in=unnamed)._raw_delete(departments._base_manager.db)


def refuse_with_the_seed_plan(request: pytest.FixtureRequest) -> None:
    if "seed_plan" in request.fixturenames:
        raise pytest.UsageError(f"{request.node.nodeid} asks for the seed plan and for a database without it")


@pytest.fixture
def no_seed_plan(request: pytest.FixtureRequest, _seed: Plan) -> None:
    """The Liuzhou units without the seed plan: for tests that import a plan into a register with no plan.

    The plan and everything under it are deleted inside the test's transaction and come back when it
    rolls back (a transactional test's database is emptied when it ends anyway). The seed import's
    audit records stay — nothing may delete them — so a test counts audit records from where it starts.
    """
    from mubiao.plans.models import Plan

    refuse_with_the_seed_plan(request)
    delete_with_everything_under(Plan, {_seed.pk})


@pytest.fixture
def empty_register(request: pytest.FixtureRequest, _seed: Plan) -> None:
    """No units and no plans, as before the seed was loaded: for tests that start from nothing.

    Deleted inside the test's transaction, as for `no_seed_plan`; the audit records stay.
    """
    from mubiao.orgunits.models import OrgUnit

    refuse_with_the_seed_plan(request)
    delete_with_everything_under(OrgUnit, set(OrgUnit.objects.values_list("pk", flat=True)))
