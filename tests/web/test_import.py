"""The import page through Django's test client: an administrator uploads a table, the preview shows what mubiao
understood (layout, units, totals checked, every cell's role), a corrected mapping changes the understanding,
and the commit writes the plan once through the web door. Refusals — a reporter, an oversized or fake file, a
table with problems, new units not confirmed — are pages with the reason, and nothing is written or stored."""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from mubiao.accounts.models import Role
from mubiao.audit.models import AuditRecord
from mubiao.orgunits.models import OrgUnit
from mubiao.plans.models import Plan, SourceFile, Target
from mubiao.tables.sources import MAX_UPLOAD_BYTES
from mubiao.web.importing import parse_numbers

from ..conftest import SEED_PATH
from .conftest import parse, text_of

pytestmark = pytest.mark.django_db


def csv_table(*rows: list[str]) -> bytes:
    return "\n".join(",".join(cells) for cells in rows).encode("utf-8")


TITLE = ["柳州市2021年科技创新任务分解表"]
HEADER = [["地区", "高新技术企业(家)", "", "技术合同成交额(亿元)", ""], ["", "确保", "力争", "确保", "力争"]]

#: Units in rows: three districts and the city's total, which their sum matches.
KEJI = csv_table(
    TITLE,
    *HEADER,
    ["城中区", "10", "12", "1.5", "2"],
    ["鱼峰区", "8", "9", "1.0", "1.2"],
    ["柳南区", "5", "6", "0.5", "0.8"],
    ["合计", "23", "27", "3.0", "4.0"],
)

#: The same, but the total leaves 柳南区 out: it is an 'of which' row the title does not say is one.
KEJI_OF_WHICH = csv_table(
    TITLE,
    *HEADER,
    ["城中区", "10", "12", "1.5", "2"],
    ["鱼峰区", "8", "9", "1.0", "1.2"],
    ["柳南区", "5", "6", "0.5", "0.8"],
    ["合计", "18", "21", "2.5", "3.2"],
)

#: A typo in a unit's name: 渔峰区 for 鱼峰区.
KEJI_TYPO = csv_table(
    TITLE,
    *HEADER,
    ["城中区", "10", "12", "1.5", "2"],
    ["渔峰区", "8", "9", "1.0", "1.2"],
    ["合计", "18", "21", "2.5", "3.2"],
)

#: Text where a number belongs (row 5, column 3).
KEJI_TEXT_IN_VALUE = csv_table(
    TITLE,
    *HEADER,
    ["城中区", "10", "12", "1.5", "2"],
    ["鱼峰区", "8", "待定", "1.0", "1.2"],
    ["合计", "18", "21", "2.5", "3.2"],
)

#: A city mubiao does not know yet: its units come with it.
LAIBIN = csv_table(
    ["来宾市2021年科技创新任务分解表"],
    *HEADER,
    ["兴宾区", "6", "7", "0.6", "0.7"],
    ["象州县", "2", "3", "0.2", "0.3"],
    ["合计", "8", "10", "0.8", "1.0"],
)


@pytest.fixture(autouse=True)
def import_root(tmp_path, settings) -> Path:
    settings.IMPORT_UPLOAD_ROOT = tmp_path / "imports"
    return tmp_path / "imports"


def person(username: str, kind: str | None = None, **scope) -> User:
    user = User.objects.create_user(username=username, password="x-Very-long-9")
    if kind is not None:
        Role.objects.create(user=user, kind=kind, **scope)
    return user


@pytest.fixture
def chief(liuzhou, no_seed_plan) -> User:
    return person("chief", "admin")


@pytest.fixture
def admin_client(client: Client, chief: User) -> Client:
    client.force_login(chief)
    return client


def sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def upload(client: Client, content: bytes, name: str = "keji.csv", **fields: str):
    return client.post(reverse("web:import"), {"file": SimpleUploadedFile(name, content), **fields})


def preview_url(content: bytes) -> str:
    return reverse("web:import_preview", args=[sha(content)])


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def fact(page, name: str) -> str:
    return " ".join(text_of(page.get_element_by_id(f"fact-{name}")).split())


