import json
from pathlib import Path

import pytest
from django.core.management import call_command

from mubiao.audit.models import AuditRecord
from mubiao.cli import COMMANDS, USAGE
from mubiao.plans.models import Plan
from mubiao.reporting.models import ActualValue
from tests.reporting.actual_tables import ROWS, csv_bytes, with_row

pytestmark = pytest.mark.django_db


def run(*args: str) -> int:
    """Run a mubiao command in this process (so on the test database); return its exit status."""
    try:
        call_command(COMMANDS.get(args[0], args[0]), *args[1:])
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return 0


@pytest.fixture
def actuals_csv(tmp_path: Path) -> Path:
    path = tmp_path / "2019年上半年实际值.csv"
    path.write_bytes(csv_bytes(ROWS))
    return path


def test_mubiao_actuals_is_a_command_with_its_usage_line() -> None:
    assert COMMANDS["actuals"] == "actuals"
    assert "mubiao actuals import FILE" in USAGE


def test_actuals_import_prints_what_it_did_as_json(seed_plan: Plan, actuals_csv: Path, capsys) -> None:
    assert run("actuals", "import", str(actuals_csv), "--format", "json") == 0

    result = json.loads(capsys.readouterr().out)
    assert result["plan"]["id"] == seed_plan.pk
    assert result["counts"] == {
        "created": 9,
        "updated": 0,
        "cleared": 0,
        "unchanged": 0,
        "conflicts": 0,
        "rows": 9,
        "blank_skipped": 0,
    }
    assert result["source_file"]["filename"] == "2019年上半年实际值.csv"
    assert result["source_file"]["seen_before"] is False
    assert result["changes"] == []


def test_actuals_import_audits_through_the_import_door(seed_plan: Plan, actuals_csv: Path) -> None:
    before = AuditRecord.objects.count()

    run("actuals", "import", str(actuals_csv), "--plan", str(seed_plan.pk), "--format", "json")

    assert {r.door for r in AuditRecord.objects.order_by("id")[before:]} == {"import"}


def test_in_a_terminal_it_summarises_and_a_second_run_changes_nothing(
    seed_plan: Plan, actuals_csv: Path, capsys
) -> None:
    run("actuals", "import", str(actuals_csv), "--plan", "科技创新")
    first = capsys.readouterr().out
    assert "已导入" in first
    assert "共 9 行：新增 9，修改 0，未变 0" in first

    assert run("actuals", "import", str(actuals_csv), "--plan", "科技创新") == 0

    again = capsys.readouterr().out
    assert "未发生变化" in again
    assert "未变 9" in again
    assert "以前已导入过" in again


def test_a_changed_value_is_listed_with_before_and_after(seed_plan: Plan, actuals_csv: Path, tmp_path, capsys) -> None:
    run("actuals", "import", str(actuals_csv))
    corrected = tmp_path / "corrected.csv"
    corrected.write_bytes(csv_bytes(with_row(4, 3, "171")))
    capsys.readouterr()

    run("actuals", "import", str(corrected))

    assert "修改 高新技术企业 柳东 2019-Q2：170 → 171" in capsys.readouterr().out


def test_bad_input_exits_2_listing_every_problem_with_file_row_and_column_as_json(
    seed_plan: Plan, tmp_path: Path, capsys
) -> None:
    rows = with_row(4, 1, "柳男")
    rows[3][3] = "十二"
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes(rows))
    before = ActualValue.objects.count()

    assert run("actuals", "import", str(path), "--format", "json") == 2

    errors = json.loads(capsys.readouterr().out)["errors"]
    assert [(e["file"], e["row"], e["column"]) for e in errors] == [("bad.csv", 5, 4), ("bad.csv", 6, 2)]
    assert errors[0]["message"] == "“十二”不是数值"
    assert errors[1]["expected"]
    assert ActualValue.objects.count() == before


def test_bad_input_in_a_terminal_says_nothing_was_written(seed_plan: Plan, tmp_path: Path, capsys) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes(with_row(0, 2, "2024")))

    assert run("actuals", "import", str(path)) == 2

    err = capsys.readouterr().err
    assert "数据库未作任何改动" in err
    assert "bad.csv 第2行第3列：期间2024不在规划期2018—2022年内" in err


