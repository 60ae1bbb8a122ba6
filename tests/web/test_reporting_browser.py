"""In a real Chromium: the whole reporting loop. The 柳南 reporter (on a phone) logs in and submits two
quarterly figures; the 市科技局 reviewer returns one with a reason and approves the other; the reporter
corrects and resubmits; the reviewer approves; progress shows the figure; the history shows every step."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from playwright.sync_api import Browser, BrowserContext, Page, expect

from mubiao.accounts.models import Role
from mubiao.orgunits.models import Department, OrgUnit
from mubiao.plans.models import Indicator
from mubiao.reporting.models import ActualValue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Liuzhou-2022-report"
PERIOD = "2022-Q1"


def log_in(browser: Browser, base_url: str, username: str, *, phone: bool = False) -> tuple[BrowserContext, Page]:
    """A new browser for one person, logged in through the login form."""
    viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
    context = browser.new_context(locale="zh-CN", viewport=viewport, is_mobile=phone, has_touch=phone)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(base_url + "/report/" if username == "liunan" else base_url + "/review/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    return context, page


def no_sideways_scroll(page: Page) -> bool:
    """Nothing sticks out past the screen's right edge (the offenders are named when something does)."""
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
            .map(e => e.tagName + '.' + e.className).slice(0, 8)"""
    )
    assert wide == [], wide
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def enter_and_submit(page: Page, value: str, note: str = "") -> None:
    page.get_by_label(re.compile("期末数|年初至今累计")).fill(value)
    if note:
        page.get_by_label("填报说明").fill(note)
    for name in ("保存草稿", "提交"):  # both within the screen's width, reachable by a thumb
        button = page.get_by_role("button", name=name, exact=True)
        button.scroll_into_view_if_needed()
        expect(button).to_be_in_viewport(ratio=1)
    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.locator(".flash")).to_contain_text("已提交，等待牵头部门审核")


def test_a_figure_goes_from_the_reporters_phone_through_review_to_progress_and_history(live_server, seed_plan, browser):
    reporter = User.objects.create_user(username="liunan", password=PASSWORD)
    Role.objects.create(user=reporter, kind="reporter", org_unit=OrgUnit.objects.get(short_name="柳南"))
    reviewer = User.objects.create_user(username="keji", password=PASSWORD)
    Role.objects.create(user=reviewer, kind="reviewer", department=Department.objects.get(name="市科技局"))
    high_tech = Indicator.objects.get(plan=seed_plan, number="3")
    transfers = Indicator.objects.get(plan=seed_plan, number="4")
    liunan = OrgUnit.objects.get(short_name="柳南").pk
    high_tech_entry = reverse("web:report_entry", args=[high_tech.pk, liunan, PERIOD])
    transfers_entry = reverse("web:report_entry", args=[transfers.pk, liunan, PERIOD])

    # The reporter, on a phone: the home lists what is due; both figures entered and submitted.
    phone, page = log_in(browser, live_server.url, "liunan", phone=True)
    expect(page).to_have_url(re.compile(r"/report/$"))
    expect(page.locator("h1")).to_have_text("我的填报")
    assert no_sideways_scroll(page)
    page.locator(f"a[href='{high_tech_entry}']").click()
    expect(page.locator("#target-committed")).to_have_text("58")
    assert no_sideways_scroll(page)
    enter_and_submit(page, "62", "含新认定3家")
    page.goto(live_server.url + transfers_entry)
    enter_and_submit(page, "5")
    assert no_sideways_scroll(page)

    # The reviewer returns one with a reason and approves the other.
    desk, review = log_in(browser, live_server.url, "keji")
    expect(review).to_have_url(re.compile(r"/review/$"))
    high_tech_figure = ActualValue.objects.get(indicator=high_tech, org_unit_id=liunan, period=PERIOD)
    transfers_figure = ActualValue.objects.get(indicator=transfers, org_unit_id=liunan, period=PERIOD)
    item = review.locator(f"#actual-{high_tech_figure.pk}")
    expect(item.locator(".review-value")).to_have_text("62 家")
    expect(item).to_contain_text("含新认定3家")
    item.get_by_placeholder("退回原因（必填）").fill("与认定名单不符，应为61家")
    item.get_by_role("button", name="退回").click()
    expect(review.locator(".flash")).to_contain_text("已退回")
    review.locator(f"#actual-{transfers_figure.pk}").get_by_role("button", name="通过").click()
    expect(review.locator(".flash")).to_contain_text("已通过")

    # The reporter sees the reason, corrects and resubmits.
    page.goto(live_server.url + "/report/")
    returned = page.locator("li.due-returned", has=page.locator(f"a[href='{high_tech_entry}']"))
    expect(returned).to_contain_text("退回原因：与认定名单不符，应为61家")
    returned.locator("a").click()
    expect(page.locator("#return-reason")).to_contain_text("与认定名单不符，应为61家")
    enter_and_submit(page, "61", "已按认定名单更正")

    # The reviewer approves the correction.
    review.goto(live_server.url + "/review/")
    review.locator(f"#actual-{high_tech_figure.pk}").get_by_role("button", name="通过").click()
    expect(review.locator(".flash")).to_contain_text("已通过")
    expect(review.locator(f"#actual-{high_tech_figure.pk}")).to_have_count(0)

    # Official progress counts the approved figure.
    review.goto(f"{live_server.url}/plans/{seed_plan.pk}/indicators/3/?year=2022&period={PERIOD}")
    cell = review.locator("table.progress-matrix tbody tr[data-unit='柳南'] td[data-year='2022']")
    expect(cell).to_contain_text("61")

    # The history: every step, who and when.
    review.goto(live_server.url + reverse("web:value_history", args=[high_tech_figure.pk]))
    rows = review.locator("table.history tbody tr")
    expect(rows).to_have_count(6)
    steps = [
        ("liunan", "填报"),
        ("liunan", "提交"),
        ("keji", "退回"),
        ("liunan", "填报"),
        ("liunan", "提交"),
        ("keji", "审核通过"),
    ]
    for index, (who, action) in enumerate(steps):
        cells = rows.nth(index).locator("td")
        expect(cells.nth(0)).to_have_text(re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$"))
        expect(cells.nth(1)).to_have_text(who)
        expect(cells.nth(2)).to_have_text("网页")
        expect(cells.nth(3)).to_have_text(action)
    expect(rows.nth(2).locator("td").nth(6)).to_have_text("与认定名单不符，应为61家")
    expect(rows.nth(3).locator("td").nth(5)).to_contain_text("值 61")
    phone.close()
    desk.close()
