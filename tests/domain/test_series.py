from decimal import Decimal

from mubiao.domain.milestones import MilestoneSpec
from mubiao.domain.series import target_series
from mubiao.domain.validation import IndicatorFacts, PlanFacts
from mubiao.domain.values import Comparison, Direction, IndicatorKind, Level

D = Decimal


def plan(kind: IndicatorKind) -> tuple[PlanFacts, IndicatorFacts]:
    milestone = MilestoneSpec(2020, Level.COMMITTED, D(12), Comparison.AT_LEAST, "家", "到2020年确保完成12家以上")
    indicator = IndicatorFacts(
        key="1", number="1", name="平台", kind=kind, direction=Direction.HIGHER, milestones=(milestone,)
    )
    cells = {
        ("1", "某市", 2018, "committed"): D(2),
        ("1", "某市", 2019, "committed"): D(2),
        ("1", "某市", 2020, "committed"): D(6),
        ("1", "某市", 2019, "stretch"): D(4),
    }
    return PlanFacts(2018, 2020, "某市", [], [indicator], cells), indicator


def test_a_flow_series_runs_the_annual_targets_up_to_each_milestone() -> None:
    series = target_series(*plan(IndicatorKind.FLOW))

    assert series.years == [2018, 2019, 2020]
    assert series.annual["stretch"] == [None, D(4), None]
    assert series.cumulative["committed"] == [D(2), D(4), D(10)]
    (milestone,) = series.milestones
    assert (milestone.year, milestone.value, milestone.reached, milestone.met) == (2020, D(12), D(10), False)


def test_a_stock_series_compares_each_milestone_with_that_years_target_alone() -> None:
    series = target_series(*plan(IndicatorKind.STOCK))

    assert series.cumulative["committed"] == [D(2), D(2), D(6)]
    assert series.milestones[0].reached == D(6)
