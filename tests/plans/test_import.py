from decimal import Decimal

import pytest

from mubiao.audit.models import AuditRecord
from mubiao.domain.problems import TableError
from mubiao.orgunits.models import OrgUnit
from mubiao.plans.models import Indicator, Milestone, Plan, SourceFile, Target
from mubiao.plans.services import plan_import_table
from mubiao.reporting.importing import import_table
from mubiao.reporting.models import ActualValue
from tests.tables.tables import seed_text, seed_with, small_county_table, tsv

pytestmark = pytest.mark.django_db


def database_state() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Plan, Indicator, Milestone, Target, ActualValue, SourceFile, OrgUnit, AuditRecord)
    }


def target(plan: Plan, number: str, unit: str, year: int, level: str) -> Decimal | None:
    found = Target.objects.filter(
        indicator__plan=plan, indicator__number=number, org_unit__short_name=unit, year=year, level=level
    ).first()
    return None if found is None else found.value


def test_the_seed_becomes_one_plan_with_four_indicators_and_fourteen_milestones(seed_plan: Plan) -> None:
    assert Plan.objects.count() == 1
    assert (seed_plan.title, seed_plan.start_year, seed_plan.end_year) == (
        "柳州市科技创新支撑工业高质量发展实施方案",
        2018,
        2022,
    )
    indicators = list(Indicator.objects.filter(plan=seed_plan).order_by("position"))
    assert [(i.number, i.name, i.unit_of_measure, i.kind) for i in indicators] == [
        ("1", "国家级创新平台", "家", "flow"),
        ("2", "高层次创新人才和团队", "个", "flow"),
        ("3", "高新技术企业", "家", "stock"),
        ("4", "重大科技成果转化", "项", "flow"),
    ]
    assert [sorted(d.name for d in i.lead_departments.all()) for i in indicators] == [
        ["市科技局"],
        ["市人力资源社会保障局", "市科技局"],
        ["市科技局"],
        ["市科技局"],
    ]
    assert indicators[3].remarks == "重大科技成果转化的标准由自治区科技厅定义。"
    assert Milestone.objects.filter(indicator__plan=seed_plan).count() == 14
    first = Milestone.objects.get(indicator=indicators[0], year=2020, level="committed")
    assert (first.value, first.comparison) == (12, "at_least")


def test_the_city_row_is_a_target_of_the_city_itself(seed_plan: Plan) -> None:
    city = Target.objects.get(
        indicator__plan=seed_plan, indicator__number="3", org_unit=seed_plan.area, year=2018, level="committed"
    )

    assert seed_plan.area.name == "柳州市"
    assert city.value == 310


def test_every_imported_value_keeps_its_file_hash_row_and_column(seed_plan: Plan, seed_bytes: bytes) -> None:
    import hashlib

    city = Target.objects.get(
        indicator__plan=seed_plan, indicator__number="3", org_unit=seed_plan.area, year=2018, level="committed"
    )

    assert city.source_file.sha256 == hashlib.sha256(seed_bytes).hexdigest()
    assert (city.source_row, city.source_column) == (29, 6)
    assert city.source_file.content == seed_bytes


def test_the_seed_stores_targets_for_both_levels_and_the_2018_actuals(seed_plan: Plan) -> None:
    assert Target.objects.filter(indicator__plan=seed_plan).count() == 377
    assert target(seed_plan, "3", "柳南", 2019, "committed") == 53
    assert target(seed_plan, "3", "三江", 2018, "committed") is None
    assert not Target.objects.filter(
        indicator__plan=seed_plan, indicator__number="3", year=2018, level="stretch"
    ).exists()
    actuals = {a.org_unit.short_name: a.value for a in ActualValue.objects.filter(indicator__plan=seed_plan)}
    assert (actuals["柳州"], actuals["柳东"], actuals["三江"], len(actuals)) == (442, 162, 3, 13)


def test_the_same_file_twice_changes_nothing(seed_plan: Plan, seed_bytes: bytes, actor) -> None:
    before = database_state()

    outcome = import_table(content=seed_bytes, filename="again.txt", actor=actor)

    assert database_state() == before
    assert outcome.file_seen_before and not outcome.changed_anything
    assert outcome.counts["unchanged"] == 390


