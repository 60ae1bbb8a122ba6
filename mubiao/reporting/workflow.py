"""The reporting workflow: a unit enters a figure, submits it, its lead department approves or returns it.

    (none) ──enter──▶ draft ──submit──▶ submitted ──approve──▶ approved
                       ▲  │                 │                     │
                       │  └──enter (v+1)    └──return(reason)──▶ returned ◀──unlock(reason, admin)
                       └──────────────── enter (corrected) ◀─────────┘

Every door (web, API, command line) calls these services, so one rule holds through all of them:

- `require(…)` decides first; a refusal writes only its "denied" security event.
- Then the step runs in one transaction that locks the row (SELECT … FOR UPDATE), compares the
  version the user saw with the stored one (a stale save is refused with StaleVersion: no lost
  updates), raises the version, and writes the audit record (before, after, why, door).
- A refused step (WorkflowError) writes nothing.

Values must be numbers within the column; a count (an indicator measured in 家, 个, 项, 人, 件 or
家次) cannot be negative, while amounts, rates and ratios may be (a fall in output, say).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mubiao.accounts.permissions import Action, require
from mubiao.audit.services import Actor, audit_record
from mubiao.domain.numbers import NumberFormatError, format_decimal, parse_decimal
from mubiao.domain.periods import Period, parse_period_loosely
from mubiao.orgunits.models import OrgUnit
from mubiao.plans.models import Indicator, PlanUnit
from mubiao.reporting.evidence import EvidenceRefused, evidence_bytes, evidence_check, evidence_store
from mubiao.reporting.models import ActualStatus, ActualValue, Evidence
from mubiao.reporting.services import _fits_the_column

#: Units of measure that count things: a figure in one of them cannot be negative.
COUNTING_UNITS = frozenset({"家", "个", "项", "人", "件", "家次"})

#: The statuses a reporter may still change.
EDITABLE = (ActualStatus.DRAFT, ActualStatus.RETURNED)


class WorkflowError(Exception):
    """A refused step; str(error) is a Chinese sentence saying why. Nothing was written."""


class StaleVersion(WorkflowError):
    """Someone saved the figure since the version the user saw; the user should reload it."""


# -- helpers -----------------------------------------------------------------------------------------


def _label(actual: ActualValue) -> str:
    return f"{actual.indicator.number}. {actual.indicator.name} · {actual.org_unit.short_name} · {actual.period}"


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
        _("%(what)s已于%(when)s被修改（当前版本%(current)s，您看到的是版本%(seen)s），请刷新后重试")
        % {
            "what": _label(actual),
            "when": when,
            "current": actual.version,
            "seen": "—" if expected_version is None else expected_version,
        }
    )


def _refuse_unless_status(actual: ActualValue, allowed: tuple[str, ...], doing: str) -> None:
    if actual.status in allowed:
        return
    if actual.status == ActualStatus.APPROVED:
        message = _("已通过的数据不能%(doing)s（%(what)s）；如需更正，请管理员解锁")
    elif actual.status == ActualStatus.SUBMITTED:
        message = _("已提交的数据不能%(doing)s（%(what)s），请等待审核")
    elif actual.status == ActualStatus.RETURNED:
        message = _("已退回的数据不能%(doing)s（%(what)s），请先修改后重新提交")
    else:
        message = _("草稿不能%(doing)s（%(what)s），请先提交")
    raise WorkflowError(message % {"doing": doing, "what": _label(actual)})


def _reason_required(reason: str, doing: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise WorkflowError(_("%(doing)s须说明原因") % {"doing": doing})
    return text


def _parse_value(indicator: Indicator, value: Decimal | str | int | None) -> Decimal | None:
    name = f"{indicator.number}. {indicator.name}"
    if value is None or isinstance(value, Decimal | int):
        parsed = None if value is None else Decimal(value)
    else:
        try:
            parsed = parse_decimal(str(value))
        except NumberFormatError as error:
            raise WorkflowError(
                _("“%(indicator)s”的实际值须为数值：%(why)s") % {"indicator": name, "why": error}
            ) from error
    if parsed is None:
        return None
    if not parsed.is_finite():
        raise WorkflowError(_("“%(indicator)s”的实际值须为数值") % {"indicator": name})
    unit = indicator.unit_of_measure.strip()
    if parsed < 0 and unit in COUNTING_UNITS:
        raise WorkflowError(
            _("“%(indicator)s”以“%(unit)s”计数，实际值不能为负数（填写的是%(value)s）")
            % {"indicator": name, "unit": unit, "value": format_decimal(parsed)}
        )
    if why := _fits_the_column(parsed):
        raise WorkflowError(
            _("“%(indicator)s”的实际值%(value)s%(why)s") % {"indicator": name, "value": parsed, "why": why}
        )
    return parsed


def _parse_period(indicator: Indicator, period: Period | str) -> Period:
    plan = indicator.plan
    try:
        parsed = period if isinstance(period, Period) else parse_period_loosely(str(period))
    except ValueError as error:
        raise WorkflowError(str(error)) from error
    if parsed.year not in plan.years:
        raise WorkflowError(
            _("期间%(period)s不在规划期%(start)s—%(end)s年内")
            % {"period": parsed, "start": plan.start_year, "end": plan.end_year}
        )
    return parsed


def _check_unit_in_plan(indicator: Indicator, org_unit: OrgUnit) -> None:
    plan = indicator.plan
    if org_unit.pk == plan.area_id or PlanUnit.objects.filter(plan=plan, org_unit=org_unit).exists():
        return
    raise WorkflowError(_("%(unit)s不是规划“%(plan)s”的填报单位") % {"unit": org_unit.name, "plan": plan.title})


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
) -> ActualValue:
    """Enter a unit's figure as a draft, or correct a draft or a returned figure.

    A new figure starts at version 1. Correcting one needs the version the user saw; a stale one
    raises StaleVersion. Submitted and approved figures cannot be changed. Saving exactly what is
    stored (a draft with the same value and note) writes nothing.
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
    parsed_period = _parse_period(indicator, period)
    _check_unit_in_plan(indicator, org_unit)
    parsed_value = _parse_value(indicator, value)
    note = (note or "").strip()
    try:
        with transaction.atomic():
            return _enter(actor, indicator, org_unit, parsed_period, parsed_value, note, expected_version)
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
) -> ActualValue:
    actual = (
        ActualValue.objects.select_for_update()
        .select_related("indicator", "org_unit")
        .filter(indicator=indicator, org_unit=org_unit, period=str(period))
        .first()
    )
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
                version=1,
            )
        audit_record(actor=actor, action="enter", obj=actual, before=None, after=_state(actual))
        return actual
    _refuse_unless_status(actual, EDITABLE, _("修改"))
    _check_version(actual, expected_version)
    if actual.status == ActualStatus.DRAFT and actual.value == value and actual.note == note:
        return actual
    before = _state(actual)
    actual.value = value
    actual.note = note
    actual.status = ActualStatus.DRAFT
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
    doing: str,
    action: str,
    reason: str = "",
    change: dict[str, Any],
    needs_value: bool = False,
) -> ActualValue:
    with transaction.atomic():
        stored = _locked(actual)
        _check_version(stored, expected_version)
        _refuse_unless_status(stored, allowed, doing)
        if needs_value and stored.value is None:
            raise WorkflowError(_("尚未填写实际值，不能提交（%(what)s）") % {"what": _label(stored)})
        before = _state(stored)
        for field, value in change.items():
            setattr(stored, field, value)
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
        doing=_("提交"),
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
        doing=_("审核通过"),
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
    why = _reason_required(reason, _("退回"))
    return _step(
        actor=actor,
        actual=actual,
        expected_version=expected_version,
        allowed=(ActualStatus.SUBMITTED,),
        doing=_("退回"),
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
    why = _reason_required(reason, _("解锁"))
    return _step(
        actor=actor,
        actual=actual,
        expected_version=expected_version,
        allowed=(ActualStatus.APPROVED,),
        doing=_("解锁"),
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
        raise WorkflowError(str(error)) from error
    with transaction.atomic():
        stored = _locked(actual)
        _refuse_unless_status(stored, EDITABLE, _("添加证明材料"))
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
        raise WorkflowError(_("证明材料“%(name)s”无法读取") % {"name": evidence.filename}) from error
