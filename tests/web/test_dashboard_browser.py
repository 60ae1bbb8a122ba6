"""In a real Chromium: a leader walks the progress pages by their links, and the charts are drawn."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_leader_walks_from_the_plan_to_the_overview_an_indicator_and_a_unit(live_server, seed_plan, page):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto(f"{live_server.url}/plans/{seed_plan.pk}/")
    page.locator(".actions").get_by_role("link", name="进度", exact=True).click()

    card = page.locator("#card-3")
    expect(card).to_contain_text("442")
    expect(card).to_contain_text("142.6%")
    expect(card.locator(".chart[data-drawn='true'] canvas")).to_have_count(1)
    expect(page.locator(".indicator-card .chart[data-drawn='true']")).to_have_count(4)

    card.get_by_role("link", name="3. 高新技术企业").click()
    expect(page).to_have_url(f"{live_server.url}/plans/{seed_plan.pk}/indicators/3/?year=2018")
    expect(page.locator("tr[data-unit='北部'] td[data-year='2018']")).to_contain_text("97.8% · 未完成")
    expect(page.locator("#units-3 canvas")).to_have_count(1)
    expect(page.locator("#trend-3 canvas")).to_have_count(1)

    page.locator("table.progress-matrix").get_by_role("link", name="北部", exact=True).click()
    expect(page.locator("h2.section-title")).to_contain_text("北部 成绩单")
    expect(page.locator("table.scorecard tr[data-indicator='3']")).to_contain_text("未完成")
    expect(page.locator("table.scorecard tr[data-indicator='3']")).to_contain_text("11 / 11")

    assert all(url.startswith(live_server.url) for url in requested)


def test_the_year_selector_and_the_tabs_keep_the_chosen_year(live_server, seed_plan, page):
    page.goto(f"{live_server.url}/plans/{seed_plan.pk}/progress/")
    page.locator("nav.years").get_by_role("link", name="2019").click()
    expect(page.locator("nav.years a[aria-current='true']")).to_have_text("2019")

    page.locator("nav.tabs").get_by_role("link", name="里程碑").click()

    expect(page).to_have_url(f"{live_server.url}/plans/{seed_plan.pk}/milestones/?year=2019")
    expect(page.locator("nav.years a[aria-current='true']")).to_have_text("2019")


def test_the_rankings_and_milestones_read_in_english_after_the_switch(live_server, seed_plan, page):
    page.goto(f"{live_server.url}/plans/{seed_plan.pk}/rankings/")
    expect(page.locator("#ranking-3 tbody tr").first).to_contain_text("城中")

    page.get_by_role("button", name="English").click()

    expect(page.locator("nav.tabs a[aria-current='page']")).to_have_text("Rankings")
    page.locator("nav.tabs").get_by_role("link", name="Milestones").click()
    milestone = page.locator("#milestones-3 li[data-year='2020'][data-level='committed']")
    expect(milestone).to_contain_text("96.1%")
    expect(milestone).to_contain_text("442 of 460 by 2018")


def test_a_printed_progress_page_has_its_title_block_and_no_navigation_or_buttons(live_server, seed_plan, page):
    page.goto(f"{live_server.url}/plans/{seed_plan.pk}/progress/?year=2018")
    page.emulate_media(media="print")

    header = page.locator(".print-header")
    expect(header).to_be_visible()
    expect(header).to_contain_text("2018年")
    expect(header).to_contain_text("仅含已审核数据")
    expect(page.locator(".topbar")).to_be_hidden()
    expect(page.locator(".tabs")).to_be_hidden()
    assert page.locator(".button:visible, form:visible").count() == 0


def test_a_printed_plan_keeps_the_figures_of_its_flagged_cells(live_server, seed_plan, indicator_named, page):
    page.goto(f"{live_server.url}/plans/{seed_plan.pk}/")
    page.emulate_media(media="print")

    total = page.locator(f"#indicator-{indicator_named('高新技术企业').pk}-2018-committed td.c-total")

    expect(total).to_have_text("310")
    expect(total.get_by_role("button")).to_be_visible()  # a flagged cell's figure is its popover button
    expect(page.locator(".print-header")).to_contain_text("实际值仅含已审核数据")


def test_the_units_chart_tooltip_shows_a_units_name_as_text_not_as_html(live_server, seed_plan, page):
    seed_plan.plan_units.filter(header_name="北部").update(header_name="<i id=hit>北</i>")
    page.goto(f"{live_server.url}/plans/{seed_plan.pk}/indicators/3/?year=2018")
    chart = page.locator("#units-3")
    expect(chart.locator("canvas")).to_have_count(1)

    chart.evaluate(
        """element => window.echarts.getInstanceByDom(element.querySelector('.chart') || element)
            .dispatchAction({ type: "showTip", seriesIndex: 0, dataIndex: 1 })"""
    )

    expect(chart.locator("div", has_text="<i id=hit>北</i>").last).to_be_visible()
    expect(page.locator("#hit")).to_have_count(0)
