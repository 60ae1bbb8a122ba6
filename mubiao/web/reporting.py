"""Presenters of the reporting pages: due lists, the entry form, the review queue, a figure's history.

The workflow's selectors (mubiao.reporting.due) return plain items and model rows; here they become
what the templates lay out — formatted numbers, labels in the UI's language, links — so no template computes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mubiao.audit.models import Door
from mubiao.domain.numbers import format_decimal
from mubiao.domain.periods import Period
from mubiao.orgunits.models import OrgUnit
from mubiao.plans.models import Indicator, IndicatorKind, Target
from mubiao.refusals import refusal_text
from mubiao.reporting.models import ActualStatus, ActualValue, Evidence
from mubiao.reporting.workflow import ytd_fall
from mubiao.web.dashboard import period_label

#: Where an item of a reporter's list stands, in the words of the UI.
STATE_LABELS: dict[str, Promise] = {
    "overdue": gettext_lazy("已逾期"),
    "returned": gettext_lazy("已退回"),
    "due": gettext_lazy("待填报"),
    "draft": gettext_lazy("草稿"),
    "submitted": gettext_lazy("待审核"),
    "approved": gettext_lazy("已通过"),
}

#: The order a reporter deals with them: what is late or sent back first.
STATE_ORDER = ("overdue", "returned", "due", "draft", "submitted", "approved")

#: What the workflow's steps are called in a figure's history; an unknown step shows as recorded.
ACTION_LABELS: dict[str, Promise] = {
    "enter": gettext_lazy("填报"),
    "submit": gettext_lazy("提交"),
    "approve": gettext_lazy("审核通过"),
    "return": gettext_lazy("退回"),
    "unlock": gettext_lazy("解锁"),
    "attach": gettext_lazy("上传证明材料"),
    "create": gettext_lazy("录入"),
    "update": gettext_lazy("修改"),
    "denied": gettext_lazy("拒绝访问"),
}

DASH = "—"


def label_of_period(period: str) -> str:
    try:
        return period_label(Period.parse(period))
    except ValueError:
        return period


def state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, state))


def when(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def entry_url(indicator_id: int, unit_id: int, period: str) -> str:
    return reverse("web:report_entry", args=[indicator_id, unit_id, period])


def history_url(actual_id: int | None) -> str:
    return reverse("web:value_history", args=[actual_id]) if actual_id else ""


#: The same warnings as a reviewer reads them: what to check, not the reporter's instruction to confirm.
REVIEW_WORDS = {
    "ytd_below_previous": gettext_lazy(
        "“%(indicator)s”%(period)s的累计值%(value)s低于%(previous_period)s的%(previous)s，请核对是否属更正"
    ),
    "ytd_above_next": gettext_lazy(
        "“%(indicator)s”%(period)s的累计值%(value)s高于其后%(next_period)s的%(next)s，请核对是否属更正"
    ),
}


def ytd_warning(
    indicator: Indicator, org_unit_id: int, period: str, value: Decimal | None, *, for_reviewer: bool = False
) -> str:
    """The words of the workflow's warning when a flow's year-to-date figure is out of step with the year's
    others (the reporter's, or with `for_reviewer` what a reviewer should check), or ""."""
    try:
        parsed = Period.parse(period)
    except ValueError:
        return ""
    fall = ytd_fall(indicator, org_unit_id, parsed, value)
    if fall is None:
        return ""
    if for_reviewer and fall.code in REVIEW_WORDS:
        return str(REVIEW_WORDS[fall.code]) % fall.params
    return refusal_text(fall)


def value_label(indicator: Indicator) -> str:
    """What the figure is: a flow reports the year to date, a stock its level at the end of the period."""
    return _("年初至今累计") if indicator.kind == IndicatorKind.FLOW else _("期末数")


# -- the reporter's home -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DueRow:
    indicator: str
    unit: str
    period: str
    period_label: str
    deadline: date
    state: str
    state_label: str
    value: str
    return_reason: str
    url: str
    history_url: str


@dataclass(frozen=True)
class PeriodGroup:
    period: str
    label: str
    rows: list[DueRow]


@dataclass(frozen=True)
class StateCount:
    state: str
    label: str
    count: int


@dataclass(frozen=True)
class ReportHome:
    counts: list[StateCount]
    returned: list[DueRow]  # sent back by the reviewer: first, whatever their period
    groups: list[PeriodGroup]  # everything else by period, the latest first

    @property
    def is_empty(self) -> bool:
        return not self.groups and not self.returned


def _period_key(period: str) -> tuple[int, int, str]:
    try:
        parsed = Period.parse(period)
    except ValueError:
        return (0, 0, period)
    return (parsed.year, parsed.end_month, parsed.kind.value)


def _due_row(item: Any) -> DueRow:
    return DueRow(
        indicator=f"{item.indicator_number}. {item.indicator}",
        unit=item.unit,
        period=item.period,
        period_label=label_of_period(item.period),
        deadline=item.deadline,
        state=item.state,
        state_label=state_label(item.state),
        value=format_decimal(item.value),
        return_reason=item.return_reason or "",
        url=entry_url(item.indicator_id, item.unit_id, item.period),
        history_url=history_url(item.actual_id),
    )


def report_home(items: Sequence[Any]) -> ReportHome:
    """The due list: returned figures first, then the rest by period, the current one first, each period's
    late figures at its top."""
    rank = {state: index for index, state in enumerate(STATE_ORDER)}
    ordered = sorted(items, key=lambda item: (rank.get(item.state, len(rank)), item.deadline))
    by_period: dict[str, list[DueRow]] = {}
    for item in ordered:
        if item.state != "returned":
            by_period.setdefault(item.period, []).append(_due_row(item))
    groups = [
        PeriodGroup(period=period, label=label_of_period(period), rows=rows)
        for period, rows in sorted(by_period.items(), key=lambda pair: _period_key(pair[0]), reverse=True)
    ]
    counted = [item.state for item in items]
    counts = [
        StateCount(state=state, label=state_label(state), count=counted.count(state))
        for state in STATE_ORDER
        if counted.count(state)
    ]
    return ReportHome(
        counts=counts, returned=[_due_row(item) for item in ordered if item.state == "returned"], groups=groups
    )


# -- the entry page ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceView:
    name: str
    size: str
    url: str
    uploaded: str


def file_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} B"


