"""In a real Chromium: an administrator imports a table through the page. The upload goes through the file input,
the preview shows the grid as understood, a row marked 'of which' in the mapping makes the totals add up, a
click on a value shows what it became, and the commit lands on the plan page. On a phone the page itself never
scrolls sideways; the grid scrolls inside its box."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, BrowserContext, Page, expect

from mubiao.accounts.models import Role
from mubiao.plans.models import Plan, Target

from ..conftest import SEED_PATH

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Liuzhou-2022-import"

#: Units in rows; the total leaves 柳南区 out, as an 'of which' row the table does not mark.
KEJI = "\n".join(
    [
        "柳州市2021年科技创新任务分解表",
        "地区,高新技术企业(家),,技术合同成交额(亿元),",
        ",确保,力争,确保,力争",
        "城中区,10,12,1.5,2",
        "鱼峰区,8,9,1.0,1.2",
        "柳南区,5,6,0.5,0.8",
        "合计,18,21,2.5,3.2",
    ]
).encode("utf-8")


@pytest.fixture(autouse=True)
def import_root(tmp_path, settings):
    settings.IMPORT_UPLOAD_ROOT = tmp_path / "imports"


@pytest.fixture
def chief(liuzhou, no_seed_plan) -> User:
    user = User.objects.create_user(username="chief", password=PASSWORD)
    Role.objects.create(user=user, kind="admin")
    return user


def log_in(browser: Browser, base_url: str, *, phone: bool = False) -> tuple[BrowserContext, Page]:
    viewport = {"width": 390, "height": 844} if phone else {"width": 1440, "height": 900}
    context = browser.new_context(locale="zh-CN", viewport=viewport, is_mobile=phone, has_touch=phone)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("用户名").fill("chief")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".account-name")).to_have_text("chief")
    return context, page


def no_sideways_scroll(page: Page) -> bool:
    """Nothing but the grid's own box sticks out past the screen's right edge (the offenders are named)."""
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => !e.closest('.table-scroll'))
            .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
            .map(e => e.tagName + '.' + e.className).slice(0, 8)"""
    )
    assert wide == [], wide
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_an_administrator_uploads_corrects_and_commits_a_table_through_the_page(live_server, chief, browser):
    context, page = log_in(browser, live_server.url)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="导入").click()
    expect(page.locator("h1")).to_have_text("导入目标分解表")

    page.get_by_label("目标分解表").set_input_files({"name": "keji.csv", "mimeType": "text/csv", "buffer": KEJI})
    page.get_by_role("button", name="上传并预览").click()

    expect(page.locator("h1")).to_have_text("导入预览")
    expect(page.locator("#fact-layout")).to_have_text("单位在行")
    expect(page.locator("#fact-reconciliation")).to_have_text("4 处不符")
    expect(page.locator("#grid-row-7 .g-rowrole")).to_have_text("合计")
    expect(page.locator("#cell-7-2 .units-sum")).to_have_text("Σ 23")
    expect(page.locator("#proposals")).to_contain_text("若第6行“柳南区”是“其中”项")

    # The proposal taken: row 6 marked 'of which', read again.
    page.get_by_label("其中行（不计入合计）").fill("6")
    page.get_by_role("button", name="重新识别").click()
    expect(page).to_have_url(re.compile(r"part_rows=6"))
    expect(page.locator("#fact-reconciliation")).to_have_text("4 处合计相符")
    expect(page.locator("#grid-row-6 .g-rowrole")).to_have_text("其中项")
    expect(page.locator("#cell-7-2 .mark-ok")).to_have_text("✓")

    # A click on a value says what it became.
    page.locator("#cell-6-3 .cell-button").click()
    popover = page.locator("#cell-popover")
    expect(popover).to_be_visible()
    expect(popover.locator("h3")).to_have_text("第6行第3列")
    expect(popover).to_contain_text("单位：柳南区")
    expect(popover).to_contain_text("级别：力争")
    expect(popover).to_contain_text("其中项：不计入合计")
    page.keyboard.press("Escape")
    expect(popover).to_be_hidden()

    assert Plan.objects.count() == 0
    page.get_by_role("button", name="确认导入").click()

    plan = Plan.objects.get()
    expect(page).to_have_url(re.compile(rf"/plans/{plan.pk}/$"))
    expect(page.locator("h1")).to_have_text("柳州市2021年科技创新")
    assert Target.objects.filter(indicator__plan=plan).count() == 16
    assert plan.plan_units.get(header_name="柳南区").part_of == "鱼峰区"
    context.close()


def test_on_a_phone_the_seed_previews_with_the_grid_scrolling_inside_its_box(live_server, chief, browser):
    context, page = log_in(browser, live_server.url, phone=True)
    page.goto(live_server.url + "/import/")
    page.get_by_label("目标分解表").set_input_files(str(SEED_PATH))
    page.get_by_role("button", name="上传并预览").click()

    expect(page.locator("#fact-layout")).to_have_text("分块")
    expect(page.locator("#fact-values")).to_contain_text("390")
    assert no_sideways_scroll(page)
    box = page.locator(".import-scroll")
    assert box.evaluate("box => box.scrollWidth > box.clientWidth")  # the grid scrolls sideways in its box
    bad = page.locator("td.mark-bad").first
    bad.scroll_into_view_if_needed()
    expect(bad).to_be_in_viewport()
    commit = page.get_by_role("button", name="确认导入")
    commit.scroll_into_view_if_needed()
    expect(commit).to_be_in_viewport(ratio=1)
    expect(commit).to_be_enabled()
    context.close()
