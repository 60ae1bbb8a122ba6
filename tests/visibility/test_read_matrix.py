"""The read side of the permission matrix: role × scope × every door that shows actual values.

Eight figures of 高新技术企业 (indicator 3, led by 市科技局) stand in the database, at 柳南 and at the city
itself (柳州市): one draft, one submitted, one returned and one approved each, every one in its own year
(2019–2022, first quarter) with a value found nowhere else in the seed. Each reader — anonymous, a user
without a role, a viewer, 柳南's reporter, 柳北's reporter, 市科技局's reviewer, 市人社局's reviewer, an
administrator — reads every page, API endpoint and command that shows figures, asking for pending ones
wherever the door takes the switch (?pending=1, include_pending=true). The test asserts exactly which of the
eight values each reader sees, and counts forbidden successes: a pending value shown to a reader the one
visibility rule (ActualValue.objects.visible_to) does not allow. There must be none.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from mubiao.accounts.models import Role
from mubiao.accounts.permissions import Action, can, grants_for
from mubiao.audit.models import Door
from mubiao.audit.services import Actor
from mubiao.orgunits.models import OrgUnit
from mubiao.plans.models import Department, Indicator, Plan
from mubiao.reporting.models import ActualValue
from mubiao.reporting.workflow import actual_approve, actual_enter, actual_return, actual_submit

pytestmark = pytest.mark.django_db

CITY = "柳州市"


@dataclass(frozen=True)
class Figure:
    unit: str
    period: str
    status: str
    value: str

    @property
    def year(self) -> int:
        return int(self.period[:4])

    @property
    def pending(self) -> bool:
        return self.status != "approved"


FIGURES = [
    Figure("柳南", "2019-Q1", "draft", "901"),
    Figure("柳南", "2020-Q1", "submitted", "802"),
    Figure("柳南", "2021-Q1", "returned", "703"),
    Figure("柳南", "2022-Q1", "approved", "604"),
    Figure(CITY, "2019-Q1", "draft", "951"),
    Figure(CITY, "2020-Q1", "submitted", "852"),
    Figure(CITY, "2021-Q1", "returned", "753"),
    Figure(CITY, "2022-Q1", "approved", "654"),
]
APPROVED = {f.value for f in FIGURES if not f.pending}
ALL = {f.value for f in FIGURES}
YEARS = (2019, 2020, 2021, 2022)

#: Who reads, with which scope relative to the figures (柳南's and the city's, indicator 3 led by 市科技局).
ROLES: dict[str, tuple[str | None, dict[str, str]]] = {
    "anonymous": (None, {}),
    "user without a role": (None, {}),
    "viewer": ("viewer", {}),
    "reporter of the unit": ("reporter", {"org_unit": "柳南"}),
    "reporter of another unit": ("reporter", {"org_unit": "柳北"}),
    "reviewer of the lead department": ("reviewer", {"department": "市科技局"}),
    "reviewer of another department": ("reviewer", {"department": "市人力资源社会保障局"}),
    "administrator": ("admin", {}),
}

#: Whose pending figures each reader may see: the rule, written out once by hand.
PENDING_OF: dict[str, set[str]] = {
    "anonymous": set(),
    "user without a role": set(),
    "viewer": {"柳南", CITY},
    "reporter of the unit": {"柳南"},
    "reporter of another unit": set(),
    "reviewer of the lead department": {"柳南", CITY},
    "reviewer of another department": set(),
    "administrator": {"柳南", CITY},
}


def visible(role: str) -> set[str]:
    """The values the rule lets `role` see when asking for pending figures."""
    return {f.value for f in FIGURES if not f.pending or f.unit in PENDING_OF[role]}


def forbidden(role: str, seen: Iterable[str]) -> set[str]:
    return set(seen) - visible(role)


# -- the setting -------------------------------------------------------------------------------------


def org_unit(name: str) -> OrgUnit:
    return OrgUnit.objects.get(code="450200") if name == CITY else OrgUnit.objects.get(short_name=name)


def make_user(role: str) -> User | None:
    kind, scope = ROLES[role]
    if role == "anonymous":
        return None
    user = User.objects.create_user(username=f"reader{list(ROLES).index(role)}", password="x-Very-long-9")
    if kind is not None:
        Role.objects.create(
            user=user,
            kind=kind,
            org_unit=org_unit(scope["org_unit"]) if "org_unit" in scope else None,
            department=Department.objects.get(name=scope["department"]) if "department" in scope else None,
        )
    return user


@dataclass
class Setting:
    plan: Plan
    indicator: Indicator
    ids: dict[str, int]  # value → the figure's id


def _setup_actor(name: str, **role: object) -> Actor:
    user = User.objects.create_user(username=name, password="x-Very-long-9")
    Role.objects.create(user=user, **role)
    return Actor(door=Door.WEB, label=name, user=user)


@pytest.fixture
def setting(seed_plan: Plan) -> Setting:
    indicator = Indicator.objects.get(plan=seed_plan, number="3")
    reporters = {
        "柳南": _setup_actor("setup-liunan", kind="reporter", org_unit=org_unit("柳南")),
        CITY: _setup_actor("setup-city", kind="reporter", org_unit=org_unit(CITY)),
    }
    reviewer = _setup_actor("setup-keji", kind="reviewer", department=Department.objects.get(name="市科技局"))
    ids = {}
    for figure in FIGURES:
        reporter = reporters[figure.unit]
        actual = actual_enter(
            actor=reporter,
            indicator=indicator,
            org_unit=org_unit(figure.unit),
            period=figure.period,
            value=figure.value,
        )
        if figure.status != "draft":
            actual = actual_submit(actor=reporter, actual=actual, expected_version=actual.version)
        if figure.status == "returned":
            actual = actual_return(actor=reviewer, actual=actual, reason="请核实", expected_version=actual.version)
        if figure.status == "approved":
            actual = actual_approve(actor=reviewer, actual=actual, expected_version=actual.version)
        assert actual.status == figure.status
        ids[figure.value] = actual.pk
    return Setting(plan=seed_plan, indicator=indicator, ids=ids)


def client_for(role: str) -> Client:
    client = Client()
    user = make_user(role)
    if user is not None:
        client.force_login(user)
    return client


#: A whole number standing alone: not part of 0.604, 1604, 604.5 or 1,604 (in JSON, 604 may end in a comma),
#: nor of a token such as a CSRF token's "xQ753b" (Latin letters around it; Chinese ones may touch it).
_NUMBER = re.compile(r"(?<![A-Za-z\d.])(?<!\d,)(\d+)(?![A-Za-z\d]|\.\d|,\d{3})")


def values_in(text: str, among: Iterable[str] = ALL) -> set[str]:
    """Which of the figures' values a response shows, as whole numbers (604, not 0.604 or 1604)."""
    return set(_NUMBER.findall(text)) & set(among)


