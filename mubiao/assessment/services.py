"""Writing assessments: the plan's rules, and bonus, deduction and veto items. Administrators only; every
change is audited inside its own transaction; an item is withdrawn, never deleted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils import timezone

from mubiao.accounts.permissions import Action, actor_grants, require
from mubiao.assessment.models import AssessmentItem, AssessmentScheme
from mubiao.audit.services import Actor, audit_record, snapshot
from mubiao.domain.assessment import MOST_BONUS, GradeBasis, ItemKind, Rules, Tier, in_range
from mubiao.domain.names import printable
from mubiao.domain.numbers import NumberFormatError, parse_decimal
from mubiao.domain.periods import Period, period_outside_plan
from mubiao.domain.refusals import Refusal, Refused
from mubiao.plans.models import Indicator, Plan
from mubiao.plans.selectors import MAX_ID
from mubiao.reporting.evidence import EvidenceRefused, evidence_check, evidence_store

GRADE_BASES = {basis.value for basis in GradeBasis}
KINDS = {kind.value for kind in ItemKind}
#: The longest text the item's fields hold (the model's max_length).
REASON_LIMIT = 500
BASIS_LIMIT = 300


def decimal_of(value: object, field: str) -> Decimal:
    """A number typed into a form or sent as JSON, read by the domain's one number parser (no exponents,
    percentages or 万), or Refused naming the field."""
    if isinstance(value, Decimal) and value.is_finite():
        return value
    try:
        number = parse_decimal(str(value)[:60])
    except NumberFormatError as error:
        raise Refused(error.refusal(field)) from None
    if number is None:
        raise Refused(Refusal("assessment_number_required", field))
    return number


def _saved(obj: models.Model) -> None:
    """Check the row as the database will, then save: whatever the checks above missed is a refusal under its
    field, never a 500."""
    try:
        obj.full_clean()
    except ValidationError as invalid:
        raise Refused(
            *(
                Refusal("field_invalid", field if field != NON_FIELD_ERRORS else "", {"why": message})
                for field, messages in invalid.message_dict.items()
                for message in messages
            )
        ) from None
    obj.save()


def _when(moment: dt.datetime | None) -> str:
    return "" if moment is None else timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _user(actor: Actor) -> Any:
    return actor.user if actor.user is not None and actor.user.is_authenticated else None


def scheme_save(
    *,
    actor: Actor,
    plan: Plan,
    points: Mapping[str, object],
    cap: object,
    bonus_cap: object,
    grade_basis: str,
    tiers: Sequence[tuple[object, object]],
    expected_version: int | None = None,
) -> AssessmentScheme:
    """Store the plan's rules after checking them all; Refused lists every problem, and nothing is written."""
    require(actor, Action.ADMINISTER, obj=plan, grants=actor_grants(actor))
    numbers = set(Indicator.objects.filter(plan=plan).values_list("number", flat=True))
    problems = [
        Refusal("assessment_unknown_indicator", "points", {"indicator": str(number)[:40]})
        for number in points
        if number not in numbers
    ]
    if missing := sorted(numbers - set(points)):
        # Every indicator's points or none left to chance: the full marks are the sum of what is typed here.
        problems.append(Refusal("assessment_points_missing", "points", {"indicators": "、".join(missing[:20])}))
    if grade_basis not in GRADE_BASES:
        problems.append(Refusal("assessment_grade_basis", "grade_basis", {"value": str(grade_basis)[:20]}))
    if problems:
        raise Refused(*problems)
    rules = Rules(
        points={str(number): decimal_of(value, "points") for number, value in points.items()},
        cap=decimal_of(cap, "cap"),
        bonus_cap=decimal_of(bonus_cap, "bonus_cap"),
        grade_basis=GradeBasis(grade_basis),
        tiers=tuple(Tier(printable(str(label)).strip(), decimal_of(bound, "tiers")) for label, bound in tiers),
    ).checked()
    with transaction.atomic():
        scheme = AssessmentScheme.objects.select_for_update().filter(plan=plan).first()
        # Rules already stored are changed only by whoever saw their current version: without one (None) a
        # request could overwrite another administrator's change unseen.
        if scheme is not None and expected_version is None:
            raise Refused(Refusal("assessment_version_required", "version", {"current": scheme.version}))
        if scheme is not None and scheme.version != expected_version:
            raise Refused(
                Refusal(
                    "stale_version",
                    "version",
                    {
                        "what": str(scheme),
                        "when": _when(scheme.updated_at),
                        "current": scheme.version,
                        "seen": expected_version,
                    },
                )
            )
        before = snapshot(scheme) if scheme is not None else None
        if scheme is None and expected_version:
            raise Refused(Refusal("assessment_rules_gone", "version"))
        scheme = scheme or AssessmentScheme(plan=plan, version=0)
        scheme.points = {number: str(value) for number, value in rules.points.items()}
        scheme.cap, scheme.bonus_cap = rules.cap, rules.bonus_cap
        scheme.grade_basis = rules.grade_basis.value
        scheme.tiers = [[tier.label, str(tier.bound)] for tier in rules.tiers]
        scheme.version += 1
        _saved(scheme)
        audit_record(
            actor=actor,
            action="create" if before is None else "update",
            obj=scheme,
            before=before,
            after=snapshot(scheme),
        )
    return scheme