def test_a_changed_file_updates_only_the_values_that_changed_and_says_which(seed_plan: Plan, actor) -> None:
    changed = seed_with(31, 10, "60")  # 高新技术企业 2019 committed 柳南: 53 → 60

    outcome = import_table(content=changed, filename="v2.txt", actor=actor)

    assert [c.as_dict() for c in outcome.changes] == [
        {"indicator": "高新技术企业", "unit": "柳南", "year": 2019, "level": "committed", "before": "53", "after": "60"}
    ]
    assert target(seed_plan, "3", "柳南", 2019, "committed") == 60
    record = AuditRecord.objects.filter(object_type="plans.target", action="update").get()
    assert (record.before["value"], record.after["value"], record.door) == ("53", "60", "cli")
    assert SourceFile.objects.filter(plan=seed_plan).count() == 2


def test_a_cell_left_blank_in_a_new_version_is_cleared_not_deleted(seed_plan: Plan, actor) -> None:
    outcome = import_table(content=seed_with(31, 10, ""), filename="v3.txt", actor=actor)

    assert outcome.counts["cleared"] == 1
    kept = Target.objects.get(
        indicator__plan=seed_plan, indicator__number="3", org_unit__short_name="柳南", year=2019, level="committed"
    )
    assert kept.value is None and kept.version == 2


@pytest.mark.usefixtures("no_seed_plan")
def test_an_unknown_unit_name_is_refused_with_a_suggestion_and_nothing_written(liuzhou, actor) -> None:
    before = database_state()
    typo = seed_with(8, 8, "柳男")

    with pytest.raises(TableError) as caught:
        import_table(content=typo, filename="typo.txt", actor=actor)

    (problem,) = caught.value.problems
    assert (problem.row, problem.column) == (8, 8)
    assert "单位名称“柳男”不是柳州市的下级单位或别名" in problem.message
    assert "--create-units" in problem.message
    assert database_state() == before


@pytest.mark.usefixtures("no_seed_plan")
def test_a_new_unit_confirmed_by_the_user_is_created_under_the_area(liuzhou, actor) -> None:
    outcome = import_table(content=seed_with(8, 8, "柳男"), filename="new.txt", actor=actor, create_units=True)

    assert [unit.name for unit in outcome.created_units] == ["柳男"]
    assert OrgUnit.objects.get(short_name="柳男").parent == liuzhou


def test_a_table_of_a_new_area_creates_the_area_and_its_units(db, actor) -> None:
    outcome = import_table(content=tsv(small_county_table()), filename="county.txt", actor=actor)

    assert [unit.name for unit in outcome.created_units] == ["宝应县", "安宜镇", "范水镇", "氾水镇"]
    assert OrgUnit.objects.get(name="宝应县").kind == "county"
    assert OrgUnit.objects.get(name="安宜镇").kind == "township"
    assert target(outcome.plan, "1", "安宜镇", 2022, "stretch") == 7


@pytest.mark.usefixtures("no_seed_plan")
def test_names_in_the_table_match_units_through_aliases_and_inner_spaces(liuzhou, actor) -> None:
    text = seed_text().replace("\t北部\t", "\t阳和工业新区\t").replace("\t柳城\t", "\t柳 城\t")

    outcome = import_table(content=text.encode(), filename="aliases.txt", actor=actor)

    assert outcome.created_units == []
    assert target(outcome.plan, "3", "北部", 2018, "committed") == 46
    assert target(outcome.plan, "3", "柳城", 2018, "committed") == 7


@pytest.mark.usefixtures("no_seed_plan")
def test_the_seed_in_gbk_with_crlf_gives_the_same_plan(liuzhou, actor) -> None:
    data = seed_text().replace("\n", "\r\n").encode("gbk")

    outcome = import_table(content=data, filename="gbk.txt", actor=actor)

    assert outcome.counts["targets"] == 377 and outcome.counts["actuals"] == 13
    assert target(outcome.plan, "2", "三江", 2022, "stretch") == 1