# -- the doors ---------------------------------------------------------------------------------------

Read = Callable[[Client, Setting], set[str]]


def _get(client: Client, url: str, **query: object) -> str:
    response = client.get(url, query)
    return response.content.decode() if response.status_code == 200 else ""


def web_overview(client: Client, s: Setting) -> set[str]:
    return values_in(_get(client, reverse("web:progress", args=[s.plan.pk]), year=2022, pending=1))


def web_indicator(client: Client, s: Setting) -> set[str]:
    return values_in(_get(client, reverse("web:progress_indicator", args=[s.plan.pk, "3"]), year=2022, pending=1))


def web_unit(client: Client, s: Setting) -> set[str]:
    url = reverse("web:progress_unit", args=[s.plan.pk, org_unit("柳南").pk])
    return set().union(*(values_in(_get(client, url, year=year, pending=1)) for year in YEARS))


def web_rankings(client: Client, s: Setting) -> set[str]:
    url = reverse("web:progress_rankings", args=[s.plan.pk])
    return set().union(*(values_in(_get(client, url, year=year, pending=1)) for year in YEARS))


def web_milestones(client: Client, s: Setting) -> set[str]:
    return values_in(_get(client, reverse("web:progress_milestones", args=[s.plan.pk]), year=2022, pending=1))


def web_plan_table(client: Client, s: Setting) -> set[str]:
    return values_in(_get(client, reverse("web:plan", args=[s.plan.pk]), pending=1))


def web_findings(client: Client, s: Setting) -> set[str]:
    return values_in(_get(client, reverse("web:plan_findings", args=[s.plan.pk]), pending=1))


def web_history(client: Client, s: Setting) -> set[str]:
    return {
        value
        for value, pk in s.ids.items()
        if value in values_in(_get(client, reverse("web:value_history", args=[pk])))
    }


def web_report_home(client: Client, s: Setting) -> set[str]:
    return values_in(_get(client, reverse("web:report_home")))


def web_review_queue(client: Client, s: Setting) -> set[str]:
    return values_in(_get(client, reverse("web:review")))


def _api_rows(client: Client, url: str, **query: object) -> list[dict]:
    response = client.get(url, query)
    return [response.json()] if response.status_code == 200 else []


def api_progress(client: Client, s: Setting) -> set[str]:
    url = f"/api/plans/{s.plan.pk}/progress/"
    seen: set[str] = set()
    for year in YEARS:
        for body in _api_rows(client, url, year=year, indicator="3", include_pending="true"):
            seen |= values_in(json.dumps(body["rows"]))
            seen |= values_in(json.dumps(body["milestones"]))
    return seen


