import json

import pytest
from django.core.management import call_command

from mubiao.domain.periods import Period
from mubiao.domain.progress import Status
from mubiao.reporting.selectors import latest_period, plan_progress, plan_scores

pytestmark = pytest.mark.django_db

SEED_RANKS = {
    "城中": 1,
    "柳北": 2,
    "柳江": 3,
    "融水": 4,
    "柳南": 5,
    "鱼峰": 6,
    "柳东": 7,
    "鹿寨": 8,
    "融安": 8,
    "柳城": 10,
    "北部": 11,
    "三江": None,
}


def progress_json(capsys, *args: str) -> dict:
    call_command("progress", *args, "--format", "json")
    return json.loads(capsys.readouterr().out)


def test_the_seeds_2018_enterprises_come_out_as_the_issue_states(seed_plan, capsys) -> None:
    result = progress_json(capsys, "--year", "2018", "--indicator", "3")
    rows = {row["unit"]: row for row in result["rows"]}

    assert result["period"] == "2018"
    assert (
        rows["柳州市"]["actual"],
        rows["柳州市"]["committed"],
        rows["柳州市"]["rate_committed"],
        rows["柳州市"]["status"],
    ) == (442, 310, 1.426, "above_committed")
    assert (
        rows["北部"]["actual"],
        rows["北部"]["committed"],
        rows["北部"]["rate_committed"],
        rows["北部"]["status"],
    ) == (45, 46, 0.978, "below_committed")
    assert rows["柳东"]["rate_committed"] == 1.35
    assert (rows["三江"]["actual"], rows["三江"]["committed"], rows["三江"]["status"], rows["三江"]["rank"]) == (
        3,
        None,
        "no_target",
        None,
    )
    assert "4" in rows["三江"]["note"]
    assert {unit: row["rank"] for unit, row in rows.items() if unit != "柳州市"} == SEED_RANKS
    assert rows["柳州市"]["rank"] is None


def test_progress_toward_the_2020_milestone_is_the_latest_stock_level(seed_plan, capsys) -> None:
    result = progress_json(capsys, "--year", "2018", "--indicator", "3")
    milestone = next(m for m in result["milestones"] if (m["year"], m["level"]) == (2020, "committed"))

    assert (milestone["value"], milestone["reached"], milestone["rate"]) == (460, 442, 0.961)


def test_the_terminal_table_shows_rates_with_three_decimals_and_the_milestone_percentage(seed_plan, capsys) -> None:
    call_command("progress", "--year", "2018", "--indicator", "3")

    out = capsys.readouterr().out
    assert "1.350" in out and "完成确保" in out and "未完成" in out
    assert "96.1%" in out


def test_without_actual_values_every_unit_with_a_target_is_not_reported_rather_than_failed(seed_plan) -> None:
    progress = plan_progress(seed_plan, year=2019, indicator_number="1")

    assert progress.period == Period.parse("2019")
    assert {row.status for row in progress.rows if row.committed} == {Status.NOT_REPORTED}
    assert all(row.rank is None for row in progress.rows)


def test_a_year_outside_the_plan_or_an_unknown_indicator_is_a_clear_error(seed_plan, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        call_command("progress", "--year", "2030")
    assert exit_.value.code == 2
    assert "年份2030不在规划期2018—2022年内" in capsys.readouterr().err

    with pytest.raises(ValueError, match="没有序号为9的指标"):
        plan_progress(seed_plan, year=2018, indicator_number="9")


def test_the_latest_reported_period_is_shown_by_default(seed_plan) -> None:
    assert latest_period(seed_plan, 2018) == Period.parse("2018")
    assert latest_period(seed_plan, 2020) == Period.parse("2020")


def test_composite_scores_rank_units_over_the_indicators_they_have_targets_for(seed_plan) -> None:
    scores = plan_scores(plan_progress(seed_plan, year=2018))
    by_unit = {score.unit: score for score in scores}

    # Only 高新技术企业 has 2018 actuals: a target without an actual is not reported, not a zero.
    assert by_unit["城中"].rank == 1
    assert by_unit["城中"].explanation() == "高新技术企业 1×2.214 = 2.214"
    assert (by_unit["鹿寨"].rank, by_unit["融安"].rank) == (8, 8)
    assert (by_unit["三江"].score, by_unit["三江"].rank) == (None, None)
