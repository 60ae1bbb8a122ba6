"""The life of an actual value, in one module: every write of a figure goes through here.

    (none) ──enter──▶ draft ──submit──▶ submitted ──approve──▶ approved
                       ▲  │                 │                     │
                       │  └──enter (v+1)    └──return(reason)──▶ returned ◀──unlock(reason, admin)
                       └──────────────── enter (corrected) ◀─────────┘

    (none) ──import──▶ approved, origin "imported" ──re-import──▶ updated or cleared (still imported)

Every door (web, API, command line, the admin, every importer, the synthesizer) calls these
services, so one rule holds through all of them:

- `require(…)` decides first; a refusal writes only its "denied" security event.
- Then the step runs in one transaction that locks the row (SELECT … FOR UPDATE), compares the
  version the user saw with the stored one (a stale save is refused with StaleVersion: no lost
  updates), raises the version, and writes the audit record (before, after, why, door).
- A refused step raises WorkflowError, whose refusals are data (code, field, params), and writes nothing.
- Status and origin are always written explicitly: nothing defaults to approved.
- Figures a unit reported (origin "reported", in any status) belong to it: an import never changes
  or clears them; where a table differs, `actuals_import_write` lists a conflict and keeps the figure.
- Values are read by the domain's one parser and checked by its one rule (`figure_refusal`); periods
  must lie in the plan, at the indicator's frequency, and a year's figure excludes its Q4 (or December)
  figure.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from mubiao.accounts.permissions import Action, require
from mubiao.audit.services import Actor, AuditEntry, audit_entries_write, audit_entry, audit_record
from mubiao.db import db_datetime, insert_rows
from mubiao.domain.numbers import NumberFormatError, figure_refusal, format_decimal, parse_decimal
from mubiao.domain.periods import (
    Period,
    PeriodKind,
    parse_period_loosely,
    period_off_frequency,
    period_outside_plan,
    year_end_twins,
)
from mubiao.domain.refusals import Refusal, Refused
from mubiao.orgunits.models import OrgUnit
from mubiao.plans.models import Indicator, IndicatorKind, Plan, PlanUnit, SourceFile, provenance_text
from mubiao.reporting.evidence import EvidenceRefused, evidence_bytes, evidence_check, evidence_store
from mubiao.reporting.models import ACTUAL_COLUMNS, ActualOrigin, ActualStatus, ActualValue, Evidence

#: The statuses a reporter may still change.
EDITABLE = (ActualStatus.DRAFT, ActualStatus.RETURNED)


class WorkflowError(Refused):
    """A refused step, as data: `refusals` (code, field, params); str(error) reads the words. Nothing was written."""


class StaleVersion(WorkflowError):
    """Someone saved the figure since the version the user saw; the user should reload it."""


class NeedsAcknowledgement(WorkflowError):
    """A figure that looks wrong but may be right (a year-to-date total that fell): saved once acknowledged."""


# -- helpers -----------------------------------------------------------------------------------------


def _label(actual: ActualValue) -> str:
    return f"{actual.indicator.number}. {actual.indicator.name} · {actual.org_unit.short_name} · {actual.period}"


def _indicator_label(indicator: Indicator) -> str:
    return f"{indicator.number}. {indicator.name}"


def _state(actual: ActualValue) -> dict[str, Any]:
    return {
        "status": actual.status,
        "value": None if actual.value is None else format_decimal(actual.value),
        "note": actual.note,
        "version": actual.version,
    }


def _lead_departments(indicator: Indicator) -> list[int]:
    return list(indicator.lead_departments.values_list("pk", flat=True))


def _user_of(actor: Actor) -> Any:
    return actor.user if actor.user is not None and actor.user.is_authenticated else None


def _locked(actual: ActualValue) -> ActualValue:
    """The row as stored now, locked until the transaction ends."""
    return ActualValue.objects.select_for_update().select_related("indicator", "org_unit").get(pk=actual.pk)


def _check_version(actual: ActualValue, expected_version: int | None) -> None:
    if expected_version is not None and int(expected_version) == actual.version:
        return
    raise _stale(actual, expected_version)


def _stale(actual: ActualValue, expected_version: int | None) -> StaleVersion:
    when = timezone.localtime(actual.updated_at).strftime("%Y-%m-%d %H:%M:%S") if actual.updated_at else ""
    return StaleVersion(
        Refusal(
            "stale_version",
            "version",
            {
                "what": _label(actual),
                "when": when,
                "current": actual.version,
                "seen": "—" if expected_version is None else expected_version,
            },
        )
    )


def _refuse_unless_status(actual: ActualValue, allowed: tuple[str, ...], action: str) -> None:
    if actual.status in allowed:
        return
    raise WorkflowError(
        Refusal(f"status_forbids_{actual.status}", "status", {"action": action, "what": _label(actual)})
    )


def _reason_required(reason: str, action: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise WorkflowError(Refusal("reason_required", "reason", {"action": action}))
    return text


def figure_parse(indicator: Indicator, value: Decimal | str | int | None, field: str = "value") -> Decimal | None:
    """A figure for the indicator, read by the domain's one parser and checked by its one rule.

    Text is read as people write it (full-width digits, thousands separators where they belong);
    exponents, misplaced separators and, for counts (家, 个 …), fractions are refused.
    """
    if value is None or isinstance(value, Decimal | int):
        parsed = None if value is None else Decimal(value)
    else:
        try:
            parsed = parse_decimal(str(value))
        except NumberFormatError as error:
            raise WorkflowError(error.refusal(field)) from error
    if parsed is None:
        return None
    refusal = figure_refusal(
        parsed, unit_of_measure=indicator.unit_of_measure, indicator=_indicator_label(indicator), field=field
    )
    if refusal is not None:
        raise WorkflowError(refusal)
    return parsed


def period_parse(indicator: Indicator, period: Period | str, field: str = "period") -> Period:
    """A period for the indicator: readable, within its plan's years, at its reporting frequency."""
    plan = indicator.plan
    try:
        parsed = period if isinstance(period, Period) else parse_period_loosely(str(period))
    except ValueError as error:
        raise WorkflowError(Refusal("period_unreadable", field, {"text": str(period)})) from error
    refusal = period_outside_plan(parsed, plan.start_year, plan.end_year, field) or period_off_frequency(
        parsed, indicator.reporting_frequency, _indicator_label(indicator), field
    )
    if refusal is not None:
        raise WorkflowError(refusal)
    return parsed


