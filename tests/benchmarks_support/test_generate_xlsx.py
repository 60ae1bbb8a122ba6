"""The 5 MB workbook's generator, read back by the real reader; and the bulk-writing helpers the import uses."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from benchmarks.generate_xlsx import build_workbook
from mubiao.domain.names import stem
from mubiao.domain.numbers import looks_numeric
from mubiao.domain.vocabulary import LEVEL_WORDS, TOTAL_WORDS

SMALL = {"units": 30, "indicators": 3, "years": 2}


@pytest.fixture
def small_book(tmp_path: Path):
    return build_workbook(tmp_path / "small.xlsx", **SMALL)


def test_the_same_arguments_give_the_same_cells(tmp_path: Path) -> None:
    one = build_workbook(tmp_path / "a.xlsx", **SMALL)
    two = build_workbook(tmp_path / "b.xlsx", **SMALL)
    other = build_workbook(tmp_path / "c.xlsx", **SMALL, seed=7)
    assert (one.units, one.totals, one.first_unit) == (two.units, two.totals, two.first_unit)
    assert one.units != other.units


def test_unit_names_are_places_and_never_numbers_years_levels_or_totals(tmp_path: Path) -> None:
    names = build_workbook(tmp_path / "names.xlsx", units=3000, indicators=1, years=1).units
    assert len(set(names)) == 3000
    assert len({stem(name) for name in names}) == 3000  # no two share a short form
    assert all(name.endswith(("镇", "乡", "街道")) for name in names)
    assert not any(looks_numeric(name) or any(ch.isdigit() for ch in name) for name in names)
    assert not any(name in LEVEL_WORDS or TOTAL_WORDS.match(name) for name in names)


@pytest.mark.django_db
def test_the_preview_reads_every_unit_indicator_and_value_and_the_totals_reconcile(small_book) -> None:
    from mubiao.plans.importing import preview_file

    preview = preview_file(small_book.path.read_bytes(), small_book.path.name)
    understanding = preview.understanding
    reading = preview.reading
    assert understanding.problems == []
    assert understanding.can_commit
    assert reading is not None
    assert understanding.layout == "units_in_rows"
    assert (reading.area_name, reading.start_year, reading.end_year) == ("测试省", 2021, 2022)
    assert [unit.name for unit in reading.units] == small_book.units
    assert [(i.name, i.unit_of_measure) for i in reading.indicators] == [
        ("地区生产总值", "万元"),
        ("一般公共预算收入", "万元"),
        ("固定资产投资", "万元"),
    ]
    assert preview.new_units == small_book.units and not preview.area_exists

    # 30 units × 3 indicators × 2 years × 2 levels, and the total row: 12 totals.
    assert len(reading.values) == 30 * 3 * 2 * 2 + 12
    levels = {"committed": "确保", "stretch": "力争"}
    read = {(int(v.indicator_number) - 1, v.year, levels[v.level], v.unit): v.value for v in reading.values}
    first, last = small_book.units[0], small_book.units[-1]
    for (index, year, level), value in small_book.first_unit.items():
        assert read[(index, year, level, first)] == value
    for (index, year, level), value in small_book.last_unit.items():
        assert read[(index, year, level, last)] == value
    for (index, year, level), total in small_book.totals.items():
        assert read[(index, year, level, None)] == total
        units_sum = sum(
            (v for (i, y, lv, unit), v in read.items() if (i, y, lv) == (index, year, level) and unit), Decimal(0)
        )
        assert units_sum == total
    # Amounts to the yuan: four decimals in 万元, as written.
    assert small_book.first_unit[(0, 2021, "确保")].as_tuple().exponent == -4

    assert len(understanding.reconciliations) == 12
    assert all(r.reconciles for r in understanding.reconciliations)


@pytest.mark.django_db
@pytest.mark.usefixtures("empty_register")
def test_committing_the_small_workbook_writes_every_value_with_its_audit_record_and_provenance(
    small_book, actor
) -> None:
    from mubiao.audit.models import AuditRecord
    from mubiao.orgunits.models import OrgUnit
    from mubiao.plans.importing import preview_file
    from mubiao.plans.models import Target
    from mubiao.reporting.importing import import_reading

    content = small_book.path.read_bytes()
    reading = preview_file(content, small_book.path.name).reading
    assert reading is not None
    outcome = import_reading(reading=reading, content=content, filename=small_book.path.name, actor=actor)

    area = OrgUnit.objects.get(name="测试省")
    units = list(OrgUnit.objects.filter(parent=area).order_by("position"))
    assert [unit.name for unit in units] == small_book.units
    assert [unit.position for unit in units] == list(range(1, 31))
    assert {unit.kind for unit in units} == {"township"}
    assert [u.pk for u in outcome.created_units] == [area.pk, *(u.pk for u in units)]
    unit_audit = AuditRecord.objects.filter(object_type="orgunits.orgunit", object_id=str(units[0].pk)).get()
    assert unit_audit.action == "create" and unit_audit.after == {
        "name": units[0].name,
        "short_name": units[0].name,
        "code": None,
        "kind": "township",
        "parent": area.pk,
        "position": 1,
    }

    targets = Target.objects.filter(indicator__plan=outcome.plan)
    assert targets.count() == len(reading.values) == outcome.counts["created"]
    first = units[0]
    target = targets.get(indicator__number="1", org_unit=first, year=2021, level="committed")
    assert target.value == small_book.first_unit[(0, 2021, "确保")]
    assert (target.source_sheet, target.source_row, target.source_column) == ("分解表", 5, 3)
    assert target.source_file_id == outcome.source_file.pk and target.version == 1
    total = targets.get(indicator__number="3", org_unit=area, year=2022, level="stretch")
    assert total.value == small_book.totals[(2, 2022, "力争")]
    # The targets an import creates are one audit record of the import; each keeps its own cell.
    (record,) = AuditRecord.objects.filter(object_id=str(outcome.source_file.pk), action="import")
    assert record.after["object_type"] == "plans.target" and record.after["created"] == targets.count()
    assert record.after["sha256"] == outcome.source_file.sha256
    assert (record.actor_label, record.door, record.reason) == (actor.label, actor.door, "导入 small.xlsx")
    assert not AuditRecord.objects.filter(object_type="plans.target", object_id=str(target.pk)).exists()


def test_value_state_json_is_what_json_dumps_writes() -> None:
    from mubiao.audit.services import value_state_json

    for value, source in [
        ("12.5", "工作表分解表 第5行第3列"),
        (None, None),
        ("-0", '工作表"引号"\\反斜杠\t制表\n换行 第1行第1列'),
        ("1", "\u2028\x00"),
    ]:
        expected = json.dumps({"value": value, "source": source}, ensure_ascii=False)
        assert value_state_json(value, source) == expected


def test_copy_lines_escape_text_and_write_nulls() -> None:
    from mubiao.audit.models import AuditRecord
    from mubiao.db import copy_formatter

    line = copy_formatter(AuditRecord, ["actor_id", "object_repr", "before", "reason"], prefix="P\t")
    assert line([None, "a\tb\\c\nd\re", None, "原因"]) == "P\t\\N\ta\\tb\\\\c\\nd\\re\t\\N\t原因\n"
    assert line([7, "名称", '{"a": 1}', ""]) == 'P\t7\t名称\t{"a": 1}\t\n'


@pytest.mark.django_db
def test_rows_inserted_with_their_ids_come_back_in_order(actor) -> None:
    from mubiao.audit.models import AuditRecord
    from mubiao.audit.services import audit_record
    from mubiao.db import insert_rows_returning_ids
    from mubiao.orgunits.models import OrgUnit

    unit = OrgUnit.objects.create(name="甲市", short_name="甲市", kind="city")
    audit_record(actor=actor, action="create", obj=unit, before=None, after=None)  # an id already taken
    rows = ((str(n), f"记录{n}", None) for n in range(12_345))
    ids = insert_rows_returning_ids(
        AuditRecord,
        ["object_id", "object_repr", "before"],
        rows,
        constants={
            "at": "2026-01-01 00:00:00",
            "actor_label": "x",
            "door": "cli",
            "action": "a",
            "object_type": "t",
            "reason": "r",
        },
    )
    assert len(ids) == 12_345 and len(set(ids)) == 12_345
    stored = dict(AuditRecord.objects.filter(object_type="t").values_list("pk", "object_id"))
    assert [stored[pk] for pk in ids] == [str(n) for n in range(12_345)]


@pytest.mark.django_db
@pytest.mark.usefixtures("empty_register")
def test_orgunits_create_writes_parents_first_and_audits_each_unit(actor) -> None:
    from django.core.exceptions import ValidationError

    from mubiao.audit.models import AuditRecord
    from mubiao.orgunits.models import OrgUnit
    from mubiao.orgunits.services import orgunits_create

    area = OrgUnit.objects.create(name="乙县", short_name="乙县", kind="county")
    whole = OrgUnit(name="东镇", short_name="东镇", kind="township", parent=area, position=1)
    part = OrgUnit(name="东镇工业园", short_name="东镇工业园", kind="zone", parent=whole, position=2)
    other = OrgUnit(name="西乡", short_name="西乡", kind="township", parent=area, position=3)
    created = orgunits_create(units=[part, whole, other], actor=actor, reason="测试")
    assert [u.pk is not None for u in created] == [True, True, True]
    assert OrgUnit.objects.get(pk=part.pk).parent_id == whole.pk
    assert OrgUnit.objects.get(pk=whole.pk).parent_id == area.pk
    # The session seed's unit records stay (nothing may delete them): only those written here count.
    records = AuditRecord.objects.filter(object_type="orgunits.orgunit", reason="测试").order_by("id")
    assert [(r.object_id, r.object_repr, r.after["parent"], r.reason) for r in records] == [
        (str(part.pk), "东镇工业园", whole.pk, "测试"),
        (str(whole.pk), "东镇", area.pk, "测试"),
        (str(other.pk), "西乡", area.pk, "测试"),
    ]
    with pytest.raises(ValidationError):  # 西乡 is already under 乙县
        orgunits_create(units=[OrgUnit(name="西乡", short_name="西乡", kind="township", parent=area)], actor=actor)
    with pytest.raises(ValueError, match="未知的单位类别"):
        orgunits_create(units=[OrgUnit(name="南乡", short_name="南乡", kind="hamlet", parent=area)], actor=actor)
    with pytest.raises(ValidationError):  # two new units, one short name, one parent
        orgunits_create(
            units=[OrgUnit(name=n, short_name="北乡", kind="township", parent=area) for n in ("北乡", "北乡镇")],
            actor=actor,
        )


def _reading(units: list[tuple[str, str | None]]):
    from mubiao.domain.readings import CellValue, HeaderUnit, IndicatorReading, TableReading

    return TableReading(
        source="t.xlsx",
        title="丙县2021年目标任务分解表",
        plan_title="丙县2021年",
        attachment="",
        area_name="丙县",
        start_year=2021,
        end_year=2021,
        units=[
            HeaderUnit(name, row=3, column=column, part_of=part_of) for column, (name, part_of) in enumerate(units, 2)
        ],
        indicators=[IndicatorReading(number="1", name="指标", goal_text="", first_row=0)],
        values=[
            CellValue("1", name, 2021, "committed", Decimal(column), row=4, column=column)
            for column, (name, _) in enumerate(units, 2)
        ],
    )


@pytest.mark.django_db
@pytest.mark.usefixtures("empty_register")
def test_a_header_naming_a_unit_created_earlier_in_the_same_table_is_a_repeat(actor) -> None:
    from mubiao.domain.problems import TableError
    from mubiao.orgunits.models import OrgUnit
    from mubiao.plans.services import plan_import_table

    # 东川 is 东川镇's short form: the unit 东川镇 is new, but already stands for it two columns on.
    with pytest.raises(TableError, match="单位“东川”在表头中重复出现"):
        plan_import_table(
            reading=_reading([("东川镇", None), ("西乡", None), ("东川", None)]),
            content=b"x",
            filename="t.xlsx",
            actor=actor,
        )
    assert not OrgUnit.objects.exists()


@pytest.mark.django_db
def test_an_of_which_unit_is_created_under_its_new_whole(actor) -> None:
    from mubiao.orgunits.models import OrgUnit
    from mubiao.plans.services import plan_import_table

    outcome = plan_import_table(
        reading=_reading([("东川镇", None), ("东川镇工业园", "东川镇"), ("西乡", None)]),
        content=b"x",
        filename="t.xlsx",
        actor=actor,
    )
    area = OrgUnit.objects.get(name="丙县")
    whole, part, other = (OrgUnit.objects.get(name=name) for name in ("东川镇", "东川镇工业园", "西乡"))
    assert (whole.parent_id, part.parent_id, other.parent_id) == (area.pk, whole.pk, area.pk)
    assert [(u.name, u.position) for u in outcome.created_units] == [
        ("丙县", 0),
        ("东川镇", 1),
        ("东川镇工业园", 2),
        ("西乡", 3),
    ]
    assert outcome.counts["created"] == 3
