import hashlib
from decimal import Decimal

import pytest

from mubiao.audit.models import AuditRecord, Door
from mubiao.audit.services import Actor
from mubiao.domain.problems import TableError
from mubiao.plans.models import Indicator, Plan, SourceFile, Target
from mubiao.reporting.models import ActualValue
from mubiao.reporting.services import ActualsOutcome, actuals_import
from mubiao.tables.long import read_long_table
from tests.reporting.actual_tables import HEADER, ROWS, csv_bytes, with_row, xlsx_bytes

pytestmark = pytest.mark.django_db

IMPORT = Actor(door=Door.IMPORT, label="tester（导入）")


def import_file(plan: Plan, content: bytes, filename: str = "actuals.csv", allow_blank: bool = False) -> ActualsOutcome:
    table = read_long_table(content, filename)
    return actuals_import(plan=plan, rows=table.rows, source=table.file, actor=IMPORT, allow_blank=allow_blank)


def refused(plan: Plan, content: bytes, filename: str = "actuals.csv") -> TableError:
    with pytest.raises(TableError) as raised:
        import_file(plan, content, filename)
    return raised.value


def actual(plan: Plan, number: str, unit: str, period: str) -> ActualValue:
    return ActualValue.objects.get(
        indicator__plan=plan, indicator__number=number, org_unit__short_name=unit, period=period
    )


def database_state() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (ActualValue, SourceFile, Target, AuditRecord)}


def test_a_csv_of_quarterly_and_monthly_actuals_lands_with_its_file_row_and_column(seed_plan: Plan) -> None:
    content = csv_bytes(ROWS)

    outcome = import_file(seed_plan, content)

    assert outcome.counts == {
        "created": 9,
        "updated": 0,
        "cleared": 0,
        "unchanged": 0,
        "conflicts": 0,
        "rows": 9,
        "blank_skipped": 0,
    }
    value = actual(seed_plan, "3", "柳东", "2019-Q2")
    assert (value.value, value.year, value.period_kind, value.period_number, value.version) == (
        170,
        2019,
        "quarter",
        2,
        1,
    )
    assert (value.source_row, value.source_column, value.source_sheet) == (6, 4, "")
    assert value.source_file.sha256 == hashlib.sha256(content).hexdigest()
    assert value.source_file.plan == seed_plan
    assert value.source_file.content == content
    monthly = actual(seed_plan, "4", "柳州", "2019-03")
    assert (monthly.value, monthly.period_kind, monthly.period_number) == (Decimal("17"), "month", 3)
    assert isinstance(monthly.value, Decimal)


def test_the_file_and_the_values_an_import_creates_are_audited_as_one_record_of_the_import(seed_plan: Plan) -> None:
    before = AuditRecord.objects.count()
    content = csv_bytes(ROWS)

    import_file(seed_plan, content)

    records = list(AuditRecord.objects.order_by("id")[before:])
    assert [(r.object_type, r.action) for r in records] == [
        ("plans.sourcefile", "create"),
        ("plans.sourcefile", "import"),
    ]
    assert {r.door for r in records} == {"import"}
    imported = records[1]
    assert imported.after == {
        "object_type": "reporting.actualvalue",
        "created": 9,
        "status": "approved",
        "file": "actuals.csv",
        "sha256": hashlib.sha256(content).hexdigest(),
        "sheet": "",
    }
    assert imported.reason == "导入实际值 actuals.csv"
    created = actual(seed_plan, "3", "柳东", "2019-Q2")
    assert (created.status, created.origin, created.provenance_label) == ("approved", "imported", "第6行第4列")


def test_an_xlsx_workbook_reads_the_same_as_the_csv_and_names_its_sheet(seed_plan: Plan) -> None:
    numbers: list[list[object]] = [[*row[:3], float(row[3]) if "." in row[3] else int(row[3])] for row in ROWS]

    outcome = import_file(seed_plan, xlsx_bytes(numbers), "actuals.xlsx")

    assert outcome.counts["created"] == 9
    value = actual(seed_plan, "3", "柳东", "2019-Q2")
    assert (value.value, value.source_sheet, value.source_row, value.source_column) == (170, "2019年实际值", 8, 4)
    assert value.provenance_label == "工作表2019年实际值 第8行第4列"
    assert actual(seed_plan, "4", "柳州", "2019-03").value == Decimal("17")


def test_a_month_that_excel_turned_into_a_date_is_read_as_that_month(seed_plan: Plan) -> None:
    import datetime

    import_file(seed_plan, xlsx_bytes([["4", "柳东", datetime.datetime(2019, 7, 1), 6]]), "actuals.xlsx")

    assert actual(seed_plan, "4", "柳东", "2019-07").value == 6


