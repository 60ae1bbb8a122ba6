"""The permission matrix, domain half: every role × every scope × every action through the pure `can()`.

The expected answers are written out below, one row per (role, unit of the figure, lead department of its
indicator), one letter per action — Y allowed, N refused — so the table is read, not recomputed.
"""

from __future__ import annotations

import pytest

from mubiao.accounts.permissions import NO_GRANTS, Action, Grants, can

OWN_UNIT, SUBTREE_UNIT, OTHER_UNIT = 1, 2, 3  # SUBTREE_UNIT lies under OWN_UNIT
OWN_DEPARTMENT, OTHER_DEPARTMENT = 10, 20

#: Each role's grants as grants_for() builds them: a reporter's units include its subtree.
HOLDERS = {
    "admin": Grants(is_admin=True),
    "reviewer": Grants(reviewer_departments=frozenset({OWN_DEPARTMENT})),
    "reporter": Grants(reporter_units=frozenset({OWN_UNIT, SUBTREE_UNIT})),
    "viewer": Grants(is_viewer=True),
    "no role": NO_GRANTS,
}

UNITS = {"own unit": OWN_UNIT, "subtree unit": SUBTREE_UNIT, "other unit": OTHER_UNIT, "no unit": None}
DEPARTMENTS = {"own department": OWN_DEPARTMENT, "other department": OTHER_DEPARTMENT}

#: Column order of the letters below.
ACTIONS = (
    Action.VIEW,
    Action.VIEW_PENDING,
    Action.ENTER,
    Action.SUBMIT,
    Action.REVIEW,
    Action.UNLOCK,
    Action.ADMINISTER,
)

# fmt: off
EXPECTED = {
    # holder      unit of the figure  lead department        VIEW PEND ENTER SUBMIT REVIEW UNLOCK ADMIN
    ("admin",    "own unit",     "own department"):   "YYYYYYY",
    ("admin",    "own unit",     "other department"): "YYYYYYY",
    ("admin",    "subtree unit", "own department"):   "YYYYYYY",
    ("admin",    "subtree unit", "other department"): "YYYYYYY",
    ("admin",    "other unit",   "own department"):   "YYYYYYY",
    ("admin",    "other unit",   "other department"): "YYYYYYY",
    ("admin",    "no unit",      "own department"):   "YYYYYYY",
    ("admin",    "no unit",      "other department"): "YYYYYYY",

    ("reviewer", "own unit",     "own department"):   "YYNNYNN",
    ("reviewer", "own unit",     "other department"): "YNNNNNN",
    ("reviewer", "subtree unit", "own department"):   "YYNNYNN",
    ("reviewer", "subtree unit", "other department"): "YNNNNNN",
    ("reviewer", "other unit",   "own department"):   "YYNNYNN",
    ("reviewer", "other unit",   "other department"): "YNNNNNN",
    ("reviewer", "no unit",      "own department"):   "YYNNYNN",
    ("reviewer", "no unit",      "other department"): "YNNNNNN",

    ("reporter", "own unit",     "own department"):   "YYYYNNN",
    ("reporter", "own unit",     "other department"): "YYYYNNN",
    ("reporter", "subtree unit", "own department"):   "YYYYNNN",
    ("reporter", "subtree unit", "other department"): "YYYYNNN",
    ("reporter", "other unit",   "own department"):   "YNNNNNN",
    ("reporter", "other unit",   "other department"): "YNNNNNN",
    ("reporter", "no unit",      "own department"):   "YNNNNNN",
    ("reporter", "no unit",      "other department"): "YNNNNNN",

    ("viewer",   "own unit",     "own department"):   "YYNNNNN",
    ("viewer",   "own unit",     "other department"): "YYNNNNN",
    ("viewer",   "subtree unit", "own department"):   "YYNNNNN",
    ("viewer",   "subtree unit", "other department"): "YYNNNNN",
    ("viewer",   "other unit",   "own department"):   "YYNNNNN",
    ("viewer",   "other unit",   "other department"): "YYNNNNN",
    ("viewer",   "no unit",      "own department"):   "YYNNNNN",
    ("viewer",   "no unit",      "other department"): "YYNNNNN",

    ("no role",  "own unit",     "own department"):   "YNNNNNN",
    ("no role",  "own unit",     "other department"): "YNNNNNN",
    ("no role",  "subtree unit", "own department"):   "YNNNNNN",
    ("no role",  "subtree unit", "other department"): "YNNNNNN",
    ("no role",  "other unit",   "own department"):   "YNNNNNN",
    ("no role",  "other unit",   "other department"): "YNNNNNN",
    ("no role",  "no unit",      "own department"):   "YNNNNNN",
    ("no role",  "no unit",      "other department"): "YNNNNNN",
}
# fmt: on

CASES = [
    pytest.param(holder, unit, department, action, letters[column] == "Y", id=f"{holder}-{unit}-{department}-{action}")
    for (holder, unit, department), letters in EXPECTED.items()
    for column, action in enumerate(ACTIONS)
]


def test_the_table_covers_every_role_scope_and_action_exactly_once() -> None:
    assert set(EXPECTED) == {(h, u, d) for h in HOLDERS for u in UNITS for d in DEPARTMENTS}
    assert all(len(letters) == len(ACTIONS) and set(letters) <= {"Y", "N"} for letters in EXPECTED.values())
    assert set(ACTIONS) == set(Action)
    assert len(CASES) == 5 * 4 * 2 * 7 == 280


@pytest.mark.parametrize(("holder", "unit", "department", "action", "allowed"), CASES)
def test_each_role_may_do_exactly_what_the_table_says(
    holder: str, unit: str, department: str, action: Action, allowed: bool
) -> None:
    decision = can(HOLDERS[holder], action, org_unit_id=UNITS[unit], lead_department_ids=[DEPARTMENTS[department]])

    assert decision is allowed


def test_an_indicator_with_no_lead_department_is_reviewed_by_no_reviewer_but_the_administrator() -> None:
    assert can(HOLDERS["reviewer"], Action.REVIEW, org_unit_id=OWN_UNIT, lead_department_ids=[]) is False
    assert can(HOLDERS["admin"], Action.REVIEW, org_unit_id=OWN_UNIT, lead_department_ids=[]) is True


def test_an_indicator_led_by_two_departments_is_reviewed_by_either() -> None:
    both = [OTHER_DEPARTMENT, OWN_DEPARTMENT]

    assert can(HOLDERS["reviewer"], Action.REVIEW, org_unit_id=OTHER_UNIT, lead_department_ids=both) is True


def test_a_reporter_who_also_reviews_holds_both_powers_and_no_more() -> None:
    both = Grants(reporter_units=frozenset({OWN_UNIT}), reviewer_departments=frozenset({OWN_DEPARTMENT}))

    assert can(both, Action.SUBMIT, org_unit_id=OWN_UNIT, lead_department_ids=[OTHER_DEPARTMENT]) is True
    assert can(both, Action.REVIEW, org_unit_id=OWN_UNIT, lead_department_ids=[OWN_DEPARTMENT]) is True
    assert can(both, Action.SUBMIT, org_unit_id=OTHER_UNIT, lead_department_ids=[OWN_DEPARTMENT]) is False
    assert can(both, Action.UNLOCK, org_unit_id=OWN_UNIT, lead_department_ids=[OWN_DEPARTMENT]) is False