def evidence_views(actual: ActualValue | None) -> list[EvidenceView]:
    if actual is None or actual.pk is None:
        return []
    return [
        EvidenceView(
            name=evidence.filename,
            size=file_size(evidence.size),
            url=reverse("web:evidence_download", args=[evidence.pk]),
            uploaded=" · ".join(
                part for part in (getattr(evidence.uploaded_by, "username", ""), when(evidence.uploaded_at)) if part
            ),
        )
        for evidence in Evidence.objects.filter(actual=actual).select_related("uploaded_by").order_by("uploaded_at")
    ]


@dataclass(frozen=True)
class TargetFigures:
    year: int
    committed: str
    stretch: str


def targets_of(indicator: Indicator, org_unit: OrgUnit, year: int) -> TargetFigures:
    values = dict(
        Target.objects.filter(indicator=indicator, org_unit=org_unit, year=year).values_list("level", "value")
    )
    return TargetFigures(
        year=year, committed=format_decimal(values.get("committed")), stretch=format_decimal(values.get("stretch"))
    )


@dataclass(frozen=True)
class EntryPage:
    indicator: Indicator
    unit: OrgUnit
    period: str
    period_label: str
    value_label: str
    targets: TargetFigures
    status: str
    status_label: str
    return_reason: str
    value: str
    note: str
    version: str
    evidence: list[EvidenceView]
    editable: bool
    history_url: str
    lead_departments: str
    reviewed: str
    submitted: str
    #: A stored year-to-date figure out of step with the year's others (the workflow's `ytd_below_previous`
    #: or `ytd_above_next`), or "".
    warning: str = ""
    #: The save was refused until the reporter confirms the fall: the form offers the tick box.
    needs_acknowledgement: bool = False


def entry_page(
    *,
    indicator: Indicator,
    org_unit: OrgUnit,
    period: str,
    actual: ActualValue | None,
    may_enter: bool,
    typed: Mapping[str, str] | None = None,
    needs_acknowledgement: bool = False,
) -> EntryPage:
    """The entry form for one unit's figure of one period; `typed` keeps what the user typed after a refusal.

    `needs_acknowledgement` after the workflow refused a year-to-date fall: the form asks for the tick.
    """
    status = actual.status if actual is not None else ""
    editable = may_enter and status not in (ActualStatus.SUBMITTED, ActualStatus.APPROVED)
    value = format_decimal(actual.value) if actual is not None else ""
    note = actual.note if actual is not None else ""
    if typed is not None:
        value, note = typed.get("value", value), typed.get("note", note)
    return EntryPage(
        indicator=indicator,
        unit=org_unit,
        period=period,
        period_label=label_of_period(period),
        value_label=value_label(indicator),
        targets=targets_of(indicator, org_unit, Period.parse(period).year),
        status=status or "new",
        status_label=str(ActualStatus(status).label) if status else _("尚未填报"),
        return_reason=actual.return_reason if actual is not None and status == ActualStatus.RETURNED else "",
        value=value,
        note=note,
        version=str(actual.version) if actual is not None else "",
        evidence=evidence_views(actual),
        editable=editable,
        history_url=history_url(actual.pk if actual is not None else None),
        lead_departments="、".join(d.name for d in indicator.lead_departments.all()),
        reviewed=_person_and_time(actual, "reviewed") if actual is not None else "",
        submitted=_person_and_time(actual, "submitted") if actual is not None else "",
        warning=ytd_warning(indicator, org_unit.pk, period, actual.value) if actual is not None else "",
        needs_acknowledgement=needs_acknowledgement,
    )


