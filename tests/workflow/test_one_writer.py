"""The one writer of actual values: its period rules, and imports that never touch a reported figure."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from mubiao.audit.models import AuditRecord
from mubiao.domain.periods import Period
from mubiao.reporting.models import ActualValue
from mubiao.reporting.workflow import (
    ImportedFigure,
    NeedsAcknowledgement,
    WorkflowError,
    actual_approve,
    actual_enter,
    actual_submit,
    actuals_import_preview,
    actuals_import_write,
)

from .conftest import web

pytestmark = pytest.mark.django_db


def approved(people, indicator, unit, period: str, value: str) -> ActualValue:
    draft = actual_enter(actor=web(people.reporter), indicator=indicator, org_unit=unit, period=period, value=value)
    submitted = actual_submit(actor=web(people.reporter), actual=draft, expected_version=draft.version)
    return actual_approve(actor=web(people.reviewer), actual=submitted, expected_version=submitted.version)


def figure(indicator, unit, period: str, value: str | None) -> ImportedFigure:
    return ImportedFigure(indicator.pk, unit.pk, Period.parse(period), None if value is None else Decimal(value), 9, 9)


def test_the_database_refuses_a_figure_whose_status_nobody_named(indicator3, liunan) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        ActualValue.objects.create(
            indicator=indicator3, org_unit=liunan, period="2019", year=2019, period_kind="year", origin="imported"
        )


def test_a_year_figure_and_its_fourth_quarter_figure_exclude_each_other(people, indicator3, liunan) -> None:
    actual_enter(actor=web(people.reporter), indicator=indicator3, org_unit=liunan, period="2020", value="40")

    with pytest.raises(WorkflowError) as refused:
        actual_enter(actor=web(people.reporter), indicator=indicator3, org_unit=liunan, period="2020-Q4", value="41")

    assert (refused.value.code, refused.value.field) == ("period_year_and_q4", "period")
    assert "2020-Q4与已有的2020是同一时段" in str(refused.value)
    actual_enter(actor=web(people.reporter), indicator=indicator3, org_unit=liunan, period="2021-Q4", value="41")
    with pytest.raises(WorkflowError, match="2021与已有的2021-Q4是同一时段"):
        actual_enter(actor=web(people.reporter), indicator=indicator3, org_unit=liunan, period="2021", value="41")


def test_a_month_is_refused_for_an_indicator_reported_quarterly(people, indicator3, liunan) -> None:
    assert indicator3.reporting_frequency == "quarterly"

    with pytest.raises(WorkflowError) as refused:
        actual_enter(actor=web(people.reporter), indicator=indicator3, org_unit=liunan, period="2019-05", value="40")

    assert (refused.value.code, refused.value.field) == ("period_wrong_frequency", "period")
    assert str(refused.value) == "“3. 高新技术企业”按季度填报，不能填报期间2019-05"
    assert not ActualValue.objects.filter(org_unit=liunan, period="2019-05").exists()


def test_a_fraction_of_a_count_is_refused_under_the_value(people, indicator3, liunan) -> None:
    with pytest.raises(WorkflowError) as refused:
        actual_enter(actor=web(people.reporter), indicator=indicator3, org_unit=liunan, period="2019-Q1", value="3.7")

    assert (refused.value.code, refused.value.field) == ("value_not_whole", "value")
    assert str(refused.value) == "“3. 高新技术企业”以“家”计数，须为整数（填写的是3.7）"


def test_a_year_to_date_flow_that_falls_must_be_acknowledged(people, seed_plan, liunan) -> None:
    transfers = seed_plan.indicators.get(number="4")
    assert transfers.kind == "flow"
    actor = web(people.reporter)
    actual_enter(actor=actor, indicator=transfers, org_unit=liunan, period="2019-Q1", value="3")

    with pytest.raises(NeedsAcknowledgement) as warned:
        actual_enter(actor=actor, indicator=transfers, org_unit=liunan, period="2019-Q2", value="2")

    assert warned.value.code == "ytd_below_previous"
    assert dict(warned.value.refusal.params) == {
        "indicator": "4. 重大科技成果转化",
        "period": "2019-Q2",
        "value": "2",
        "previous_period": "2019-Q1",
        "previous": "3",
    }
    assert not ActualValue.objects.filter(org_unit=liunan, period="2019-Q2").exists()
    saved = actual_enter(
        actor=actor, indicator=transfers, org_unit=liunan, period="2019-Q2", value="2", acknowledged=True
    )
    assert (saved.value, saved.status) == (Decimal("2"), "draft")


@pytest.mark.parametrize("status", ["draft", "submitted", "approved"])
def test_an_import_keeps_a_reported_figure_and_lists_the_conflict(people, seed_plan, indicator3, liunan, status, actor):
    if status == "approved":
        reported = approved(people, indicator3, liunan, "2022", "9")
    else:
        reported = actual_enter(
            actor=web(people.reporter), indicator=indicator3, org_unit=liunan, period="2022", value="9"
        )
        if status == "submitted":
            reported = actual_submit(actor=web(people.reporter), actual=reported, expected_version=reported.version)
    records = AuditRecord.objects.count()

    preview = actuals_import_preview(plan=seed_plan, figures=[figure(indicator3, liunan, "2022", "12")])
    outcome = actuals_import_write(
        actor=actor,
        plan=seed_plan,
        figures=[figure(indicator3, liunan, "2022", "12")],
        source=None,
        reason="导入",
        blank_clears=True,
    )

    assert [c.as_dict() for c in preview.conflicts] == [c.as_dict() for c in outcome.conflicts]
    (conflict,) = outcome.conflicts
    assert (conflict.unit, conflict.period, conflict.table_value, conflict.reported_value, conflict.status) == (
        "柳南",
        "2022",
        Decimal("12"),
        Decimal("9"),
        status,
    )
    assert outcome.counts == {"created": 0, "updated": 0, "cleared": 0, "unchanged": 0, "conflicts": 1}
    kept = ActualValue.objects.get(pk=reported.pk)
    assert (kept.value, kept.status, kept.version) == (Decimal("9"), status, reported.version)
    assert AuditRecord.objects.count() == records


def test_a_blank_cell_never_clears_a_reported_figure_but_clears_an_imported_one(
    people, seed_plan, indicator3, liunan, actor
) -> None:
    liubei = seed_plan.area.children.get(short_name="柳北")
    reported = actual_enter(actor=web(people.reporter), indicator=indicator3, org_unit=liunan, period="2021", value="9")
    actuals_import_write(
        actor=actor, plan=seed_plan, figures=[figure(indicator3, liubei, "2021", "7")], source=None, reason="第一次"
    )

    outcome = actuals_import_write(
        actor=actor,
        plan=seed_plan,
        figures=[figure(indicator3, liunan, "2021", None), figure(indicator3, liubei, "2021", None)],
        source=None,
        reason="第二次",
        blank_clears=True,
    )

    assert ActualValue.objects.get(pk=reported.pk).value == Decimal("9")
    assert ActualValue.objects.get(indicator=indicator3, org_unit=liubei, period="2021").value is None
    assert (outcome.counts["cleared"], outcome.counts["unchanged"], outcome.counts["conflicts"]) == (1, 1, 0)


def test_an_import_that_gives_a_year_where_a_unit_reported_its_fourth_quarter_is_a_conflict(
    people, seed_plan, indicator3, liunan, actor
) -> None:
    actual_enter(actor=web(people.reporter), indicator=indicator3, org_unit=liunan, period="2021-Q4", value="9")

    outcome = actuals_import_write(
        actor=actor, plan=seed_plan, figures=[figure(indicator3, liunan, "2021", "9")], source=None, reason="导入"
    )

    ((period, table_period),) = [(c.period, c.table_period) for c in outcome.conflicts]
    assert (period, table_period) == ("2021-Q4", "2021")
    assert not ActualValue.objects.filter(org_unit=liunan, indicator=indicator3, period="2021").exists()


def test_an_imported_figure_is_updated_by_a_later_import_and_becomes_the_units_once_it_corrects_it(
    people, seed_plan, indicator3, liunan, actor
) -> None:
    actuals_import_write(
        actor=actor, plan=seed_plan, figures=[figure(indicator3, liunan, "2021", "7")], source=None, reason="一"
    )
    outcome = actuals_import_write(
        actor=actor, plan=seed_plan, figures=[figure(indicator3, liunan, "2021", "8")], source=None, reason="二"
    )
    imported = ActualValue.objects.get(indicator=indicator3, org_unit=liunan, period="2021")

    assert outcome.counts["updated"] == 1
    assert (imported.value, imported.version, imported.status, imported.origin) == (
        Decimal("8"),
        2,
        "approved",
        "imported",
    )
