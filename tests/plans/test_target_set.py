from decimal import Decimal

import pytest

from mubiao.audit.models import AuditRecord
from mubiao.domain.refusals import Refused
from mubiao.plans.models import Indicator, Plan, Target
from mubiao.plans.services import target_set

pytestmark = pytest.mark.django_db


def test_setting_a_blank_target_by_hand_records_it_as_manual_entry(seed_plan: Plan, actor) -> None:
    indicator = Indicator.objects.get(plan=seed_plan, number="3")
    sanjiang = seed_plan.area.children.get(short_name="三江")

    target = target_set(
        indicator=indicator,
        org_unit=sanjiang,
        year=2018,
        level="committed",
        value=Decimal(4),
        actor=actor,
        reason="补录PDF提取丢失的单元格",
    )

    assert (target.value, target.provenance_label, target.version) == (4, "手工录入", 1)
    record = AuditRecord.objects.filter(object_type="plans.target", object_id=str(target.pk)).latest("id")
    assert (record.action, record.before, record.after["value"], record.reason) == (
        "create",
        None,
        "4",
        "补录PDF提取丢失的单元格",
    )


def test_changing_a_target_keeps_the_value_before_in_the_audit_log(seed_plan: Plan, actor) -> None:
    indicator = Indicator.objects.get(plan=seed_plan, number="3")
    liunan = seed_plan.area.children.get(short_name="柳南")

    target = target_set(
        indicator=indicator,
        org_unit=liunan,
        year=2019,
        level="committed",
        value=Decimal(57),
        actor=actor,
        reason="不低于上年实际",
    )

    assert (target.value, target.version, target.source_row) == (57, 2, None)
    record = AuditRecord.objects.filter(object_type="plans.target", object_id=str(target.pk)).latest("id")
    assert (record.before["value"], record.before["source"], record.after["value"]) == ("53", "第31行第10列", "57")


def test_a_target_for_a_year_outside_the_plan_is_refused_and_nothing_written(seed_plan: Plan, actor) -> None:
    indicator = Indicator.objects.get(plan=seed_plan, number="3")
    count = Target.objects.count()

    with pytest.raises(Refused) as refused:
        target_set(
            indicator=indicator, org_unit=seed_plan.area, year=2024, level="committed", value=Decimal(1), actor=actor
        )

    assert (refused.value.code, refused.value.field) == ("period_outside_plan", "year")
    assert "2024" in str(refused.value) and "2018—2022" in str(refused.value)
    assert Target.objects.count() == count


def test_the_database_refuses_a_second_value_for_the_same_cell(seed_plan: Plan) -> None:
    from django.db import IntegrityError, transaction

    existing = Target.objects.filter(indicator__plan=seed_plan).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Target.objects.create(
            indicator=existing.indicator,
            org_unit=existing.org_unit,
            year=existing.year,
            level=existing.level,
            value=Decimal(1),
        )


def test_the_database_refuses_a_level_outside_committed_and_stretch(seed_plan: Plan) -> None:
    from django.db import IntegrityError, transaction

    existing = Target.objects.filter(indicator__plan=seed_plan).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Target.objects.create(
            indicator=existing.indicator, org_unit=existing.org_unit, year=2021, level="hoped", value=Decimal(1)
        )