def api_rankings(client: Client, s: Setting) -> set[str]:
    """Rankings give rates, not values: 柳南 has a rate in a year exactly when its figure of that year counted."""
    url = f"/api/plans/{s.plan.pk}/rankings/"
    liunan = {f.year: f.value for f in FIGURES if f.unit == "柳南"}
    seen: set[str] = set()
    for year in YEARS:
        for body in _api_rows(client, url, year=year, include_pending="true"):
            (high_tech,) = [i for i in body["indicators"] if i["indicator_number"] == "3"]
            if next(u for u in high_tech["units"] if u["unit"] == "柳南")["rate"] is not None:
                seen.add(liunan[year])
    return seen


def api_actual(client: Client, s: Setting) -> set[str]:
    return {value for value, pk in s.ids.items() if value in values_in(_get(client, f"/api/actuals/{pk}/"))}


def api_history(client: Client, s: Setting) -> set[str]:
    return {value for value, pk in s.ids.items() if value in values_in(_get(client, f"/api/actuals/{pk}/history/"))}


def api_due(client: Client, s: Setting) -> set[str]:
    return values_in(_get(client, "/api/reporting/due/"))


def api_review(client: Client, s: Setting) -> set[str]:
    return values_in(_get(client, "/api/reporting/review/"))


@dataclass(frozen=True)
class FigureDoor:
    read: Read
    shows: frozenset[str]  # the figures this door can show (to a reader allowed everything)
    takes_pending: bool = True  # False: the door shows the official record only, whatever is asked
    signed_in: bool = False  # True: anonymous readers are turned away altogether
    # True: even an approved figure's page shows its pending past (values, reasons), so it takes the right
    # to see the figure's pending values.
    pending_rights_only: bool = False


LIUNAN = frozenset(f.value for f in FIGURES if f.unit == "柳南")
# The city's row of 高新技术企业 (units add up) is its units' sum, 汇总 — 柳南's figure here, the only unit
# reporting — with the city's own figure beside it for the year shown (2022).
OVERVIEW = LIUNAN | {f.value for f in FIGURES if f.unit == CITY and f.year == 2022}
# A stock's milestone is reached by the sum of the units' figures of the milestone year (2020 and 2022 here).
MILESTONE_YEARS = frozenset(f.value for f in FIGURES if f.unit == "柳南" and f.year in (2020, 2022))

#: Every door that shows actual values, with what it shows. The reporting lists (due, review) show what
#: their owner must act on, not every figure: for them only forbidden successes are counted.
DOORS: dict[str, FigureDoor] = {
    "web overview": FigureDoor(web_overview, OVERVIEW),
    "web indicator page": FigureDoor(web_indicator, frozenset(ALL)),
    "web unit scorecard": FigureDoor(web_unit, LIUNAN),
    "web rankings": FigureDoor(web_rankings, frozenset(ALL)),
    "web milestones": FigureDoor(web_milestones, MILESTONE_YEARS),
    # The table's 实际 rows and its findings hold year-end figures (annual, Q4, December) only: the
    # first-quarter figures here are none of them, so these doors show none — and never a pending one.
    "web decomposition table": FigureDoor(web_plan_table, frozenset(), takes_pending=False),
    "web findings": FigureDoor(web_findings, frozenset(), takes_pending=False),
    "web value history": FigureDoor(web_history, frozenset(ALL), signed_in=True, pending_rights_only=True),
    "api progress": FigureDoor(api_progress, frozenset(ALL)),
    "api rankings": FigureDoor(api_rankings, LIUNAN),
    "api actual detail": FigureDoor(api_actual, frozenset(ALL), signed_in=True),
    "api actual history": FigureDoor(api_history, frozenset(ALL), signed_in=True, pending_rights_only=True),
}
LISTS: dict[str, Read] = {
    "web reporter's due list": web_report_home,
    "web review queue": web_review_queue,
    "api due list": api_due,
    "api review queue": api_review,
}


def expected(door: FigureDoor, role: str) -> set[str]:
    if door.signed_in and role == "anonymous":
        return set()
    if door.pending_rights_only:
        return {f.value for f in FIGURES if f.unit in PENDING_OF[role]} & door.shows
    may = visible(role) if door.takes_pending else APPROVED
    return set(door.shows) & may


CASES = [(door, role) for door in DOORS for role in ROLES]

#: Readers who are offered the switch on this plan: anyone with a scope in it (柳北 is a unit of the plan,
#: 市人社局 leads its indicator 2), though what each then sees is still their scope only.
OFFERED_THE_SWITCH = set(ROLES) - {"anonymous", "user without a role"}


