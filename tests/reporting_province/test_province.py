"""`mubiao synthesize` on a tiny province, and the province selectors checked against the stored values."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command

from mubiao.audit.models import AuditRecord
from mubiao.audit.services import Actor
from mubiao.domain.periods import Period
from mubiao.domain.progress import Status, completion_rate, expected_by, progress_status, rank_by_rate
from mubiao.domain.values import Direction, IndicatorKind
from mubiao.orgunits.models import OrgUnit
from mubiao.plans.models import Indicator, Milestone, Plan, PlanUnit, Target
from mubiao.reporting.models import ActualValue
from mubiao.reporting.province import province_overview, province_ranking
from mubiao.reporting.selectors import plan_progress
from mubiao.synthetic import (
    ProvinceExists,
    SynthesisSpec,
    chinese_number,
    expected_counts,
    parse_years,
    synthesize_province,
)

pytestmark = pytest.mark.django_db

TINY = SynthesisSpec(province="测试省", cities=2, units=3, indicators=4, start_year=2019, end_year=2020, seed=7)


@pytest.fixture
def tiny(actor: Actor):
    return synthesize_province(TINY, actor=actor)


def stored_targets() -> dict[tuple[int, int, int, str], Decimal]:
    return {
        (t.indicator_id, t.org_unit_id, t.year, t.level): t.value for t in Target.objects.all() if t.value is not None
    }


def stored_actuals() -> dict[tuple[int, int, str], Decimal]:
    rows = ActualValue.objects.all()
    return {(a.indicator_id, a.org_unit_id, a.period): a.value for a in rows if a.value is not None}


def test_rows_written_match_the_spec(tiny) -> None:
    assert tiny.counts == expected_counts(TINY)
    assert tiny.counts == {
        "org_units": 1 + 2 + 6,
        "plans": 2,
        "plan_units": 6,
        "indicators": 8,
        "milestones": 8,
        "targets": 2 * 4 * 4 * 2 * 2,  # plans × indicators × (city + 3 units) × years × levels
        "actuals": 2 * 4 * 4 * 2 * 12,  # … × months
    }
    assert OrgUnit.objects.filter(parent=tiny.province, kind="city").count() == 2
    assert OrgUnit.objects.filter(parent__parent=tiny.province, kind="county", code=None).count() == 6
    # Only what the synthesis wrote: the session's seed plan may be there too.
    plans = Plan.objects.filter(area__parent=tiny.province)
    assert plans.count() == 2
    assert PlanUnit.objects.filter(plan__in=plans).count() == 6
    assert Indicator.objects.filter(plan__in=plans).count() == 8
    assert Milestone.objects.filter(indicator__plan__in=plans).count() == 8
    assert Target.objects.filter(indicator__plan__in=plans).count() == 128
    actuals = ActualValue.objects.filter(indicator__plan__in=plans)
    assert actuals.count() == 768
    assert set(actuals.values_list("period_kind", flat=True)) == {"month"}
    assert set(actuals.values_list("status", "origin")) == {("approved", "imported")}
    # Same numbers and names in every city's plan; flows and stocks both present.
    for plan in tiny.plans:
        assert list(plan.indicators.order_by("position").values_list("number", flat=True)) == ["1", "2", "3", "4"]
    assert set(Indicator.objects.filter(plan__in=plans).values_list("kind", flat=True)) == {"flow", "stock"}
    assert len(set(Indicator.objects.filter(plan__in=plans).values_list("name", flat=True))) == 4


def test_one_audit_record_summarises_the_synthesis_and_one_each_plans_figures(tiny) -> None:
    imports = AuditRecord.objects.filter(action="import", object_type="plans.plan").order_by("object_id")
    assert [(r.object_id, r.after["created"], r.door) for r in imports] == [
        (str(plan.pk), 384, "cli") for plan in sorted(tiny.plans, key=lambda plan: str(plan.pk))
    ]
    record = AuditRecord.objects.get(action="synthesize")
    assert (record.door, record.action, record.reason) == ("cli", "synthesize", "合成测试数据")
    assert record.object_id == str(tiny.province.pk)
    assert record.after["counts"]["actuals"] == 768
    assert record.after["seed"] == 7


def test_units_sum_to_the_city_totals(tiny) -> None:
    targets, actuals = stored_targets(), stored_actuals()
    for plan in tiny.plans:
        units = list(PlanUnit.objects.filter(plan=plan).values_list("org_unit_id", flat=True))
        assert len(units) == 3
        for indicator in plan.indicators.all():
            for year in (2019, 2020):
                for level in ("committed", "stretch"):
                    city = targets[(indicator.pk, plan.area_id, year, level)]
                    assert city == sum(targets[(indicator.pk, u, year, level)] for u in units)
                    assert city > 0
                assert (
                    targets[(indicator.pk, plan.area_id, year, "stretch")]
                    > targets[(indicator.pk, plan.area_id, year, "committed")]
                )
                for month in range(1, 13):
                    period = f"{year}-{month:02d}"
                    assert actuals[(indicator.pk, plan.area_id, period)] == sum(
                        actuals[(indicator.pk, u, period)] for u in units
                    )


def test_flows_rise_through_the_year(tiny) -> None:
    actuals = stored_actuals()
    for indicator in Indicator.objects.filter(kind="flow"):
        for unit in OrgUnit.objects.filter(kind__in=["city", "county"]):
            series = [actuals.get((indicator.pk, unit.pk, f"2020-{m:02d}")) for m in range(1, 13)]
            if series[0] is None:
                continue  # not a column of this indicator's plan
            assert series == sorted(series)


def test_the_same_seed_gives_the_same_values_and_a_second_run_is_refused(tiny, actor: Actor) -> None:
    before = ActualValue.objects.count()
    with pytest.raises(ProvinceExists):
        synthesize_province(TINY, actor=actor)
    assert ActualValue.objects.count() == before
    assert OrgUnit.objects.filter(name="测试省").count() == 1

    again = synthesize_province(
        SynthesisSpec(province="另一省", cities=2, units=3, indicators=4, start_year=2019, end_year=2020, seed=7),
        actor=actor,
    )

    def values_of(province: OrgUnit) -> list[Decimal | None]:
        return list(
            ActualValue.objects.filter(indicator__plan__area__parent=province)
            .order_by("indicator__plan__area__position", "indicator__position", "org_unit__position", "period")
            .values_list("value", flat=True)
        )

    assert values_of(again.province) == values_of(tiny.province)
    other = synthesize_province(
        SynthesisSpec(province="第三省", cities=2, units=3, indicators=4, start_year=2019, end_year=2020, seed=8),
        actor=actor,
    )
    assert values_of(other.province) != values_of(tiny.province)


@pytest.mark.parametrize("period_text", ["2020-06", "2020-12", "2019-03"])
def test_ranking_matches_rank_by_rate_on_the_stored_values(tiny, period_text: str) -> None:
    period = Period.parse(period_text)
    targets, actuals = stored_targets(), stored_actuals()
    for number in ("1", "3"):
        ranking = province_ranking(tiny.province, number, period.year, period)
        assert len(ranking.rows) == 6
        rates: dict[str, Decimal | None] = {}
        for plan in tiny.plans:
            indicator = plan.indicators.get(number=number)
            columns = PlanUnit.objects.filter(plan=plan).order_by("position")
            for unit_id in columns.values_list("org_unit_id", flat=True):
                actual = actuals[(indicator.pk, unit_id, period_text)]
                committed = targets[(indicator.pk, unit_id, period.year, "committed")]
                rates[f"{plan.pk}:{unit_id}"] = actual / committed
        expected = {r.unit: r.rank for r in rank_by_rate(rates)}
        assert {f"{row.plan_id}:{row.org_unit_id}": row.rank for row in ranking.rows} == expected
        assert [row.rate_committed for row in ranking.rows] == sorted(rates.values(), reverse=True)  # type: ignore[type-var]
        assert [row.rank for row in ranking.rows] == sorted(expected.values())  # type: ignore[type-var]


def test_ranking_shares_ranks_on_equal_rates(actor: Actor) -> None:
    outcome = synthesize_province(TINY, actor=actor)
    plan = outcome.plans[0]
    indicator = plan.indicators.get(number="1")
    units = list(PlanUnit.objects.filter(plan=plan).order_by("position").values_list("org_unit_id", flat=True))
    # Make the first two units of the first city complete exactly their committed target in 2020-12.
    for unit_id in units[:2]:
        committed = Target.objects.get(indicator=indicator, org_unit_id=unit_id, year=2020, level="committed").value
        ActualValue.objects.filter(indicator=indicator, org_unit_id=unit_id, period="2020-12").update(value=committed)
    ranking = province_ranking(outcome.province, "1", 2020, "2020-12")
    tied = [row for row in ranking.rows if row.org_unit_id in units[:2]]
    assert tied[0].rate_committed == tied[1].rate_committed == 1
    assert tied[0].rank == tied[1].rank


@pytest.mark.parametrize("period_text", ["2020-06", "2020-12"])
def test_overview_figures_and_statuses_follow_the_stored_values(tiny, period_text: str) -> None:
    period = Period.parse(period_text)
    targets, actuals = stored_targets(), stored_actuals()
    overview = province_overview(tiny.province, period.year, period)
    assert overview.cities == [plan.area.name for plan in tiny.plans]
    assert len(overview.rows) == 2 * 4
    seen = set()
    for row in overview.rows:
        plan = next(p for p in tiny.plans if p.pk == row.plan_id)
        indicator = plan.indicators.get(number=row.indicator_number)
        kind = IndicatorKind(indicator.kind)
        actual = actuals[(indicator.pk, plan.area_id, period_text)]
        committed = targets[(indicator.pk, plan.area_id, period.year, "committed")]
        stretch = targets[(indicator.pk, plan.area_id, period.year, "stretch")]
        last_year = actuals.get((indicator.pk, plan.area_id, f"{period.year - 1}-12"))
        expected = None
        if period.end_month < 12:
            share = Decimal(period.end_month) / 12
            expected = (
                last_year + share * (committed - last_year)
                if kind is IndicatorKind.STOCK and last_year
                else (share * committed)
            )
            assert expected == expected_by(target=committed, period=period, kind=kind, last_year_actual=last_year)
        assert (row.city, row.actual, row.committed, row.stretch) == (plan.area.name, actual, committed, stretch)
        assert row.rate_committed == completion_rate(actual, committed, Direction.HIGHER) == actual / committed
        assert row.expected == expected
        status = progress_status(
            actual=actual,
            committed=committed,
            stretch=stretch,
            period=period,
            direction=Direction.HIGHER,
            expected=expected,
        )
        assert row.status is status
        if actual >= stretch:
            assert status is Status.ABOVE_STRETCH
        elif actual >= committed:
            assert status is Status.ABOVE_COMMITTED
        elif period.end_month == 12:
            assert status is Status.BELOW_COMMITTED
        else:
            assert status is (Status.ON_SCHEDULE if actual >= expected else Status.BEHIND_SCHEDULE)
        seen.add(status)
    counts = overview.status_counts()
    assert sum(sum(by_status.values()) for by_status in counts.values()) == 8
    assert len(seen) >= 2


def test_overview_agrees_with_plan_progress_for_each_city(tiny) -> None:
    period = Period.parse("2020-06")
    overview = province_overview(tiny.province, 2020, period)
    for plan in tiny.plans:
        city_rows = [row for row in plan_progress(plan, year=2020, period=period).rows if row.is_city]
        mine = overview.rows_of(plan.area.name)
        assert [(r.indicator_number, r.actual, r.committed, r.rate_committed, r.status) for r in mine] == [
            (r.indicator_number, r.actual, r.committed, r.rate_committed, r.status) for r in city_rows
        ]


def test_latest_period_is_the_default_and_unknown_numbers_are_refused(tiny) -> None:
    assert province_overview(tiny.province, 2020).period == Period.parse("2020-12")
    assert province_ranking(tiny.province, "2", 2020).period == Period.parse("2020-12")
    with pytest.raises(ValueError, match="序号为99"):
        province_ranking(tiny.province, "99", 2020)
    with pytest.raises(ValueError, match="不在2020年内"):
        province_overview(tiny.province, 2020, "2019-06")


def test_the_command_synthesizes_and_refuses_a_second_time(capsys) -> None:
    args = ["--province", "命令省", "--cities", "2", "--units", "3", "--indicators", "4", "--years", "2019-2020"]
    call_command("synthesize", *args, "--seed", "3")
    out = capsys.readouterr().out
    assert "命令省" in out and "768" in out
    synthesized = ActualValue.objects.filter(indicator__plan__area__parent__name="命令省")
    assert synthesized.count() == 768
    with pytest.raises(SystemExit) as exit_info:
        call_command("synthesize", *args)
    assert exit_info.value.code == 2
    assert "已有名为“命令省”" in capsys.readouterr().err
    assert synthesized.count() == 768


def test_small_helpers() -> None:
    numbers = [chinese_number(n) for n in (1, 10, 14, 20, 105, 110)]
    assert numbers == ["一", "十", "十四", "二十", "一百零五", "一百一十"]
    assert parse_years("2018-2022") == (2018, 2022)
    assert parse_years("2020") == (2020, 2020)
    with pytest.raises(ValueError):
        parse_years("2022-2018")
    with pytest.raises(ValueError):
        SynthesisSpec(cities=0)