def _check_unit_in_plan(indicator: Indicator, org_unit: OrgUnit) -> None:
    plan = indicator.plan
    if org_unit.pk == plan.area_id or PlanUnit.objects.filter(plan=plan, org_unit=org_unit).exists():
        return
    raise WorkflowError(Refusal("unit_not_in_plan", "unit", {"unit": org_unit.name, "plan": plan.title}))


def _check_no_year_end_twin(indicator: Indicator, org_unit: OrgUnit, period: Period) -> None:
    """A year's figure and its Q4 (or December) figure say the same thing: only one of them may exist."""
    twins = [str(twin) for twin in year_end_twins(period)]
    if not twins:
        return
    other = (
        ActualValue.objects.filter(indicator=indicator, org_unit=org_unit, period__in=twins)
        .values_list("period", flat=True)
        .first()
    )
    if other is not None:
        raise WorkflowError(Refusal("period_year_and_q4", "period", {"period": str(period), "other": other}))


#: A reporter's note explains a figure in a few sentences; a longer text belongs in an attached file.
NOTE_LIMIT = 2000


def ytd_fall(indicator: Indicator, org_unit_id: int, period: Period, value: Decimal | None) -> Refusal | None:
    """A flow's year-to-date figure out of step with the unit's other figures of the year: below the
    latest earlier one, or above the earliest later one. Worth a second look.

    In-year figures of a flow are cumulative, so a fall means a correction or a typo — whichever of the
    two figures was entered last; a period left out between them (Q2 of Q1 and Q3) does not hide it.
    The reporter must acknowledge it, and the reviewer sees it.
    """
    if value is None or period.kind is PeriodKind.YEAR or indicator.kind != IndicatorKind.FLOW:
        return None
    others: dict[int, Decimal] = {
        number: figure
        for number, figure in ActualValue.objects.filter(
            indicator=indicator,
            org_unit_id=org_unit_id,
            year=period.year,
            period_kind=period.kind.value,
            value__isnull=False,
        )
        .exclude(period_number=period.number)
        .values_list("period_number", "value")
        if figure is not None
    }
    earlier = [number for number in others if number < period.number]
    later = [number for number in others if number > period.number]
    shown = {"indicator": _indicator_label(indicator), "period": str(period), "value": format_decimal(value)}
    if earlier and value < others[max(earlier)]:
        before = Period(period.year, period.kind, max(earlier))
        return Refusal(
            "ytd_below_previous",
            "value",
            {**shown, "previous_period": str(before), "previous": format_decimal(others[max(earlier)])},
        )
    if later and value > others[min(later)]:
        after = Period(period.year, period.kind, min(later))
        return Refusal(
            "ytd_above_next",
            "value",
            {**shown, "next_period": str(after), "next": format_decimal(others[min(later)])},
        )
    return None