def test_importing_the_same_file_twice_changes_nothing(seed_plan: Plan) -> None:
    content = csv_bytes(ROWS)
    import_file(seed_plan, content)
    state = database_state()

    outcome = import_file(seed_plan, content)

    assert database_state() == state
    assert outcome.file_seen_before
    assert not outcome.changed_anything
    assert outcome.counts["unchanged"] == 9
    assert actual(seed_plan, "3", "柳东", "2019-Q2").version == 1


def test_a_changed_value_is_updated_with_a_new_version_and_audited_before_and_after(seed_plan: Plan) -> None:
    import_file(seed_plan, csv_bytes(ROWS))
    before = AuditRecord.objects.count()

    outcome = import_file(seed_plan, csv_bytes(with_row(4, 3, "171")), "actuals-corrected.csv")

    assert outcome.counts == {
        "created": 0,
        "updated": 1,
        "cleared": 0,
        "unchanged": 8,
        "conflicts": 0,
        "rows": 9,
        "blank_skipped": 0,
    }
    assert [change.as_dict() for change in outcome.changes] == [
        {
            "indicator_number": "3",
            "indicator": "高新技术企业",
            "unit": "柳东",
            "period": "2019-Q2",
            "before": "170",
            "after": "171",
            "row": 6,
        }
    ]
    value = actual(seed_plan, "3", "柳东", "2019-Q2")
    assert (value.value, value.version, value.source_file.filename) == (171, 2, "actuals-corrected.csv")
    records = list(AuditRecord.objects.order_by("id")[before:])
    assert [(r.object_type, r.action) for r in records] == [
        ("plans.sourcefile", "create"),
        ("reporting.actualvalue", "update"),
    ]
    assert records[1].before == {"value": "170", "source": "第6行第4列"}
    assert records[1].after == {"value": "171", "source": "第6行第4列"}
    assert records[1].door == "import"


def test_an_unknown_unit_is_refused_with_similar_names_suggested(seed_plan: Plan) -> None:
    error = refused(seed_plan, csv_bytes(with_row(4, 1, "柳男")))

    (problem,) = error.problems
    assert error.source == "actuals.csv"
    assert (problem.row, problem.column) == (6, 2)
    assert "单位“柳男”不是本规划的单位" in problem.message
    assert "柳南" in problem.message
    assert "actuals.csv 第6行第2列" in str(error)


def test_units_are_found_by_full_name_alias_spaced_short_name_and_the_city_by_its_own_names(seed_plan: Plan) -> None:
    rows = [
        ["3", "柳东新区", "2019-Q2", "170"],
        ["3", "柳 南", "2019-Q2", "55"],
        ["3", "融水苗族自治县", "2019-Q2", "6"],
        ["3", "柳州", "2019-Q2", "447"],
        ["3", "全市", "2019-Q1", "445"],
    ]

    import_file(seed_plan, csv_bytes(rows))

    assert actual(seed_plan, "3", "柳东", "2019-Q2").value == 170
    assert actual(seed_plan, "3", "柳南", "2019-Q2").value == 55
    assert actual(seed_plan, "3", "融水", "2019-Q2").value == 6
    assert actual(seed_plan, "3", "柳州", "2019-Q2").value == 447
    assert actual(seed_plan, "3", "柳州", "2019-Q1").value == 445


def test_an_unknown_indicator_is_refused_with_the_plans_indicators_as_expected(seed_plan: Plan) -> None:
    (problem,) = refused(seed_plan, csv_bytes(with_row(0, 0, "高新技术企"))).problems

    assert (problem.row, problem.column) == (2, 1)
    assert "指标“高新技术企”不在规划" in problem.message
    assert "高新技术企业" in problem.message
    assert "3 高新技术企业" in problem.expected


def test_a_number_and_a_name_that_name_different_indicators_are_refused(seed_plan: Plan) -> None:
    header = ["序号", "指标名称", "单位", "期间", "实际值"]
    content = csv_bytes(
        [["3", "高新技术企业", "柳东", "2019-Q2", "170"], ["4", "高新技术企业", "柳东", "2019-Q2", "9"]], header
    )

    (problem,) = refused(seed_plan, content).problems

    assert (problem.row, problem.column) == (3, 2)
    assert "序号与指标名称不一致" in problem.message


def test_a_period_outside_the_plans_years_is_refused(seed_plan: Plan) -> None:
    (problem,) = refused(seed_plan, csv_bytes(with_row(0, 2, "2024"))).problems

    assert (problem.row, problem.column) == (2, 3)
    assert problem.message == "期间2024不在规划期2018—2022年内"


