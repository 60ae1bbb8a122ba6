"""Assessment scores: capped points, scaling, bonuses, deductions, vetoes, grades and rank changes."""

from decimal import Decimal as D

import pytest

from mubiao.domain.assessment import (
    DEFAULT_TIERS,
    Figure,
    GradeBasis,
    Item,
    ItemKind,
    Rules,
    Tier,
    UnitScore,
    assess,
    default_points,
    grade_counts,
    score_unit,
)
from mubiao.domain.periods import Period, previous_period
from mubiao.domain.refusals import Refused

RULES = Rules(points={"1": D(50), "2": D(50)}, cap=D("1.2"), bonus_cap=D(5))
TITLES = {"1": "平台", "2": "企业"}


def at(rate: str | None) -> Figure:
    return Figure(None if rate is None else D(1), D(1), None if rate is None else D(rate))


def test_an_over_achievement_earns_no_more_than_the_cap() -> None:
    score = score_unit("柳南", {"1": at("5"), "2": at("1")}, RULES, TITLES)
    assert score.score == D("110.00")  # 50 × 1.2 + 50 × 1, not 50 × 5 + 50
    assert score.terms[0].capped and score.terms[0].earned == D("60.0")
    assert "平台 50分×500.0%（封顶）=60" in score.explanation()


def test_the_capped_score_of_one_big_figure_does_not_outrank_a_unit_that_met_everything_well() -> None:
    scores = assess({"柳南": {"1": at("5"), "2": at("0.5")}, "城中": {"1": at("1.2"), "2": at("1.2")}}, RULES, TITLES)
    assert [(s.unit, s.rank, s.score) for s in scores] == [("城中", 1, D("120.00")), ("柳南", 2, D("85.00"))]


def test_a_unit_without_a_target_on_an_indicator_is_scaled_to_the_full_marks() -> None:
    score = score_unit("三江", {"1": at("0.8")}, RULES, TITLES)
    assert score.base == D("80.0") and score.scale == D(2)
    assert "按有目标指标折算×100/50=80" in score.explanation()


def test_a_target_without_an_approved_figure_earns_nothing() -> None:
    score = score_unit("融水", {"1": at(None), "2": at("1")}, RULES, TITLES)
    assert score.score == D("50.00")
    assert "平台 50分×未报=0" in score.explanation()


def test_bonuses_stop_at_their_cap_and_deductions_subtract() -> None:
    items = [
        Item("鱼峰", ItemKind.BONUS, D(4), "获国家奖"),
        Item("鱼峰", ItemKind.BONUS, D(3), "获省奖"),
        Item("鱼峰", ItemKind.DEDUCTION, D(2), "迟报"),
        Item("柳北", ItemKind.BONUS, D(9), "不是鱼峰的"),
    ]
    score = score_unit("鱼峰", {"1": at("1"), "2": at("1")}, RULES, TITLES, items)
    assert (score.bonus_claimed, score.bonus, score.deduction, score.score) == (D(7), D(5), D(2), D("103.00"))
    assert "加分7（封顶5）；扣分2；得分103" in score.explanation()


def test_the_score_never_falls_below_zero() -> None:
    score = score_unit("融安", {"1": at("0")}, RULES, TITLES, [Item("融安", ItemKind.DEDUCTION, D(30), "瞒报")])
    assert score.score == D("0.00")


def test_a_vetoed_unit_ranks_behind_every_other_and_takes_the_lowest_grade() -> None:
    items = [Item("城中", ItemKind.VETO, D(0), "发生重大安全事故")]
    scores = assess(
        {"城中": {"1": at("1.2"), "2": at("1.2")}, "柳江": {"1": at("0.3"), "2": at("0.3")}}, RULES, TITLES, items
    )
    assert [(s.unit, s.rank, s.grade) for s in scores] == [("柳江", 1, "不合格"), ("城中", 2, "不合格")]
    assert scores[1].vetoed and "一票否决：发生重大安全事故" in scores[1].explanation()


def test_equal_scores_share_a_rank_and_units_without_targets_have_none() -> None:
    scores = assess({"a": {"1": at("1")}, "b": {"1": at("1")}, "c": {"1": at("0.5")}, "d": {}}, RULES, TITLES)
    assert [(s.unit, s.rank) for s in scores] == [("a", 1), ("b", 1), ("c", 3), ("d", None)]
    assert scores[-1].explanation() == "无目标，不参与考核"