def test_the_written_rule_is_the_permission_layers_rule(setting) -> None:
    for role in ROLES:
        user = make_user(role) if role != "anonymous" else None
        grants = grants_for(user or AnonymousUser())
        for figure in FIGURES:
            allowed = not figure.pending or can(
                grants,
                Action.VIEW_PENDING,
                org_unit_id=org_unit(figure.unit).pk,
                lead_department_ids=list(setting.indicator.lead_departments.values_list("pk", flat=True)),
            )
            assert allowed == (figure.value in visible(role)), (role, figure)


@pytest.mark.parametrize("role", list(ROLES))
def test_visible_to_filters_exactly_the_figures_the_rule_allows(setting, role) -> None:
    user = make_user(role) or AnonymousUser()
    ours = ActualValue.objects.filter(pk__in=setting.ids.values())

    def values(queryset) -> set[str]:
        return {f"{value.normalize():f}" for value in queryset.values_list("value", flat=True)}

    assert values(ours.visible_to(user, include_pending=True)) == visible(role)
    assert values(ours.visible_to(user)) == APPROVED
    assert values(ours.visible_to(user, include_pending=True).order_by().distinct()) == visible(role)
    assert ours.visible_to(user, include_pending=True).count() == len(visible(role))  # no duplicate rows


def test_the_matrix_covers_every_role_and_door() -> None:
    assert len(CASES) == 96


@pytest.mark.parametrize("door", list(DOORS))
def test_each_door_shows_each_reader_exactly_the_figures_the_rule_allows(setting, door) -> None:
    seen = {role: DOORS[door].read(client_for(role), setting) for role in ROLES}

    forbidden_successes = sum(len(forbidden(role, values)) for role, values in seen.items())
    assert forbidden_successes == 0
    assert seen == {role: expected(DOORS[door], role) for role in ROLES}


@pytest.mark.parametrize("role", list(ROLES))
def test_the_reporting_lists_show_no_reader_a_pending_figure_outside_their_scope(setting, role) -> None:
    client = client_for(role)
    successes = {name: forbidden(role, read(client, setting)) for name, read in LISTS.items()}

    assert successes == {name: set() for name in LISTS}


def test_no_door_shows_any_of_the_values_before_the_figures_exist(seed_plan) -> None:
    """The values are found nowhere else in the seed's pages: what the matrix sees are the figures."""
    empty = Setting(plan=seed_plan, indicator=Indicator.objects.get(plan=seed_plan, number="3"), ids={})
    client = client_for("administrator")
    assert {name: door.read(client, empty) for name, door in DOORS.items()} == {name: set() for name in DOORS}


# -- the pending switch ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(ROLES))
def test_the_pending_switch_is_offered_only_to_those_who_may_see_pending_figures(setting, role) -> None:
    page = _get(client_for(role), reverse("web:progress", args=[setting.plan.pk]), year=2022)

    assert ('class="pending-switch"' in page) == (role in OFFERED_THE_SWITCH)


def test_an_anonymous_visitor_asking_for_pending_figures_sees_the_official_page(setting) -> None:
    client = Client()
    url = reverse("web:progress_indicator", args=[setting.plan.pk, "3"])
    asking = _get(client, url, year=2022, pending=1)

    assert values_in(asking) == values_in(_get(client, url, year=2022)) == APPROVED
    assert 'class="pending-switch"' not in asking


# -- the command line: the operator reads as an administrator ----------------------------------------


def cli_progress(capsys, plan: Plan, *switches: str) -> set[str]:
    seen: set[str] = set()
    for year in YEARS:
        call_command("progress", str(plan.pk), "--year", str(year), "--indicator", "3", "--format", "json", *switches)
        seen |= values_in(capsys.readouterr().out)
    return seen


def test_the_command_line_reads_as_an_administrator_and_counts_pending_figures_only_when_asked(setting, capsys) -> None:
    assert cli_progress(capsys, setting.plan, "--pending") == visible("administrator") == ALL
    assert cli_progress(capsys, setting.plan) == APPROVED


def test_the_dump_lists_the_official_figures_only(setting, capsys) -> None:
    call_command("dump_plan", str(setting.plan.pk), "--format", "json")
    actual_rows = [row for row in json.loads(capsys.readouterr().out) if row["level"] == "actual"]

    assert values_in(json.dumps(actual_rows)) == APPROVED


# -- no door reads around the rule -------------------------------------------------------------------


def test_no_door_calls_a_private_building_block_of_the_rule() -> None:
    from pathlib import Path

    package = Path(__file__).resolve().parents[2] / "mubiao"
    doors = [
        *(package / "web").rglob("*.py"),
        *(package / "api").rglob("*.py"),
        *package.glob("*/management/commands/*.py"),
    ]
    callers = [str(path.relative_to(package)) for path in doors if ".counted(" in path.read_text(encoding="utf-8")]

    assert doors and callers == []
    assert not hasattr(ActualValue.objects, "counted")
