import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from mubiao.cli import COMMANDS, main
from mubiao.plans.models import Plan, Target
from tests.tables.tables import SEED_PATH, seed_lines, seed_with, small_county_table, tsv

pytestmark = pytest.mark.django_db

#: The seed's findings at error and warning level, exactly as the issue states them.
SEED_FINDINGS = {
    ("sum_mismatch", "高新技术企业", 2018, "committed", None, 310, 306, (("三江", 4),)),
    ("sum_mismatch", "重大科技成果转化", 2018, "committed", None, 61, 58, (("三江", 3),)),
    ("sum_mismatch", "重大科技成果转化", 2018, "stretch", None, 66, 63, (("三江", 3),)),
    ("sum_mismatch", "重大科技成果转化", 2019, "committed", None, 70, 68, ()),
    ("sum_mismatch", "重大科技成果转化", 2019, "stretch", None, 75, 73, ()),
    ("sum_mismatch", "重大科技成果转化", 2020, "committed", None, 81, 79, ()),
    ("sum_mismatch", "重大科技成果转化", 2020, "stretch", None, 86, 84, ()),
    ("milestone_unmet", "国家级创新平台", 2020, "committed", None, 12, 10, ()),
    ("milestone_unmet", "国家级创新平台", 2020, "stretch", None, 15, 13, ()),
    ("stretch_below_committed", "高新技术企业", 2019, "stretch", "融水", 6, 5, ()),
    ("below_last_actual", "高新技术企业", 2019, "committed", "柳南", 57, 53, ()),
    ("below_last_actual", "高新技术企业", 2019, "committed", "柳北", 33, 19, ()),
    ("below_last_actual", "高新技术企业", 2019, "committed", "城中", 31, 29, ()),
    ("below_last_actual", "高新技术企业", 2019, "committed", "柳江", 45, 37, ()),
}


def run(*args: str) -> int:
    """Run a mubiao command in this process, on the test database; return its exit status.

    call_command rather than main(): Django's command-line entry closes every connection when it
    finishes, which would end the test's transaction. main() itself is tested in a subprocess below.
    """
    if not args:
        main(["mubiao"])
        return 0
    try:
        call_command(COMMANDS.get(args[0], args[0]), *args[1:])
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return 0


def as_tuples(findings: list[dict]) -> set[tuple]:
    return {
        (
            f["rule"],
            f["indicator"],
            f["year"],
            f["level"],
            f["unit"],
            f["expected"],
            f["found"],
            tuple(sorted(f["implied"].items())),
        )
        for f in findings
        if f["severity"] in ("error", "warning")
    }


def write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


@pytest.mark.usefixtures("no_seed_plan")
def test_import_prints_what_it_imported_as_json(liuzhou, capsys) -> None:
    assert run("import", str(SEED_PATH), "--format", "json") == 0

    result = json.loads(capsys.readouterr().out)
    assert result["plan"]["title"] == "柳州市科技创新支撑工业高质量发展实施方案"
    assert (result["plan"]["start_year"], result["plan"]["end_year"], result["plan"]["area"]) == (2018, 2022, "柳州市")
    assert [(i["number"], i["name"], i["unit"], i["kind"]) for i in result["indicators"]] == [
        ("1", "国家级创新平台", "家", "flow"),
        ("2", "高层次创新人才和团队", "个", "flow"),
        ("3", "高新技术企业", "家", "stock"),
        ("4", "重大科技成果转化", "项", "flow"),
    ]
    assert [u["name"] for u in result["units"]][-1] == "三江" and len(result["units"]) == 12
    assert sum(len(i["milestones"]) for i in result["indicators"]) == 14
    assert (result["counts"]["targets"], result["counts"]["actuals"], result["counts"]["created"]) == (377, 13, 390)
    assert as_tuples(result["findings"]) == SEED_FINDINGS


@pytest.mark.usefixtures("no_seed_plan")
def test_import_in_a_terminal_summarises_the_plan_and_its_findings(liuzhou, capsys) -> None:
    assert run("import", str(SEED_PATH)) == 0

    out = capsys.readouterr().out
    assert "柳州市科技创新支撑工业高质量发展实施方案" in out and "：新建" in out
    assert "错误 9 个，警告 5 个" in out


def test_validate_reports_exactly_the_seeds_errors_and_warnings_and_exits_1(seed_plan, capsys) -> None:
    assert run("validate", "--format", "json") == 1

    findings = json.loads(capsys.readouterr().out)["findings"]
    assert as_tuples(findings) == SEED_FINDINGS
    assert len([f for f in findings if f["severity"] in ("error", "warning")]) == 14
    sanjiang = next(f for f in findings if f["rule"] == "sum_mismatch" and f["year"] == 2018 and f["found"] == 306)
    assert (
        sanjiang["message"]
        == "高新技术企业 2018年确保：各单位合计306，与合计310不符（相差4）。三江为空，若三江为4则相符。"
    )