# -- entering ------------------------------------------------------------------------------------------


def actual_enter(
    *,
    actor: Actor,
    indicator: Indicator,
    org_unit: OrgUnit,
    period: Period | str,
    value: Decimal | str | None,
    note: str = "",
    expected_version: int | None = None,
    acknowledged: bool = False,
) -> ActualValue:
    """Enter a unit's figure as a draft, or correct a draft or a returned figure.

    A new figure starts at version 1. Correcting one needs the version the user saw; a stale one
    raises StaleVersion. Submitted and approved figures cannot be changed. Saving exactly what is
    stored (a draft with the same value and note) writes nothing. A flow's year-to-date figure
    below the period before raises NeedsAcknowledgement unless `acknowledged`.
    """
    try:
        key = str(period if isinstance(period, Period) else parse_period_loosely(str(period)))
    except ValueError:
        key = str(period)
    existing = ActualValue.objects.filter(indicator=indicator, org_unit=org_unit, period=key).first()
    require(
        actor,
        Action.ENTER,
        obj=existing or indicator,
        org_unit_id=org_unit.pk,
        lead_department_ids=_lead_departments(indicator),
    )
    parsed_period = period_parse(indicator, period)
    _check_unit_in_plan(indicator, org_unit)
    parsed_value = figure_parse(indicator, value)
    note = (note or "").strip()
    if len(note) > NOTE_LIMIT:
        raise WorkflowError(Refusal("note_too_long", "note", {"length": len(note), "limit": NOTE_LIMIT}))
    try:
        with transaction.atomic():
            return _enter(actor, indicator, org_unit, parsed_period, parsed_value, note, expected_version, acknowledged)
    except IntegrityError as error:
        # Two people entered the same new figure at once: the other one's insert came first.
        stored = ActualValue.objects.filter(indicator=indicator, org_unit=org_unit, period=str(parsed_period)).first()
        if stored is None:
            raise
        raise _stale(stored, expected_version) from error


def _enter(
    actor: Actor,
    indicator: Indicator,
    org_unit: OrgUnit,
    period: Period,
    value: Decimal | None,
    note: str,
    expected_version: int | None,
    acknowledged: bool,
) -> ActualValue:
    actual = (
        ActualValue.objects.select_for_update()
        .select_related("indicator", "org_unit")
        .filter(indicator=indicator, org_unit=org_unit, period=str(period))
        .first()
    )
    if actual is not None:
        _refuse_unless_status(actual, EDITABLE, "enter")
        _check_version(actual, expected_version)
        if actual.status == ActualStatus.DRAFT and actual.value == value and actual.note == note:
            return actual
    else:
        _check_no_year_end_twin(indicator, org_unit, period)
    if not acknowledged and (fall := ytd_fall(indicator, org_unit.pk, period, value)) is not None:
        raise NeedsAcknowledgement(fall)
    if actual is None:
        with transaction.atomic():  # a savepoint: a racing insert fails here, not the whole transaction
            actual = ActualValue.objects.create(
                indicator=indicator,
                org_unit=org_unit,
                period=str(period),
                year=period.year,
                period_kind=period.kind.value,
                period_number=period.number,
                value=value,
                note=note,
                status=ActualStatus.DRAFT,
                origin=ActualOrigin.REPORTED,
                version=1,
            )
        audit_record(actor=actor, action="enter", obj=actual, before=None, after=_state(actual))
        return actual
    before = _state(actual)
    actual.value = value
    actual.note = note
    actual.status = ActualStatus.DRAFT
    # A unit that corrects an imported figure (unlocked and returned to it) owns it from now on.
    actual.origin = ActualOrigin.REPORTED
    actual.version += 1
    actual.source_file = None
    actual.source_sheet = ""
    actual.source_row = actual.source_column = None
    actual.save()
    audit_record(actor=actor, action="enter", obj=actual, before=before, after=_state(actual))
    return actual