def item_add(
    *,
    actor: Actor,
    plan: Plan,
    org_unit_id: int,
    year: object,
    month: object = 1,
    kind: str,
    points: object = 0,
    reason: str,
    basis: str,
    evidence: tuple[str, bytes] | None = None,
) -> AssessmentItem:
    """Record a bonus, deduction or veto for one of the plan's units, with its reason and basis."""
    require(actor, Action.ADMINISTER, obj=plan, grants=actor_grants(actor))
    problems: list[Refusal] = []
    if not 0 < org_unit_id <= MAX_ID or not plan.plan_units.filter(org_unit_id=org_unit_id).exists():
        problems.append(Refusal("assessment_unit_not_in_plan", "org_unit", {"plan": plan.title}))
    year_number = _whole(year, "year", problems)
    month_number = _whole(month, "month", problems)
    if year_number is not None and (
        outside := period_outside_plan(Period.year_of(year_number), plan.start_year, plan.end_year, "year")
    ):
        problems.append(outside)
    if month_number is not None and not 1 <= month_number <= 12:
        problems.append(Refusal("assessment_month", "month", {"value": month_number}))
    if kind not in KINDS:
        problems.append(Refusal("assessment_item_kind", "kind", {"value": str(kind)[:20]}))
    amount = Decimal(0)
    if kind in (ItemKind.BONUS, ItemKind.DEDUCTION):
        try:
            amount = decimal_of(points, "points")
        except Refused as refused:
            problems.extend(refused.refusals)
        else:
            if not (in_range(amount, Decimal(0), MOST_BONUS) and amount > 0):
                problems.append(Refusal("assessment_item_points", "points", {"value": str(amount)[:40]}))
    reason, basis = printable(reason).strip(), printable(basis).strip()
    if not reason:
        problems.append(Refusal("reason_required", "reason", {"action": ItemKind(kind).label if kind in KINDS else ""}))
    if len(reason) > REASON_LIMIT:
        problems.append(Refusal("assessment_text_too_long", "reason", {"limit": REASON_LIMIT}))
    if not basis:
        problems.append(Refusal("assessment_basis_required", "basis"))
    if len(basis) > BASIS_LIMIT:
        problems.append(Refusal("assessment_text_too_long", "basis", {"limit": BASIS_LIMIT}))
    checked = None
    if evidence is not None:
        try:
            checked = evidence_check(*evidence)
        except EvidenceRefused as error:
            problems.append(Refusal("evidence_refused", "evidence", {"why": str(error)}))
    if problems:
        raise Refused(*problems)
    assert year_number is not None and month_number is not None
    with transaction.atomic():
        item = AssessmentItem(
            plan=plan,
            org_unit_id=org_unit_id,
            year=year_number,
            month=month_number,
            kind=kind,
            points=amount,
            reason=reason,
            basis=basis,
            created_by=_user(actor),
        )
        if checked is not None and evidence is not None:
            evidence_store(evidence[1], checked.sha256)
            item.evidence_name, item.evidence_sha256 = checked.filename, checked.sha256
        _saved(item)
        audit_record(actor=actor, action="create", obj=item, before=None, after=snapshot(item))
    return item


def _whole(value: object, field: str, problems: list[Refusal]) -> int | None:
    text = str(value).strip()
    try:
        if not text.isascii() or len(text) > 6:
            raise ValueError(text)
        return int(text)
    except ValueError:
        problems.append(Refusal("number_not_a_number", field, {"text": str(value)[:40]}))
        return None


def item_withdraw(*, actor: Actor, item: AssessmentItem, reason: str) -> AssessmentItem:
    """Withdraw an item (it stops counting from every assessment), saying why; a withdrawn one stays withdrawn."""
    require(actor, Action.ADMINISTER, obj=item, grants=actor_grants(actor))
    reason = printable(reason).strip()
    if not reason:
        raise Refused(Refusal("reason_required", "reason", {"action": "撤销"}))
    if len(reason) > REASON_LIMIT:
        raise Refused(Refusal("assessment_text_too_long", "reason", {"limit": REASON_LIMIT}))
    with transaction.atomic():
        item = AssessmentItem.objects.select_for_update().get(pk=item.pk)
        if item.withdrawn_at is not None:
            raise Refused(Refusal("assessment_item_withdrawn", "", {"when": _when(item.withdrawn_at)}))
        before = snapshot(item)
        item.withdrawn_at, item.withdrawn_reason = timezone.now(), reason
        item.save(update_fields=["withdrawn_at", "withdrawn_reason"])
        audit_record(actor=actor, action="withdraw", obj=item, before=before, after=snapshot(item), reason=reason)
    return item
