"""Screenshots of the pages for the docs: docs/screenshots/*.png, taken with Debian's Chromium.

    .venv/bin/python tools/screenshots.py [--base-url http://127.0.0.1:8000] [--out docs/screenshots]

Uses the server at --base-url; when nothing answers there (and it is this machine), starts
`mubiao runserver` on that address for the duration and stops it afterwards. The pages need a plan:
`mubiao migrate && mubiao example` (as `make screenshots` does) loads the Liuzhou example.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Browser, FloatRect, Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--font-render-hinting=none",
]
WIDTH = 1440
VIEWPORT_HEIGHT = 900
#: Full pages taller than this are cut here, to keep each PNG small enough for a repository.
MAX_HEIGHT = 2600

#: In a screenshot the whole table should show, not the first screenful of its own scroll box.
UNBOX_TABLE = ".table-scroll { max-height: none !important; }"

#: The flagged cell whose popover is shown: a total that does not add up, else any flagged total, else any.
POPOVER_CELLS = [
    'td.c-total.flagged-error[title*="各单位合计"] .flag-button',
    "td.c-total.flagged .flag-button",
    ".flag-button",
]


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True  # it answered, if not with 200
    except (urllib.error.URLError, OSError):
        return False


@contextlib.contextmanager
def server(base_url: str) -> Iterator[None]:
    """The server at base_url: the one already running, or a dev server started here until the end."""
    if answers(base_url):
        yield
        return
    address = urlsplit(base_url)
    if address.hostname not in {"127.0.0.1", "localhost"}:
        raise SystemExit(f"{base_url} 无响应，且不是本机地址，无法自动启动服务")
    host_port = f"{address.hostname}:{address.port or 80}"
    process = subprocess.Popen(
        [sys.executable, "-m", "mubiao.cli", "runserver", host_port, "--noreload", "--insecure"], cwd=ROOT
    )
    try:
        deadline = time.monotonic() + 30
        while not answers(base_url):
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"无法在 {host_port} 启动 mubiao runserver")
            time.sleep(0.3)
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)


def shoot(page: Page, path: Path, *, full_page: bool = True) -> None:
    height: int = page.evaluate("document.documentElement.scrollHeight") if full_page else VIEWPORT_HEIGHT
    clip: FloatRect = {"x": 0, "y": 0, "width": WIDTH, "height": min(height, MAX_HEIGHT)}
    page.screenshot(path=str(path), full_page=full_page, clip=clip, animations="disabled")
    print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}  {path.stat().st_size // 1024} KB")


def first_plan_url(page: Page, base_url: str) -> str:
    page.goto(base_url + "/")
    link = page.locator("a.plan-link").first
    if link.count() == 0:
        raise SystemExit("首页没有规划：请先运行 mubiao example")
    href = link.get_attribute("href") or ""
    return base_url + href


def take(browser: Browser, base_url: str, out: Path, demo: dict[str, str]) -> None:
    context = browser.new_context(locale="zh-CN", viewport={"width": WIDTH, "height": VIEWPORT_HEIGHT})
    page = context.new_page()

    plan_url = first_plan_url(page, base_url)
    shoot(page, out / "home.png")

    page.goto(plan_url)
    page.add_style_tag(content=UNBOX_TABLE)
    shoot(page, out / "plan.png")

    # The popover sits over the table, so this one is a screenful around the cell, not the whole page.
    page.goto(plan_url)
    button = next(page.locator(selector).first for selector in POPOVER_CELLS if page.locator(selector).count())
    # As a reader gets there: the page scrolled down to the table, the table scrolled to the cell's row.
    button.evaluate(
        """button => {
            const box = button.closest(".table-scroll");
            box.scrollIntoView({block: "start"});
            const row = button.closest("tr");
            box.scrollTop = row.offsetTop - box.querySelector("thead").offsetHeight - 120;
        }"""
    )
    button.click()
    page.locator(".popover:not([hidden])").wait_for()
    shoot(page, out / "plan-popover.png", full_page=False)

    page.goto(plan_url + "findings/")
    shoot(page, out / "findings.png")

    # Through the language switcher, as a user would.
    page.goto(plan_url)
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    page.add_style_tag(content=UNBOX_TABLE)
    shoot(page, out / "plan-en.png")
    context.close()

    take_progress(browser, plan_url, out)
    take_reporting(browser, base_url, out, demo)
    take_import(browser, base_url, out)
    take_assessment(browser, base_url, plan_url, out)


def wait_for_charts(page: Page) -> None:
    """Until dashboard.js has drawn every chart of the page (none when ECharts is not installed)."""
    page.wait_for_load_state("load")
    page.wait_for_function(
        "document.querySelectorAll('.chart[data-dashboard-chart]:not([data-drawn])').length === 0"
        " || !document.getElementById('mubiao-dashboard') || !window.echarts"
    )


def take_assessment(browser: Browser, base_url: str, plan_url: str, out: Path) -> None:
    """The assessment rules and items as the administrator sees them, then a bulletin drafted, and the list."""
    page = log_in(browser, base_url, "demo-admin")
    page.goto(plan_url + "assessment/")
    shoot(page, out / "assessment.png")
    page.goto(plan_url + "bulletins/")
    page.get_by_role("button", name="起草").click()
    page.wait_for_load_state()
    shoot(page, out / "bulletin-draft.png")
    page.goto(plan_url + "bulletins/")
    shoot(page, out / "bulletins.png")
    page.goto(plan_url + "indicators/3/decompose/?base=actual:2018&lock=三江:2019:committed=9")
    shoot(page, out / "decompose.png")
    page.goto(plan_url + "indicators/1/decompose/?floor=1")
    shoot(page, out / "decompose-infeasible.png")
    page.context.close()


def take_progress(browser: Browser, plan_url: str, out: Path) -> None:
    """The progress dashboard, walked as a reader walks it: plan › 进度 › an indicator › a unit, then the tabs."""
    context = browser.new_context(locale="zh-CN", viewport={"width": WIDTH, "height": VIEWPORT_HEIGHT})
    page = context.new_page()
    page.goto(plan_url)
    page.locator(".actions").get_by_role("link", name="进度", exact=True).click()
    wait_for_charts(page)
    shoot(page, out / "progress.png")

    page.locator(".indicator-card h2 a").filter(has_text="高新技术企业").first.click()
    wait_for_charts(page)
    shoot(page, out / "progress-indicator.png")

    page.locator("table.progress-matrix tbody th a").filter(has_text="北部").first.click()
    wait_for_charts(page)
    shoot(page, out / "progress-unit.png")

    page.locator(".tabs").get_by_role("link", name="排名").click()
    shoot(page, out / "progress-rankings.png")

    page.locator(".tabs").get_by_role("link", name="里程碑").click()
    shoot(page, out / "progress-milestones.png")

    page.locator(".tabs").get_by_role("link", name="总览").click()
    page.get_by_role("button", name="English").click()
    wait_for_charts(page)
    shoot(page, out / "progress-en.png")
    context.close()


#: The demo accounts of the reporting screenshots, created (or reset) in this run with a throwaway password.
DEMO_PASSWORD = "Screenshot-" + secrets.token_urlsafe(12)
DEMO_PERIOD = "2022-Q1"


def reporting_demo() -> dict[str, str]:
    """Demo accounts (柳南 reporter, 市科技局 reviewer, administrator) and 2022-Q1 figures waiting for review,
    returned and in draft, written straight into the database the server uses; figures already there are left
    as they are. None is approved, so the progress pages (which count approved figures) look as before."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mubiao.settings")
    import django

    django.setup()
    from django.contrib.auth.models import User

    from mubiao.accounts.models import Role
    from mubiao.audit.models import Door
    from mubiao.audit.services import Actor
    from mubiao.orgunits.models import Department, OrgUnit
    from mubiao.plans.models import Indicator, Plan
    from mubiao.reporting.models import ActualValue
    from mubiao.reporting.workflow import (
        actual_enter,
        actual_return,
        actual_submit,
        evidence_attach,
    )

    def account(username: str, **role: object) -> Actor:
        user, _ = User.objects.get_or_create(username=username)
        user.set_password(DEMO_PASSWORD)
        user.save()
        Role.objects.get_or_create(user=user, **role)
        return Actor(door=Door.WEB, label=username, user=user)

    liunan = OrgUnit.objects.get(short_name="柳南")
    reporter = account("demo-liunan", kind="reporter", org_unit=liunan)
    reviewer = account("demo-keji", kind="reviewer", department=Department.objects.get(name="市科技局"))
    account("demo-admin", kind="admin")
    plan = Plan.objects.order_by("id").first()
    indicators = {i.number: i for i in Indicator.objects.filter(plan=plan, number__in=["1", "2", "3", "4"])}

    def figure(number: str, value: str, note: str = "") -> ActualValue | None:
        if ActualValue.objects.filter(indicator=indicators[number], org_unit=liunan, period=DEMO_PERIOD).exists():
            return None
        return actual_enter(
            actor=reporter, indicator=indicators[number], org_unit=liunan, period=DEMO_PERIOD, value=value, note=note
        )

    if actual := figure("3", "62", "含本季度新认定3家"):
        pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
        evidence_attach(actor=reporter, actual=actual, filename="高新技术企业认定名单.pdf", content=pdf)
        actual_submit(actor=reporter, actual=actual, expected_version=actual.version)
    if actual := figure("4", "5"):
        actual = actual_submit(actor=reporter, actual=actual, expected_version=actual.version)
        actual_return(
            actor=reviewer, actual=actual, reason="与成果登记数不符，请核实后重报", expected_version=actual.version
        )
    figure("2", "2", "待补充证明材料")
    returned = ActualValue.objects.get(indicator=indicators["4"], org_unit=liunan, period=DEMO_PERIOD)
    return {
        "entry": f"/report/{indicators['3'].pk}/{liunan.pk}/{DEMO_PERIOD}/",
        "returned": f"/report/{indicators['4'].pk}/{liunan.pk}/{DEMO_PERIOD}/",
        "history": f"/values/{returned.pk}/history/",
    }


