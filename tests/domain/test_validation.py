from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from mubiao.domain.milestones import MilestoneSpec
from mubiao.domain.validation import IndicatorFacts, PlanFacts, validate_plan
from mubiao.domain.values import Comparison, Direction, IndicatorKind, Level, Severity

D = Decimal


def facts_with(*indicators: IndicatorFacts, cells: dict | None = None, units: tuple[str, ...] = ("甲", "乙", "丙")):
    return PlanFacts(
        start_year=2018, end_year=2020, city="某市", units=list(units), indicators=list(indicators), cells=cells or {}
    )


def flow(key: str = "1", **extra) -> IndicatorFacts:
    return IndicatorFacts(
        key=key,
        number=key,
        name=f"指标{key}",
        kind=IndicatorKind.FLOW,
        direction=Direction.HIGHER,
        unit_of_measure="家",
        **extra,
    )


def stock(key: str = "1", **extra) -> IndicatorFacts:
    return IndicatorFacts(
        key=key,
        number=key,
        name=f"指标{key}",
        kind=IndicatorKind.STOCK,
        direction=Direction.HIGHER,
        unit_of_measure="家",
        **extra,
    )


def row(indicator: str, year: int, level: str, total: int | None, **units: int) -> dict:
    cells = {(indicator, name, year, level): D(value) for name, value in units.items()}
    if total is not None:
        cells[(indicator, "某市", year, level)] = D(total)
    return cells


def test_a_row_whose_units_add_up_to_its_total_raises_nothing() -> None:
    assert validate_plan(facts_with(flow(), cells=row("1", 2018, "committed", 6, 甲=1, 乙=2, 丙=3))) == []


def test_it_flags_units_that_do_not_add_up_and_names_the_one_blank_that_would_close_the_gap() -> None:
    (finding,) = validate_plan(facts_with(flow(), cells=row("1", 2018, "committed", 10, 甲=1, 乙=2)))

    assert (finding.rule, finding.severity, finding.unit) == ("sum_mismatch", Severity.ERROR, None)
    assert (finding.expected, finding.found, finding.implied) == (D(10), D(3), {"丙": D(7)})
    assert "丙为空，若丙为7则相符" in finding.message


def test_with_several_blanks_no_single_unit_is_given_an_invented_figure() -> None:
    (finding,) = validate_plan(facts_with(flow(), cells=row("1", 2018, "stretch", 10, 甲=1)))

    assert finding.implied == {}
    assert "乙、丙" in finding.message


def test_units_above_the_total_are_a_gap_no_blank_can_explain() -> None:
    (finding,) = validate_plan(facts_with(flow(), cells=row("1", 2019, "actual", 2, 甲=1, 乙=2)))

    assert (finding.found, finding.implied) == (D(3), {})


def test_a_row_without_a_total_is_not_summed() -> None:
    assert validate_plan(facts_with(flow(), cells=row("1", 2018, "committed", None, 甲=1))) == []


def test_a_flow_milestone_is_met_by_the_sum_of_annual_targets_since_the_first_year() -> None:
    milestone = MilestoneSpec(2020, Level.COMMITTED, D(12), Comparison.AT_LEAST, "家", "到2020年确保完成12家以上")
    cells = {
        **row("1", 2018, "committed", 2, 甲=2),
        **row("1", 2019, "committed", 2, 乙=2),
        **row("1", 2020, "committed", 6, 丙=6),
    }

    (finding,) = validate_plan(facts_with(flow(milestones=(milestone,)), cells=cells))

    assert (finding.rule, finding.year, finding.level, finding.expected, finding.found) == (
        "milestone_unmet",
        2020,
        "committed",
        D(12),
        D(10),
    )
    assert "2018—2020年确保目标合计为10家" in finding.message


def test_a_stock_milestone_is_met_by_that_years_target_alone() -> None:
    milestone = MilestoneSpec(2020, Level.COMMITTED, D(460), Comparison.EXACTLY, "家", "到2020年确保完成460家")
    cells = {**row("1", 2019, "committed", 450, 甲=450), **row("1", 2020, "committed", 460, 甲=460)}

    assert validate_plan(facts_with(stock(milestones=(milestone,)), cells=cells)) == []


def test_a_lower_is_better_milestone_is_unmet_when_targets_stay_above_it() -> None:
    indicator = IndicatorFacts(
        key="1",
        number="1",
        name="能耗",
        kind=IndicatorKind.STOCK,
        direction=Direction.LOWER,
        milestones=(MilestoneSpec(2020, Level.COMMITTED, D("0.5"), Comparison.EXACTLY, "", ""),),
    )

    cells = {("1", "某市", 2020, "committed"): D("0.6"), ("1", "甲", 2020, "committed"): D("0.6")}

    (finding,) = validate_plan(facts_with(indicator, cells=cells))

    assert (finding.rule, finding.found) == ("milestone_unmet", D("0.6"))