def test_validate_finds_a_plan_by_part_of_its_title_and_can_show_warnings_only(seed_plan, capsys) -> None:
    assert run("validate", "科技创新", "--severity", "warning") == 1

    out = capsys.readouterr().out
    assert "融水：力争目标5低于确保目标6" in out
    assert "错误 9 个，警告 5 个" in out


def test_validate_of_a_plan_without_errors_exits_0(db, tmp_path, capsys) -> None:
    rows = small_county_table()
    rows[-1][7] = "5"  # the one blank that kept 2022's stretch row from adding up
    assert run("import", write(tmp_path, "county.txt", tsv(rows))) == 0

    assert run("validate", "宝应县") == 0
    assert "未发现问题" in capsys.readouterr().out


@pytest.mark.usefixtures("no_seed_plan")
def test_validate_without_any_plan_says_so(db, capsys) -> None:
    assert run("validate") == 2
    assert "还没有导入任何规划" in capsys.readouterr().err


def test_dump_gives_one_row_per_stored_value_with_the_city_under_its_name(seed_plan, capsys) -> None:
    assert run("dump") == 0

    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 390
    assert rows[0] == {
        "indicator_number": "1",
        "indicator": "国家级创新平台",
        "unit": "柳州市",
        "year": "2018",
        "period": "2018",
        "level": "committed",
        "value": "2",
    }
    sanjiang_2018 = [r for r in rows if r["indicator_number"] == "3" and r["year"] == "2018" and r["unit"] == "三江"]
    assert sanjiang_2018 == [
        {
            "indicator_number": "3",
            "indicator": "高新技术企业",
            "unit": "三江",
            "year": "2018",
            "period": "2018",
            "level": "actual",
            "value": "3",
        }
    ]


def test_dump_writes_names_that_start_like_a_formula_as_text_and_negative_values_as_numbers(seed_plan, capsys) -> None:
    from mubiao.plans.models import Indicator, Target

    Indicator.objects.filter(plan=seed_plan, number="1").update(name='=HYPERLINK("http://evil.example","点此")')
    seed_plan.plan_units.filter(header_name="柳南").update(header_name="@SUM(1+1)")
    Target.objects.filter(indicator__plan=seed_plan, indicator__number="2", year=2018, level="committed").update(
        value=-3
    )

    assert run("dump") == 0

    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows[0]["indicator"] == '\'=HYPERLINK("http://evil.example","点此")'
    assert "'@SUM(1+1)" in {row["unit"] for row in rows}
    assert {row["value"] for row in rows if row["indicator_number"] == "2" and row["level"] == "committed"} >= {"-3"}


def test_dump_lists_each_approved_figure_under_its_own_period_and_leaves_out_pending_ones(
    seed_plan, capsys, actor
) -> None:
    from django.contrib.auth.models import User

    from mubiao.accounts.models import Role
    from mubiao.audit.models import Door
    from mubiao.audit.services import Actor
    from mubiao.orgunits.models import OrgUnit
    from mubiao.reporting.workflow import actual_enter
    from tests.figures import approved_actual

    platforms = seed_plan.indicators.get(number="1")
    yufeng = OrgUnit.objects.get(short_name="鱼峰")
    approved_actual(indicator=platforms, org_unit=yufeng, period="2019-Q1", value=1, actor=actor)
    approved_actual(indicator=platforms, org_unit=yufeng, period="2019-Q2", value=3, actor=actor)
    reporter = User.objects.create_user(username="yufeng", password="x-Very-long-9")
    Role.objects.create(user=reporter, kind="reporter", org_unit=yufeng)
    actual_enter(  # a draft: not official, not in the dump
        actor=Actor.for_user(reporter, Door.WEB), indicator=platforms, org_unit=yufeng, period="2019-Q3", value="7"
    )

    assert run("dump") == 0

    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    yufeng_2019 = [
        (r["period"], r["value"])
        for r in rows
        if (r["indicator_number"], r["unit"], r["level"]) == ("1", "鱼峰", "actual")
    ]
    assert yufeng_2019 == [("2019-Q1", "1"), ("2019-Q2", "3")]


def test_dump_as_json_has_the_same_rows(seed_plan, capsys) -> None:
    assert run("dump", "--format", "json") == 0

    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 390
    assert {
        "indicator_number": "3",
        "indicator": "高新技术企业",
        "unit": "柳州市",
        "year": 2018,
        "period": "2018",
        "level": "actual",
        "value": 442,
    } in rows