def test_a_period_that_is_not_a_period_is_refused_with_the_forms_expected(seed_plan: Plan) -> None:
    (problem,) = refused(seed_plan, csv_bytes(with_row(0, 2, "2019-13"))).problems

    assert (problem.row, problem.column) == (2, 3)
    assert "“2019-13”不是有效的期间" in problem.message
    assert "2019-Q3" in problem.expected


def test_text_in_a_value_cell_is_refused(seed_plan: Plan) -> None:
    (problem,) = refused(seed_plan, csv_bytes(with_row(3, 3, "十二"))).problems

    assert (problem.row, problem.column) == (5, 4)
    assert problem.message == "“十二”不是数值"


def test_a_value_with_more_places_than_can_be_stored_is_refused_rather_than_rounded(seed_plan: Plan) -> None:
    Indicator.objects.filter(plan=seed_plan, number="3").update(unit_of_measure="亿元")  # an amount, not a count

    (problem,) = refused(seed_plan, csv_bytes(with_row(3, 3, "170.12345"))).problems

    assert (problem.row, problem.column) == (5, 4)
    assert "小数位数超过4位" in problem.message


def test_a_fraction_of_a_count_is_refused(seed_plan: Plan) -> None:
    (problem,) = refused(seed_plan, csv_bytes(with_row(6, 3, "5.5"))).problems

    assert (problem.row, problem.column) == (8, 4)
    assert problem.message == "“4. 重大科技成果转化”以“项”计数，须为整数（填写的是5.5）"


def test_duplicate_rows_are_refused_naming_the_row_they_repeat(seed_plan: Plan) -> None:
    rows = [*ROWS, ["3", "柳东新区", "2019-Q2", "171"]]

    (problem,) = refused(seed_plan, csv_bytes(rows)).problems

    assert (problem.row, problem.column) == (11, 3)
    assert problem.message.startswith("与第6行重复")


def test_a_missing_header_column_is_refused_naming_the_words_it_may_use(seed_plan: Plan) -> None:
    content = csv_bytes([row[:3] for row in ROWS], header=HEADER[:3])

    (problem,) = refused(seed_plan, content).problems

    assert (problem.row, problem.column) == (1, None)
    assert problem.message == "表头缺少实际值列"
    assert "完成值" in problem.expected


def test_a_file_without_any_header_is_refused(seed_plan: Plan) -> None:
    (problem,) = refused(seed_plan, b"3,\xe6\x9f\xb3\xe4\xb8\x9c,2019,1\n").problems

    assert problem.message == "找不到表头行"


def test_every_problem_of_a_table_is_listed_at_once_and_nothing_is_written(seed_plan: Plan) -> None:
    rows = with_row(0, 2, "2024")
    rows[3][3] = "十二"
    rows[4][1] = "柳男"
    rows.append(["高新技术企业", "柳东", "2019-Q1", "166"])
    state = database_state()

    error = refused(seed_plan, csv_bytes(rows))

    assert [(p.row, p.column) for p in error.problems] == [(2, 3), (5, 4), (6, 2), (11, 3)]
    assert database_state() == state


def test_a_blank_value_is_refused_because_blank_is_not_zero(seed_plan: Plan) -> None:
    (problem,) = refused(seed_plan, csv_bytes(with_row(1, 3, ""))).problems

    assert (problem.row, problem.column) == (3, 4)
    assert "空白不是0" in problem.message
    assert "--allow-blank" in problem.expected


def test_with_blanks_allowed_a_blank_row_is_skipped_and_a_stored_value_kept(seed_plan: Plan) -> None:
    import_file(seed_plan, csv_bytes(ROWS))

    outcome = import_file(seed_plan, csv_bytes(with_row(1, 3, "—")), "later.csv", allow_blank=True)

    assert outcome.counts == {
        "created": 0,
        "updated": 0,
        "cleared": 0,
        "unchanged": 8,
        "conflicts": 0,
        "rows": 9,
        "blank_skipped": 1,
    }
    assert actual(seed_plan, "3", "柳东", "2019-Q1").value == 165


def test_a_gbk_csv_reads_the_same_as_utf8(seed_plan: Plan) -> None:
    utf8 = read_long_table(csv_bytes(ROWS), "actuals.csv").rows
    gbk = read_long_table(csv_bytes(ROWS, encoding="gbk"), "actuals.csv").rows

    assert gbk == utf8
    import_file(seed_plan, csv_bytes(ROWS, encoding="gbk"))
    assert actual(seed_plan, "3", "北部", "2019-Q2").value == 48


def test_an_empty_table_under_its_header_is_refused(seed_plan: Plan) -> None:
    (problem,) = refused(seed_plan, csv_bytes([])).problems

    assert problem.message == "表中没有数据行"
