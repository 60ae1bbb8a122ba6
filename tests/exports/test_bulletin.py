"""The 通报: generated from approved figures only, numbered, stored, versioned, the same through every door."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pdfplumber
import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from docx import Document

from mubiao.accounts.models import Role, RoleKind
from mubiao.audit.models import AuditRecord
from mubiao.domain.refusals import Refused
from mubiao.exports.bulletin import bulletin_document, pct, points
from mubiao.exports.bulletin_docx import bulletin_docx
from mubiao.exports.bulletin_pdf import bulletin_pdf
from mubiao.exports.models import Bulletin
from mubiao.exports.progress import progress_sheet
from mubiao.exports.services import bulletin_file, bulletin_issue, draft_for, stored_path
from mubiao.orgunits.models import OrgUnit
from mubiao.plans.models import Indicator, Plan
from mubiao.reporting.workflow import actual_enter, actual_submit
from tests.cli.test_commands import run
from tests.conftest import tester as operator
from tests.exports.test_progress_sheet import approved, section
from tests.plans.reported_figures import person
from tests.web.conftest import parse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def bulletin_root(settings, tmp_path: Path) -> Path:
    settings.BULLETIN_ROOT = tmp_path / "bulletins"
    return settings.BULLETIN_ROOT


def body_text(text) -> str:
    return "\n".join(paragraph for section in text.sections for paragraph in section.paragraphs)


def word_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def pdf_text(content: bytes) -> str:
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def test_liuzhou_2018_reads_142_6_percent_for_the_city_97_8_for_beibu_below_and_sanjiang_without_target(
    seed_plan: Plan,
) -> None:
    _, text = draft_for(seed_plan, year=2018)
    rows = section(progress_sheet(seed_plan, year=2018), "3")
    (paragraph,) = [p for p in text.sections[1].paragraphs if "高新技术企业" in p]

    assert pct(rows["柳州市"].rate_committed) == "142.6%" and pct(rows["北部"].rate_committed) == "97.8%"
    assert "全市1—12月累计完成442家，完成年度确保目标的142.6%，高于序时进度100.0% 42.6个百分点" in paragraph
    assert "低于序时进度的有北部（97.8%）" in paragraph
    assert "三江无年度确保目标" in paragraph
    assert text.title == "关于2018年柳州市科技创新支撑工业高质量发展实施方案目标任务完成情况的通报"
    assert [section.heading for section in text.sections] == [
        "一、总体情况", "二、各县区完成情况", "三、排名情况", "四、存在问题", "五、下步工作"
    ]  # fmt: skip


def test_every_rate_the_body_names_for_a_unit_is_the_rate_of_the_progress_sheet(seed_plan: Plan) -> None:
    _, text = draft_for(seed_plan, year=2018)
    rows = section(progress_sheet(seed_plan, year=2018), "3")
    (paragraph,) = [p for p in text.sections[1].paragraphs if "高新技术企业" in p]
    for unit in ("城中", "柳北", "柳江", "北部"):
        assert f"{unit}（{pct(rows[unit].rate_committed)}）" in paragraph


def test_the_word_and_the_pdf_say_what_the_draft_says_with_both_attachments(seed_plan: Plan) -> None:
    facts, text = draft_for(seed_plan, year=2018)
    document = bulletin_document(facts, text)

    word = word_text(bulletin_docx(document))
    pdf = pdf_text(bulletin_pdf(document))

    for content in (word, pdf.replace("\n", "")):
        assert "完成年度确保目标的142.6%" in content
        assert "2018年目标任务完成情况表" in content and "2018年综合考核得分及排名表" in content
    assert "97.8%" in word and "97.8%" in pdf


def test_figures_not_yet_approved_never_appear_in_a_bulletin(seed_plan: Plan) -> None:
    approved(seed_plan, "3", "北部", "2019", "50")
    liudong = OrgUnit.objects.get(short_name="柳东")
    reporter = person("liudong", RoleKind.REPORTER, org_unit=liudong)
    draft = actual_enter(actor=reporter, indicator=Indicator.objects.get(plan=seed_plan, number="3"),
                         org_unit=liudong, period="2019", value="987")  # fmt: skip
    actual_submit(actor=reporter, actual=draft, expected_version=draft.version)

    facts, text = draft_for(seed_plan, year=2019)
    content = word_text(bulletin_docx(bulletin_document(facts, text)))

    assert "987" not in content and "987" not in body_text(text)
    assert "已报县（区）合计1—12月累计完成50家" in body_text(text)


def test_issuing_numbers_stores_and_audits_and_a_reissue_is_a_new_version_that_overwrites_nothing(
    seed_plan: Plan, bulletin_root: Path
) -> None:
    _, text = draft_for(seed_plan, year=2018)
    first = bulletin_issue(actor=operator(), plan=seed_plan, year=2018, period=None, text=text)
    first_pdf = bulletin_file(first, "pdf")
    edited = text.__class__(**{**vars(text), "title": text.title + "（更正）"})
    second = bulletin_issue(actor=operator(), plan=seed_plan, year=2018, period="2018", text=edited)
    approved(seed_plan, "3", "北部", "2019", "50")
    _, text_2019 = draft_for(seed_plan, year=2019)
    third = bulletin_issue(actor=operator(), plan=seed_plan, year=2019, period=None, text=text_2019)

    assert [(b.number, b.version, b.period) for b in (first, second, third)] == [
        (1, 1, "2018"),
        (1, 2, "2018"),
        (2, 1, "2019"),
    ]
    assert text_2019.issue_label == "第2期"
    assert hashlib.sha256(first_pdf).hexdigest() == first.pdf_sha256
    assert bulletin_file(first, "pdf") == first_pdf  # the first version is as it was
    assert stored_path(second.docx_sha256, ".docx").exists() and second.docx_sha256 != first.docx_sha256
    records = AuditRecord.objects.filter(object_type="exports.bulletin", action="issue")
    assert records.count() == 3 and records.filter(object_id=str(second.pk), after__version=2).exists()


def test_the_next_bulletin_counts_rank_changes_since_the_previous_one(seed_plan: Plan) -> None:
    _, text = draft_for(seed_plan, year=2018)
    bulletin_issue(actor=operator(), plan=seed_plan, year=2018, period=None, text=text)
    approved(seed_plan, "3", "北部", "2019", "60")
    approved(seed_plan, "3", "柳北", "2019", "1")

    facts, text_2019 = draft_for(seed_plan, year=2019)
    scores = {score.unit: score for score in facts.assessment.scores}

    assert facts.comparison == "第1期通报"
    assert scores["北部"].previous_rank == 8 and scores["北部"].rank == 1
    beibu = scores["北部"]
    assert f"北部（{points(beibu.score)}分，{beibu.grade}，上升7位）" in body_text(text_2019)


def test_a_stored_file_that_was_changed_is_refused_not_served(seed_plan: Plan, client: Client) -> None:
    _, text = draft_for(seed_plan, year=2018)
    bulletin = bulletin_issue(actor=operator(), plan=seed_plan, year=2018, period=None, text=text)
    stored_path(bulletin.pdf_sha256, ".pdf").write_bytes(b"%PDF-1.7 forged")

    response = client.get(reverse("web:bulletin_download", args=[bulletin.pk, "pdf"]))

    assert response.status_code == 404


def signed_in(kind: str) -> Client:
    client = Client()
    user = get_user_model().objects.create_user(username=f"b-{kind}", password="x-Long-enough-9")
    Role.objects.create(user=user, kind=kind)
    client.force_login(user)
    return client


def test_an_administrator_edits_the_draft_in_the_browser_downloads_it_and_issues_it(seed_plan: Plan) -> None:
    admin = signed_in(RoleKind.ADMIN)
    url = reverse("web:bulletin_draft", args=[seed_plan.pk])
    page = admin.get(url + "?year=2018")
    (facts,) = parse(page).xpath("//input[@name='facts']/@value")
    form = {"year": "2018", "period": "2018", "facts": facts, "issuer": "柳州市科学技术局", "issue_label": "第1期",
            "title": "关于2018年科技创新目标任务完成情况的通报", "recipients": "各县（区）人民政府",
            "section_0": "总体良好。", "section_1": "高新技术企业完成142.6%。", "section_2": "城中第一。",
            "section_3": "无。", "section_4": "继续努力。\n按时报送。", "signature": "柳州市科学技术局",
            "signed_on": "2019-01-15"}  # fmt: skip

    preview = admin.post(url, form | {"action": "pdf"})
    missing_title = admin.post(url, form | {"action": "issue", "title": " "})
    issued = admin.post(url, form | {"action": "issue"})

    assert page.status_code == 200 and "完成年度确保目标的142.6%" in page.content.decode()
    assert preview["Content-Type"] == "application/pdf"
    assert "继续努力。" in pdf_text(b"".join(preview.streaming_content))
    assert missing_title.status_code == 400 and "此项不能为空" in missing_title.content.decode()
    assert issued.status_code == 302
    bulletin = Bulletin.objects.get()
    assert (bulletin.issuer, bulletin.body[4], str(bulletin.signed_on)) == (
        "柳州市科学技术局", ["五、下步工作", ["继续努力。", "按时报送。"]], "2019-01-15"
    )  # fmt: skip
    listing = Client().get(reverse("web:bulletins", args=[seed_plan.pk])).content.decode()
    download = Client().get(reverse("web:bulletin_download", args=[bulletin.pk, "docx"]))
    assert "关于2018年科技创新目标任务完成情况的通报" in listing
    assert hashlib.sha256(b"".join(download.streaming_content)).hexdigest() == bulletin.docx_sha256


def test_only_an_administrator_may_draft_or_issue(seed_plan: Plan) -> None:
    url = reverse("web:bulletin_draft", args=[seed_plan.pk])
    assert Client().get(url + "?year=2018").status_code == 302  # to the sign-in page
    assert signed_in(RoleKind.VIEWER).post(url, {"year": "2018", "action": "issue"}).status_code == 403
    assert signed_in(RoleKind.ADMIN).get(url + "?year=2031").status_code == 404
    assert not Bulletin.objects.exists()


def test_the_command_writes_a_draft_or_issues_and_the_api_hands_out_both(
    seed_plan: Plan, tmp_path: Path, capsys, client: Client
) -> None:
    draft_path, issued_path = tmp_path / "通报.docx", tmp_path / "通报.pdf"
    assert run("bulletin", str(seed_plan.pk), "--year", "2018", "-o", str(draft_path)) == 0
    assert not Bulletin.objects.exists()
    assert run("bulletin", str(seed_plan.pk), "--year", "2018", "-o", str(issued_path), "--issue") == 0
    assert run("bulletin", str(seed_plan.pk), "--year", "2030", "-o", str(tmp_path / "x.pdf")) == 2
    assert "年份2030不在规划期2018—2022年内" in capsys.readouterr().err

    bulletin = Bulletin.objects.get()
    assert hashlib.sha256(issued_path.read_bytes()).hexdigest() == bulletin.pdf_sha256
    assert "完成年度确保目标的142.6%" in word_text(draft_path.read_bytes())
    listing = client.get(f"/api/plans/{seed_plan.pk}/bulletins/").json()
    assert [(b["number"], b["version"], b["pdf_sha256"]) for b in listing] == [(1, 1, bulletin.pdf_sha256)]
    issued = client.get(listing[0]["pdf_url"])
    assert b"".join(issued.streaming_content) == issued_path.read_bytes()
    assert client.get(f"/api/plans/{seed_plan.pk}/bulletin-draft/?year=2018&file=docx").status_code == 401
    client = signed_in(RoleKind.ADMIN)
    draft = client.get(f"/api/plans/{seed_plan.pk}/bulletin-draft/?year=2018&file=docx")
    drafted = word_text(b"".join(draft.streaming_content))
    assert "第1期（第2版）" in drafted and "草稿（未签发）" in drafted  # what a re-issue would be, marked a draft
    assert client.get(f"/api/plans/{seed_plan.pk}/bulletin-draft/?year=2018&file=odt").status_code == 400


def test_a_date_that_is_not_one_or_a_section_too_long_is_refused_and_the_edits_are_kept(seed_plan: Plan) -> None:
    admin = signed_in(RoleKind.ADMIN)
    url = reverse("web:bulletin_draft", args=[seed_plan.pk])
    form = {"year": "2018", "period": "2018", "issuer": "柳州市科学技术局", "issue_label": "第1期",
            "title": "关于2018年的通报", "recipients": "各县（区）", "signature": "柳州市科学技术局",
            "section_4": "我改过的下步工作。", "action": "issue"}  # fmt: skip

    bad_date = admin.post(url, form | {"signed_on": "2019-02-30"})
    too_long = admin.post(url, form | {"section_0": "长" * 20_001, "action": "pdf"})

    assert bad_date.status_code == 400
    assert "“2019-02-30”不是日期（应为 2019-01-15）" in bad_date.content.decode()
    assert "我改过的下步工作。" in bad_date.content.decode()
    assert too_long.status_code == 400 and "内容超过20000个字" in too_long.content.decode()
    assert not Bulletin.objects.exists()


def test_a_draft_written_before_a_figure_was_approved_is_refused_at_issue(seed_plan: Plan) -> None:
    admin = signed_in(RoleKind.ADMIN)
    url = reverse("web:bulletin_draft", args=[seed_plan.pk])
    page = parse(admin.get(url + "?year=2018"))
    form = {field.get("name"): field.get("value") or "" for field in page.xpath("//form[@id='bulletin-form']//input")}
    form |= {field.get("name"): field.text or "" for field in page.xpath("//form[@id='bulletin-form']//textarea")}
    approved(seed_plan, "4", "北部", "2018", "3")

    stale = admin.post(url, form | {"action": "issue"})

    assert stale.status_code == 400
    assert "起草后又有数据审核通过、更正或解锁" in stale.content.decode()
    assert not Bulletin.objects.exists()
    assert admin.post(url, form | {"action": "pdf"}).status_code == 200  # reading it through is still allowed


def test_a_period_without_approved_figures_is_not_said_to_be_on_schedule(seed_plan: Plan) -> None:
    _, text = draft_for(seed_plan, year=2019)
    problems = text.sections[3].paragraphs
    assert problems[0] == "（一）本期尚无可与序时进度比较的全市数据。"
    assert problems[1] == "（二）本期尚无可与序时进度比较的县（区）数据。"


def test_rank_changes_compare_with_the_last_bulletin_that_ranked_anyone(seed_plan: Plan) -> None:
    _, text_2018 = draft_for(seed_plan, year=2018)
    bulletin_issue(actor=operator(), plan=seed_plan, year=2018, period=None, text=text_2018)
    _, text_2019_q1 = draft_for(seed_plan, year=2019, period="2019-Q1")  # nothing approved: nobody ranked
    bulletin_issue(actor=operator(), plan=seed_plan, year=2019, period="2019-Q1", text=text_2019_q1)
    approved(seed_plan, "3", "北部", "2019", "60")

    facts, _ = draft_for(seed_plan, year=2019)

    assert facts.comparison == "第1期通报"


def test_control_characters_never_reach_a_bulletin_and_markup_prints_as_written(seed_plan: Plan) -> None:
    _, text = draft_for(seed_plan, year=2018)
    hostile = text.__class__(**{**vars(text), "title": "关于\x00<script>alert(1)</script>\x0b的通报"})

    bulletin = bulletin_issue(actor=operator(), plan=seed_plan, year=2018, period=None, text=hostile)

    assert bulletin.title == "关于<script>alert(1)</script>的通报"
    assert "关于<script>alert(1)</script>的通报" in pdf_text(bulletin_file(bulletin, "pdf")).replace("\n", "")
    assert "<script>alert" not in Client().get(reverse("web:bulletins", args=[seed_plan.pk])).content.decode()


def test_a_long_veto_reason_goes_under_the_ranking_table_not_into_its_column(seed_plan: Plan) -> None:
    from mubiao.assessment.services import item_add

    reason = "因" + "重大安全生产事故" * 30
    item_add(actor=operator(), plan=seed_plan, org_unit_id=OrgUnit.objects.get(short_name="柳北").pk, year=2018,
             kind="veto", reason=reason, basis="柳纪〔2018〕1号")  # fmt: skip

    facts, text = draft_for(seed_plan, year=2018)
    ranking = bulletin_document(facts, text).attachments[1]
    (row,) = [row for row in ranking.tables[0].rows if row[2] == "柳北"]

    assert row[-1] == "一票否决（见说明）"
    assert f"柳北一票否决：{reason}。" in ranking.note


def test_a_city_sum_still_waiting_for_units_is_not_called_behind_schedule(seed_plan: Plan) -> None:
    approved(seed_plan, "4", "柳南", "2018", "9")  # 1 of the 11 units with a target

    _, text = draft_for(seed_plan, year=2018)
    (transfers,) = [p for p in text.sections[1].paragraphs if "重大科技成果转化" in p]

    assert "全市尚未报齐，已报县（区）合计1—12月累计完成9项，暂不与序时进度比较" in transfers
    assert "重大科技成果转化（低于序时进度" not in "".join(text.sections[3].paragraphs)
    assert "占可比较指标的100.0%" in text.sections[0].paragraphs[0]


def test_a_signature_date_outside_the_plan_and_next_year_is_refused(seed_plan: Plan) -> None:
    import datetime as dt

    _, text = draft_for(seed_plan, year=2018)
    with pytest.raises(Refused) as refused:
        bulletin_issue(
            actor=operator(), plan=seed_plan, year=2018, period=None,
            text=text.__class__(**{**vars(text), "signed_on": dt.date(9999, 12, 31)}),
        )  # fmt: skip
    assert (refused.value.code, refused.value.field) == ("bulletin_date_out_of_range", "signed_on")


def test_bidirectional_overrides_and_line_separators_never_reach_a_bulletin(seed_plan: Plan) -> None:
    _, text = draft_for(seed_plan, year=2018)
    bulletin = bulletin_issue(
        actor=operator(), plan=seed_plan, year=2018, period=None,
        text=text.__class__(**{**vars(text), "issuer": "柳州市\u202e科技局", "title": "关于\u2028通报\u0085"}),
    )  # fmt: skip
    assert (bulletin.issuer, bulletin.title) == ("柳州市科技局", "关于 通报")


def test_the_api_says_in_its_own_words_that_a_plan_or_bulletin_does_not_exist(client: Client) -> None:
    missing_plan = client.get("/api/plans/999999/bulletins/")
    missing_bulletin = client.get("/api/bulletins/99999999999999999999999/file/?file=pdf")

    assert (missing_plan.status_code, missing_plan.json()["detail"]) == (404, "编号为 999999 的规划不存在。")
    assert missing_bulletin.status_code == 404 and missing_bulletin.json()["detail"].endswith("的通报不存在。")
