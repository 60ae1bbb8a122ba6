"""The progress dashboard, through Django's test client: the seed's 2018 figures on every page, and bad queries."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from mubiao.orgunits.models import OrgUnit
from mubiao.plans.models import Plan
from tests.figures import approved_actual

from .conftest import parse, text_of

pytestmark = pytest.mark.django_db


def overview_url(plan: Plan) -> str:
    return reverse("web:progress", args=[plan.pk])


def indicator_url(plan: Plan, number: str) -> str:
    return reverse("web:progress_indicator", args=[plan.pk, number])


def unit_url(plan: Plan, org_unit: OrgUnit) -> str:
    return reverse("web:progress_unit", args=[plan.pk, org_unit.pk])


def rankings_url(plan: Plan) -> str:
    return reverse("web:progress_rankings", args=[plan.pk])


def milestones_url(plan: Plan) -> str:
    return reverse("web:progress_milestones", args=[plan.pk])


def unit_named(short_name: str) -> OrgUnit:
    return OrgUnit.objects.get(short_name=short_name)


def charts_of(page) -> list[dict]:
    (script,) = page.xpath("//script[@id='mubiao-dashboard']")
    return json.loads(script.text)


def cells_of(row) -> list[str]:
    return [text_of(cell) for cell in row.xpath("./td|./th")]


# -- the city overview -------------------------------------------------------------------------------


def test_the_plan_page_links_to_its_progress(client, seed_plan):
    page = parse(client.get(reverse("web:plan", args=[seed_plan.pk])))

    (link,) = page.xpath("//p[@class='actions']/a[normalize-space()='进度']")
    assert link.get("href") == overview_url(seed_plan)


def test_the_overview_card_of_high_tech_enterprises_shows_442_against_310_and_completed(client, seed_plan):
    page = parse(client.get(overview_url(seed_plan)))

    card = page.get_element_by_id("card-3")
    figures = {text_of(div.xpath("./dt")[0]): text_of(div.xpath("./dd")[0]) for div in card.xpath(".//dl/div")}
    # The city's enterprises are its twelve units' sum (汇总), and its own 实际 cell agrees.
    assert figures == {"汇总": "442", "确保": "310", "力争": "—", "完成率": "142.6%"}
    assert text_of(card.xpath(".//p[contains(@class, 'card-sum')]")[0]) == "12/12 个单位已报 · 市报 442"
    (status,) = card.xpath(".//span[contains(@class, 'status ')]")
    assert text_of(status) == "完成确保"
    assert "status-green" in status.get("class")
    assert "light-edge-green" in card.get("class")


def test_the_overview_counts_the_units_of_each_light(client, seed_plan):
    page = parse(client.get(overview_url(seed_plan)))

    card = page.get_element_by_id("card-3")
    counts = {span.get("title"): text_of(span) for span in card.xpath(".//span[@class='light-count']")}
    assert counts == {"绿灯：完成或序时正常": "10", "红灯：未完成": "1", "灰：无目标": "1"}


def test_an_indicator_nobody_has_reported_is_shown_as_not_reported_not_as_failed(client, seed_plan):
    page = parse(client.get(overview_url(seed_plan)))

    (status,) = page.get_element_by_id("card-1").xpath(".//span[contains(@class, 'status ')]")
    assert text_of(status) == "尚未填报"
    assert "status-none" in status.get("class")


def test_the_overview_sparkline_holds_the_citys_actual_and_committed_per_year(client, seed_plan):
    page = parse(client.get(overview_url(seed_plan)))

    spark = next(chart for chart in charts_of(page) if chart["id"] == "spark-3")
    assert spark["years"] == ["2018", "2019", "2020", "2021", "2022"]
    assert spark["actual"] == [442, None, None, None, None]
    assert spark["committed"] == [310, 450, 460, 480, 510]
    assert page.xpath("//div[@id='spark-3'][@data-dashboard-chart]")
    assert page.xpath("//script[contains(@src, 'vendor/echarts.min.js')]")


def test_the_overview_opens_at_the_latest_year_that_has_actual_values(client, seed_plan, indicator_named, actor):
    approved_actual(
        indicator=indicator_named("高新技术企业"),
        org_unit=unit_named("柳东"),
        period="2020",
        value=Decimal(170),
        actor=actor,
    )

    page = parse(client.get(overview_url(seed_plan)))

    assert [text_of(a) for a in page.xpath("//nav[@class='years']/a[@aria-current='true']")] == ["2020"]
    assert "显示期间：2020年" in text_of(page.xpath("//p[contains(@class, 'period-note')]")[0])


def test_a_plan_without_actual_values_opens_at_its_first_year(client, liuzhou):
    plan = Plan.objects.create(title="空白规划", area=liuzhou, start_year=2021, end_year=2025)

    page = parse(client.get(overview_url(plan)))

    assert [text_of(a) for a in page.xpath("//nav[@class='years']/a")] == ["2021", "2022", "2023", "2024", "2025"]
    assert [text_of(a) for a in page.xpath("//nav[@class='years']/a[@aria-current='true']")] == ["2021"]
    assert "此规划还没有指标。" in text_of(page)


def test_the_year_selector_shows_another_year_and_keeps_it_on_the_links(client, seed_plan):
    page = parse(client.get(overview_url(seed_plan), {"year": "2019"}))

    card = page.get_element_by_id("card-3")
    assert text_of(card.xpath(".//dd")[0]) == "—"
    assert text_of(card.xpath(".//dd")[1]) == "450"
    (link,) = card.xpath(".//h2/a")
    assert link.get("href") == indicator_url(seed_plan, "3") + "?year=2019"
    assert page.xpath(f"//nav[@class='tabs']/a[@href='{rankings_url(seed_plan)}?year=2019']")


def test_an_in_year_period_is_named_in_the_page(client, seed_plan):
    page = parse(client.get(overview_url(seed_plan), {"period": "2018-Q2"}))

    assert "显示期间：2018年第2季度" in text_of(page.xpath("//p[contains(@class, 'period-note')]")[0])
    assert page.xpath(f"//nav[@class='tabs']/a[@href='{rankings_url(seed_plan)}?year=2018&period=2018-Q2']")


# -- the indicator page ------------------------------------------------------------------------------


def matrix_row(page, unit: str):
    (row,) = page.xpath(f"//table[contains(@class, 'progress-matrix')]/tbody/tr[@data-unit='{unit}']")
    return row


def matrix_cell(page, unit: str, year: int):
    (cell,) = matrix_row(page, unit).xpath(f"./td[@data-year='{year}']")
    return cell


def test_the_indicator_page_colours_each_unit_and_year_by_its_status(client, seed_plan):
    page = parse(client.get(indicator_url(seed_plan, "3")))

    city = matrix_cell(page, "柳州市", 2018)
    assert [text_of(span) for span in city.xpath("./span")] == [
        "汇总 442",
        "确保 310 · 力争 —",
        "142.6% · 完成确保",
        "12/12 个单位已报 · 市报 442",
    ]
    assert "cell-green" in city.get("class")
    beibu = matrix_cell(page, "北部", 2018)
    assert [text_of(span) for span in beibu.xpath("./span")] == ["45", "确保 46 · 力争 —", "97.8% · 未完成"]
    assert "cell-red" in beibu.get("class")
    assert "cell-grey" in matrix_cell(page, "三江", 2018).get("class")


def test_the_indicator_page_shows_the_later_years_targets_as_not_yet_reported(client, seed_plan):
    page = parse(client.get(indicator_url(seed_plan, "3")))

    later = matrix_cell(page, "柳东", 2019)
    assert [text_of(span) for span in later.xpath("./span")] == ["—", "确保 176 · 力争 183", "尚未填报"]
    assert "cell-none" in later.get("class")
    assert "chosen" not in later.get("class")
    assert "chosen" in matrix_cell(page, "柳东", 2018).get("class")


def test_the_indicator_page_ranks_the_units_and_notes_the_implied_target_of_sanjiang(client, seed_plan):
    page = parse(client.get(indicator_url(seed_plan, "3")))

    ranks = {
        row.get("data-unit"): text_of(row.xpath("./td[contains(@class, 'rank')]")[0])
        for row in page.xpath("//table[contains(@class, 'progress-matrix')]/tbody/tr")
    }
    assert ranks["城中"] == "1"
    assert ranks["鹿寨"] == ranks["融安"] == "8"
    assert ranks["北部"] == "11"
    assert ranks["三江"] == "未设确保目标；合计缺口隐含4"


def test_the_indicator_page_links_each_unit_to_its_scorecard(client, seed_plan):
    page = parse(client.get(indicator_url(seed_plan, "3"), {"year": "2018"}))

    (link,) = matrix_row(page, "北部").xpath("./th/a")
    assert link.get("href") == unit_url(seed_plan, unit_named("北部")) + "?year=2018"


def test_the_indicator_page_charts_the_units_against_their_targets_and_over_the_years(client, seed_plan):
    page = parse(client.get(indicator_url(seed_plan, "3")))

    units, trend = charts_of(page)
    assert units["kind"] == "units"
    beibu = units["units"].index("北部")
    assert units["actual"][beibu] == {"value": 45, "light": "#d0433b"}
    assert units["committed"][beibu] == 46
    assert units["units"][0] == "柳东" and units["actual"][0]["value"] == 162
    assert trend["kind"] == "trend"
    assert trend["years"] == ["2018", "2019", "2020", "2021", "2022"]
    assert {"name": "城中", "values": [31, None, None, None, None]} in trend["series"]
    assert len(trend["series"]) == 12
    assert len(page.xpath("//div[contains(@class, 'chart')][@data-dashboard-chart]")) == 2


# -- the unit scorecard ------------------------------------------------------------------------------


def scorecard_row(page, number: str):
    (row,) = page.xpath(f"//table[contains(@class, 'scorecard')]/tbody/tr[@data-indicator='{number}']")
    return row


def test_the_scorecard_of_beibu_shows_it_missed_its_high_tech_target_and_ranks_last(client, seed_plan):
    page = parse(client.get(unit_url(seed_plan, unit_named("北部"))))

    assert cells_of(scorecard_row(page, "3")) == [
        "3. 高新技术企业（家）",
        "45",
        "46",
        "",
        "97.8%",
        "",
        "未完成",
        "11 / 11",
        "",
    ]
    assert "北部 成绩单" in text_of(page.xpath("//h2[contains(@class, 'section-title')]")[0])
    assert text_of(page.xpath("//section[contains(@class, 'score-card')]//p[@class='explanation']")[0]) == (
        "高新技术企业 1×0.978 = 0.978"
    )


def test_the_scorecard_says_why_an_indicator_has_no_rank(client, seed_plan):
    page = parse(client.get(unit_url(seed_plan, unit_named("三江"))))

    row = cells_of(scorecard_row(page, "3"))
    assert row[1] == "3"
    assert row[6] == "无目标"
    assert row[8] == "未设确保目标 · 合计缺口隐含4"


def test_the_scorecard_of_the_city_has_no_rank(client, seed_plan, liuzhou):
    page = parse(client.get(unit_url(seed_plan, liuzhou)))

    row = cells_of(scorecard_row(page, "3"))
    assert row[:4] == ["3. 高新技术企业（家）", "442", "310", ""]
    assert row[7] == ""
    assert not page.xpath("//section[contains(@class, 'score-card')]")


def test_the_scorecard_lists_every_unit_of_the_plan_to_switch_to(client, seed_plan):
    page = parse(client.get(unit_url(seed_plan, unit_named("北部"))))

    names = [text_of(a) for a in page.xpath("//section[@class='unit-intro']//a")]
    assert names[:3] == ["柳州市", "柳东", "北部"]
    assert len(names) == 13
    assert [text_of(a) for a in page.xpath("//section[@class='unit-intro']//a[@aria-current='true']")] == ["北部"]


# -- rankings ----------------------------------------------------------------------------------------


def test_the_rankings_put_chengzhong_first_and_let_luzhai_and_rongan_share_eighth(client, seed_plan):
    page = parse(client.get(rankings_url(seed_plan)))

    rows = page.get_element_by_id("ranking-3").xpath(".//tbody/tr")
    order = [(text_of(row.xpath("./td")[0]), row.get("data-unit")) for row in rows]
    assert order == [
        ("1", "城中"),
        ("2", "柳北"),
        ("3", "柳江"),
        ("4", "融水"),
        ("5", "柳南"),
        ("6", "鱼峰"),
        ("7", "柳东"),
        ("8", "鹿寨"),
        ("8", "融安"),
        ("10", "柳城"),
        ("11", "北部"),
        ("—", "三江"),
    ]


def test_an_unranked_unit_is_listed_last_with_the_reason(client, seed_plan):
    page = parse(client.get(rankings_url(seed_plan)))

    (sanjiang,) = page.get_element_by_id("ranking-3").xpath(".//tbody/tr[@data-unit='三江']")
    assert "unranked" in sanjiang.get("class")
    assert text_of(sanjiang.xpath("./td[@class='reason']")[0]) == "未设确保目标 · 合计缺口隐含4"


def test_an_indicator_nobody_has_reported_has_no_ranking_yet(client, seed_plan):
    page = parse(client.get(rankings_url(seed_plan)))

    ranking = page.get_element_by_id("ranking-1")
    assert "尚无可排名的单位" in text_of(ranking)
    reasons = {text_of(td) for td in ranking.xpath(".//details//td[@class='reason']")}
    assert reasons == {"未设确保目标", "未报实际值"}


def test_the_weighted_mean_view_explains_its_scores_term_by_term(client, seed_plan):
    page = parse(client.get(rankings_url(seed_plan) + "?view=mean"))

    rows = page.xpath("//table[contains(@class, 'composite-table')]/tbody/tr")
    first = rows[0]
    assert first.get("data-unit") == "城中"
    assert [text_of(td) for td in first.xpath("./td")][:3] == ["1", "2.214", "高新技术企业 1×2.214 = 2.214"]
    assert text_of(first.xpath(".//span[@class='term']")[0]) == "高新技术企业：权重占比 100.0% × 完成率 2.214 = 2.214"
    shared = [row.get("data-unit") for row in rows if text_of(row.xpath("./td")[0]) == "8"]
    assert shared == ["鹿寨", "融安"]
    last = rows[-1]
    assert last.get("data-unit") == "三江"
    assert [text_of(td) for td in last.xpath("./td")][:3] == ["—", "", "无目标，不参与综合排名"]


# -- the milestone tracker ---------------------------------------------------------------------------


def test_the_milestone_tracker_shows_442_of_460_as_96_1_percent(client, seed_plan):
    page = parse(client.get(milestones_url(seed_plan)))

    (milestone,) = page.get_element_by_id("milestones-3").xpath(".//li[@data-year='2020'][@data-level='committed']")
    assert "96.1%" in text_of(milestone)
    assert "截至2018年 442 / 460" in text_of(milestone)
    assert "milestone-underway" in milestone.get("class")
    (fill,) = milestone.xpath(".//span[@class='milestone-fill']")
    assert fill.get("style") == "width: 96.1%"


def test_a_milestone_without_actual_values_says_so_and_draws_an_empty_bar(client, seed_plan):
    page = parse(client.get(milestones_url(seed_plan)))

    (milestone,) = page.get_element_by_id("milestones-1").xpath(".//li[@data-year='2020'][@data-level='committed']")
    assert "截至2018年尚无实际值" in text_of(milestone)
    assert milestone.xpath(".//span[@class='milestone-fill']")[0].get("style") == "width: 0%"


def test_a_milestone_reached_early_is_marked_reached_and_its_bar_stops_at_full(
    client, seed_plan, indicator_named, liuzhou, actor
):
    # The city's level is its units' sum: 柳东 alone has reported 2019, with 600.
    approved_actual(
        indicator=indicator_named("高新技术企业"),
        org_unit=liuzhou.children.get(short_name="柳东"),
        period="2019",
        value=Decimal(600),
        actor=actor,
    )

    page = parse(client.get(milestones_url(seed_plan), {"year": "2019"}))

    (milestone,) = page.get_element_by_id("milestones-3").xpath(".//li[@data-year='2020'][@data-level='committed']")
    assert "milestone-met" in milestone.get("class")
    assert "130.4%" in text_of(milestone)
    assert milestone.xpath(".//span[@class='milestone-fill']")[0].get("style") == "width: 100%"


# -- bad queries -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"year": "abc"}, "“abc”不是年份"),
        ({"year": "２０１８"}, "不是年份"),
        ({"year": "2030"}, "年份2030不在规划期2018—2022年内"),
        ({"year": "99999999999999999999"}, "不是年份"),
        ({"period": "2018-Q9"}, "“2018-Q9”不是有效的期间"),
        ({"period": "2031"}, "年份2031不在规划期2018—2022年内"),
        ({"year": "2019", "period": "2018-Q2"}, "期间2018-Q2不在2019年内"),
    ],
)
@pytest.mark.parametrize("page_name", ["progress", "progress_rankings", "progress_milestones"])
def test_a_bad_year_or_period_answers_404_saying_what_is_wrong(client, seed_plan, page_name, query, message):
    response = client.get(reverse(f"web:{page_name}", args=[seed_plan.pk]), query)

    assert response.status_code == 404
    page = parse(response)
    assert message in text_of(page.xpath("//p[@class='query-error']")[0])
    assert page.xpath(f"//a[@href='{overview_url(seed_plan)}']")


def test_an_unknown_indicator_number_answers_404(client, seed_plan):
    response = client.get(indicator_url(seed_plan, "99"))

    assert response.status_code == 404
    assert "规划中没有序号为“99”的指标" in response.content.decode()


def test_a_unit_outside_the_plan_answers_404(client, seed_plan, liuzhou):
    outside = OrgUnit.objects.exclude(pk=liuzhou.pk).exclude(plan_columns__plan=seed_plan).first()
    assert outside is not None

    for org_unit_id in (outside.pk, 999999, 99999999999999999999):
        response = client.get(reverse("web:progress_unit", args=[seed_plan.pk, org_unit_id]))
        assert response.status_code == 404
        assert "单位不在此规划中" in response.content.decode()


def test_a_bad_year_on_the_indicator_and_unit_pages_answers_404(client, seed_plan):
    assert client.get(indicator_url(seed_plan, "3"), {"year": "abc"}).status_code == 404
    assert client.get(unit_url(seed_plan, unit_named("北部")), {"year": "1999"}).status_code == 404


@pytest.mark.parametrize("path", ["/plans/999/progress/", "/plans/999/rankings/", "/plans/999/indicators/3/"])
def test_the_progress_pages_of_an_unknown_plan_answer_404(client, seed_plan, path):
    assert client.get(path).status_code == 404


def test_the_progress_pages_only_answer_reads(client, seed_plan):
    assert client.post(overview_url(seed_plan)).status_code == 405
    assert client.post(rankings_url(seed_plan)).status_code == 405


# -- English -----------------------------------------------------------------------------------------


def test_the_progress_pages_switch_to_english(client, seed_plan):
    response = client.post("/i18n/setlang/", {"language": "en", "next": overview_url(seed_plan)}, follow=True)
    page = parse(response)

    assert page.get("lang") == "en"
    tabs = [text_of(a) for a in page.xpath("//nav[@class='tabs']/a")]
    assert tabs == ["Overview", "Rankings", "Milestones", "Assessment rules", "Bulletins"]
    card = page.get_element_by_id("card-3")
    assert [text_of(dt) for dt in card.xpath(".//dt")] == ["Sum of units", "Committed", "Stretch", "Completion rate"]
    assert text_of(card.xpath(".//p[contains(@class, 'card-sum')]")[0]) == "12/12 units reported · City's own 442"
    assert text_of(card.xpath(".//span[contains(@class, 'status ')]")[0]) == "Committed target met"
    assert "Period shown: 2018" in text_of(page.xpath("//p[contains(@class, 'period-note')]")[0])


def test_the_english_rankings_and_scorecard_translate_their_labels_but_not_the_data(client, seed_plan):
    client.post("/i18n/setlang/", {"language": "en"})

    rankings = parse(client.get(rankings_url(seed_plan) + "?view=mean"))
    (sanjiang,) = rankings.get_element_by_id("ranking-3").xpath(".//tbody/tr[@data-unit='三江']")
    assert text_of(sanjiang.xpath("./td[@class='reason']")[0]).startswith("No committed target")
    last = rankings.xpath("//table[contains(@class, 'composite-table')]/tbody/tr")[-1]
    assert text_of(last.xpath("./td")[2]) == "No target, so no place in the composite ranking"

    scorecard = parse(client.get(unit_url(seed_plan, unit_named("北部"))))
    assert cells_of(scorecard_row(scorecard, "3"))[6] == "Below committed target"

    error = client.get(overview_url(seed_plan), {"year": "abc"})
    assert "“abc” is not a year" in error.content.decode()