# -- moving through review -----------------------------------------------------------------------------


def _step(
    *,
    actor: Actor,
    actual: ActualValue,
    expected_version: int,
    allowed: tuple[str, ...],
    action: str,
    reason: str = "",
    change: dict[str, Any],
    needs_value: bool = False,
) -> ActualValue:
    with transaction.atomic():
        stored = _locked(actual)
        _check_version(stored, expected_version)
        _refuse_unless_status(stored, allowed, action)
        if needs_value and stored.value is None:
            raise WorkflowError(Refusal("value_required", "value", {"what": _label(stored)}))
        before = _state(stored)
        for name, value in change.items():
            setattr(stored, name, value)
        stored.version += 1
        stored.save()
        audit_record(actor=actor, action=action, obj=stored, before=before, after=_state(stored), reason=reason)
    return stored


def actual_submit(*, actor: Actor, actual: ActualValue, expected_version: int) -> ActualValue:
    """Send a draft (or a corrected returned figure) to its lead department for review."""
    require(actor, Action.SUBMIT, obj=actual, org_unit_id=actual.org_unit_id)
    return _step(
        actor=actor,
        actual=actual,
        expected_version=expected_version,
        allowed=EDITABLE,
        action="submit",
        needs_value=True,
        change={"status": ActualStatus.SUBMITTED, "submitted_by": _user_of(actor), "submitted_at": timezone.now()},
    )


def _require_on(actor: Actor, action: Action, actual: ActualValue, obj: models.Model | None = None) -> None:
    """The permission check of a step on an existing figure: its unit, its indicator's lead departments."""
    require(
        actor,
        action,
        obj=obj or actual,
        org_unit_id=actual.org_unit_id,
        lead_department_ids=_lead_departments(actual.indicator),
    )


def actual_approve(*, actor: Actor, actual: ActualValue, expected_version: int) -> ActualValue:
    """Approve a submitted figure: it counts in official progress from now on, and is locked."""
    _require_on(actor, Action.REVIEW, actual)
    return _step(
        actor=actor,
        actual=actual,
        expected_version=expected_version,
        allowed=(ActualStatus.SUBMITTED,),
        action="approve",
        change={
            "status": ActualStatus.APPROVED,
            "reviewed_by": _user_of(actor),
            "reviewed_at": timezone.now(),
            "return_reason": "",
        },
    )


def actual_return(*, actor: Actor, actual: ActualValue, reason: str, expected_version: int) -> ActualValue:
    """Send a submitted figure back to its unit, saying why."""
    _require_on(actor, Action.REVIEW, actual)
    why = _reason_required(reason, "return")
    return _step(
        actor=actor,
        actual=actual,
        expected_version=expected_version,
        allowed=(ActualStatus.SUBMITTED,),
        action="return",
        reason=why,
        change={
            "status": ActualStatus.RETURNED,
            "return_reason": why,
            "reviewed_by": _user_of(actor),
            "reviewed_at": timezone.now(),
        },
    )


def actual_unlock(*, actor: Actor, actual: ActualValue, reason: str, expected_version: int) -> ActualValue:
    """Reopen an approved figure (administrators only): it goes back to its unit as returned."""
    _require_on(actor, Action.UNLOCK, actual)
    why = _reason_required(reason, "unlock")
    return _step(
        actor=actor,
        actual=actual,
        expected_version=expected_version,
        allowed=(ActualStatus.APPROVED,),
        action="unlock",
        reason=why,
        change={"status": ActualStatus.RETURNED, "return_reason": why},
    )


# -- evidence ------------------------------------------------------------------------------------------


def evidence_attach(*, actor: Actor, actual: ActualValue, filename: str, content: bytes) -> Evidence:
    """Attach a file to a figure still being worked on; its type is checked by content.

    Attaching does not change the figure, so its version stays: a form open beside the upload can
    still be saved.
    """
    require(actor, Action.ENTER, obj=actual, org_unit_id=actual.org_unit_id)
    try:
        checked = evidence_check(filename, content)
    except EvidenceRefused as error:
        raise WorkflowError(Refusal("evidence_refused", "file", {"why": str(error)})) from error
    with transaction.atomic():
        stored = _locked(actual)
        _refuse_unless_status(stored, EDITABLE, "attach")
        stored_name = evidence_store(content, checked.sha256)
        evidence = Evidence.objects.create(
            actual=stored,
            filename=checked.filename,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            stored_name=stored_name,
            uploaded_by=_user_of(actor),
        )
        audit_record(
            actor=actor,
            action="attach",
            obj=stored,
            before=None,
            after={
                "evidence": evidence.pk,
                "filename": evidence.filename,
                "content_type": evidence.content_type,
                "size": evidence.size,
                "sha256": evidence.sha256,
            },
        )
    return evidence


