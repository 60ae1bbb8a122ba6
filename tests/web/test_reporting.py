"""The reporting pages through Django's test client: a 柳南 reporter enters and submits, the 市科技局 reviewer
approves or returns, the administrator unlocks; stale saves, bad numbers and fake files are refused with
nothing written; the overview reminds who is late and can count figures still waiting for review."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mubiao.accounts.models import Role
from mubiao.audit.models import AuditRecord, Door
from mubiao.audit.services import Actor
from mubiao.orgunits.models import Department, OrgUnit
from mubiao.plans.models import Indicator, Plan
from mubiao.reporting.models import ActualValue, Evidence
from mubiao.reporting.workflow import actual_approve, actual_enter, actual_return, actual_submit, evidence_attach

from .conftest import parse, text_of

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PERIOD = "2022-Q1"


@pytest.fixture(autouse=True)
def evidence_root(tmp_path, settings):
    settings.EVIDENCE_ROOT = tmp_path / "evidence"


def unit(short_name: str) -> OrgUnit:
    return OrgUnit.objects.get(short_name=short_name)


def department(name: str) -> Department:
    return Department.objects.get(name=name)


def person(username: str, kind: str | None = None, **scope) -> User:
    user = User.objects.create_user(username=username, password="x-Very-long-9")
    if kind is not None:
        Role.objects.create(user=user, kind=kind, **scope)
    return user


@pytest.fixture
def high_tech(seed_plan: Plan) -> Indicator:
    """3. 高新技术企业: a stock counted in 家, led by 市科技局; 柳南's 2022 targets are set."""
    return Indicator.objects.get(plan=seed_plan, number="3")


@pytest.fixture
def reporter(seed_plan) -> User:
    return person("liunan", "reporter", org_unit=unit("柳南"))


@pytest.fixture
def reviewer(seed_plan) -> User:
    return person("keji", "reviewer", department=department("市科技局"))


@pytest.fixture
def admin(seed_plan) -> User:
    return person("chief", "admin")


def as_actor(user: User) -> Actor:
    return Actor(door=Door.WEB, label=user.username, user=user)


def entry_url(indicator: Indicator, short_name: str = "柳南", period: str = PERIOD) -> str:
    return reverse("web:report_entry", args=[indicator.pk, unit(short_name).pk, period])


def step_url(actual: ActualValue, step: str) -> str:
    return reverse("web:review_step", args=[actual.pk, step])


def stored(indicator: Indicator, short_name: str = "柳南", period: str = PERIOD) -> ActualValue | None:
    return ActualValue.objects.filter(indicator=indicator, org_unit=unit(short_name), period=period).first()


def draft(indicator: Indicator, reporter: User, value: str = "60", note: str = "") -> ActualValue:
    return actual_enter(
        actor=as_actor(reporter), indicator=indicator, org_unit=unit("柳南"), period=PERIOD, value=value, note=note
    )


def submitted(indicator: Indicator, reporter: User, value: str = "60") -> ActualValue:
    actual = draft(indicator, reporter, value)
    return actual_submit(actor=as_actor(reporter), actual=actual, expected_version=actual.version)


def approved(indicator: Indicator, reporter: User, reviewer: User) -> ActualValue:
    actual = submitted(indicator, reporter)
    return actual_approve(actor=as_actor(reviewer), actual=actual, expected_version=actual.version)


def error_text(page, element_id: str) -> str:
    return text_of(page.get_element_by_id(element_id))


# -- the reporter's home -----------------------------------------------------------------------------


