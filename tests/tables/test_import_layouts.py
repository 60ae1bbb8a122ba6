"""Cross-tab tables through the whole import: the register they produce, and what they refuse."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mubiao.audit.models import AuditRecord
from mubiao.domain.problems import TableError
from mubiao.orgunits.models import OrgUnit
from mubiao.plans.importing import preview_file
from mubiao.plans.models import Indicator, Plan, PlanUnit, Target
from mubiao.plans.selectors import plan_findings
from mubiao.reporting.importing import import_table
from mubiao.tables.mapping import LayoutMapping


def csv(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    return "\n".join(",".join(row) for row in rows).encode(encoding)


COUNTY_ROWS = [
    ["某某市2021年经济发展主要指标任务分解表"],
    ["单位：万元"],
    ["序号", "地区", "地区生产总值", "", "固定资产投资", "", "其中：工业投资", ""],
    ["", "", "确保", "力争", "确保", "力争", "确保", "力争"],
    ["1", "甲 县", "100", "110", "50", "55", "20", "22"],
    ["2", "乙区", "200", "210", "60", "65", "30", "33"],
    ["3", "丙镇", "300", "310", "70", "75", "", "40"],
    ["", "其中：丁村", "30", "31", "7", "7.5", "", ""],
    ["", "合计", "600", "630", "180", "195", "50", "95"],
    ["要求：各县区按季度报送。"],
]


def test_a_gbk_csv_with_units_in_rows_builds_the_plan_with_its_parts(db, actor):
    outcome = import_table(content=csv(COUNTY_ROWS, "gbk"), filename="分解表.csv", actor=actor)

    plan = outcome.plan
    assert (plan.title, plan.area.name, plan.start_year, plan.end_year) == (
        "某某市2021年经济发展主要指标",
        "某某市",
        2021,
        2021,
    )
    investment = Indicator.objects.get(plan=plan, number="2")
    industry = Indicator.objects.get(plan=plan, number="2.1")
    assert (industry.name, industry.parent_id, industry.unit_of_measure) == ("工业投资", investment.pk, "万元")
    town = PlanUnit.objects.get(plan=plan, header_name="丁村")
    assert town.part_of == "丙镇"
    assert town.org_unit.parent == OrgUnit.objects.get(name="丙镇")
    assert Target.objects.filter(indicator__plan=plan).count() == 27
    assert Target.objects.get(indicator=investment, org_unit=town.org_unit, level="stretch").value == Decimal("7.5")
    assert Target.objects.get(indicator=investment, org_unit=plan.area, level="committed").value == Decimal(180)
    assert plan_findings(plan) == []
    assert "要求：各县区按季度报送。" in plan.notes


def test_an_of_which_unit_above_its_whole_is_a_finding(db, actor):
    rows = [row[:] for row in COUNTY_ROWS]
    rows[7][2] = "301"  # 丁村 above 丙镇's 300
    plan = import_table(content=csv(rows), filename="分解表.csv", actor=actor).plan

    [finding] = [f for f in plan_findings(plan) if f.rule == "part_exceeds_whole"]
    assert finding.unit == "丁村"
    assert finding.message == "地区生产总值 2021年确保：其中项丁村的301超过了丙镇的300。"


def test_importing_the_same_layout_twice_changes_nothing(db, actor):
    import_table(content=csv(COUNTY_ROWS), filename="分解表.csv", actor=actor)
    records = AuditRecord.objects.count()

    again = import_table(content=csv(COUNTY_ROWS), filename="分解表.csv", actor=actor)

    assert not again.changed_anything
    assert AuditRecord.objects.count() == records


LIUZHOU_ROWS = [
    ["柳州市2021年科技创新任务分解表"],
    ["序号", "指标名称", "计量单位", "全市", "城中", "鱼 峰 区", "鹿寨县", "融水"],
    ["1", "高新技术企业", "家", "60", "10", "20", "18", "12"],
    ["2", "技术合同成交额", "万元", "7", "1", "2", "3", "1"],
]


@pytest.mark.usefixtures("no_seed_plan")
def test_units_across_the_columns_match_existing_units_by_short_name_full_name_and_spaced_name(liuzhou, actor):
    plan = import_table(content=csv(LIUZHOU_ROWS), filename="科技.csv", actor=actor).plan

    assert plan.area == liuzhou
    columns = dict(PlanUnit.objects.filter(plan=plan).values_list("header_name", "org_unit__name"))
    assert columns == {"城中": "城中区", "鱼峰区": "鱼峰区", "鹿寨县": "鹿寨县", "融水": "融水苗族自治县"}
    assert OrgUnit.objects.filter(parent=liuzhou).count() == 12  # nothing new


@pytest.mark.usefixtures("no_seed_plan")
def test_an_unknown_unit_in_an_existing_area_is_named_in_the_preview_and_refused_without_confirmation(liuzhou, actor):
    rows = [row[:] for row in LIUZHOU_ROWS]
    rows[1][7] = "融安新城"
    content = csv(rows)

    preview = preview_file(content, "科技.csv")
    assert preview.area_exists and preview.new_units == ["融安新城"]
    assert preview.suggestions["融安新城"] == ["融安"]

    with pytest.raises(TableError) as refused:
        import_table(content=content, filename="科技.csv", actor=actor)
    assert "单位名称“融安新城”不是柳州市的下级单位或别名" in refused.value.problems[0].message
    assert not Plan.objects.exists()

    plan = import_table(content=content, filename="科技.csv", actor=actor, create_units=True).plan
    assert OrgUnit.objects.get(name="融安新城").parent == liuzhou
    assert Target.objects.filter(indicator__plan=plan, org_unit__name="融安新城").count() == 2


@pytest.mark.usefixtures("no_seed_plan")
def test_a_table_refused_for_a_bad_cell_writes_nothing(liuzhou, actor):
    rows = [row[:] for row in LIUZHOU_ROWS]
    rows[3][5] = "#REF!"
    before = (AuditRecord.objects.count(), OrgUnit.objects.count())

    with pytest.raises(TableError) as refused:
        import_table(content=csv(rows), filename="科技.csv", actor=actor)

    [problem] = refused.value.problems
    assert (problem.row, problem.column) == (4, 6)
    assert (AuditRecord.objects.count(), OrgUnit.objects.count()) == before
    assert not Plan.objects.exists()


@pytest.mark.usefixtures("no_seed_plan")
def test_a_mapping_names_the_area_a_title_does_not(liuzhou, actor):
    rows = [["2021年科技任务分解表"], *LIUZHOU_ROWS[1:]]

    preview = preview_file(csv(rows), "科技.csv")
    assert "无法从表格标题判断所属地区" in preview.understanding.problems[0].message

    mapping = LayoutMapping(area="柳州市")
    assert preview_file(csv(rows), "科技.csv", mapping).understanding.can_commit
    plan = import_table(content=csv(rows), filename="科技.csv", actor=actor, mapping=mapping).plan
    assert plan.area == liuzhou
