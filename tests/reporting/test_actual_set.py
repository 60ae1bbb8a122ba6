from decimal import Decimal

import pytest

from mubiao.audit.models import AuditRecord
from mubiao.audit.services import Actor
from mubiao.domain.periods import parse_period_loosely
from mubiao.orgunits.models import OrgUnit
from mubiao.plans.models import Indicator, Plan
from mubiao.reporting.models import ActualValue
from mubiao.reporting.services import actual_set

pytestmark = pytest.mark.django_db


def enterprises(plan: Plan) -> Indicator:
    return Indicator.objects.get(plan=plan, number="3")


def unit(short_name: str) -> OrgUnit:
    return OrgUnit.objects.get(short_name=short_name)


def audit_of(value: ActualValue) -> list[AuditRecord]:
    return list(AuditRecord.objects.filter(object_type="reporting.actualvalue", object_id=str(value.pk)).order_by("id"))


def test_setting_a_new_value_creates_it_as_version_one_and_audits_it(seed_plan: Plan, actor: Actor) -> None:
    value = actual_set(
        indicator=enterprises(seed_plan), org_unit=unit("柳东"), period="2019-Q2", value=Decimal("170"), actor=actor
    )

    assert (value.period, value.year, value.period_kind, value.period_number, value.version) == (
        "2019-Q2",
        2019,
        "quarter",
        2,
        1,
    )
    (record,) = audit_of(value)
    assert (record.action, record.door, record.before, record.after) == (
        "create",
        "cli",
        None,
        {"value": "170", "source": "手工录入"},
    )


def test_changing_a_value_raises_its_version_and_records_before_and_after(seed_plan: Plan, actor: Actor) -> None:
    kwargs = {"indicator": enterprises(seed_plan), "org_unit": unit("柳东"), "period": "2019年第二季度", "actor": actor}
    actual_set(value=Decimal("170"), **kwargs)

    value = actual_set(value=Decimal("171.5"), reason="柳东更正", **kwargs)

    assert (value.value, value.version) == (Decimal("171.5"), 2)
    record = audit_of(value)[-1]
    assert (record.action, record.before, record.after, record.reason) == (
        "update",
        {"value": "170", "source": "手工录入"},
        {"value": "171.5", "source": "手工录入"},
        "柳东更正",
    )


def test_setting_the_value_a_cell_already_has_writes_nothing(seed_plan: Plan, actor: Actor) -> None:
    kwargs = {"indicator": enterprises(seed_plan), "org_unit": unit("柳东"), "period": "2019-Q2", "actor": actor}
    actual_set(value=Decimal("170"), **kwargs)
    records = AuditRecord.objects.count()

    value = actual_set(value=Decimal("170.00"), **kwargs)

    assert value.version == 1
    assert AuditRecord.objects.count() == records


def test_a_hand_set_value_replaces_the_imported_provenance_with_manual_entry(seed_plan: Plan, actor: Actor) -> None:
    imported = ActualValue.objects.get(indicator__plan=seed_plan, indicator__number="3", org_unit__short_name="柳东")
    assert imported.provenance_label != "手工录入"

    value = actual_set(
        indicator=imported.indicator, org_unit=imported.org_unit, period="2018", value=Decimal("163"), actor=actor
    )

    assert (value.pk, value.value, value.version, value.provenance_label) == (imported.pk, 163, 2, "手工录入")


def test_a_period_outside_the_plan_or_a_unit_outside_it_is_refused(seed_plan: Plan, actor: Actor) -> None:
    indicator = enterprises(seed_plan)

    with pytest.raises(ValueError, match="期间2023不在规划期2018—2022年内"):
        actual_set(indicator=indicator, org_unit=unit("柳东"), period="2023", value=Decimal(1), actor=actor)
    with pytest.raises(ValueError, match="不是规划"):
        actual_set(indicator=indicator, org_unit=unit("广西"), period="2019", value=Decimal(1), actor=actor)
    assert not ActualValue.objects.filter(year__gte=2019).exists()


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("2019", "2019"),
        ("2019年", "2019"),
        ("2019年度", "2019"),
        ("2019-Q3", "2019-Q3"),
        ("2019q3", "2019-Q3"),
        ("2019年3季度", "2019-Q3"),
        ("2019年第三季度", "2019-Q3"),
        ("2019-07", "2019-07"),
        ("2019-7", "2019-07"),
        ("2019年7月", "2019-07"),
        ("2019年1-7月", "2019-07"),
        ("2019年1—12月", "2019-12"),
        ("2019.07", "2019-07"),
        ("２０１９年　７月", "2019-07"),
    ],
)
def test_periods_are_read_as_reports_write_them(text: str, period: str) -> None:
    assert str(parse_period_loosely(text)) == period


@pytest.mark.parametrize("text", ["2019-13", "2019年13月", "2019年5季度", "201907", "19年", "上半年", "20193"])
def test_anything_else_is_not_a_period(text: str) -> None:
    with pytest.raises(ValueError, match="不是有效的期间"):
        parse_period_loosely(text)
