"""The pages, through Django's test client: what a planner sees of the seed plan."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mubiao.plans.models import Indicator, Plan

from .conftest import parse, row_of, text_of, total_cell, unit_cell

pytestmark = pytest.mark.django_db


def plan_url(plan) -> str:
    return reverse("web:plan", args=[plan.pk])


def findings_url(plan) -> str:
    return reverse("web:plan_findings", args=[plan.pk])


# -- home --------------------------------------------------------------------------------------------


def test_the_home_page_lists_the_plan_with_its_years_and_counts(client, seed_plan):
    page = parse(client.get("/"))

    (row,) = page.xpath("//table[contains(@class, 'list')]/tbody/tr")
    cells = [text_of(td) for td in row.xpath("./td")]
    assert cells[0].startswith("柳州市科技创新支撑工业高质量发展实施方案")
    assert cells[1:] == ["柳州市", "2018—2022", "4", "12", "9", "5"]
    (link,) = row.xpath(".//a[contains(@class, 'plan-link')]")
    assert link.get("href") == plan_url(seed_plan)


def test_the_home_page_links_the_error_count_to_the_errors_of_the_plan(client, seed_plan):
    page = parse(client.get("/"))

    (errors,) = page.xpath("//a[contains(@class, 'count-error')]")
    assert errors.get("href") == findings_url(seed_plan) + "?severity=error"


@pytest.mark.usefixtures("no_seed_plan")
def test_the_home_page_says_how_to_load_a_plan_when_there_is_none(client):
    response = client.get("/")

    assert response.status_code == 200
    assert "还没有导入任何规划" in response.content.decode()
    assert "mubiao example" in response.content.decode()


# -- the plan page -------------------------------------------------------------------------------------


def test_the_plan_page_highlights_the_total_that_does_not_add_up(client, seed_plan, indicator_named):
    page = parse(client.get(plan_url(seed_plan)))

    total = total_cell(row_of(page, indicator_named("高新技术企业"), 2018, "committed"))
    assert text_of(total) == "310"
    assert "flagged-error" in total.get("class")
    assert "各单位合计306" in total.get("title")


def test_clicking_a_flagged_cell_opens_a_list_of_its_findings(client, seed_plan, indicator_named):
    page = parse(client.get(plan_url(seed_plan)))

    total = total_cell(row_of(page, indicator_named("高新技术企业"), 2018, "committed"))
    (button,) = total.xpath("./button")
    popover = page.get_element_by_id(button.get("aria-controls"))
    assert popover.get("hidden") is not None
    assert "各单位合计306，与合计310不符（相差4）" in text_of(popover)
    assert "合计不符" in text_of(popover)
    assert "第29行第6列" in text_of(popover)


def test_a_blank_cell_stays_blank_and_is_never_shown_as_zero(client, seed_plan, indicator_named):
    page = parse(client.get(plan_url(seed_plan)))

    sanjiang = unit_cell(row_of(page, indicator_named("高新技术企业"), 2018, "committed"), "三江")
    assert text_of(sanjiang) == ""
    liudong = unit_cell(row_of(page, indicator_named("国家级创新平台"), 2018, "committed"), "柳东")
    assert text_of(liudong) == ""
    assert "flagged" not in liudong.get("class")


def test_a_blank_cell_that_could_close_the_gap_is_flagged_with_the_value_it_would_need(
    client, seed_plan, indicator_named
):
    page = parse(client.get(plan_url(seed_plan)))

    sanjiang = unit_cell(row_of(page, indicator_named("高新技术企业"), 2018, "committed"), "三江")
    assert "flagged-error" in sanjiang.get("class")
    popover = page.get_element_by_id(sanjiang.xpath("./button")[0].get("aria-controls"))
    assert "空白（未设目标）" in text_of(popover)
    assert "三江 = 4" in text_of(popover)


def test_warnings_are_flagged_amber_on_the_unit_cells_they_concern(client, seed_plan, indicator_named):
    page = parse(client.get(plan_url(seed_plan)))
    high_tech = indicator_named("高新技术企业")

    liunan = unit_cell(row_of(page, high_tech, 2019, "committed"), "柳南")
    assert text_of(liunan) == "53"
    assert "flagged-warning" in liunan.get("class")
    assert "确保目标53低于2018年实际值57" in liunan.get("title")
    rongshui = unit_cell(row_of(page, high_tech, 2019, "stretch"), "融水")
    assert "flagged-warning" in rongshui.get("class")
    assert "力争目标5低于确保目标6" in rongshui.get("title")
    unflagged = unit_cell(row_of(page, high_tech, 2019, "committed"), "柳东")
    assert "flagged" not in unflagged.get("class")
    assert unflagged.get("title") is None


def test_a_milestone_the_targets_miss_flags_the_total_of_the_milestone_year(client, seed_plan, indicator_named):
    page = parse(client.get(plan_url(seed_plan)))

    total = total_cell(row_of(page, indicator_named("国家级创新平台"), 2020, "committed"))
    assert "flagged-error" in total.get("class")
    assert "到2020年确保12家以上，但2018—2020年确保目标合计为10家" in total.get("title")


def test_the_table_header_follows_the_official_layout(client, seed_plan):
    page = parse(client.get(plan_url(seed_plan)))

    header = [text_of(th) for th in page.xpath("//table[contains(@class, 'decomposition')]/thead/tr/th")]
    units = ["柳东", "北部", "鱼峰", "柳南", "柳北", "城中", "鹿寨", "柳城", "柳江", "融安", "融水", "三江"]
    assert header == ["序号", "指标名称", "完成目标", "年份", "级别", "年度目标", *units, "责任单位"]


def test_each_indicator_is_a_block_whose_descriptive_cells_span_its_rows(client, seed_plan, indicator_named):
    page = parse(client.get(plan_url(seed_plan)))
    high_tech = indicator_named("高新技术企业")

    block = page.get_element_by_id(f"indicator-{high_tech.pk}")
    rows = block.xpath("./tr[contains(@class, 'row')]")
    # 2018 has a committed and an actual row; 2019–2022 a committed and a stretch row each.
    assert [row.get("id").split("-", 2)[2] for row in rows] == [
        "2018-committed",
        "2018-actual",
        "2019-committed",
        "2019-stretch",
        "2020-committed",
        "2020-stretch",
        "2021-committed",
        "2021-stretch",
        "2022-committed",
        "2022-stretch",
    ]
    first = rows[0]
    for cls in ("c-no", "c-name", "c-goal", "c-resp"):
        (cell,) = first.xpath(f"./*[contains(@class, '{cls}')]")
        assert cell.get("rowspan") == "10"
    (year,) = first.xpath("./th[contains(@class, 'c-year')]")
    assert (text_of(year), year.get("rowspan")) == ("2018", "2")
    assert not rows[1].xpath("./th[contains(@class, 'c-year')]")
    assert [text_of(td) for td in first.xpath("./td[contains(@class, 'c-level')]")] == ["确保"]
    assert [text_of(td) for td in rows[1].xpath("./td[contains(@class, 'c-level')]")] == ["实际"]


def test_the_plan_page_shows_what_describes_each_indicator(client, seed_plan, indicator_named):
    page = parse(client.get(plan_url(seed_plan)))

    high_tech = page.get_element_by_id(f"indicator-{indicator_named('高新技术企业').pk}")
    described = text_of(high_tech)
    assert "计量单位" in described and "家" in described
    assert "保有量（存量）" in described
    assert "市科技局" in described
    assert "到2020年确保完成460家" in described
    talent = text_of(page.get_element_by_id(f"indicator-{indicator_named('高层次创新人才和团队').pk}"))
    assert "新增（流量）" in talent
    assert "市人力资源社会保障局、市科技局" in talent
    transfer = text_of(page.get_element_by_id(f"indicator-{indicator_named('重大科技成果转化').pk}"))
    assert "备注：重大科技成果转化的标准由自治区科技厅定义。" in transfer


def test_the_plan_page_summarises_the_plan_and_links_to_its_findings(client, seed_plan):
    response = client.get(plan_url(seed_plan))
    page = parse(response)

    facts = {
        text_of(div.xpath("./dt")[0]): text_of(div.xpath("./dd")[0]) for div in page.xpath("//dl[@class='facts']/div")
    }
    assert facts == {"所属地区": "柳州市", "年份": "2018—2022", "指标": "4", "单位": "12", "错误": "9", "警告": "5"}
    assert page.xpath(f"//a[@href='{findings_url(seed_plan)}']")


def test_the_plan_page_names_the_source_file_and_its_hash(client, seed_plan):
    page = parse(client.get(plan_url(seed_plan)))

    sources = text_of(page.get_element_by_id("sources"))
    source = seed_plan.source_files.get()
    assert source.filename in sources
    assert source.sha256 in sources
    assert page.xpath("//a[@href='#sources']")


def test_an_indicator_without_targets_still_shows_as_one_block(client, seed_plan):
    Indicator.objects.create(plan=seed_plan, number="5", position=99, name="科技型中小企业", unit_of_measure="家")

    page = parse(client.get(plan_url(seed_plan)))

    block = page.get_element_by_id(f"indicator-{Indicator.objects.get(plan=seed_plan, number='5').pk}")
    assert "科技型中小企业" in text_of(block)
    assert "尚无目标数据" in text_of(block)


def test_a_plan_without_indicators_says_so_and_has_no_findings(client, liuzhou):
    plan = Plan.objects.create(title="空白规划", area=liuzhou, start_year=2021, end_year=2025)

    page = parse(client.get(plan_url(plan)))

    assert "此规划还没有指标。" in text_of(page.xpath("//table[contains(@class, 'decomposition')]")[0])
    assert severities_listed(client.get(findings_url(plan))) == []
    assert "没有符合条件的问题。" in client.get(findings_url(plan)).content.decode()


# -- the findings page ---------------------------------------------------------------------------------


def severities_listed(response) -> list[str]:
    """The severity badges of the findings table, top to bottom."""
    page = parse(response)
    return [text_of(badge) for badge in page.xpath("//table[contains(@class, 'findings')]/tbody/tr/td[1]/span")]


def test_the_findings_page_lists_nine_errors_and_five_warnings_for_the_seed(client, seed_plan):
    listed = severities_listed(client.get(findings_url(seed_plan)))

    assert listed.count("错误") == 9
    assert listed.count("警告") == 5
    assert len(listed) == 14


@pytest.mark.parametrize(("severity", "label", "count"), [("warning", "警告", 5), ("error", "错误", 9)])
def test_the_findings_page_filters_by_severity(client, seed_plan, severity, label, count):
    response = client.get(findings_url(seed_plan), {"severity": severity})

    assert severities_listed(response) == [label] * count
    (current,) = parse(response).xpath("//nav[@class='filters']/a[@aria-current='true']")
    assert text_of(current).split() == [label, str(count)]


def test_an_unknown_severity_filter_shows_every_finding(client, seed_plan):
    assert len(severities_listed(client.get(findings_url(seed_plan), {"severity": "nonsense"}))) == 14


def test_the_findings_page_shows_each_finding_with_its_expected_and_found_values(client, seed_plan):
    page = parse(client.get(findings_url(seed_plan), {"severity": "error"}))

    rows = [
        [text_of(td) for td in tr.xpath("./td")] for tr in page.xpath("//table[contains(@class, 'findings')]/tbody/tr")
    ]
    high_tech = next(row for row in rows if row[2] == "3. 高新技术企业")
    assert high_tech[0] == "错误"
    assert high_tech[1].startswith("合计不符")
    assert high_tech[3:8] == ["2018", "确保", "整行", "310", "306"]
    assert "各单位合计306" in high_tech[8]
    assert high_tech[9] == "三江 = 4"


def test_every_finding_links_to_its_row_on_the_plan_page(client, seed_plan):
    findings = parse(client.get(findings_url(seed_plan)))
    plan_page = parse(client.get(plan_url(seed_plan)))

    links = findings.xpath("//table[contains(@class, 'findings')]/tbody/tr/td[3]/a/@href")
    assert len(links) == 14
    for link in links:
        path, anchor = link.split("#")
        assert path == plan_url(seed_plan)
        assert plan_page.get_element_by_id(anchor) is not None


# -- not found -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/plans/999/",
        "/plans/999/findings/",
        "/plans/99999999999999999999999/",
        "/plans/abc/",
        "/no-such-page/",
    ],
)
def test_an_unknown_plan_or_page_answers_404_with_a_way_home(client, seed_plan, path):
    response = client.get(path)

    assert response.status_code == 404
    assert "找不到页面" in response.content.decode()
    assert parse(response).xpath("//a[@href='/']")


def test_a_number_in_the_url_is_an_id_even_when_a_title_contains_it(client, seed_plan):
    # The seed's table title holds "2018"; the page must not treat the id as a title search.
    assert seed_plan.pk != 2018
    assert client.get("/plans/2018/").status_code == 404


def test_the_pages_only_answer_reads(client, seed_plan):
    assert client.post(plan_url(seed_plan)).status_code == 405


# -- languages -----------------------------------------------------------------------------------------


def test_the_pages_speak_chinese_by_default(client, seed_plan):
    page = parse(client.get(plan_url(seed_plan)))

    assert page.get("lang") == "zh-hans"
    assert page.xpath("//button[@value='zh-hans'][@aria-pressed='true']")


def test_switching_to_english_renders_english_labels(client, seed_plan, indicator_named):
    response = client.post("/i18n/setlang/", {"language": "en", "next": plan_url(seed_plan)}, follow=True)
    page = parse(response)

    assert page.get("lang") == "en"
    header = [text_of(th) for th in page.xpath("//table[contains(@class, 'decomposition')]/thead/tr/th")]
    assert header[:6] == ["No.", "Indicator", "Overall goal", "Year", "Level", "Annual target"]
    assert header[-1] == "Responsible units"
    row = row_of(page, indicator_named("高新技术企业"), 2018, "actual")
    assert [text_of(td) for td in row.xpath("./td[contains(@class, 'c-level')]")] == ["Actual"]
    assert "Stock (year-end level)" in text_of(
        page.get_element_by_id(f"indicator-{indicator_named('高新技术企业').pk}")
    )
    # The findings are data and stay as the rules wrote them.
    assert "各单位合计306" in response.content.decode()


def test_the_english_findings_page_translates_its_labels(client, seed_plan):
    client.post("/i18n/setlang/", {"language": "en"})
    page = parse(client.get(findings_url(seed_plan), {"severity": "warning"}))

    assert [text_of(a).split()[0] for a in page.xpath("//nav[@class='filters']/a")] == [
        "All",
        "Errors",
        "Warnings",
        "Notes",
    ]
    assert [text_of(badge) for badge in page.xpath("//table[contains(@class, 'findings')]/tbody/tr/td[1]/span")] == [
        "Warning"
    ] * 5


def test_switching_back_to_chinese_restores_chinese_labels(client, seed_plan):
    client.post("/i18n/setlang/", {"language": "en"})
    client.post("/i18n/setlang/", {"language": "zh-hans"})

    page = parse(client.get("/"))
    assert page.get("lang") == "zh-hans"
    assert text_of(page.xpath("//h1")[0]) == "规划"


def test_a_browser_set_to_english_still_gets_chinese_pages_until_the_user_switches(client, seed_plan):
    chinese = client.get(plan_url(seed_plan), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    client.post("/i18n/setlang/", {"language": "en"})
    english = client.get(plan_url(seed_plan), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert chinese.headers["Content-Language"] == "zh-hans"
    assert "年度目标" in chinese.content.decode()
    assert english.headers["Content-Language"] == "en"