def _person_and_time(actual: ActualValue, step: str) -> str:
    person = getattr(actual, f"{step}_by")
    moment = getattr(actual, f"{step}_at")
    return " · ".join(part for part in (getattr(person, "username", ""), when(moment)) if part)


# -- the review queue --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewRow:
    actual_id: int
    unit: str
    indicator: str
    unit_of_measure: str
    period: str
    period_label: str
    value_label: str
    value: str
    targets: TargetFigures
    note: str
    evidence: list[EvidenceView]
    version: int
    submitted: str
    reviewed: str
    status_label: str
    history_url: str
    entry_url: str
    #: A year-to-date figure out of step with the year's others, in a reviewer's words; or "".
    warning: str = ""


def review_rows(actuals: Iterable[ActualValue]) -> list[ReviewRow]:
    return [
        ReviewRow(
            actual_id=actual.pk,
            unit=actual.org_unit.short_name,
            indicator=f"{actual.indicator.number}. {actual.indicator.name}",
            unit_of_measure=actual.indicator.unit_of_measure,
            period=actual.period,
            period_label=label_of_period(actual.period),
            value_label=value_label(actual.indicator),
            value=format_decimal(actual.value),
            targets=targets_of(actual.indicator, actual.org_unit, actual.year),
            note=actual.note,
            evidence=evidence_views(actual),
            version=actual.version,
            submitted=_person_and_time(actual, "submitted"),
            reviewed=_person_and_time(actual, "reviewed"),
            status_label=str(ActualStatus(actual.status).label),
            history_url=history_url(actual.pk),
            entry_url=entry_url(actual.indicator_id, actual.org_unit_id, actual.period),
            warning=ytd_warning(actual.indicator, actual.org_unit_id, actual.period, actual.value, for_reviewer=True),
        )
        for actual in actuals
    ]


# -- a figure's history ------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryRow:
    at: str
    who: str
    door: str
    action: str
    before: str
    after: str
    reason: str


def door_label(door: str) -> str:
    try:
        return str(Door(door).label)
    except ValueError:
        return door


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def _status_text(value: Any) -> str:
    try:
        return str(ActualStatus(value).label)
    except ValueError:
        return str(value)


def state_text(state: Any) -> str:
    """A before or after state in a line: status, value and note of a snapshot, or the recorded text as is."""
    if state is None or state == "" or state == {}:
        return DASH
    if isinstance(state, Mapping):
        parts = []
        if state.get("status"):
            parts.append(_status_text(state["status"]))
        if "value" in state:
            value = state["value"]
            try:
                shown = format_decimal(Decimal(str(value))) if value not in (None, "") else _("空白")
            except InvalidOperation:
                shown = str(value)
            parts.append(_("值 %(value)s") % {"value": shown})
        if state.get("note"):
            parts.append(_("说明：%(note)s") % {"note": state["note"]})
        if state.get("filename"):
            parts.append(str(state["filename"]))
        if not parts:
            parts = [f"{key}: {value}" for key, value in state.items()]
        return " · ".join(parts)
    if isinstance(state, str) and state in ActualStatus.values:
        return _status_text(state)
    return str(state)


def history_rows(entries: Iterable[Any]) -> list[HistoryRow]:
    return [
        HistoryRow(
            at=when(entry.at),
            who=entry.actor_label,
            door=door_label(entry.door),
            action=action_label(entry.action),
            before=state_text(entry.before),
            after=state_text(entry.after),
            reason=entry.reason or "",
        )
        for entry in entries
    ]


# -- reminders on the progress overview ----------------------------------------------------------


@dataclass(frozen=True)
class ReminderView:
    unit: str
    overdue: int
    returned: int


def reminder_views(reminders: Mapping[str, Mapping[str, int]], *, with_returned: bool = True) -> list[ReminderView]:
    """The units with something late or sent back, the most overdue first; without `with_returned`,
    late only (how many figures were sent back is a fact about pending figures)."""
    rows = [
        ReminderView(
            unit=unit, overdue=counts.get("overdue", 0), returned=counts.get("returned", 0) if with_returned else 0
        )
        for unit, counts in reminders.items()
    ]
    return sorted(
        (row for row in rows if row.overdue or row.returned), key=lambda row: (-row.overdue, -row.returned, row.unit)
    )