def row_role(page, row: int) -> str:
    return text_of(page.get_element_by_id(f"grid-row-{row}").xpath('./td[@class="g-rowrole"]')[0])


def cell(page, row: int, column: int):
    return page.get_element_by_id(f"cell-{row}-{column}")


def classes(element) -> set[str]:
    return set((element.get("class") or "").split())


def counts() -> tuple[int, int, int, int]:
    return Plan.objects.count(), Target.objects.count(), SourceFile.objects.count(), OrgUnit.objects.count()


# -- who may import -----------------------------------------------------------------------------------


def test_a_visitor_is_asked_to_log_in_before_the_import_page(client, liuzhou):
    response = client.get(reverse("web:import"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=/import/")


@pytest.mark.usefixtures("no_seed_plan")
def test_a_reporter_is_refused_the_import_page_and_their_upload_is_not_stored(client, liuzhou, import_root):
    client.force_login(person("liunan", "reporter", org_unit=OrgUnit.objects.get(short_name="柳南")))

    page = client.get(reverse("web:import"))
    posted = upload(client, KEJI)

    assert page.status_code == posted.status_code == 403
    assert "只有管理员可以导入目标分解表" in text_of(parse(posted).get_element_by_id("main"))
    assert stored_files(import_root) == []
    assert Plan.objects.count() == 0


def test_a_reporter_cannot_open_an_administrators_preview_either(client, admin_client, liuzhou):
    upload(admin_client, KEJI)
    client.force_login(person("liunan", "reporter", org_unit=OrgUnit.objects.get(short_name="柳南")))

    assert client.get(preview_url(KEJI)).status_code == 403
    assert client.post(preview_url(KEJI), {"commit": "1"}).status_code == 403
    assert Plan.objects.count() == 0


def test_the_top_bar_links_to_the_import_page_for_administrators_only(client, chief):
    reporter = person("liunan", "reporter", org_unit=OrgUnit.objects.get(short_name="柳南"))
    client.force_login(reporter)
    reporter_nav = parse(client.get(reverse("web:home"))).xpath('//nav[@class="topnav"]/a/text()')
    client.force_login(chief)
    chief_nav = parse(client.get(reverse("web:home"))).xpath('//nav[@class="topnav"]/a')

    assert "导入" not in reporter_nav
    assert [link.get("href") for link in chief_nav if text_of(link) == "导入"] == ["/import/"]


# -- upload and preview -------------------------------------------------------------------------------


def test_an_upload_is_stored_by_its_hash_and_the_preview_follows(admin_client, import_root):
    response = upload(admin_client, KEJI, area="柳州市")

    assert response.status_code == 302
    assert response["Location"] == preview_url(KEJI) + "?area=%E6%9F%B3%E5%B7%9E%E5%B8%82"
    assert stored_files(import_root) == [import_root / sha(KEJI)[:2] / sha(KEJI)]
    assert (import_root / sha(KEJI)[:2] / sha(KEJI)).read_bytes() == KEJI
    assert Plan.objects.count() == 0


def test_the_preview_shows_the_layout_units_and_the_totals_checked(admin_client):
    upload(admin_client, KEJI)

    response = admin_client.get(preview_url(KEJI))
    page = parse(response)

    assert response.status_code == 200
    assert fact(page, "file") == "keji.csv"
    assert fact(page, "layout") == "单位在行"
    assert page.get_element_by_id("fact-layout").get("data-layout") == "units_in_rows"
    assert fact(page, "area") == "柳州市 已有"
    assert fact(page, "years") == "2021"
    assert fact(page, "units") == "3"
    assert fact(page, "indicators") == "2"
    assert fact(page, "values") == "16 确保 8 · 力争 8"
    assert fact(page, "reconciliation") == "4 处合计相符"
    assert fact(page, "problems") == "0"
    assert [row_role(page, row) for row in range(1, 8)] == ["标题", "表头", "表头", "数据", "数据", "数据", "合计"]
    column_roles = page.xpath('//tr[@class="grid-roles"]/th[contains(@class, "g-colrole")]/text()')
    assert column_roles == ["名称", "数值", "数值", "数值", "数值"]
    assert page.get_element_by_id("commit-button").get("disabled") is None
    assert text_of(page.get_element_by_id("commit-note")).startswith("确认后将新增 16 个、修改 0 个、清空 0 个数值")


def test_each_value_cell_carries_its_indicator_unit_year_and_level(admin_client):
    upload(admin_client, KEJI)
    page = parse(admin_client.get(preview_url(KEJI)))

    value = cell(page, 5, 3)  # 鱼峰区, 高新技术企业, 力争
    total = cell(page, 7, 4)  # 合计, 技术合同成交额, 确保

    assert "cell-value" in classes(value)
    assert value.get("title").split("\n") == [
        "第5行第3列",
        "指标：1. 高新技术企业",
        "单位：鱼峰区",
        "年份：2021年",
        "级别：力争",
    ]
    assert value.xpath("./button")[0].get("data-detail").split("\n")[1] == "单位：鱼峰区"
    assert {"cell-total", "mark-ok"} <= classes(total)
    assert text_of(total.xpath('.//span[@class="mark mark-ok"]')[0]) == "✓"
    assert total.get("title").endswith("✓ 与各单位之和相符（3）")
    assert "cell-value" not in classes(cell(page, 4, 1))  # 城中区: a name, not a figure


def test_a_total_that_does_not_add_up_is_marked_red_with_the_units_sum(admin_client):
    upload(admin_client, KEJI_OF_WHICH)
    page = parse(admin_client.get(preview_url(KEJI_OF_WHICH)))

    total = cell(page, 7, 2)

    assert fact(page, "reconciliation") == "4 处不符"
    assert {"cell-total", "mark-bad"} <= classes(total)
    assert text_of(total.xpath('.//span[@class="units-sum"]')[0]) == "Σ 23"
    assert "✗ 合计 18，各单位之和 23" in total.get("title")
    assert "若第6行“柳南区”是“其中”项" in text_of(page.get_element_by_id("proposals"))
    assert fact(page, "findings").startswith("4")


def test_marking_a_row_as_of_which_changes_the_understanding(admin_client):
    upload(admin_client, KEJI_OF_WHICH)

    page = parse(admin_client.get(preview_url(KEJI_OF_WHICH), {"part_rows": "6"}))

    assert row_role(page, 6) == "其中项"
    assert "cell-part" in classes(cell(page, 6, 2))
    assert "其中项：不计入合计" in cell(page, 6, 2).get("title")
    assert fact(page, "reconciliation") == "4 处合计相符"
    assert fact(page, "findings") == "0"
    assert page.get_element_by_id("id_part_rows").get("value") == "6"
    hidden = {i.get("name"): i.get("value") for i in page.xpath('//form[@class="import-commit-form"]/input')}
    assert hidden["part_rows"] == "6"


def test_the_form_shows_what_was_detected_where_nothing_was_typed(admin_client):
    upload(admin_client, KEJI)
    page = parse(admin_client.get(preview_url(KEJI)))

    placeholders = {i.get("name"): i.get("placeholder") for i in page.xpath('//form[@id="mapping-form"]//input')}

    assert placeholders["header_first"] == "2"
    assert placeholders["header_last"] == "3"
    assert placeholders["label_column"] == "1"
    assert placeholders["total_rows"] == "7"
    assert placeholders["part_rows"] == "无"
    assert placeholders["area"] == "柳州市"
    layout_options = page.xpath('//select[@name="layout"]/option/@value')
    assert layout_options == ["", "blocks", "units_in_columns", "units_in_rows"]


def test_a_mapping_value_that_cannot_be_used_is_reported_next_to_its_field(admin_client):
    upload(admin_client, KEJI)

    response = admin_client.get(preview_url(KEJI), {"total_rows": "七", "year": "21"})
    page = parse(response)

    assert response.status_code == 400
    assert "“七”不是行号或列号" in text_of(page.get_element_by_id("id_total_rows-error"))
    assert text_of(page.get_element_by_id("id_year-error")) == "年份应为四位数，如 2021"
    assert fact(page, "reconciliation") == "4 处合计相符"  # the other fields still detected
    assert page.get_element_by_id("commit-button").get("disabled") == "disabled"


@pytest.mark.parametrize(
    ("typed", "numbers"),
    [
        ("5, 6", [5, 6]),
        ("5，6、8", [5, 6, 8]),
        ("5-7", [5, 6, 7]),
        ("7 - 5 ".replace("7 - 5", "5 - 7"), [5, 6, 7]),
        ("无", []),
        ("", None),
        ("3 3", [3]),
    ],
)
def test_row_lists_are_read_as_a_person_types_them(typed, numbers):
    assert parse_numbers(typed) == numbers


def test_problems_name_their_cell_and_link_to_it(admin_client):
    upload(admin_client, KEJI_TEXT_IN_VALUE)
    page = parse(admin_client.get(preview_url(KEJI_TEXT_IN_VALUE)))

    links = page.xpath('//section[@id="problems"]//a[@class="import-place"]')

    assert [(text_of(link), link.get("href")) for link in links] == [("第5行第3列", "#cell-5-3")]
    assert "cell-problem" in classes(cell(page, 5, 3))
    assert "待定" in text_of(page.get_element_by_id("problems"))
    assert page.get_element_by_id("commit-button").get("disabled") == "disabled"
    assert fact(page, "problems") == "1"


def test_the_seed_file_previews_as_blocks_with_390_values(admin_client, seed_bytes):
    upload(admin_client, seed_bytes, SEED_PATH.name)

    page = parse(admin_client.get(preview_url(seed_bytes)))

    assert fact(page, "layout") == "分块"
    assert fact(page, "values").startswith("390 ")
    assert fact(page, "indicators") == "4"
    assert fact(page, "units") == "12"
    assert fact(page, "years") == "2018—2022"
    assert fact(page, "reconciliation").startswith("7 处不符")
    assert len(page.xpath('//td[contains(@class, "cell-value") or contains(@class, "cell-total")]')) == 390
    assert page.get_element_by_id("commit-button").get("disabled") is None


def test_merged_cells_are_drawn_once_with_their_rowspan_and_colspan(admin_client):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "分解表"
    for row in [
        ["柳州市2021年科技创新任务分解表"],
        ["地区", "高新技术企业(家)", None, "技术合同成交额(亿元)", None],
        [None, "确保", "力争", "确保", "力争"],
        ["城中区", 10, 12, 1.5, 2],
        ["鱼峰区", 8, 9, 1, 1.2],
        ["合计", 18, 21, 2.5, 3.2],
    ]:
        sheet.append(row)
    for cells in ("A1:E1", "A2:A3", "B2:C2", "D2:E2"):
        sheet.merge_cells(cells)
    workbook.create_sheet("说明").append(["本表由市科技局填报"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    content = buffer.getvalue()
    upload(admin_client, content, "keji.xlsx")

    page = parse(admin_client.get(preview_url(content)))

    title, label, group = cell(page, 1, 1), cell(page, 2, 1), cell(page, 2, 2)
    assert (title.get("colspan"), title.get("rowspan")) == ("5", None)
    assert (label.get("rowspan"), group.get("colspan")) == ("2", "2")
    assert page.xpath('//*[@id="cell-1-2" or @id="cell-3-1" or @id="cell-2-3"]') == []
    assert [len(row.xpath('./td[contains(@class, "g-cell")]')) for row in page.xpath("//tbody/tr")[:3]] == [1, 3, 4]
    assert fact(page, "sheet") == "分解表 （共 2 个）"
    assert page.xpath('//select[@name="sheet"]/option/@value') == ["", "分解表", "说明"]
    assert fact(page, "reconciliation") == "4 处合计相符"


def test_a_big_table_shows_its_first_200_rows_and_says_so(admin_client):
    rows = [TITLE, *HEADER] + [[f"第{n}镇", "1", "2", "1", "2"] for n in range(1, 301)]
    rows.append(["合计", "300", "600", "300", "600"])
    content = csv_table(*rows)
    upload(admin_client, content, "big.csv")

    page = parse(admin_client.get(preview_url(content)))

    assert len(page.xpath("//tbody/tr")) == 200
    assert "表格共 304 行 5 列，这里只显示前 200 行、前 5 列" in text_of(page.get_element_by_id("grid-cut"))
    assert fact(page, "units") == "300"
    assert fact(page, "values").startswith("1204 ")


def test_a_sheet_that_is_not_there_is_a_clear_page_not_an_error(admin_client):
    upload(admin_client, KEJI)

    response = admin_client.get(preview_url(KEJI), {"sheet": "Sheet9"})

    assert response.status_code == 400
    assert "找不到工作表“Sheet9”" in text_of(parse(response).get_element_by_id("import-error"))


def test_a_label_column_past_the_tables_edge_is_named_as_a_problem_of_the_preview(admin_client):
    upload(admin_client, KEJI)

    response = admin_client.get(preview_url(KEJI), {"label_column": "99", "layout": "units_in_rows"})

    assert response.status_code == 200
    problems = text_of(parse(response).get_element_by_id("problems"))
    assert "名称列第99列超出了表格" in problems


def test_a_preview_of_an_upload_from_another_session_is_not_found(admin_client, client):
    upload(admin_client, KEJI)
    client.force_login(person("deputy", "admin"))

    response = client.get(preview_url(KEJI))

    assert response.status_code == 404
    assert "请重新上传" in text_of(parse(response).get_element_by_id("import-error"))
    assert client.get(reverse("web:import_preview", args=["not-a-hash"])).status_code == 404


# -- the mapping file ---------------------------------------------------------------------------------


def test_the_mapping_downloads_as_json_and_a_saved_mapping_applies_back(admin_client):
    upload(admin_client, KEJI_OF_WHICH)

    download = admin_client.get(reverse("web:import_mapping", args=[sha(KEJI_OF_WHICH)]), {"part_rows": "6"})
    saved = json.loads(download.content)
    applied = admin_client.post(
        preview_url(KEJI_OF_WHICH),
        {"apply_mapping": "1", "mapping_file": SimpleUploadedFile("keji.mapping.json", download.content)},
    )
    page = parse(admin_client.get(applied["Location"]))

    assert download["Content-Type"] == "application/json; charset=utf-8"
    assert "keji.mapping.json" in download["Content-Disposition"]
    assert saved["layout"] == "units_in_rows"
    assert saved["part_rows"] == [6]
    assert saved["total_rows"] == [7]
    assert saved["header_rows"] == [2, 3]
    assert applied.status_code == 302
    assert row_role(page, 6) == "其中项"
    assert fact(page, "reconciliation") == "4 处合计相符"


def test_a_mapping_file_that_is_not_one_is_refused_with_the_reason(admin_client):
    upload(admin_client, KEJI)

    response = admin_client.post(
        preview_url(KEJI), {"apply_mapping": "1", "mapping_file": SimpleUploadedFile("m.json", b'{"colour": 1}')}
    )

    assert response.status_code == 400
    assert "映射中有不认识的项：colour" in text_of(parse(response).get_element_by_id("mapping-error"))


def test_a_mapping_file_far_too_large_is_refused_before_it_is_read(admin_client):
    upload(admin_client, KEJI)

    response = admin_client.post(
        preview_url(KEJI), {"apply_mapping": "1", "mapping_file": SimpleUploadedFile("m.json", b" " * 200_000)}
    )

    assert response.status_code == 413
    assert "映射文件超过 64 KB" in text_of(parse(response).get_element_by_id("mapping-error"))


# -- commit -------------------------------------------------------------------------------------------


def test_committing_writes_the_plan_once_through_the_web_door(admin_client, chief):
    upload(admin_client, KEJI)
    before = Target.objects.count()

    response = admin_client.post(preview_url(KEJI), {"commit": "1"})

    plan = Plan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("web:plan", args=[plan.pk])
    assert plan.title == "柳州市2021年科技创新"
    assert Target.objects.filter(indicator__plan=plan).count() - before == 16
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"已导入：{plan.title}（新增 16，修改 0，清空 0，未变 0）"
    ]
    record = AuditRecord.objects.get(object_type="plans.plan", object_id=str(plan.pk), action="create")
    assert (record.door, record.actor_id, record.actor_label) == ("web", chief.pk, "chief")
    assert SourceFile.objects.get().sha256 == sha(KEJI)
    # The same file again, uploaded anew: nothing more is written.
    upload(admin_client, KEJI)
    again = admin_client.post(preview_url(KEJI), {"commit": "1"})
    assert again.status_code == 302
    assert (Plan.objects.count(), Target.objects.count(), SourceFile.objects.count()) == (1, before + 16, 1)
    assert "新增 0，修改 0，清空 0，未变 16" in str(list(get_messages(again.wsgi_request))[-1])


def test_the_commit_reads_the_stored_file_with_the_submitted_mapping(admin_client):
    upload(admin_client, KEJI_OF_WHICH)

    response = admin_client.post(preview_url(KEJI_OF_WHICH), {"commit": "1", "part_rows": "6", "title": "ignored"})

    assert response.status_code == 302
    liunan = OrgUnit.objects.get(short_name="柳南")
    yufeng = OrgUnit.objects.get(short_name="鱼峰")
    assert Target.objects.filter(org_unit=liunan).count() == 4
    assert Plan.objects.get().plan_units.get(org_unit=liunan).part_of == "鱼峰区"
    assert Target.objects.filter(org_unit=yufeng).count() == 4


def test_a_commit_with_problems_writes_nothing_and_answers_400_with_them(admin_client, import_root):
    upload(admin_client, KEJI_TEXT_IN_VALUE)
    before = counts()
    audited = AuditRecord.objects.count()

    response = admin_client.post(preview_url(KEJI_TEXT_IN_VALUE), {"commit": "1"})
    page = parse(response)

    assert response.status_code == 400
    refusal = text_of(page.get_element_by_id("import-refusal"))
    assert refusal.startswith("未能导入，没有写入任何数据")
    assert "第5行第3列" in refusal and "待定" in refusal
    assert counts() == before
    assert AuditRecord.objects.count() == audited
    assert stored_files(import_root) != []  # still there, to correct and try again


def test_a_commit_with_a_mapping_that_reads_nothing_is_refused(admin_client):
    upload(admin_client, KEJI)
    before = counts()

    response = admin_client.post(preview_url(KEJI), {"commit": "1", "layout": "blocks"})

    assert response.status_code == 400
    assert "未能导入" in text_of(parse(response).get_element_by_id("import-refusal"))
    assert counts() == before


def test_new_units_need_the_confirmation_tick_when_the_area_exists(admin_client):
    upload(admin_client, KEJI_TYPO)
    page = parse(admin_client.get(preview_url(KEJI_TYPO)))
    before = counts()

    unticked = admin_client.post(preview_url(KEJI_TYPO), {"commit": "1"})
    ticked = admin_client.post(preview_url(KEJI_TYPO), {"commit": "1", "confirm_units": "1"})

    new_units = text_of(page.get_element_by_id("new-units"))
    assert "以下 1 个单位在“柳州市”中找不到" in new_units
    assert "渔峰区 是否应为“鱼峰”？" in " ".join(new_units.split())
    assert page.get_element_by_id("id_confirm_units").get("required") is not None
    assert unticked.status_code == 400
    assert "请核对后勾选“确认创建这些新单位”" in text_of(parse(unticked).get_element_by_id("confirm-error"))
    assert ticked.status_code == 302
    assert counts()[0] == before[0] + 1
    created = OrgUnit.objects.get(name="渔峰区")
    assert created.parent.name == "柳州市"
    assert "新建单位：渔峰区" in str(list(get_messages(ticked.wsgi_request))[-1])


def test_a_new_area_comes_with_its_units_without_a_tick(admin_client):
    upload(admin_client, LAIBIN)
    page = parse(admin_client.get(preview_url(LAIBIN)))

    response = admin_client.post(preview_url(LAIBIN), {"commit": "1"})

    assert fact(page, "area") == "来宾市 新地区"
    assert "新地区“来宾市”将随以下单位一起新建" in text_of(page.get_element_by_id("new-units"))
    assert page.xpath('//*[@id="id_confirm_units"]') == []
    assert response.status_code == 302
    assert sorted(OrgUnit.objects.get(name="来宾市").children.values_list("name", flat=True)) == ["兴宾区", "象州县"]


def test_an_area_typed_in_the_mapping_must_be_one_the_register_knows(admin_client):
    upload(admin_client, KEJI, area="柳洲市")
    page = parse(admin_client.get(preview_url(KEJI), {"area": "柳洲市"}))
    before = counts()

    response = admin_client.post(preview_url(KEJI), {"commit": "1", "area": "柳洲市"})

    assert "找不到地区“柳洲市”" in text_of(page.get_element_by_id("problems"))
    assert page.get_element_by_id("commit-button").get("disabled") == "disabled"
    assert response.status_code == 400
    assert "找不到地区“柳洲市”" in text_of(parse(response).get_element_by_id("import-refusal"))
    assert counts() == before


def test_the_seed_file_commits_from_the_page(admin_client, seed_bytes):
    upload(admin_client, seed_bytes, SEED_PATH.name)

    response = admin_client.post(preview_url(seed_bytes), {"commit": "1"})

    plan = Plan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("web:plan", args=[plan.pk])
    assert plan.title == "柳州市科技创新支撑工业高质量发展实施方案"
    assert Target.objects.filter(indicator__plan=plan).count() == 377
    assert admin_client.get(response["Location"]).status_code == 200


# -- files that are not tables ------------------------------------------------------------------------


@pytest.mark.parametrize("extra", [2, 200 * 1024], ids=["just-over-the-limit", "declared-length-far-over"])
def test_an_oversized_upload_is_refused_with_a_message_and_not_kept(admin_client, import_root, extra):
    content = b"a\tb\n" * (MAX_UPLOAD_BYTES // 4) + b"x" * (extra - 1) + b"\n"

    response = upload(admin_client, content, "huge.txt")

    assert response.status_code == 413
    assert text_of(parse(response).get_element_by_id("import-error")) == "文件超过导入上限 20 MB，未读取也未保存"
    assert stored_files(import_root) == []
    assert Plan.objects.count() == 0


def test_random_bytes_named_xlsx_are_refused_with_the_reason(admin_client, import_root):
    response = upload(admin_client, os.urandom(4096), "keji.xlsx")

    assert response.status_code == 400
    message = text_of(parse(response).get_element_by_id("import-error"))
    assert message.startswith("无法读取“keji.xlsx”")
    assert stored_files(import_root) == []


def test_a_zip_that_is_not_a_workbook_is_refused_with_the_reason(admin_client, import_root):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    response = upload(admin_client, buffer.getvalue(), "keji.xlsx")

    assert response.status_code == 400
    assert "无法读取“keji.xlsx”" in text_of(parse(response).get_element_by_id("import-error"))
    assert len(parse(response).xpath('//ul[@class="import-problem-list"]/li')) >= 1
    assert stored_files(import_root) == []


def test_an_upload_without_a_file_asks_for_one(admin_client):
    response = admin_client.post(reverse("web:import"), {"area": "柳州市"})

    assert response.status_code == 400
    assert text_of(parse(response).get_element_by_id("import-error")) == "请选择要导入的文件"


def test_the_plan_page_a_commit_lands_on_says_what_was_imported(admin_client, chief):
    upload(admin_client, KEJI)

    response = admin_client.post(preview_url(KEJI), {"commit": "1"}, follow=True)

    assert response.status_code == 200
    assert "已导入：柳州市2021年科技创新（新增 16，修改 0，清空 0，未变 0）" in response.content.decode()
