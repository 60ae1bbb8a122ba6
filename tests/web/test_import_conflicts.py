"""The web import preview lists the reported figures a table differs from, and the commit keeps them.

柳南 has reported (and had approved) 1 国家级创新平台 for 2022; the uploaded table says 2.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mubiao.accounts.models import Role
from tests.plans.reported_figures import (
    liunan_reports_and_keji_approves,
    seed_with_2022_actuals,
)

from .conftest import parse, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved_2022(seed_plan):
    """柳南's 2022 figure for 国家级创新平台, approved: 1."""
    return liunan_reports_and_keji_approves(seed_plan)


TABLE = seed_with_2022_actuals(liudong="2", beibu="1", liunan="2")


@pytest.fixture(autouse=True)
def import_root(tmp_path, settings):
    settings.IMPORT_UPLOAD_ROOT = tmp_path / "imports"


@pytest.fixture
def admin_client(client, seed_plan):
    chief = User.objects.create_user(username="chief", password="x-Very-long-9")
    Role.objects.create(user=chief, kind="admin")
    client.force_login(chief)
    return client


def preview_url() -> str:
    return reverse("web:import_preview", args=[hashlib.sha256(TABLE).hexdigest()])


def uploaded(client) -> None:
    response = client.post(reverse("web:import"), {"file": SimpleUploadedFile("柳州分解表v2.txt", TABLE)})
    assert response.status_code == 302, response.content.decode()


def test_the_preview_lists_the_conflict_with_both_figures_and_the_status(admin_client, approved_2022) -> None:
    uploaded(admin_client)

    page = parse(admin_client.get(preview_url()))

    (section,) = page.xpath("//section[@id='conflicts']")
    assert "与已填报数据不一致（1）" in text_of(section.xpath("./h2")[0])
    (row,) = section.xpath(".//tr[@class='conflict']")
    assert [text_of(cell) for cell in row.xpath("./td")] == ["柳南", "1. 国家级创新平台", "2022", "2", "1", "已通过"]


def test_a_table_without_conflicts_shows_no_conflict_section(admin_client, approved_2022, seed_bytes) -> None:
    admin_client.post(reverse("web:import"), {"file": SimpleUploadedFile("柳州分解表.txt", seed_bytes)})

    page = parse(admin_client.get(reverse("web:import_preview", args=[hashlib.sha256(seed_bytes).hexdigest()])))

    assert not page.xpath("//section[@id='conflicts']")


def test_the_commit_keeps_the_reported_figure_and_says_which_figures_differed(admin_client, approved_2022) -> None:
    uploaded(admin_client)

    response = admin_client.post(preview_url(), {"commit": "1"})

    assert response.status_code == 302
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("与已填报数据不一致 1 处，已保留填报值" in text for text in said)
    assert "柳南 · 1. 国家级创新平台 · 2022：表中 2，已填报 1（已通过），保留填报值" in said
    approved_2022.refresh_from_db()
    assert (approved_2022.value, approved_2022.status, approved_2022.version) == (Decimal(1), "approved", 3)


def test_the_preview_lists_an_indicator_the_table_renames_and_the_commit_message_counts_it(
    admin_client, approved_2022
) -> None:
    from tests.tables.tables import seed_with

    renamed = seed_with(29, 2, "<b>高新技术企业</b>")
    admin_client.post(reverse("web:import"), {"file": SimpleUploadedFile("柳州分解表v3.txt", renamed)})
    url = reverse("web:import_preview", args=[hashlib.sha256(renamed).hexdigest()])

    page = parse(admin_client.get(url))
    response = admin_client.post(url, {"confirm": "1"})

    (section,) = page.xpath("//section[@id='indicator-changes']")
    assert "将修改已有指标（1）" in text_of(section.xpath("./h2")[0])
    (row,) = section.xpath(".//tr[@class='indicator-change']")
    assert [text_of(cell) for cell in row.xpath("./td")] == [
        "3. 高新技术企业",
        "名称",
        "高新技术企业",
        "<b>高新技术企业</b>",
    ]
    assert response.status_code == 302
    assert any("修改已有指标 1 处" in str(message) for message in get_messages(response.wsgi_request))


def test_the_preview_lists_the_targets_the_table_changes(admin_client, approved_2022) -> None:
    from tests.tables.tables import seed_with

    changed = seed_with(31, 10, "60")  # 高新技术企业 2019 确保 柳南: 53 → 60
    admin_client.post(reverse("web:import"), {"file": SimpleUploadedFile("柳州分解表v4.txt", changed)})

    page = parse(admin_client.get(reverse("web:import_preview", args=[hashlib.sha256(changed).hexdigest()])))

    (section,) = page.xpath("//section[@id='target-changes']")
    assert "将修改已有目标值（1）" in text_of(section.xpath("./h2")[0])
    (row,) = section.xpath(".//tr[@class='target-change']")
    assert [text_of(cell) for cell in row.xpath("./td")] == ["柳南", "高新技术企业", "2019", "确保", "53", "60"]


def commit_note(client, content: bytes, name: str) -> str:
    client.post(reverse("web:import"), {"file": SimpleUploadedFile(name, content)})
    page = parse(client.get(reverse("web:import_preview", args=[hashlib.sha256(content).hexdigest()])))
    return text_of(page.get_element_by_id("commit-note"))


def test_the_commit_note_counts_what_the_commit_would_do_and_says_when_it_would_change_nothing(
    admin_client, seed_bytes
) -> None:
    from tests.tables.tables import seed_with

    same = commit_note(admin_client, seed_bytes, "柳州分解表.txt")
    one_changed = commit_note(admin_client, seed_with(31, 10, "60"), "柳州分解表v5.txt")

    assert same == "本表的 390 个数值与已存数据相同：确认导入不会改变任何数值。"
    assert one_changed == "确认后将新增 0 个、修改 1 个、清空 0 个数值（389 个不变），全部成功或全部不写入。"