def evidence_read(*, actor: Actor, evidence: Evidence) -> bytes:
    """The file's bytes, for those who may see its figure (anyone once approved)."""
    actual = ActualValue.objects.select_related("indicator").get(pk=evidence.actual_id)
    action = Action.VIEW if actual.status == ActualStatus.APPROVED else Action.VIEW_PENDING
    _require_on(actor, action, actual, obj=evidence)
    try:
        return evidence_bytes(evidence.stored_name, evidence.sha256)
    except (EvidenceRefused, OSError) as error:
        raise WorkflowError(Refusal("evidence_unreadable", "file", {"name": evidence.filename})) from error


# -- figures that come from a table ---------------------------------------------------------------------


@dataclass(frozen=True)
class ImportedFigure:
    """One figure a table gives: indicator, unit, period, value (None: a blank cell) and its cell."""

    indicator_id: int
    org_unit_id: int
    period: Period
    value: Decimal | None
    row: int | None = None
    column: int | None = None

    @property
    def key(self) -> tuple[int, int, str]:
        return (self.indicator_id, self.org_unit_id, str(self.period))


@dataclass(frozen=True)
class FigureChange:
    """A stored imported figure that an import changed (after None: cleared)."""

    indicator_number: str
    indicator: str
    unit: str
    period: str
    before: Decimal | None
    after: Decimal | None
    row: int | None

    def as_dict(self) -> dict[str, Any]:
        return _as_json(self)


@dataclass(frozen=True)
class FigureConflict:
    """A table's figure that differs from one a unit reported: the reported one is kept.

    `period` is the reported figure's period: the table's own, or its year-end twin (the table gives
    2019 where the unit reported 2019-Q4).
    """

    indicator_number: str
    indicator: str
    unit: str
    period: str
    table_period: str
    table_value: Decimal | None
    reported_value: Decimal | None
    status: str
    row: int | None
    column: int | None

    def as_dict(self) -> dict[str, Any]:
        return _as_json(self)


@dataclass
class FiguresOutcome:
    """What an import did (or, from actuals_import_preview, would do) to the plan's actual values."""

    counts: dict[str, int] = field(
        default_factory=lambda: {"created": 0, "updated": 0, "cleared": 0, "unchanged": 0, "conflicts": 0}
    )
    changes: list[FigureChange] = field(default_factory=list)
    conflicts: list[FigureConflict] = field(default_factory=list)


def _json_value(value: Decimal | None) -> str | None:
    return None if value is None else format_decimal(value)


def _as_json(record: Any) -> dict[str, Any]:
    """A record's fields by name, its decimals as text (format_decimal): what the doors print as JSON."""
    return {
        item.name: _json_value(value) if isinstance(value, Decimal) else value
        for item in fields(record)
        for value in [getattr(record, item.name)]
    }


class _Names:
    """The plan's indicator and unit names, for the few figures a change or conflict must name."""

    def __init__(self, plan: Plan) -> None:
        self.indicators = {i.pk: (i.number, i.name) for i in Indicator.objects.filter(plan=plan)}
        self.units = {unit.pk: unit.short_name or unit.name for unit in OrgUnit.objects.filter(pk=plan.area_id)}
        for unit_id, short, name in PlanUnit.objects.filter(plan=plan).values_list(
            "org_unit_id", "org_unit__short_name", "org_unit__name"
        ):
            self.units[unit_id] = short or name

    def change(
        self, figure: ImportedFigure | ActualValue, before: Decimal | None, after: Decimal | None
    ) -> FigureChange:
        number, name = self.indicators[figure.indicator_id]
        row = figure.row if isinstance(figure, ImportedFigure) else figure.source_row
        return FigureChange(
            number,
            name,
            self.units.get(figure.org_unit_id, str(figure.org_unit_id)),
            str(figure.period),
            before,
            after,
            row,
        )

    def conflict(self, figure: ImportedFigure, reported: ActualValue) -> FigureConflict:
        number, name = self.indicators[figure.indicator_id]
        return FigureConflict(
            number,
            name,
            self.units.get(figure.org_unit_id, str(figure.org_unit_id)),
            reported.period,
            str(figure.period),
            figure.value,
            reported.value,
            reported.status,
            figure.row,
            figure.column,
        )