def log_in(browser: Browser, base_url: str, username: str, *, phone: bool = False) -> Page:
    size = {"width": 390, "height": 844} if phone else {"width": WIDTH, "height": VIEWPORT_HEIGHT}
    context = browser.new_context(locale="zh-CN", viewport=size, is_mobile=phone, has_touch=phone)
    page = context.new_page()
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    return page


def shoot_phone(page: Page, path: Path) -> None:
    page.screenshot(path=str(path), full_page=False, animations="disabled")
    print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}  {path.stat().st_size // 1024} KB")


def take_reporting(browser: Browser, base_url: str, out: Path, urls: dict[str, str]) -> None:
    """The reporting pages with demo accounts: the reporter's list and entry (desktop and phone), the review
    queue, the administrator's unlock list and a figure's history."""
    page = log_in(browser, base_url, "demo-liunan")
    page.goto(base_url + "/report/")
    shoot(page, out / "report-home.png")
    page.goto(base_url + urls["returned"])
    shoot(page, out / "report-entry.png")
    page.goto(base_url + urls["history"])
    shoot(page, out / "value-history.png")
    page.context.close()

    phone = log_in(browser, base_url, "demo-liunan", phone=True)
    phone.goto(base_url + "/report/")
    shoot_phone(phone, out / "report-home-phone.png")
    phone.goto(base_url + urls["returned"])
    shoot_phone(phone, out / "report-entry-phone.png")
    phone.context.close()

    page = log_in(browser, base_url, "demo-keji")
    page.goto(base_url + "/review/")
    shoot(page, out / "review.png")
    page.context.close()

    page = log_in(browser, base_url, "demo-admin")
    page.goto(base_url + "/review/")
    shoot(page, out / "review-admin.png")
    page.context.close()


#: The table the import screenshots upload: the bundled seed, whose preview shows totals that do not add up.
IMPORT_EXAMPLE = ROOT / "mubiao" / "examples" / "liuzhou_2018_2022_keji.txt"
#: The phone screenshot of the preview runs from the summary down into the grid.
PHONE_HEIGHT = 2400


def import_preview(page: Page, base_url: str) -> None:
    """Upload the seed through the import page, as an administrator does, and wait for its preview; then scroll
    the grid to the first total that does not add up (down, and sideways on a phone), so the screenshot shows
    the ✗ among the coloured cells."""
    page.goto(base_url + "/import/")
    page.set_input_files("#id_file", str(IMPORT_EXAMPLE))
    page.get_by_role("button", name="上传并预览").click()
    page.locator("#import-summary").wait_for()
    page.evaluate(
        """() => {
            const cell = document.querySelector(".import-grid td.mark-bad");
            if (!cell) return;
            const box = cell.closest(".table-scroll");
            const head = box.querySelector("thead").offsetHeight;
            box.scrollTop = cell.closest("tr").offsetTop - head - 8 * 26;
            const stuck = box.querySelector("tbody .g-rowrole").getBoundingClientRect().right
                - box.getBoundingClientRect().left;
            if (cell.offsetLeft + cell.offsetWidth > box.clientWidth) {
                box.scrollLeft = Math.max(0, cell.offsetLeft - stuck - 24);
            }
        }"""
    )


def take_import(browser: Browser, base_url: str, out: Path) -> None:
    """The import preview of the seed file (nothing is committed), on a desktop and on a phone."""
    page = log_in(browser, base_url, "demo-admin")
    import_preview(page, base_url)
    shoot(page, out / "import_preview.png")
    page.context.close()

    phone = log_in(browser, base_url, "demo-admin", phone=True)
    import_preview(phone, base_url)
    height = min(phone.evaluate("document.documentElement.scrollHeight"), PHONE_HEIGHT)
    path = out / "import_preview_phone.png"
    phone.screenshot(path=str(path), full_page=True, clip={"x": 0, "y": 0, "width": 390, "height": height})
    print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}  {path.stat().st_size // 1024} KB")
    phone.context.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="保存页面截图到 docs/screenshots/")
    parser.add_argument("--base-url", default="http://127.0.0.1:8000", help="服务地址（默认 %(default)s）")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots", help="输出目录")
    args = parser.parse_args(argv)
    base_url = args.base_url.rstrip("/")
    args.out.mkdir(parents=True, exist_ok=True)
    demo = reporting_demo()  # before Playwright's event loop starts: Django refuses the ORM inside one
    with server(base_url), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            take(browser, base_url, args.out, demo)
        finally:
            browser.close()


if __name__ == "__main__":
    main()
