"""Helpers for the page tests: the seed plan's indicators by name, and pages parsed into elements."""

from __future__ import annotations

import os
from collections.abc import Iterator

import lxml.html
import pytest
from django.http import HttpResponse
from playwright.sync_api import Browser, Page, sync_playwright

from mubiao.plans.models import Indicator, Plan


def parse(response: HttpResponse) -> lxml.html.HtmlElement:
    """The page as an element tree, so tests can point at a cell instead of searching raw text."""
    return lxml.html.fromstring(response.content.decode("utf-8"))


def text_of(element: lxml.html.HtmlElement) -> str:
    return element.text_content().strip()


def row_of(page: lxml.html.HtmlElement, indicator: Indicator, year: int, level: str) -> lxml.html.HtmlElement:
    return page.get_element_by_id(f"indicator-{indicator.pk}-{year}-{level}")


def unit_cell(row: lxml.html.HtmlElement, unit: str) -> lxml.html.HtmlElement:
    (cell,) = row.xpath(f'./td[@data-unit="{unit}"]')
    return cell


def total_cell(row: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    (cell,) = row.xpath('./td[contains(concat(" ", @class, " "), " c-total ")]')
    return cell


@pytest.fixture
def indicator_named(seed_plan: Plan):
    """Look up one of the seed plan's indicators by its name (高新技术企业 …)."""

    def find(name: str) -> Indicator:
        return Indicator.objects.get(plan=seed_plan, name=name)

    return find


@pytest.fixture(autouse=True)
def chinese_by_default():
    """Each test starts in Chinese: a request in English leaves its language active on the thread."""
    from django.utils import translation

    with translation.override("zh-hans"):
        yield


#: Debian's Chromium, started as the workplace requires: no sandbox (root), no background traffic.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # Playwright's sync API runs an event loop in this thread; Django would otherwise refuse the ORM here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    # A Chinese browser, as on the intranet.
    context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