BAD_INPUTS = {
    "empty": (b"", "文件为空", None, None),
    "binary": (bytes(range(256)) * 40, "二进制文件", None, None),
    "truncated": ("\n".join(seed_lines()[:33]).encode(), "表格可能不完整", 33, None),
    "unknown unit": (seed_with(8, 8, "柳男"), "单位名称“柳男”不是柳州市的下级单位或别名", 8, 8),
    "text in a number cell": (seed_with(29, 7, "一百二十"), "“一百二十”不是数值", 29, 7),
    "year outside the plan": (seed_with(37, 4, "2024"), "年份2024不在规划期2018—2022年内", 37, 4),
}


@pytest.mark.usefixtures("no_seed_plan")
@pytest.mark.parametrize("case", BAD_INPUTS, ids=list(BAD_INPUTS))
def test_bad_input_is_refused_naming_file_row_and_column_and_nothing_is_written(
    liuzhou, tmp_path, capsys, case: str
) -> None:
    data, message, row, column = BAD_INPUTS[case]
    path = write(tmp_path, "bad.txt", data)
    targets_before = Target.objects.count()

    assert run("import", path) == 2

    err = capsys.readouterr().err
    assert message in err
    assert "bad.txt" in err
    if row is not None:
        assert f"第{row}行" in err
    if column is not None:
        assert f"第{row}行第{column}列" in err
    assert "数据库未作任何改动" in err
    assert "Traceback" not in err
    assert Plan.objects.count() == 0 and Target.objects.count() == targets_before


@pytest.mark.usefixtures("no_seed_plan")
def test_bad_input_as_json_lists_each_problem_with_its_place(liuzhou, tmp_path, capsys) -> None:
    path = write(tmp_path, "words.txt", seed_with(29, 7, "一百二十"))

    assert run("import", path, "--format", "json") == 2

    (problem,) = json.loads(capsys.readouterr().out)["errors"]
    assert (problem["file"], problem["row"], problem["column"]) == ("words.txt", 29, 7)
    assert problem["expected"] == "数值或空白"


def test_a_missing_file_is_a_clear_error(db, tmp_path, capsys) -> None:
    assert run("import", str(tmp_path / "nowhere.txt")) == 2
    assert "文件不存在" in capsys.readouterr().err


def test_a_pdf_is_refused_by_its_content_with_what_to_do_instead(db, tmp_path, capsys) -> None:
    assert run("import", write(tmp_path, "plan.txt", b"%PDF-1.4 ...")) == 2
    assert "PDF 文件，请先复制或导出表格为文本/Excel" in capsys.readouterr().err


@pytest.mark.usefixtures("no_seed_plan")
def test_the_example_command_loads_the_bundled_plan_once(db, capsys) -> None:
    assert run("example") == 0
    assert run("example") == 0

    out = capsys.readouterr().out
    assert "已载入" in out and "已是最新，未作改动" in out
    assert Plan.objects.count() == 1


def test_plans_lists_the_register(seed_plan, capsys) -> None:
    assert run("plans", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out)[0]["title"] == "柳州市科技创新支撑工业高质量发展实施方案"


def test_mubiao_without_arguments_explains_its_commands(capsys) -> None:
    assert run() == 0
    assert "mubiao import FILE" in capsys.readouterr().out


def test_the_mubiao_command_runs_as_its_own_process_on_a_fresh_database(tmp_path) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}"}
    mubiao = [sys.executable, "-m", "mubiao.cli"]
    subprocess.run([*mubiao, "migrate", "-v", "0"], env=env, check=True)

    imported = subprocess.run(
        [*mubiao, "import", str(SEED_PATH), "--format", "json"], env=env, capture_output=True, text=True
    )
    validated = subprocess.run([*mubiao, "validate"], env=env, capture_output=True, text=True)

    assert imported.returncode == 0, imported.stderr
    assert json.loads(imported.stdout)["counts"]["created"] == 390
    assert validated.returncode == 1
    assert "错误 9 个，警告 5 个" in validated.stdout


def test_a_renamed_indicator_is_listed_by_the_dry_run_and_by_the_commit(seed_plan, tmp_path, capsys) -> None:
    from tests.tables.tables import seed_with

    path = tmp_path / "v2.txt"
    path.write_bytes(seed_with(29, 2, "高新技术企业[/b]"))

    assert run("import", str(path), "--dry-run") == 0
    preview = capsys.readouterr().out
    assert run("import", str(path)) == 0
    committed = capsys.readouterr().out

    assert "将修改已有指标 1 处" in preview
    assert "3. 高新技术企业 名称：高新技术企业 → 高新技术企业[/b]" in preview
    assert "已修改已有指标 1 处" in committed


def test_a_dry_run_lists_the_targets_the_import_would_change(seed_plan, tmp_path, capsys) -> None:
    from tests.tables.tables import seed_with

    path = tmp_path / "v2.txt"
    path.write_bytes(seed_with(31, 10, "60"))

    assert run("import", str(path), "--dry-run") == 0

    out = capsys.readouterr().out
    assert "将修改已有目标值 1 处" in out
    assert "高新技术企业 2019年确保 柳南：53 → 60" in out
