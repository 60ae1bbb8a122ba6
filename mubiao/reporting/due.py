"""What is asked of whom: a reporter's due list, a reviewer's queue, a figure's history, reminders per unit.

Which periods are asked follows each indicator's reporting frequency and deadline day
(mubiao.domain.deadlines). A cell (indicator × unit × period) stands as:

- ``returned``: sent back by the reviewer (whatever the date);
- ``submitted``: waiting for review;
- ``draft``: saved, not submitted, deadline not passed;
- ``due``: nothing entered, deadline not passed;
- ``overdue``: deadline passed and nothing submitted (no figure, or only a draft).

Approved cells ask nothing and are left out, and so are the periods of a year whose whole-year
figure is approved (an imported annual report answers that year). The city is asked nothing where its
units add up: its figure is their sum (汇总). Figures entered for periods the frequency does not
ask (or not ended yet) still appear while they are unfinished.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mubiao.accounts.permissions import grants_for
from mubiao.audit.models import AuditRecord
from mubiao.domain.deadlines import PeriodState, deadline_of, open_periods
from mubiao.domain.periods import Period
from mubiao.domain.values import units_add_up
from mubiao.plans.models import Indicator, Plan, PlanUnit
from mubiao.reporting.models import ActualStatus, ActualValue

User = AbstractBaseUser | AnonymousUser

#: The order a due list is read in: what needs doing first.
STATE_ORDER = {"returned": 0, "overdue": 1, "due": 2, "draft": 3, "submitted": 4}

ACTION_LABELS: dict[str, Any] = {
    "enter": _("填报"),
    "submit": _("提交"),
    "approve": _("审核通过"),
    "return": _("退回"),
    "unlock": _("解锁"),
    "attach": _("上传证明材料"),
    "create": _("录入"),
    "update": _("修改"),
    "denied": _("拒绝访问"),
}


@dataclass(frozen=True)
class DueItem:
    """One figure a unit owes (or has owed) for one period, and where it stands."""

    indicator_id: int
    indicator_number: str
    indicator: str
    unit_id: int
    unit: str
    period: str
    deadline: date
    #: Where the indicator and the unit stand in the plan's table (the area first), so lists follow the table.
    plan_id: int
    indicator_position: int
    unit_position: int
    state: str
    actual_id: int | None
    value: Decimal | None
    version: int | None
    return_reason: str


@dataclass(frozen=True)
class HistoryEntry:
    """One step in a figure's life, from the audit log."""

    at: datetime
    actor_label: str
    door: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))


def _today(today: date | None) -> date:
    return today if today is not None else timezone.localdate()


def _plan_units(plan: Plan) -> list[tuple[int, str]]:
    """The plan's units as its tables name them: the area first, then its columns in order."""
    columns = PlanUnit.objects.filter(plan=plan).order_by("position").values_list("org_unit_id", "header_name")
    return [(plan.area_id, plan.area.name), *columns]


def _state_of(actual: ActualValue | None, period_state: PeriodState | None) -> str | None:
    if actual is not None:
        if actual.status == ActualStatus.APPROVED:
            return None
        if actual.status == ActualStatus.RETURNED:
            return "returned"
        if actual.status == ActualStatus.SUBMITTED:
            return "submitted"
        return "overdue" if period_state is PeriodState.OVERDUE else "draft"
    if period_state is None:
        return None
    return "overdue" if period_state is PeriodState.OVERDUE else "due"


def _plan_items(plan: Plan, unit_ids: set[int] | None, today: date, year: int | None = None) -> list[DueItem]:
    """Every unfinished cell of the plan for those units (all of the plan's units when None), of one year
    or of all the plan's years."""
    units = [(pk, name) for pk, name in _plan_units(plan) if unit_ids is None or pk in unit_ids]
    if not units:
        return []
    names = dict(units)
    positions = {pk: position for position, (pk, _name) in enumerate(units)}
    indicators = list(Indicator.objects.filter(plan=plan).order_by("position", "id"))
    rows = ActualValue.objects.filter(indicator__plan=plan, org_unit_id__in=list(names))
    if year is not None:
        rows = rows.filter(year=year)
    stored: dict[tuple[int, int, str], ActualValue] = {
        (a.indicator_id, a.org_unit_id, a.period): a
        for a in rows.only(
            "id", "indicator_id", "org_unit_id", "period", "period_kind", "status", "value", "version", "return_reason"
        )
    }
    items: list[DueItem] = []
    seen: set[tuple[int, int, str]] = set()

    def add(indicator: Indicator, unit_id: int, period: str, deadline: date, state: str | None) -> None:
        if state is None:
            return
        actual = stored.get((indicator.pk, unit_id, period))
        items.append(
            DueItem(
                indicator_id=indicator.pk,
                indicator_number=indicator.number,
                indicator=indicator.name,
                unit_id=unit_id,
                unit=names[unit_id],
                period=period,
                deadline=deadline,
                plan_id=plan.pk,
                indicator_position=indicator.position,
                unit_position=positions[unit_id],
                state=state,
                actual_id=actual.pk if actual else None,
                value=actual.value if actual else None,
                version=actual.version if actual else None,
                return_reason=actual.return_reason if actual else "",
            )
        )

    # An approved figure for a whole year (an imported annual report, say) answers that year's periods.
    years_done = {
        (a.indicator_id, a.org_unit_id, a.period)
        for a in stored.values()
        if a.status == ActualStatus.APPROVED and a.period_kind == "year"
    }
    for indicator in indicators:
        years = plan.years if year is None else [year]
        asked = open_periods(indicator.reporting_frequency, years, indicator.deadline_day, today)
        # Where units add up, the city's figure is their sum (汇总): nothing the city owes. A figure it
        # enters itself all the same (a checked total) still shows below while it is unfinished.
        summed = units_add_up(indicator.unit_of_measure)
        for unit_id, _name in units:
            if summed and unit_id == plan.area_id:
                continue
            for open_period in asked:
                key = (indicator.pk, unit_id, str(open_period.period))
                seen.add(key)
                if key not in stored and (indicator.pk, unit_id, str(open_period.period.year)) in years_done:
                    continue
                add(indicator, unit_id, key[2], open_period.deadline, _state_of(stored.get(key), open_period.state))
    by_id = {indicator.pk: indicator for indicator in indicators}
    for key, actual in stored.items():
        if key in seen or actual.status == ActualStatus.APPROVED:
            continue
        indicator = by_id[actual.indicator_id]
        period = Period.parse(actual.period)
        add(
            indicator,
            actual.org_unit_id,
            actual.period,
            deadline_of(period, indicator.deadline_day),
            _state_of(actual, None),
        )
    return items