@dataclass
class _Decisions:
    new: list[ImportedFigure] = field(default_factory=list)
    updated: list[tuple[ActualValue, ImportedFigure]] = field(default_factory=list)
    cleared: list[ActualValue] = field(default_factory=list)


def _decide(
    plan: Plan,
    figures: Iterable[ImportedFigure],
    *,
    blank_clears: bool,
    clear_missing_kinds: frozenset[str],
    clearable_sources: frozenset[int] | None,
    for_update: bool,
) -> tuple[_Decisions, FiguresOutcome]:
    """What an import of these figures does to what is stored, decided before anything is written."""

    def clearable(existing: ActualValue) -> bool:
        return (
            existing.origin == ActualOrigin.IMPORTED
            and existing.value is not None
            and (clearable_sources is None or existing.source_file_id in clearable_sources)
        )

    stored_rows = ActualValue.objects.filter(indicator__plan=plan)
    if for_update:
        stored_rows = stored_rows.select_for_update()
    stored = {(a.indicator_id, a.org_unit_id, a.period): a for a in stored_rows}
    decisions, outcome = _Decisions(), FiguresOutcome()
    names: _Names | None = None
    seen: set[tuple[int, int, str]] = set()
    for figure in figures:
        key = figure.key
        seen.add(key)
        existing = stored.get(key)
        if existing is None:
            twin = next(
                (
                    stored[(figure.indicator_id, figure.org_unit_id, str(other))]
                    for other in year_end_twins(figure.period)
                    if (figure.indicator_id, figure.org_unit_id, str(other)) in stored
                ),
                None,
            )
            if twin is not None and figure.value is not None:
                names = names or _Names(plan)
                outcome.conflicts.append(names.conflict(figure, twin))
            elif figure.value is not None:
                decisions.new.append(figure)
            continue
        if figure.value is None:
            # A blank cell never clears a reported figure; an imported one only where blanks mean "cleared".
            if blank_clears and clearable(existing):
                decisions.cleared.append(existing)
            else:
                outcome.counts["unchanged"] += 1
            continue
        if existing.value == figure.value:
            outcome.counts["unchanged"] += 1
        elif existing.origin == ActualOrigin.REPORTED:
            names = names or _Names(plan)
            outcome.conflicts.append(names.conflict(figure, existing))
        else:
            decisions.updated.append((existing, figure))
    if clear_missing_kinds:
        for key, existing in stored.items():
            if key not in seen and existing.period_kind in clear_missing_kinds and clearable(existing):
                decisions.cleared.append(existing)
    if decisions.updated or decisions.cleared:
        names = names or _Names(plan)
        outcome.changes = [names.change(figure, actual.value, figure.value) for actual, figure in decisions.updated]
        outcome.changes += [names.change(actual, actual.value, None) for actual in decisions.cleared]
    outcome.counts.update(
        created=len(decisions.new),
        updated=len(decisions.updated),
        cleared=len(decisions.cleared),
        conflicts=len(outcome.conflicts),
    )
    return decisions, outcome


def actuals_import_preview(
    *,
    plan: Plan,
    figures: Iterable[ImportedFigure],
    blank_clears: bool = False,
    clear_missing_kinds: frozenset[str] = frozenset(),
    clearable_sources: frozenset[int] | None = None,
) -> FiguresOutcome:
    """What actuals_import_write would do, without writing: counts, changes and conflicts, for a preview."""
    _decisions, outcome = _decide(
        plan,
        figures,
        blank_clears=blank_clears,
        clear_missing_kinds=clear_missing_kinds,
        clearable_sources=clearable_sources,
        for_update=False,
    )
    return outcome