def test_the_reporters_home_asks_a_visitor_to_log_in_first(client, seed_plan):
    response = client.get(reverse("web:report_home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=/report/")


def test_the_reporters_home_lists_liunans_overdue_figures_in_red_with_links_to_their_entry(client, reporter, high_tech):
    client.force_login(reporter)
    page = parse(client.get(reverse("web:report_home")))

    (item,) = page.xpath(f"//section[@id='period-{PERIOD}']//li[.//a[@href='{entry_url(high_tech)}']]")
    assert "due-overdue" in item.get("class")
    assert "3. 高新技术企业" in text_of(item)
    assert "柳南" in text_of(item)
    assert text_of(item.xpath(".//span[contains(@class, 'state')]")[0]) == "已逾期"
    assert not page.xpath(f"//a[contains(@href, '/{unit('柳北').pk}/20')]")


def test_a_returned_figure_heads_the_reporters_home_with_the_reviewers_reason(client, reporter, reviewer, high_tech):
    actual = submitted(high_tech, reporter)
    actual_return(actor=as_actor(reviewer), actual=actual, reason="与统计年报不符", expected_version=actual.version)
    client.force_login(reporter)
    page = parse(client.get(reverse("web:report_home")))

    (item,) = page.xpath(f"//li[.//a[@href='{entry_url(high_tech)}']]")
    assert item.xpath("ancestor::section/@id") == ["returned"]
    assert "due-returned" in item.get("class")
    assert "退回原因：与统计年报不符" in text_of(item)
    assert "60" in text_of(item)


# -- the entry page ----------------------------------------------------------------------------------


def test_the_entry_page_shows_the_years_targets_and_asks_for_the_level_of_a_stock(client, reporter, high_tech):
    client.force_login(reporter)
    page = parse(client.get(entry_url(high_tech)))

    assert error_text(page, "target-committed") == "58"
    assert error_text(page, "target-stretch") == "66"
    assert text_of(page.xpath("//label[@for='id_value']")[0]) == "期末数（家）"
    assert error_text(page, "entry-status") == "尚未填报"
    assert page.xpath("//input[@name='version']/@value") == [""]


def test_a_flow_asks_for_the_year_to_date(client, reporter, seed_plan):
    client.force_login(reporter)
    transfers = Indicator.objects.get(plan=seed_plan, number="4")
    page = parse(client.get(entry_url(transfers)))

    assert text_of(page.xpath("//label[@for='id_value']")[0]).startswith("年初至今累计")


def test_saving_a_draft_stores_the_value_and_records_who_did_it_through_the_web(client, reporter, high_tech):
    client.force_login(reporter)
    response = client.post(entry_url(high_tech), {"value": "62", "note": "含新认定3家", "version": "", "save": "1"})

    assert response.status_code == 302
    actual = stored(high_tech)
    assert (actual.value, actual.note, actual.status, actual.version) == (Decimal(62), "含新认定3家", "draft", 1)
    record = AuditRecord.objects.get(object_type="reporting.actualvalue", object_id=str(actual.pk), action="enter")
    assert (record.actor_label, record.door) == ("liunan", "web")
    page = parse(client.get(response["Location"]))
    assert "草稿已保存" in text_of(page.xpath("//ul[@class='flash']")[0])
    assert page.xpath("//input[@name='value']/@value") == ["62"]
    assert page.xpath("//input[@name='version']/@value") == ["1"]


def test_submitting_sends_the_figure_to_review_with_its_evidence(client, reporter, high_tech):
    client.force_login(reporter)
    upload = SimpleUploadedFile("认定名单.pdf", PDF, content_type="application/pdf")
    response = client.post(
        entry_url(high_tech), {"value": "62", "note": "", "version": "", "submit": "1", "evidence": upload}
    )

    assert response.status_code == 302
    actual = stored(high_tech)
    assert (actual.status, actual.submitted_by) == ("submitted", reporter)
    (evidence,) = Evidence.objects.filter(actual=actual)
    assert (evidence.filename, evidence.content_type) == ("认定名单.pdf", "application/pdf")
    page = parse(client.get(entry_url(high_tech)))
    assert error_text(page, "entry-status") == "待审核"
    assert not page.xpath("//form[contains(@class, 'entry-form')]")
    assert error_text(page, "entry-value") == "62 家"
    assert page.xpath("//ul[@class='evidence-list']//a/@href") == [reverse("web:evidence_download", args=[evidence.pk])]


def test_a_stale_save_is_refused_with_409_and_nothing_is_written(client, reporter, high_tech):
    actual = draft(high_tech, reporter, "60")
    actual_enter(
        actor=as_actor(reporter), indicator=high_tech, org_unit=unit("柳南"), period=PERIOD, value="61",
        expected_version=1,
    )  # fmt: skip
    records = AuditRecord.objects.count()
    client.force_login(reporter)
    response = client.post(entry_url(high_tech), {"value": "99", "note": "", "version": "1", "save": "1"})

    assert response.status_code == 409
    message = error_text(parse(response), "form-error")
    assert message.startswith("3. 高新技术企业 · 柳南 · 2022-Q1已于")
    assert message.endswith("被修改（当前版本2，您看到的是版本1），请刷新后重试")
    actual.refresh_from_db()
    assert (actual.value, actual.version) == (Decimal(61), 2)
    assert AuditRecord.objects.count() == records
    assert parse(response).xpath("//input[@name='value']/@value") == ["61"]


def test_text_in_the_number_field_is_refused_next_to_the_field_and_nothing_is_written(client, reporter, high_tech):
    client.force_login(reporter)
    response = client.post(entry_url(high_tech), {"value": "六十二", "note": "", "version": "", "save": "1"})

    assert response.status_code == 400
    assert error_text(parse(response), "value-error") == "“六十二”不是数值"
    assert parse(response).xpath("//input[@name='value']/@value") == ["六十二"]
    assert stored(high_tech) is None


def test_a_negative_count_is_refused_next_to_the_field_and_nothing_is_written(client, reporter, high_tech):
    client.force_login(reporter)
    response = client.post(entry_url(high_tech), {"value": "-3", "note": "", "version": "", "save": "1"})

    assert response.status_code == 400
    assert "不能为负数" in error_text(parse(response), "value-error")
    assert stored(high_tech) is None


def test_a_fake_pdf_is_refused_next_to_the_file_field_and_not_even_the_value_is_saved(client, reporter, high_tech):
    client.force_login(reporter)
    fake = SimpleUploadedFile("名单.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    response = client.post(
        entry_url(high_tech), {"value": "62", "note": "", "version": "", "submit": "1", "evidence": fake}
    )

    assert response.status_code == 400
    assert error_text(parse(response), "evidence-error") == "“名单.pdf”的内容不是PDF文件（按文件内容检查，不看扩展名）"
    assert stored(high_tech) is None
    assert Evidence.objects.count() == 0


def test_an_approved_figure_cannot_be_changed_by_a_late_post(client, reporter, reviewer, high_tech):
    actual = approved(high_tech, reporter, reviewer)
    client.force_login(reporter)
    response = client.post(
        entry_url(high_tech), {"value": "99", "note": "", "version": str(actual.version), "submit": "1"}
    )

    assert response.status_code == 400
    assert "已通过的数据不能修改" in error_text(parse(response), "form-error")
    actual.refresh_from_db()
    assert (actual.value, actual.status) == (Decimal(60), "approved")


def test_a_period_outside_the_plan_is_not_found(client, reporter, high_tech):
    client.force_login(reporter)

    assert client.get(entry_url(high_tech, period="2030-Q1")).status_code == 404
    assert client.get(entry_url(high_tech, period="2022-Q5")).status_code == 404


def test_another_units_entry_page_is_forbidden_and_the_attempt_recorded(client, reporter, high_tech):
    client.force_login(reporter)
    response = client.post(entry_url(high_tech, "柳北"), {"value": "1", "version": "", "save": "1"})

    assert response.status_code == 403
    assert "无权填报" in text_of(parse(response).xpath("//p[@class='denied-message']")[0])
    assert stored(high_tech, "柳北") is None
    assert AuditRecord.objects.filter(action="denied", actor_label="liunan").count() == 1


# -- the review queue --------------------------------------------------------------------------------


def test_the_reviewer_sees_the_submitted_figure_with_its_targets_note_and_evidence(
    client, reporter, reviewer, high_tech
):
    actual = draft(high_tech, reporter, "62", note="含新认定3家")
    evidence = evidence_attach(actor=as_actor(reporter), actual=actual, filename="名单.pdf", content=PDF)
    actual_submit(actor=as_actor(reporter), actual=actual, expected_version=actual.version)
    client.force_login(reviewer)
    page = parse(client.get(reverse("web:review")))

    item = page.get_element_by_id(f"actual-{actual.pk}")
    assert text_of(item.xpath(".//h2")[0]) == "柳南 · 3. 高新技术企业"
    assert "2022年第1季度" in text_of(item)
    assert text_of(item.xpath(".//dd[@class='review-value']")[0]) == "62 家"
    assert [text_of(dd) for dd in item.xpath(".//dl/div/dd")] == ["62 家", "58", "66"]
    assert "含新认定3家" in text_of(item)
    assert item.xpath(".//a[text()='名单.pdf']/@href") == [reverse("web:evidence_download", args=[evidence.pk])]
    assert item.xpath(".//form/@action") == [step_url(actual, "approve"), step_url(actual, "return")]


def test_approving_locks_the_figure_and_it_leaves_the_queue(client, reporter, reviewer, high_tech):
    actual = submitted(high_tech, reporter)
    client.force_login(reviewer)
    response = client.post(step_url(actual, "approve"), {"version": str(actual.version)})

    assert response.status_code == 302
    actual.refresh_from_db()
    assert (actual.status, actual.reviewed_by) == ("approved", reviewer)
    page = parse(client.get(response["Location"]))
    assert "已通过：柳南 · 高新技术企业 · 2022年第1季度" in text_of(page.xpath("//ul[@class='flash']")[0])
    assert not page.xpath(f"//*[@id='actual-{actual.pk}']")


def test_returning_needs_a_reason(client, reporter, reviewer, high_tech):
    actual = submitted(high_tech, reporter)
    client.force_login(reviewer)
    response = client.post(step_url(actual, "return"), {"version": str(actual.version), "reason": "  "})

    assert response.status_code == 400
    assert "退回须说明原因" in text_of(parse(response).xpath("//p[@class='form-error']")[0])
    actual.refresh_from_db()
    assert actual.status == "submitted"


def test_returning_with_a_reason_sends_the_figure_back(client, reporter, reviewer, high_tech):
    actual = submitted(high_tech, reporter)
    client.force_login(reviewer)
    response = client.post(step_url(actual, "return"), {"version": str(actual.version), "reason": "缺证明材料"})

    assert response.status_code == 302
    actual.refresh_from_db()
    assert (actual.status, actual.return_reason) == ("returned", "缺证明材料")


def test_a_stale_approval_is_refused_with_409(client, reporter, reviewer, high_tech):
    actual = submitted(high_tech, reporter)
    client.force_login(reviewer)
    response = client.post(step_url(actual, "approve"), {"version": str(actual.version - 1)})

    assert response.status_code == 409
    message = text_of(parse(response).xpath("//p[@class='form-error']")[0])
    assert "被修改（当前版本2，您看到的是版本1），请刷新后重试" in message
    actual.refresh_from_db()
    assert actual.status == "submitted"


def test_the_administrator_can_unlock_an_approved_figure_with_a_reason(client, reporter, reviewer, admin, high_tech):
    actual = approved(high_tech, reporter, reviewer)
    client.force_login(admin)
    page = parse(client.get(reverse("web:review")))
    assert page.get_element_by_id(f"actual-{actual.pk}").xpath(".//form/@action") == [step_url(actual, "unlock")]

    response = client.post(step_url(actual, "unlock"), {"version": str(actual.version), "reason": "统计口径调整"})

    assert response.status_code == 302
    actual.refresh_from_db()
    assert (actual.status, actual.return_reason) == ("returned", "统计口径调整")


def test_a_reporter_has_no_review_queue(client, reporter):
    client.force_login(reporter)

    assert client.get(reverse("web:review")).status_code == 403


# -- history and evidence ----------------------------------------------------------------------------


def test_the_history_shows_every_step_with_who_door_and_reason(client, reporter, reviewer, high_tech):
    actual = submitted(high_tech, reporter, "60")
    actual_return(actor=as_actor(reviewer), actual=actual, reason="与年报不符", expected_version=actual.version)
    client.force_login(reporter)
    page = parse(client.get(reverse("web:value_history", args=[actual.pk])))

    rows = [
        [text_of(td) for td in tr.xpath("./td")][1:]
        for tr in page.xpath("//table[contains(@class, 'history')]/tbody/tr")
    ]
    assert rows == [
        ["liunan", "网页", "填报", "—", "草稿 · 值 60", ""],
        ["liunan", "网页", "提交", "草稿 · 值 60", "待审核 · 值 60", ""],
        ["keji", "网页", "退回", "待审核 · 值 60", "已退回 · 值 60", "与年报不符"],
    ]


def test_the_entry_and_review_pages_link_to_the_history(client, reporter, reviewer, high_tech):
    actual = submitted(high_tech, reporter)
    history = reverse("web:value_history", args=[actual.pk])
    client.force_login(reporter)
    assert parse(client.get(entry_url(high_tech))).xpath(f"//a[@href='{history}']")
    client.force_login(reviewer)
    assert parse(client.get(reverse("web:review"))).xpath(f"//a[@href='{history}']")


def test_evidence_downloads_as_an_attachment_of_its_type(client, reporter, reviewer, high_tech):
    actual = draft(high_tech, reporter)
    evidence = evidence_attach(actor=as_actor(reporter), actual=actual, filename="认定名单.pdf", content=PDF)
    client.force_login(reviewer)
    response = client.get(reverse("web:evidence_download", args=[evidence.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "%E8%AE%A4%E5%AE%9A%E5%90%8D%E5%8D%95.pdf" in response["Content-Disposition"]
    assert response.content == PDF


def test_another_units_reporter_may_not_download_pending_evidence(client, reporter, high_tech):
    evidence = evidence_attach(
        actor=as_actor(reporter), actual=draft(high_tech, reporter), filename="a.pdf", content=PDF
    )
    client.force_login(person("liubei", "reporter", org_unit=unit("柳北")))
    response = client.get(reverse("web:evidence_download", args=[evidence.pk]))
    nonexistent = client.get(reverse("web:evidence_download", args=[evidence.pk + 1000]))

    # As if it did not exist — the answer for an id that does not — yet recorded as a refused attempt.
    assert (response.status_code, nonexistent.status_code) == (404, 404)
    assert AuditRecord.objects.filter(action="denied", actor_label="liubei").count() == 1


def test_a_pending_figures_history_outside_the_readers_scope_answers_as_if_it_did_not_exist(
    client, reporter, high_tech
):
    figure = draft(high_tech, reporter)
    client.force_login(person("liubei", "reporter", org_unit=unit("柳北")))

    response = client.get(reverse("web:value_history", args=[figure.pk]))
    nonexistent = client.get(reverse("web:value_history", args=[figure.pk + 1000]))

    assert (response.status_code, nonexistent.status_code) == (404, 404)
    assert AuditRecord.objects.filter(action="denied", actor_label="liubei").count() == 1


# -- the top bar and the progress overview -----------------------------------------------------------


def test_the_top_bar_offers_reporting_to_reporters_and_review_to_reviewers(client, reporter, reviewer):
    client.force_login(reporter)
    assert parse(client.get("/")).xpath("//nav[@class='topnav']/a/text()")[:2] == ["规划", "填报"]
    client.force_login(reviewer)
    assert parse(client.get("/")).xpath("//nav[@class='topnav']/a/text()")[:2] == ["规划", "审核"]
    client.logout()
    assert "填报" not in parse(client.get("/")).xpath("//nav[@class='topnav']/a/text()")


def test_the_overview_reminds_which_units_are_late_or_returned(client, seed_plan, reporter, reviewer, high_tech):
    actual = submitted(high_tech, reporter)
    actual_return(actor=as_actor(reviewer), actual=actual, reason="请核实", expected_version=actual.version)
    client.force_login(reviewer)
    page = parse(client.get(reverse("web:progress", args=[seed_plan.pk])))

    liunan = page.xpath("//li[@class='reminder'][span[@class='reminder-unit']='柳南']")[0]
    assert "退回 1" in text_of(liunan)
    assert "逾期" in text_of(liunan)


def test_an_anonymous_visitor_is_reminded_who_is_late_but_not_told_of_returned_figures(
    client, seed_plan, reporter, reviewer, high_tech
):
    actual = submitted(high_tech, reporter)
    actual_return(actor=as_actor(reviewer), actual=actual, reason="请核实", expected_version=actual.version)

    page = parse(client.get(reverse("web:progress", args=[seed_plan.pk])))

    liunan = page.xpath("//li[@class='reminder'][span[@class='reminder-unit']='柳南']")[0]
    assert "逾期" in text_of(liunan) and "退回" not in text_of(liunan)


def test_the_pending_switch_counts_figures_not_yet_approved(client, seed_plan, reporter, high_tech):
    submitted(high_tech, reporter, "64")
    client.force_login(reporter)  # pending figures count only for those who may see them (the reporter's own)
    url = reverse("web:progress_indicator", args=[seed_plan.pk, "3"])

    official = parse(client.get(url, {"year": "2022", "period": PERIOD}))
    pending = parse(client.get(url, {"year": "2022", "period": PERIOD, "pending": "1"}))

    def liunan(page) -> str:
        (cell,) = page.xpath(
            "//table[contains(@class, 'progress-matrix')]/tbody/tr[@data-unit='柳南']/td[@data-year='2022']"
        )
        return text_of(cell)

    assert "64" not in liunan(official)
    assert "64" in liunan(pending)
    overview = parse(client.get(reverse("web:progress", args=[seed_plan.pk]), {"year": "2022", "pending": "1"}))
    assert overview.xpath("//form[@class='pending-switch']//input[@name='pending']/@checked")


def test_an_entry_page_leads_back_to_the_readers_own_list(client, reporter, reviewer, high_tech):
    figure = submitted(high_tech, reporter)
    url = reverse("web:report_entry", args=[high_tech.pk, figure.org_unit_id, figure.period])

    def way_back() -> list[str]:
        return [text_of(a) for a in parse(client.get(url)).xpath("//nav[@class='crumbs']/a")]

    client.force_login(reporter)
    as_reporter = way_back()
    client.force_login(reviewer)
    as_reviewer = way_back()

    assert (as_reporter, as_reviewer) == (["我的填报"], ["审核"])