def test_grades_by_score_follow_the_tiers_from_the_top() -> None:
    figures = {"a": {"1": at("0.95")}, "b": {"1": at("0.85")}, "c": {"1": at("0.7")}, "d": {"1": at("0.2")}}
    scores = assess(figures, RULES, TITLES)
    assert [s.grade for s in scores] == ["优秀", "良好", "合格", "不合格"]
    assert grade_counts(scores, RULES) == (("优秀", 1), ("良好", 1), ("合格", 1), ("不合格", 1))


def test_grades_by_rank_give_each_tier_its_places() -> None:
    rules = Rules(
        points={"1": D(100)},
        grade_basis=GradeBasis.RANK,
        tiers=(Tier("优秀", D(1)), Tier("良好", D(3)), Tier("一般", D(0))),
    )
    figures = {u: {"1": at(r)} for u, r in [("a", "0.9"), ("b", "0.8"), ("c", "0.7"), ("d", "0.6")]}
    assert [s.grade for s in assess(figures, rules, TITLES)] == ["优秀", "良好", "良好", "一般"]


def test_the_rank_change_reads_as_arrows() -> None:
    figures = {"a": {"1": at("0.9")}, "b": {"1": at("0.8")}, "c": {"1": at("0.7")}}
    scores = {s.unit: s for s in assess(figures, RULES, TITLES, previous_ranks={"a": 3, "b": 2})}
    assert (scores["a"].rank_change_text, scores["b"].rank_change_text, scores["c"].rank_change_text) == (
        "↑2",
        "—",
        "新",
    )
    assert UnitScore("x", rank=4, previous_rank=1).rank_change_text == "↓3"


def test_the_maximum_score_is_fixed_by_the_rules() -> None:
    assert RULES.most == D("125.0")


def test_rules_with_every_problem_are_refused_at_once() -> None:
    rules = Rules(points={"1": D(-1)}, cap=D("0.5"), bonus_cap=D(-1), tiers=(Tier("优秀", D(60)), Tier("优秀", D(90))))
    with pytest.raises(Refused) as refused:
        rules.checked()
    assert {r.code for r in refused.value.refusals} == {
        "assessment_points_out_of_range",
        "assessment_cap_out_of_range",
        "assessment_bonus_cap_out_of_range",
        "assessment_tier_labels",
        "assessment_tiers_not_descending",
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [("points", "1E+308"), ("points", "20.123"), ("cap", "1.00000001"), ("bonus_cap", "1E+308"), ("tiers", "1E+9")],
)
def test_a_rule_too_big_or_too_fine_for_the_tables_is_refused_not_stored(field: str, value: str) -> None:
    given = D(value)
    rules = Rules(
        points={"1": given if field == "points" else D(100)},
        cap=given if field == "cap" else D("1.2"),
        bonus_cap=given if field == "bonus_cap" else D(5),
        tiers=(Tier("优秀", given), Tier("其余", D(0))) if field == "tiers" else DEFAULT_TIERS,
    )
    assert [r.field for r in rules.problems()] == [field]


def test_default_points_add_up_to_the_full_marks_to_the_cent() -> None:
    assert sum(default_points({"1": D(1), "2": D(1), "3": D(1)}).values()) == D(100)


def test_default_points_share_the_full_marks_by_weight() -> None:
    assert default_points({"1": D(1), "2": D(3)}) == {"1": D("25.00"), "2": D("75.00")}


@pytest.mark.parametrize(
    ("period", "before"),
    [("2020-06", "2020-05"), ("2020-01", "2019-12"), ("2020-Q1", "2019-Q4"), ("2020-Q3", "2020-Q2"), ("2020", "2019")],
)
def test_the_period_before_is_of_the_same_kind(period: str, before: str) -> None:
    earlier = previous_period(Period.parse(period))
    assert (str(earlier), earlier.kind) == (before, Period.parse(period).kind)


def test_nobody_is_ranked_before_any_figure_is_approved() -> None:
    scores = assess({"a": {"1": at(None)}, "b": {"1": at(None)}, "c": {}}, RULES, TITLES)
    assert [(s.rank, s.score) for s in scores] == [(None, None)] * 3
    assert scores[0].explanation() == "本期尚无已审核的实际值，暂不考核"
    assert scores[2].explanation() == "无目标，不参与考核"


def test_the_rules_summarise_themselves_in_one_sentence() -> None:
    assert (
        RULES.summary()
        == "满分100分；超额完成的指标最多计分值的120%；加分不超过5分；等次：优秀≥90分、良好≥80分、合格≥60分、其余不合格"
    )