@pytest.mark.usefixtures("no_seed_plan")
def test_a_failure_midway_writes_nothing(liuzhou, actor, seed_bytes, monkeypatch) -> None:
    """Atomicity: the plan, units and values written before the failure are rolled back with it."""
    from mubiao.plans import services
    from mubiao.tables.grid import read_text_grid
    from mubiao.tables.structure import read_table

    reading = read_table(read_text_grid(seed_bytes, "seed.txt"))
    before = database_state()

    def explode(self, *args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services._PlanImport, "values", explode)
    with pytest.raises(RuntimeError, match="disk full"):
        plan_import_table(reading=reading, content=seed_bytes, filename="seed.txt", actor=actor)

    assert database_state() == before


def test_every_import_write_is_audited_with_its_door(seed_plan: Plan) -> None:
    records = AuditRecord.objects.filter(door="import") | AuditRecord.objects.filter(door="cli")
    source = SourceFile.objects.get(plan=seed_plan)

    # The values an import creates: one record of the import per kind, naming the file and the count.
    imports = records.filter(object_type="plans.sourcefile", object_id=str(source.pk), action="import")
    assert sorted((r.after["object_type"], r.after["created"], r.after["sha256"]) for r in imports) == [
        ("plans.target", 377, source.sha256),
        ("reporting.actualvalue", 13, source.sha256),
    ]
    assert not records.filter(object_type__in=["plans.target", "reporting.actualvalue"], action="create").exists()
    assert records.filter(object_type="plans.plan", action="create").count() == 1
    assert records.filter(object_type="orgunits.orgunit", action="create").count() == 14


def test_audit_records_can_be_neither_changed_nor_deleted(seed_plan: Plan) -> None:
    record = AuditRecord.objects.first()

    with pytest.raises(PermissionError):
        record.save()
    with pytest.raises(PermissionError):
        record.delete()


@pytest.mark.parametrize(
    ("written", "words"), [("-162", "不能为负数"), ("162.5", "须为整数"), ("１６２.５", "须为整数")]
)
def test_a_count_reported_in_a_tables_actual_row_follows_the_rule_of_every_door(
    seed_plan: Plan, actor, written: str, words: str
) -> None:
    # 高新技术企业 counts 家: its 实际 row, 柳东's 2018 figure 162 in row 30, column 7.
    before = database_state()

    with pytest.raises(TableError) as caught:
        import_table(content=seed_with(30, 7, written), filename="seed.txt", actor=actor)

    (problem,) = caught.value.problems
    assert (problem.row, problem.column) == (30, 7)
    assert words in problem.message
    assert database_state() == before


def test_a_table_that_renames_an_indicator_says_so_before_and_after_the_commit(seed_plan: Plan, actor) -> None:
    from mubiao.plans.importing import preview_file

    renamed = seed_with(29, 2, "高新技术企业（含科技型中小企业）")

    preview = preview_file(renamed, "v2.txt")
    outcome = import_table(content=renamed, filename="v2.txt", actor=actor)

    expected = [{"number": "3", "indicator": "高新技术企业", "field": "name", "before": "高新技术企业",
                 "after": "高新技术企业（含科技型中小企业）"}]  # fmt: skip
    assert [change.as_dict() for change in preview.indicator_changes] == expected
    assert [change.as_dict() for change in outcome.indicator_changes] == expected
    indicator = Indicator.objects.get(plan=seed_plan, number="3")
    record = AuditRecord.objects.filter(object_type="plans.indicator", object_id=str(indicator.pk)).latest("id")
    assert (record.before["name"], record.after["name"]) == ("高新技术企业", "高新技术企业（含科技型中小企业）")


def test_a_table_that_keeps_its_indicators_lists_no_indicator_change(seed_plan: Plan, seed_bytes: bytes) -> None:
    from mubiao.plans.importing import preview_file

    assert preview_file(seed_bytes, "again.txt").indicator_changes == []


def test_the_preview_lists_the_targets_a_commit_would_change_exactly_as_the_commit_does(seed_plan: Plan, actor) -> None:
    from mubiao.plans.importing import preview_file

    changed = seed_with(31, 10, "60")  # 高新技术企业 2019 committed 柳南: 53 → 60

    preview = preview_file(changed, "v2.txt")
    outcome = import_table(content=changed, filename="v2.txt", actor=actor)

    assert [c.as_dict() for c in preview.target_changes] == [c.as_dict() for c in outcome.changes]
    assert [c.as_dict() for c in preview.target_changes] == [
        {"indicator": "高新技术企业", "unit": "柳南", "year": 2019, "level": "committed", "before": "53", "after": "60"}
    ]
