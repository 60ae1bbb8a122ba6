"""The presenters: plain functions that shape the selectors' data for the templates."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mubiao.domain.findings import Finding
from mubiao.domain.values import Severity
from mubiao.plans.selectors import TableCell
from mubiao.web.presenters import SeverityCounts, cell_view, chosen_severity, finding_view


def finding(severity: Severity = Severity.ERROR, unit: str | None = None, **extra) -> Finding:
    values = {
        "rule": "sum_mismatch",
        "severity": severity,
        "indicator": "高新技术企业",
        "indicator_number": "3",
        "year": 2018,
        "level": "committed",
        "unit": unit,
        "expected": Decimal("310.0000"),
        "found": Decimal("306.0000"),
        "message": "各单位合计306，与合计310不符",
    }
    values.update(extra)
    return Finding(**values)


@pytest.mark.parametrize(
    ("asked", "chosen"),
    [("error", "error"), ("WARNING", "warning"), (" info ", "info"), ("", ""), (None, ""), ("all", ""), ("<x>", "")],
)
def test_only_a_known_severity_is_taken_from_the_query_string(asked, chosen):
    assert chosen_severity(asked) == chosen


def test_severity_counts_add_up_to_their_total():
    counts = SeverityCounts.of([finding(), finding(), finding(Severity.WARNING)])

    assert (counts.error, counts.warning, counts.info, counts.total) == (2, 1, 0, 3)


def test_a_finding_about_a_whole_row_shows_its_numbers_as_the_table_writes_them():
    view = finding_view(finding(implied={"三江": Decimal("4.0000")}), anchor="indicator-3-2018-committed")

    assert (view.severity_label, view.rule_label, view.level_label, view.unit_label) == (
        "错误",
        "合计不符",
        "确保",
        "整行",
    )
    assert (view.expected, view.found) == ("310", "306")
    assert view.implied == ["三江 = 4"]
    assert view.anchor == "indicator-3-2018-committed"


def test_a_finding_of_an_unknown_rule_is_shown_by_its_code():
    assert finding_view(finding(rule="new_rule")).rule_label == "new_rule"


def test_a_blank_cell_stays_blank_and_unflagged_cells_have_no_popover():
    view = cell_view(TableCell(value=None), unit="三江", popover_id="pop-x", heading="h")

    assert view.text == ""
    assert not view.flagged
    assert view.popover_id == ""
    assert view.title == ""


def test_a_flagged_cell_carries_every_message_for_its_hover_text():
    cell = TableCell(
        value=Decimal("53.0000"), findings=[finding(Severity.WARNING, unit="柳南", message="甲"), finding(message="乙")]
    )

    view = cell_view(cell, unit="柳南", popover_id="pop-x", heading="高新技术企业 · 2019 · 确保 · 柳南")

    assert view.text == "53"
    assert view.severity == "error"
    assert view.title == "甲\n乙"
    assert view.popover_id == "pop-x"
    assert view.label == "53 · 高新技术企业 · 2019 · 确保 · 柳南"


@pytest.mark.django_db
def test_the_milestone_charts_show_where_the_seeds_annual_targets_fall_short(seed_plan):
    from mubiao.plans.selectors import plan_table
    from mubiao.web.presenters import milestone_charts

    charts = {chart["title"]: chart for chart in milestone_charts(plan_table(seed_plan))}

    platforms = charts["1. 国家级创新平台"]
    assert platforms["flow"] is True
    assert platforms["cumulative"]["committed"] == [2, 4, 10, 14, 20]
    assert [(m["year"], m["level"], m["value"], m["reached"], m["met"]) for m in platforms["milestones"]] == [
        ("2020", "committed", 12, 10, False),
        ("2020", "stretch", 15, 13, False),
        ("2022", "committed", 20, 20, True),
        ("2022", "stretch", 24, 24, True),
    ]
    enterprises = charts["3. 高新技术企业"]
    assert (enterprises["flow"], enterprises["cumulative"]) == (False, {})
    assert enterprises["annual"]["stretch"][0] is None
    assert all(m["met"] for m in enterprises["milestones"])


@pytest.mark.django_db
def test_the_plan_page_carries_the_chart_figures_and_the_local_echarts_script(client, seed_plan):
    html = client.get(f"/plans/{seed_plan.pk}/").content.decode()

    assert 'id="mubiao-charts"' in html
    assert "/static/vendor/echarts.min.js" in html
    assert html.count('class="chart"') == 4
