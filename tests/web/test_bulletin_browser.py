"""In a real Chromium: an administrator sets the assessment's cap, drafts the 2018 bulletin, writes its next
steps, issues it after the confirmation, and finds it listed with its files."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, expect

from mubiao.accounts.models import Role
from mubiao.assessment.models import AssessmentScheme
from mubiao.exports.models import Bulletin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Liuzhou-2018-bulletin"


def test_an_administrator_sets_the_cap_then_drafts_edits_and_issues_the_2018_bulletin(
    live_server, seed_plan, browser: Browser, settings, tmp_path: Path
) -> None:
    settings.BULLETIN_ROOT = tmp_path / "bulletins"
    admin = User.objects.create_user(username="office", password=PASSWORD)
    Role.objects.create(user=admin, kind="admin")
    page = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/plans/{seed_plan.pk}/assessment/")
    page.get_by_role("link", name="登录").first.click()
    page.get_by_label("用户名").fill("office")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    page.locator("input[name=cap]").fill("1.5")
    page.get_by_role("button", name="保存考核办法").click()
    expect(page.locator(".flash")).to_contain_text("考核办法已保存")
    assert AssessmentScheme.objects.get().cap == 1.5

    page.goto(f"{live_server.url}/plans/{seed_plan.pk}/bulletins/")
    page.locator("select[name=year]").select_option("2018")
    page.get_by_role("button", name="起草").click()
    expect(page.locator("textarea[name=section_1]")).to_contain_text("完成年度确保目标的142.6%")
    expect(page.locator("textarea[name=section_2]")).to_contain_text("最多计分值的150%")
    page.locator("textarea[name=section_4]").fill("加快高新技术企业培育。")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="签发", exact=True).click()

    expect(page.locator(".flash")).to_contain_text("已签发")
    expect(page.locator("table.bulletins-table tbody tr")).to_have_count(1)
    bulletin = Bulletin.objects.get()
    assert (bulletin.number, bulletin.body[4][1]) == (1, ["加快高新技术企业培育。"])
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF").click()
    assert Path(download.value.path()).read_bytes()[:5] == b"%PDF-"
