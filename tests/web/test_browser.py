"""In a real Chromium: a planner opens the plan, reads why a cell is flagged, and switches language."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: What validation says of the 2018 committed row of 高新技术企业 (its units add up to 306, not 310).
MESSAGE_310 = "高新技术企业 2018年确保：各单位合计306，与合计310不符（相差4）。三江为空，若三江为4则相符。"


def test_a_planner_opens_the_plan_and_reads_why_a_total_is_flagged(live_server, seed_plan, indicator_named, page):
    page.goto(live_server.url)
    page.get_by_role("link", name="柳州市科技创新支撑工业高质量发展实施方案").click()
    expect(page.locator("h1")).to_have_text("柳州市科技创新支撑工业高质量发展实施方案")

    row = page.locator(f"#indicator-{indicator_named('高新技术企业').pk}-2018-committed")
    total = row.locator("td.c-total")
    expect(total).to_have_attribute("title", MESSAGE_310)
    total.get_by_role("button").click()

    popover = page.get_by_role("dialog")
    expect(popover).to_be_visible()
    expect(popover).to_contain_text("各单位合计306，与合计310不符（相差4）")
    expect(popover).to_contain_text("合计不符")
    page.keyboard.press("Escape")
    expect(popover).to_be_hidden()


def test_the_popover_of_a_blank_cell_says_which_value_would_close_the_gap(
    live_server, seed_plan, indicator_named, page
):
    page.goto(f"{live_server.url}/plans/{seed_plan.pk}/")
    cell = page.locator(f"#indicator-{indicator_named('高新技术企业').pk}-2018-committed td[data-unit='三江']")
    expect(cell).to_have_text("")
    cell.get_by_role("button").click()

    popover = page.get_by_role("dialog")
    expect(popover).to_contain_text("空白（未设目标）")
    expect(popover).to_contain_text("三江 = 4")
    popover.get_by_role("button", name="关闭").click()
    expect(popover).to_be_hidden()


def test_only_one_popover_is_open_at_a_time(live_server, seed_plan, indicator_named, page):
    page.goto(f"{live_server.url}/plans/{seed_plan.pk}/")
    high_tech = indicator_named("高新技术企业").pk
    page.locator(f"#indicator-{high_tech}-2019-committed td[data-unit='柳南'] button").click()
    expect(page.get_by_role("dialog")).to_contain_text("确保目标53低于2018年实际值57")

    page.locator(f"#indicator-{high_tech}-2019-stretch td[data-unit='融水'] button").click()

    expect(page.get_by_role("dialog")).to_have_count(1)
    expect(page.get_by_role("dialog")).to_contain_text("力争目标5低于确保目标6")


def test_a_finding_links_back_to_its_row_in_the_table(live_server, seed_plan, indicator_named, page):
    page.goto(f"{live_server.url}/plans/{seed_plan.pk}/findings/?severity=warning")
    expect(page.locator("table.findings tbody tr")).to_have_count(5)

    page.locator("table.findings tbody tr").first.get_by_role("link").click()

    row = page.locator(f"#indicator-{indicator_named('高新技术企业').pk}-2019-committed")
    expect(page).to_have_url(
        f"{live_server.url}/plans/{seed_plan.pk}/#indicator-{indicator_named('高新技术企业').pk}-2019-committed"
    )
    expect(row).to_be_in_viewport()


def test_a_planner_switches_the_pages_to_english_and_back(live_server, seed_plan, page):
    page.goto(f"{live_server.url}/plans/{seed_plan.pk}/")
    expect(page.locator("thead th").nth(1)).to_have_text("指标名称")

    page.get_by_role("button", name="English").click()

    expect(page.locator("thead th").nth(1)).to_have_text("Indicator")
    expect(page.locator("thead th").nth(5)).to_have_text("Annual target")
    expect(page.get_by_role("link", name="All findings (14)")).to_be_visible()
    page.get_by_role("button", name="中文").click()
    expect(page.locator("thead th").nth(1)).to_have_text("指标名称")


def test_the_milestone_charts_are_drawn_from_locally_served_echarts(live_server, seed_plan, page):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto(f"{live_server.url}/plans/{seed_plan.pk}/")

    charts = page.locator(".chart[data-drawn='true']")
    expect(charts).to_have_count(4)
    expect(charts.first.locator("canvas")).to_have_count(1)
    assert all(url.startswith(live_server.url) for url in requested)


def test_a_milestone_tooltip_shows_a_unit_of_measure_as_text_not_as_html(live_server, seed_plan, page):
    hostile = "<i id=hit>家</i>"  # a unit of measure holds at most 20 characters
    seed_plan.indicators.update(unit_of_measure=hostile)
    page.goto(f"{live_server.url}/plans/{seed_plan.pk}/")
    chart = page.locator(".chart[data-drawn='true'][data-chart-index='0']")
    expect(chart).to_be_visible()

    chart.evaluate(
        """element => {
            const plot = window.echarts.getInstanceByDom(element);
            const milestones = plot.getOption().series.length - 1;
            plot.dispatchAction({ type: "showTip", seriesIndex: milestones, dataIndex: 0 });
        }"""
    )

    tooltip = chart.locator("div", has_text="里程碑").last
    expect(tooltip).to_contain_text(f"12 {hostile}")
    expect(page.locator("#hit")).to_have_count(0)


def test_every_milestone_chart_offers_to_save_itself_as_an_image(live_server, seed_plan, page):
    page.goto(f"{live_server.url}/plans/{seed_plan.pk}/")
    expect(page.locator(".chart[data-drawn='true']")).to_have_count(4)

    titles = page.evaluate(
        """() => [...document.querySelectorAll(".chart[data-drawn='true']")].map(
            element => window.echarts.getInstanceByDom(element).getOption().toolbox[0].feature.saveAsImage.title)"""
    )

    assert titles == ["保存为图片"] * 4