def _sorted(items: list[DueItem]) -> list[DueItem]:
    """Returned first, then overdue, due, drafts and waiting; each by deadline, then in the table's order."""
    return sorted(
        items,
        key=lambda i: (
            STATE_ORDER[i.state],
            i.deadline,
            i.plan_id,
            i.indicator_position,
            i.indicator_id,
            i.unit_position,
        ),
    )


def due_items(*, user: User, plan: Plan | None = None, today: date | None = None) -> list[DueItem]:
    """What the reporter's units (their subtrees included) owe: returned first, then overdue, due,
    drafts and figures waiting for review, each by deadline."""
    scope = set(grants_for(user).reporter_units)
    if not scope:
        return []
    day = _today(today)
    plans = [plan] if plan is not None else list(Plan.objects.select_related("area").order_by("id"))
    items: list[DueItem] = []
    for each in plans:
        items.extend(_plan_items(each, scope, day))
    return _sorted(items)


def review_queue(*, user: User, plan: Plan | None = None) -> list[ActualValue]:
    """Submitted figures the user may review (of indicators their departments lead), oldest first."""
    grants = grants_for(user)
    if not grants.is_admin and not grants.reviewer_departments:
        return []
    figures: QuerySet[ActualValue] = ActualValue.objects.filter(status=ActualStatus.SUBMITTED)
    if plan is not None:
        figures = figures.filter(indicator__plan=plan)
    if not grants.is_admin:
        led = Indicator.objects.filter(lead_departments__in=grants.reviewer_departments).values("pk")
        figures = figures.filter(indicator__in=led)
    return list(
        figures.select_related("indicator", "org_unit", "submitted_by").order_by("submitted_at", "indicator_id", "id")
    )


def actual_history(actual: ActualValue) -> list[HistoryEntry]:
    """Every recorded step of the figure, oldest first (refused attempts are security events, not steps)."""
    records = (
        AuditRecord.objects.filter(object_type=ActualValue._meta.label_lower, object_id=str(actual.pk))
        .exclude(action="denied")
        .order_by("at", "id")
    )
    return [HistoryEntry(r.at, r.actor_label, r.door, r.action, r.before, r.after, r.reason) for r in records]


def overdue_until(
    *, plan: Plan, period: Period, today: date | None = None, targeted: set[tuple[str, str]] | None = None
) -> dict[str, int]:
    """Per unit of the plan: how many figures of the period's year, up to its end, are overdue (not sent on time
    and still not sent), as a bulletin for that period names them; every unit, with zeros. With `targeted`
    (indicator number, unit) pairs, only the figures owed against a target count."""
    counts = {name: 0 for _pk, name in _plan_units(plan)}
    for item in _plan_items(plan, None, _today(today), year=period.year):
        if targeted is not None and (item.indicator_number, item.unit) not in targeted:
            continue
        if item.state == "overdue" and Period.parse(item.period).end_month <= period.end_month:
            counts[item.unit] += 1
    return counts


def reminders(*, plan: Plan, today: date | None = None) -> dict[str, dict[str, int]]:
    """Per unit of the plan (as its table names them, area first): how many figures are overdue and
    how many were returned and not yet corrected. Every unit is listed, with zeros when it owes nothing."""
    counts: dict[str, dict[str, int]] = {name: {"overdue": 0, "returned": 0} for _pk, name in _plan_units(plan)}
    for item in _plan_items(plan, None, _today(today)):
        if item.state in ("overdue", "returned"):
            counts[item.unit][item.state] += 1
    return counts