def test_a_blank_value_needs_allow_blank_to_be_skipped(seed_plan: Plan, tmp_path: Path, capsys) -> None:
    path = tmp_path / "blank.csv"
    path.write_bytes(csv_bytes(with_row(1, 3, "")))

    assert run("actuals", "import", str(path)) == 2
    assert run("actuals", "import", str(path), "--allow-blank") == 0

    assert "空白跳过 1" in capsys.readouterr().out
    assert not ActualValue.objects.filter(org_unit__short_name="柳东", period="2019-Q1").exists()


def test_an_unknown_plan_or_a_missing_file_is_a_clear_error(seed_plan: Plan, tmp_path: Path, capsys) -> None:
    assert run("actuals", "import", str(tmp_path / "none.csv"), "--plan", "999") == 2
    assert "找不到编号为 999 的规划" in capsys.readouterr().err

    assert run("actuals", "import", str(tmp_path / "none.csv")) == 2
    assert "文件不存在" in capsys.readouterr().err


def test_after_the_second_quarter_progress_shows_who_keeps_pace_with_the_calendar(
    seed_plan: Plan, actuals_csv: Path, capsys
) -> None:
    """高新技术企业 is a stock: by Q2, half the way from 2018's level to the 2019 committed target.

    柳东 162 → 176 expects 169 and has 170; 北部 45 → 55 expects 50 and has 48. 柳州市 is their sum
    (汇总) — 218 of the two units that reported, waiting for ten more — beside its own 447.
    """
    run("actuals", "import", str(actuals_csv))
    capsys.readouterr()

    call_command("progress", "--year", "2019", "--period", "2019-Q2", "--indicator", "3", "--format", "json")

    rows = {row["unit"]: row for row in json.loads(capsys.readouterr().out)["rows"]}
    city = rows["柳州市"]
    assert (city["actual"], city["own"], city["units_reported"], city["units_expected"]) == (218, 447, 2, 12)
    assert (city["expected"], city["status_label"], city["mismatch"]) == (446, "尚未报齐", None)
    assert (rows["柳东"]["actual"], rows["柳东"]["expected"], rows["柳东"]["status_label"]) == (170, 169, "序时正常")
    assert (rows["北部"]["actual"], rows["北部"]["expected"], rows["北部"]["status_label"]) == (48, 50, "序时滞后")
    assert rows["鱼峰"]["status_label"] == "尚未填报"  # no figure yet for Q2


def test_a_year_and_its_fourth_quarter_in_one_file_are_refused_at_the_second_row(
    seed_plan: Plan, tmp_path: Path, capsys
) -> None:
    path = tmp_path / "twins.csv"
    path.write_bytes(csv_bytes([["高新技术企业", "柳北", "2021", "5"], ["高新技术企业", "柳北", "2021-Q4", "6"]]))

    assert run("actuals", "import", str(path)) == 2

    error = capsys.readouterr().err
    assert "第3行" in error and "与第2行是同一时段（2021-Q4与2021：全年与第四季度）" in error
    assert not ActualValue.objects.filter(org_unit__short_name="柳北", period__in=["2021", "2021-Q4"]).exists()


def test_reimporting_the_table_keeps_annual_figures_a_long_table_gave(
    seed_plan: Plan, seed_bytes: bytes, tmp_path: Path, capsys
) -> None:
    path = tmp_path / "annual.csv"
    path.write_bytes(csv_bytes([["2", "融水", "2020", "1"], ["1", "柳东", "2022", "2"]]))
    assert run("actuals", "import", str(path)) == 0
    table = tmp_path / "柳州分解表.txt"
    table.write_bytes(seed_bytes)
    capsys.readouterr()

    assert run("import", str(table), "--format", "json") == 0

    result = json.loads(capsys.readouterr().out)
    assert (result["counts"]["cleared"], result["counts"]["updated"]) == (0, 0)
    kept = ActualValue.objects.filter(period__in=["2020", "2022"], org_unit__short_name__in=["融水", "柳东"])
    assert sorted((a.org_unit.short_name, a.period, int(a.value)) for a in kept) == [
        ("柳东", "2022", 2),
        ("融水", "2020", 1),
    ]