def actuals_import_write(
    *,
    actor: Actor,
    plan: Plan,
    figures: Iterable[ImportedFigure],
    source: SourceFile | None,
    sheet: str = "",
    reason: str,
    blank_clears: bool = False,
    clear_missing_kinds: frozenset[str] = frozenset(),
    clearable_sources: frozenset[int] | None = None,
    plan_is_new: bool = False,
) -> FiguresOutcome:
    """Write the figures a table gives, inside the caller's transaction; the import's one writer.

    New figures are created approved and imported, streamed (COPY on PostgreSQL), and recorded by one
    audit record of the import naming the file, its SHA-256 and the counts; each keeps its cell as
    provenance. An imported figure whose value changed is updated (version + 1), one a blank cell
    leaves (with `blank_clears`) or the table no longer has (`clear_missing_kinds`, e.g. {"year"}) is
    cleared, each with its own audit record — of the imported figures only those from the files in
    `clearable_sources` when it is given (a table clears what an earlier table gave, never what a
    long table of actual values gave). A figure a unit reported is never changed or cleared:
    where the table differs, a FigureConflict is listed and the figure kept. The same file twice
    changes nothing. `plan_is_new` skips reading what is stored, for a plan created by this import.
    """
    if plan_is_new:
        decisions, outcome = _Decisions(), FiguresOutcome()
        created = actuals_create(actor=actor, figures=figures, source=source, sheet=sheet, reason=reason, plan=plan)
        outcome.counts["created"] = created
        return outcome
    decisions, outcome = _decide(
        plan,
        figures,
        blank_clears=blank_clears,
        clear_missing_kinds=clear_missing_kinds,
        clearable_sources=clearable_sources,
        for_update=True,
    )
    entries: list[AuditEntry] = []
    now = timezone.now()
    updated: list[ActualValue] = []
    for actual, figure in decisions.updated:
        where = provenance_text(sheet, figure.row, figure.column)
        entries.append(
            audit_entry(
                action="update",
                obj=actual,
                before={"value": _json_value(actual.value), "source": actual.provenance_label},
                after={"value": _json_value(figure.value), "source": where},
                reason=reason,
            )
        )
        actual.value = figure.value
        actual.status = ActualStatus.APPROVED
        actual.version += 1
        actual.source_file = source
        actual.source_sheet = sheet
        actual.source_row = figure.row
        actual.source_column = figure.column
        actual.updated_at = now
        updated.append(actual)
    for actual in decisions.cleared:
        entries.append(
            audit_entry(
                action="clear",
                obj=actual,
                before={"value": _json_value(actual.value), "source": actual.provenance_label},
                after={"value": None, "source": None},
                reason=reason,
            )
        )
        actual.value = None
        actual.version += 1
        actual.updated_at = now
        updated.append(actual)
    fields = ["value", "status", "version", "source_file", "source_sheet", "source_row", "source_column", "updated_at"]
    ActualValue.objects.bulk_update(updated, fields, batch_size=2000)
    audit_entries_write(actor=actor, entries=entries)
    actuals_create(actor=actor, figures=decisions.new, source=source, sheet=sheet, reason=reason, plan=plan)
    return outcome


def actuals_create(
    *,
    actor: Actor,
    plan: Plan,
    figures: Iterable[ImportedFigure],
    source: SourceFile | None,
    sheet: str,
    reason: str,
) -> int:
    """Create figures nothing stored holds yet, as approved imported rows, streamed; one audit record for all.

    The bulk path of the one writer (COPY on PostgreSQL): a synthetic country is tens of millions of
    figures. Callers have already decided that none of them exists (a new plan, or _decide). Inside
    the caller's transaction.
    """
    moment = db_datetime(ActualValue, timezone.now())
    source_id = source.pk if source is not None else None

    def rows() -> Iterator[tuple[Any, ...]]:
        for figure in figures:
            period = figure.period
            yield (
                figure.indicator_id,
                figure.org_unit_id,
                str(period),
                period.year,
                period.kind.value,
                period.number,
                figure.value,
                1,
                moment,
                ActualStatus.APPROVED.value,
                ActualOrigin.IMPORTED.value,
                source_id,
                sheet,
                figure.row,
                figure.column,
            )

    count = insert_rows(ActualValue, ACTUAL_COLUMNS, rows())
    if count:
        audit_record(
            actor=actor,
            action="import",
            obj=source if source is not None else plan,
            before=None,
            after={
                "object_type": ActualValue._meta.label_lower,
                "created": count,
                "status": ActualStatus.APPROVED.value,
                "file": source.filename if source is not None else None,
                "sha256": source.sha256 if source is not None else None,
                "sheet": sheet,
            },
            reason=reason,
        )
    return count