def test_it_warns_cell_by_cell_when_stretch_is_below_committed() -> None:
    cells = {**row("1", 2019, "committed", None, 甲=6, 乙=1), **row("1", 2019, "stretch", None, 甲=5, 乙=1)}

    (finding,) = validate_plan(facts_with(flow(), cells=cells))

    assert (finding.rule, finding.severity, finding.unit, finding.expected, finding.found) == (
        "stretch_below_committed",
        Severity.WARNING,
        "甲",
        D(6),
        D(5),
    )


def test_for_lower_is_better_a_stretch_above_committed_is_the_fault() -> None:
    indicator = IndicatorFacts(key="1", number="1", name="能耗", kind=IndicatorKind.STOCK, direction=Direction.LOWER)
    cells = {**row("1", 2019, "committed", None, 甲=5), **row("1", 2019, "stretch", None, 甲=6)}

    (finding,) = validate_plan(facts_with(indicator, cells=cells))

    assert finding.rule == "stretch_below_committed"
    assert "高于确保目标5" in finding.message


def test_a_stock_target_below_last_years_actual_is_warned_but_a_flow_target_is_not() -> None:
    cells = {
        **row("1", 2018, "actual", None, 甲=57),
        **row("1", 2019, "committed", None, 甲=53),
        **row("2", 2018, "actual", None, 甲=57),
        **row("2", 2019, "committed", None, 甲=53),
    }

    findings = validate_plan(facts_with(stock("1"), flow("2"), cells=cells))

    assert [(f.rule, f.indicator, f.unit, f.expected, f.found) for f in findings] == [
        ("below_last_actual", "指标1", "甲", D(57), D(53))
    ]


def test_an_of_which_part_may_not_exceed_its_whole() -> None:
    cells = {**row("1", 2018, "committed", None, 甲=5), **row("2", 2018, "committed", None, 甲=7)}

    (finding,) = validate_plan(facts_with(flow("1"), flow("2", parent_key="1"), cells=cells))

    assert (finding.rule, finding.indicator, finding.unit, finding.expected, finding.found) == (
        "part_exceeds_whole",
        "指标2",
        "甲",
        D(5),
        D(7),
    )


@given(
    values=st.lists(st.integers(min_value=0, max_value=10_000), min_size=3, max_size=3),
    gap=st.integers(min_value=-50, max_value=50),
)
def test_a_sum_finding_appears_exactly_when_the_total_differs_and_reports_the_difference(
    values: list[int], gap: int
) -> None:
    cells = row("1", 2018, "committed", sum(values) + gap, 甲=values[0], 乙=values[1], 丙=values[2])

    # A total below zero is also a count_not_whole warning (counted in 家); only the sums are asked here.
    findings = [f for f in validate_plan(facts_with(flow(), cells=cells)) if f.rule == "sum_mismatch"]

    if gap == 0:
        assert findings == []
    else:
        (finding,) = findings
        assert finding.expected - finding.found == gap


def test_a_city_actual_is_not_compared_with_a_sum_still_waiting_for_units_with_a_target() -> None:
    targets = row("1", 2019, "committed", 30, 甲=10, 乙=10, 丙=10)
    partial = facts_with(flow(), cells={**targets, **row("1", 2019, "actual", 447, 甲=170)})
    complete = facts_with(flow(), cells={**targets, **row("1", 2019, "actual", 447, 甲=170, 乙=100, 丙=100)})

    assert [f for f in validate_plan(partial) if f.rule == "sum_mismatch"] == []
    [mismatch] = [f for f in validate_plan(complete) if f.rule == "sum_mismatch"]
    assert (mismatch.level, mismatch.expected, mismatch.found) == ("actual", D(447), D(370))


def test_a_target_counted_in_jia_that_is_a_fraction_or_below_zero_is_a_warning() -> None:
    facts = facts_with(
        flow(), cells={**row("1", 2019, "committed", None, 甲=3, 乙=-1), **row("1", 2019, "stretch", None, 丙=3)}
    )
    facts.cells[("1", "丙", 2019, "stretch")] = D("3.7")

    found = [
        (f.rule, f.severity, f.unit, f.level, f.found) for f in validate_plan(facts) if f.rule == "count_not_whole"
    ]

    assert found == [
        ("count_not_whole", Severity.WARNING, "乙", "committed", D(-1)),
        ("count_not_whole", Severity.WARNING, "丙", "stretch", D("3.7")),
    ]


def test_units_adding_up_to_more_than_the_total_say_by_how_much_without_a_minus_sign() -> None:
    (finding,) = validate_plan(facts_with(flow(), cells=row("1", 2018, "actual", 442, 甲=400, 乙=40, 丙=3)))

    assert finding.message == "指标1 2018年实际：各单位合计443，与合计442不符（相差1）。"
    assert finding.expected - finding.found == -1
