"""The progress sheet (附件1): what an office sends out for a period — approved figures, flagged by the calendar."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from mubiao.accounts.models import RoleKind
from mubiao.exports.progress import lag_flag, progress_sheet
from mubiao.exports.xlsx import progress_workbook
from mubiao.orgunits.models import Department, OrgUnit
from mubiao.plans.models import Indicator, Plan
from mubiao.reporting.models import ActualValue
from mubiao.reporting.workflow import actual_approve, actual_enter, actual_submit
from tests.cli.test_commands import run
from tests.plans.reported_figures import person

pytestmark = pytest.mark.django_db


def approved(plan: Plan, number: str, unit: str, period: str, value: str) -> ActualValue:
    indicator = Indicator.objects.get(plan=plan, number=number)
    org_unit = OrgUnit.objects.get(short_name=unit)
    reporter = person(f"reporter-{unit}-{period}", RoleKind.REPORTER, org_unit=org_unit)
    reviewer = person(
        f"reviewer-{unit}-{period}", RoleKind.REVIEWER, department=Department.objects.get(name="市科技局")
    )
    actual = actual_enter(actor=reporter, indicator=indicator, org_unit=org_unit, period=period, value=value)
    actual = actual_submit(actor=reporter, actual=actual, expected_version=actual.version)
    return actual_approve(actor=reviewer, actual=actual, expected_version=actual.version)


def section(sheet, number: str):
    (found,) = [section for section in sheet.sections if section.number == number]
    return {row.unit: row for row in found.rows}


def test_liuzhou_2018_high_tech_the_city_first_at_142_6_percent_beibu_below_and_sanjiang_without_target(
    seed_plan: Plan,
) -> None:
    sheet = progress_sheet(seed_plan, year=2018)

    rows = section(sheet, "3")
    assert next(iter(rows)) == "柳州市"
    assert round(rows["柳州市"].rate_committed * 1000) == 1426
    assert round(rows["北部"].rate_committed * 1000) == 978
    assert rows["北部"].gap_points.quantize(Decimal("0.1")) == Decimal("-2.2")
    assert (rows["北部"].flag, rows["柳东"].flag) == ("", "green")  # 2.2 points behind: not yet a warning
    assert (rows["三江"].has_target, rows["三江"].rate_committed, rows["三江"].status) == (False, None, "无目标")
    assert sheet.period_label == "2018年" and sheet.cumulative_label == "1—12月累计"


def test_the_workbook_holds_numbers_with_formats_and_a_dash_where_there_is_no_target(seed_plan: Plan) -> None:
    book = load_workbook(io.BytesIO(progress_workbook(progress_sheet(seed_plan, year=2018))))
    sheet = book["完成情况"]
    rows = {sheet.cell(row, 2).value: row for row in range(1, sheet.max_row + 1) if sheet.cell(row, 2).value}
    header = [sheet.cell(rows["县区"], column).value for column in range(1, 13)]
    high_tech = next(row for row in range(1, sheet.max_row + 1) if sheet.cell(row, 1).value == "3. 高新技术企业（家）")
    city, sanjiang = high_tech + 2, high_tech + 14

    assert sheet["A1"].value == "附件1"
    assert header == ["序号", "县区", "确保目标", "力争目标", "1—12月累计", "完成确保%", "完成力争%", "序时进度%",
                      "与序时差(百分点)", "同比", "位次", "状态"]  # fmt: skip
    assert [sheet.cell(city, column).value for column in (2, 3, 5)] == ["柳州市", 310, 442]
    assert sheet.cell(city, 6).number_format == "0.0%" and round(sheet.cell(city, 6).value, 3) == 1.426
    assert [sheet.cell(sanjiang, column).value for column in (2, 3, 6, 12)] == ["三江", "-", "-", "无目标"]
    assert sheet.cell(city, 9).fill.fgColor.rgb.endswith("C6EFCE")  # green: ahead of the calendar


@pytest.mark.parametrize(
    ("gap", "flag"),
    [
        ("12.5", "green"),
        ("0", "green"),
        ("-9.9", ""),
        ("-10", "yellow"),
        ("-30", "yellow"),
        ("-30.1", "red"),
        (None, ""),
    ],
)
def test_a_row_is_green_at_or_ahead_yellow_from_10_points_behind_and_red_beyond_30(gap: str | None, flag: str) -> None:
    assert lag_flag(Decimal(gap) if gap is not None else None, 10, 30) == flag


def test_the_plans_own_thresholds_decide_the_flags(seed_plan: Plan) -> None:
    seed_plan.lag_warning_points, seed_plan.lag_alarm_points = 1, 2
    seed_plan.save()

    rows = section(progress_sheet(seed_plan, year=2018), "3")

    assert rows["北部"].flag == "red"  # 2.2 points behind, beyond 2
    assert (
        "黄—落后序时1—2个百分点"
        in load_workbook(io.BytesIO(progress_workbook(progress_sheet(seed_plan, year=2018))))["完成情况"]["A3"].value
    )


def test_a_month_shows_its_cumulative_months_and_the_change_on_last_year(seed_plan: Plan) -> None:
    approved(seed_plan, "3", "柳东", "2019", "180")

    rows = section(progress_sheet(seed_plan, year=2019, period="2019"), "3")

    assert rows["柳东"].actual == Decimal(180)
    assert round(rows["柳东"].year_on_year, 4) == Decimal("0.1111")  # on 2018's 162
    assert rows["北部"].year_on_year is None and rows["北部"].actual is None


def test_figures_not_yet_approved_stay_out_of_the_sheet(seed_plan: Plan) -> None:
    indicator = Indicator.objects.get(plan=seed_plan, number="3")
    liudong = OrgUnit.objects.get(short_name="柳东")
    reporter = person("liudong", RoleKind.REPORTER, org_unit=liudong)
    draft = actual_enter(actor=reporter, indicator=indicator, org_unit=liudong, period="2019", value="999")
    actual_submit(actor=reporter, actual=draft, expected_version=draft.version)

    rows = section(progress_sheet(seed_plan, year=2019, period="2019"), "3")

    assert rows["柳东"].actual is None


def test_the_command_the_page_and_the_api_hand_out_the_same_sheet(
    seed_plan: Plan, client, tmp_path: Path, capsys
) -> None:
    from django.urls import reverse

    path = tmp_path / "完成情况表.xlsx"
    assert run("export", "progress", str(seed_plan.pk), "--year", "2018", "-o", str(path)) == 0
    assert run("export", "progress", str(seed_plan.pk), "--year", "2030", "-o", str(tmp_path / "x.xlsx")) == 2
    page = client.get(reverse("web:progress", args=[seed_plan.pk]) + "?year=2018")
    download = client.get(reverse("web:progress_sheet", args=[seed_plan.pk]) + "?year=2018")
    outside = client.get(reverse("web:progress_sheet", args=[seed_plan.pk]) + "?year=2030")
    api = client.get(f"/api/plans/{seed_plan.pk}/progress-sheet/?year=2018")
    bad = client.get(f"/api/plans/{seed_plan.pk}/progress-sheet/?year=2030")

    assert "年份2030不在规划期2018—2022年内" in capsys.readouterr().err
    expected = load_workbook(path)["完成情况"]["A2"].value
    assert expected == "柳州市科技创新支撑工业高质量发展实施方案2018年完成情况表"
    assert reverse("web:progress_sheet", args=[seed_plan.pk]) + "?year=2018" in page.content.decode()
    for response in (download, api):
        assert response.status_code == 200
        assert load_workbook(io.BytesIO(b"".join(response.streaming_content)))["完成情况"]["A2"].value == expected
    assert (outside.status_code, bad.status_code) == (404, 400)
