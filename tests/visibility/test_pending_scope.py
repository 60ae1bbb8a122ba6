"""The read scope is the permission layer's own rule: `pending_scope(grants)` covers a figure exactly when
`can(grants, Action.VIEW_PENDING, …)` allows it. Pure values, no database."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mubiao.accounts.permissions import NO_GRANTS, OPERATOR, Action, Grants, PendingScope, can, pending_scope

ids = st.frozensets(st.integers(min_value=1, max_value=8), max_size=4)
grants = st.builds(
    Grants, is_admin=st.booleans(), is_viewer=st.booleans(), reporter_units=ids, reviewer_departments=ids
)


def covers(scope: PendingScope, org_unit_id: int, lead_department_ids: frozenset[int]) -> bool:
    return (
        scope.everything or org_unit_id in scope.org_unit_ids or bool(scope.lead_department_ids & lead_department_ids)
    )


@given(grants, st.integers(min_value=1, max_value=8), ids)
def test_the_scope_covers_exactly_the_pending_figures_can_allows(held, org_unit_id, lead_department_ids) -> None:
    allowed = can(held, Action.VIEW_PENDING, org_unit_id=org_unit_id, lead_department_ids=lead_department_ids)

    assert covers(pending_scope(held), org_unit_id, lead_department_ids) == allowed


def test_anonymous_readers_may_see_no_pending_figure() -> None:
    assert pending_scope(NO_GRANTS).nothing


def test_the_command_line_operator_reads_as_an_administrator() -> None:
    assert OPERATOR.is_admin and pending_scope(OPERATOR).everything
