"""The reporting API: the whole loop with tokens, stale saves, bad input, and authentication.

Users and roles are made with the ORM, tokens with `Token.objects.create(user=…)`; every request
carries `Authorization: Token <key>` as a script would.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from mubiao.accounts.models import Role, RoleKind
from mubiao.audit.models import AuditRecord
from mubiao.orgunits.models import Department, OrgUnit
from mubiao.plans.models import Indicator, Plan
from mubiao.reporting.models import ActualOrigin, ActualStatus, ActualValue, Evidence
from tests.api.conftest import unit_of

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PERIOD = "2019-Q2"


@dataclass
class Person:
    """A user of the API with a token, and a client that sends it."""

    user: Any
    client: APIClient


def person(username: str, *roles: dict[str, Any]) -> Person:
    user = get_user_model().objects.create_user(username=username, password="Aa1!" + username * 3)
    for role in roles:
        Role.objects.create(user=user, **role)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return Person(user, client)


@pytest.fixture(autouse=True)
def evidence_root(settings, tmp_path):
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    return settings.EVIDENCE_ROOT


@pytest.fixture
def liunan(seed_plan: Plan) -> OrgUnit:
    return unit_of(seed_plan, "柳南")


@pytest.fixture
def chengzhong(seed_plan: Plan) -> OrgUnit:
    return unit_of(seed_plan, "城中")


@pytest.fixture
def keji(seed_plan: Plan) -> Department:
    """市科技局: leads 高新技术企业 (indicator 3)."""
    return Department.objects.get(name="市科技局")


@pytest.fixture
def renshe(seed_plan: Plan) -> Department:
    """市人力资源社会保障局: leads indicator 2 only, not 高新技术企业."""
    return Department.objects.get(name="市人力资源社会保障局")


@pytest.fixture
def people(liunan: OrgUnit, chengzhong: OrgUnit, keji: Department, renshe: Department) -> dict[str, Person]:
    """One user per row of the permission matrix."""
    return {
        "admin": person("admin_shi", {"kind": RoleKind.ADMIN}),
        "reviewer_own": person("keji_shenhe", {"kind": RoleKind.REVIEWER, "department": keji}),
        "reviewer_other": person("renshe_shenhe", {"kind": RoleKind.REVIEWER, "department": renshe}),
        "reporter_own": person("liunan_tianbao", {"kind": RoleKind.REPORTER, "org_unit": liunan}),
        "reporter_other": person("chengzhong_tianbao", {"kind": RoleKind.REPORTER, "org_unit": chengzhong}),
        "viewer": person("lingdao_chakan", {"kind": RoleKind.VIEWER}),
        "no_role": person("wu_juese"),
    }


@pytest.fixture
def reporter(people: dict[str, Person]) -> APIClient:
    """柳南's reporter."""
    return people["reporter_own"].client


@pytest.fixture
def reviewer(people: dict[str, Person]) -> APIClient:
    """市科技局's reviewer."""
    return people["reviewer_own"].client


def make_figure(
    indicator: Indicator, unit: OrgUnit, *, status: str = ActualStatus.DRAFT, value: str = "30", period: str = PERIOD
) -> ActualValue:
    """A figure in a given state, made directly: the starting point of a test, not what it tests."""
    year, quarter = period.split("-Q")
    return ActualValue.objects.create(
        indicator=indicator,
        org_unit=unit,
        period=period,
        year=int(year),
        period_kind="quarter",
        period_number=int(quarter),
        value=Decimal(value),
        status=status,
        origin=ActualOrigin.REPORTED,
        version=1,
    )


def stored_state() -> dict[str, Any]:
    """Everything a refused request must leave as it was: the figures, the evidence, the audit log's changes."""
    return {
        "actuals": list(
            ActualValue.objects.order_by("pk").values_list("pk", "status", "value", "note", "version", "return_reason")
        ),
        "evidence": list(Evidence.objects.order_by("pk").values_list("pk", "actual_id", "sha256")),
        "changes": AuditRecord.objects.exclude(action="denied").count(),
    }


def liunan_row(progress: dict[str, Any]) -> dict[str, Any]:
    return next(row for row in progress["rows"] if row["unit"] == "柳南")


# -- the loop ---------------------------------------------------------------------------------------


def test_a_figure_goes_from_entry_through_return_and_correction_to_approval_and_only_then_counts(
    reporter: APIClient, reviewer: APIClient, seed_plan: Plan, high_tech: Indicator, liunan: OrgUnit
) -> None:
    progress_url = f"/api/plans/{seed_plan.pk}/progress/?year=2019&period={PERIOD}&indicator=3"

    entered = reporter.post(
        "/api/actuals/",
        {"indicator": high_tech.pk, "unit": "柳南", "period": PERIOD, "value": "31", "note": "据高企名单"},
        format="json",
    )
    assert entered.status_code == 201, entered.json()
    figure = entered.json()
    assert figure["status"] == "draft"
    assert figure["status_label"] == "草稿"
    assert figure["version"] == 1
    assert figure["value"] == "31"
    assert figure["unit"] == {"id": liunan.pk, "short_name": "柳南"}
    assert figure["indicator"]["number"] == "3"
    pk = figure["id"]
    assert liunan_row(reporter.get(progress_url).json())["actual"] is None

    submitted = reporter.post(f"/api/actuals/{pk}/submit/", {"version": 1}, format="json")
    assert submitted.status_code == 200, submitted.json()
    assert (submitted.json()["status"], submitted.json()["version"]) == ("submitted", 2)
    assert submitted.json()["submitted_by"] == "liunan_tianbao"

    queue = reviewer.get(f"/api/reporting/review/?plan={seed_plan.pk}")
    assert queue.status_code == 200
    assert [item["id"] for item in queue.json()] == [pk]
    assert liunan_row(reporter.get(progress_url).json())["actual"] is None

    returned = reviewer.post(f"/api/actuals/{pk}/return/", {"version": 2, "reason": "请附高企名单"}, format="json")
    assert returned.status_code == 200, returned.json()
    assert returned.json()["status"] == "returned"
    assert returned.json()["return_reason"] == "请附高企名单"
    assert returned.json()["version"] == 3

    due = reporter.get(f"/api/reporting/due/?plan={seed_plan.pk}").json()
    mine = [item for item in due if item["actual_id"] == pk]
    assert len(mine) == 1
    assert mine[0]["state"] == "returned"
    assert mine[0]["return_reason"] == "请附高企名单"
    assert mine[0]["version"] == 3
    assert due[0]["state"] == "returned", "returned figures come first"

    corrected = reporter.patch(f"/api/actuals/{pk}/", {"value": "30", "version": 3}, format="json")
    assert corrected.status_code == 200, corrected.json()
    assert (corrected.json()["status"], corrected.json()["value"], corrected.json()["version"]) == ("draft", "30", 4)
    assert corrected.json()["note"] == "据高企名单", "a field left out keeps its value"

    resubmitted = reporter.post(f"/api/actuals/{pk}/submit/", {"version": 4}, format="json")
    assert resubmitted.status_code == 200
    approved = reviewer.post(f"/api/actuals/{pk}/approve/", {"version": 5}, format="json")
    assert approved.status_code == 200, approved.json()
    assert (approved.json()["status"], approved.json()["version"]) == ("approved", 6)
    assert approved.json()["reviewed_by"] == "keji_shenhe"

    assert liunan_row(APIClient().get(progress_url).json())["actual"] == 30
    assert reviewer.get(f"/api/reporting/review/?plan={seed_plan.pk}").json() == []
    assert not [item for item in reporter.get("/api/reporting/due/").json() if item["actual_id"] == pk]

    history = reporter.get(f"/api/actuals/{pk}/history/")
    assert history.status_code == 200
    steps = history.json()
    assert [step["action"] for step in steps] == ["enter", "submit", "return", "enter", "submit", "approve"]
    assert {step["door"] for step in steps} == {"api"}
    assert [step["actor_label"] for step in steps] == [
        "liunan_tianbao",
        "liunan_tianbao",
        "keji_shenhe",
        "liunan_tianbao",
        "liunan_tianbao",
        "keji_shenhe",
    ]
    assert steps[2]["reason"] == "请附高企名单"
    assert steps[3]["before"]["value"] == "31"
    assert steps[3]["after"]["value"] == "30"


def test_a_unit_may_be_named_by_its_id_and_the_due_list_shows_the_draft(
    reporter: APIClient, seed_plan: Plan, high_tech: Indicator, liunan: OrgUnit
) -> None:
    entered = reporter.post(
        "/api/actuals/",
        {"indicator": high_tech.pk, "unit": str(liunan.pk), "period": PERIOD, "value": 12},
        format="json",
    )

    assert entered.status_code == 201, entered.json()
    assert entered.json()["value"] == "12"
    due = reporter.get(f"/api/reporting/due/?plan={seed_plan.pk}").json()
    item = next(item for item in due if item["actual_id"] == entered.json()["id"])
    assert (item["indicator_number"], item["unit"], item["period"], item["value"]) == ("3", "柳南", PERIOD, "12")
    assert item["state"] in {"draft", "overdue"}


def test_the_administrator_unlocks_an_approved_figure_with_a_reason_and_it_returns_to_the_reporter(
    people: dict[str, Person], high_tech: Indicator, liunan: OrgUnit
) -> None:
    figure = make_figure(high_tech, liunan, status=ActualStatus.APPROVED)

    unlocked = people["admin"].client.post(
        f"/api/actuals/{figure.pk}/unlock/", {"version": 1, "reason": "统计口径更正"}, format="json"
    )

    assert unlocked.status_code == 200, unlocked.json()
    assert (unlocked.json()["status"], unlocked.json()["return_reason"], unlocked.json()["version"]) == (
        "returned",
        "统计口径更正",
        2,
    )


def test_an_approved_figure_is_visible_to_anyone_signed_in_and_a_pending_one_only_to_those_who_may_see_it(
    people: dict[str, Person], high_tech: Indicator, liunan: OrgUnit
) -> None:
    draft = make_figure(high_tech, liunan)
    approved = make_figure(high_tech, liunan, status=ActualStatus.APPROVED, period="2019-Q1")
    other = people["reporter_other"].client

    assert people["reporter_own"].client.get(f"/api/actuals/{draft.pk}/").json()["status"] == "draft"
    assert people["viewer"].client.get(f"/api/actuals/{draft.pk}/").status_code == 200
    hidden = other.get(f"/api/actuals/{draft.pk}/")
    assert hidden.status_code == 404
    assert hidden.json() == {"detail": f"编号为 {draft.pk} 的实际值不存在。"}
    assert other.get(f"/api/actuals/{approved.pk}/").json()["value"] == "30"
    assert AuditRecord.objects.filter(action="denied", actor=people["reporter_other"].user).count() == 1


def test_evidence_is_stored_checked_and_served_only_to_those_who_may_see_the_figure(
    people: dict[str, Person], high_tech: Indicator, liunan: OrgUnit, evidence_root
) -> None:
    figure = make_figure(high_tech, liunan)
    reporter = people["reporter_own"].client

    uploaded = reporter.post(
        f"/api/actuals/{figure.pk}/evidence/",
        {"file": SimpleUploadedFile("高企名单.pdf", PDF_BYTES, content_type="application/pdf")},
        format="multipart",
    )

    assert uploaded.status_code == 201, uploaded.json()
    body = uploaded.json()
    assert (body["filename"], body["content_type"], body["size"]) == ("高企名单.pdf", "application/pdf", len(PDF_BYTES))
    assert body["url"] == f"/api/evidence/{body['id']}/"
    assert body["uploaded_by"] == "liunan_tianbao"
    assert [item["id"] for item in reporter.get(f"/api/actuals/{figure.pk}/").json()["evidence"]] == [body["id"]]
    assert any(path.is_file() for path in evidence_root.rglob("*"))

    served = reporter.get(body["url"])
    assert served.status_code == 200
    assert served.content == PDF_BYTES
    assert served["Content-Type"] == "application/pdf"
    assert "attachment" in served["Content-Disposition"]
    assert people["reporter_other"].client.get(body["url"]).status_code == 404
    assert APIClient().get(body["url"]).status_code == 401

    ActualValue.objects.filter(pk=figure.pk).update(status=ActualStatus.APPROVED)
    assert people["reporter_other"].client.get(body["url"]).content == PDF_BYTES


# -- stale versions -----------------------------------------------------------------------------------


def test_a_save_on_a_stale_version_is_refused_with_409_and_the_current_version_and_nothing_is_written(
    reporter: APIClient, high_tech: Indicator, liunan: OrgUnit
) -> None:
    figure = make_figure(high_tech, liunan)
    first = reporter.patch(f"/api/actuals/{figure.pk}/", {"value": "31", "version": 1}, format="json")
    assert first.status_code == 200
    before = stored_state()

    stale = reporter.patch(f"/api/actuals/{figure.pk}/", {"value": "99", "version": 1}, format="json")

    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2
    assert stale.json()["detail"].startswith("该数据已被他人修改")
    assert "当前版本为 2" in stale.json()["detail"]
    assert stored_state() == before
    figure.refresh_from_db()
    assert (figure.value, figure.version) == (Decimal("31"), 2)


@pytest.mark.parametrize(
    ("step", "body"),
    [("submit", {"version": 7}), ("approve", {"version": 7}), ("return", {"version": 7, "reason": "不对"})],
)
def test_a_review_step_on_a_stale_version_is_refused_with_409(
    people: dict[str, Person], high_tech: Indicator, liunan: OrgUnit, step: str, body: dict[str, Any]
) -> None:
    status = ActualStatus.DRAFT if step == "submit" else ActualStatus.SUBMITTED
    figure = make_figure(high_tech, liunan, status=status)
    before = stored_state()

    answer = people["admin"].client.post(f"/api/actuals/{figure.pk}/{step}/", body, format="json")

    assert answer.status_code == 409
    assert answer.json()["current_version"] == 1
    assert stored_state() == before


def test_entering_a_figure_that_already_exists_without_its_version_is_a_conflict(
    reporter: APIClient, high_tech: Indicator, liunan: OrgUnit
) -> None:
    make_figure(high_tech, liunan)
    before = stored_state()

    again = reporter.post(
        "/api/actuals/", {"indicator": high_tech.pk, "unit": "柳南", "period": PERIOD, "value": "5"}, format="json"
    )

    assert again.status_code == 409
    assert again.json()["current_version"] == 1
    assert stored_state() == before


def test_entering_an_existing_draft_with_its_version_corrects_it_with_200(
    reporter: APIClient, high_tech: Indicator, liunan: OrgUnit
) -> None:
    make_figure(high_tech, liunan)

    again = reporter.post(
        "/api/actuals/",
        {"indicator": high_tech.pk, "unit": "柳南", "period": PERIOD, "value": "5", "version": 1},
        format="json",
    )

    assert again.status_code == 200, again.json()
    assert (again.json()["value"], again.json()["version"]) == ("5", 2)


# -- bad input ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"value": "-3"}, "value", "不能为负数"),
        ({"value": "很多"}, "value", "“很多”不是数值"),
        ({"value": "1.23456"}, "value", "以“家”计数，须为整数（填写的是1.23456）"),
        ({"period": "2030-Q1"}, "period", "不在规划期2018—2022年内"),
        ({"period": "2019-Q5"}, "period", "不是有效的期间"),
        ({"unit": "不存在区"}, "unit", "找不到单位"),
        ({"unit": "广西"}, "unit", "不是该规划的填报单位"),
        ({"indicator": 999999}, "indicator", "不存在"),
    ],
)
def test_bad_input_is_refused_with_400_naming_the_field_and_nothing_is_written(
    reporter: APIClient, high_tech: Indicator, change: dict[str, Any], field: str, words: str
) -> None:
    body = {"indicator": high_tech.pk, "unit": "柳南", "period": PERIOD, "value": "31", **change}
    before = stored_state()

    answer = reporter.post("/api/actuals/", body, format="json")

    assert answer.status_code == 400, answer.json()
    assert list(answer.json()) == [field]
    assert words in answer.json()[field][0]
    assert stored_state() == before


def test_a_correction_with_text_for_a_number_or_without_a_version_is_refused(
    reporter: APIClient, high_tech: Indicator, liunan: OrgUnit
) -> None:
    figure = make_figure(high_tech, liunan)
    before = stored_state()

    text = reporter.patch(f"/api/actuals/{figure.pk}/", {"value": "三十", "version": 1}, format="json")
    unversioned = reporter.patch(f"/api/actuals/{figure.pk}/", {"value": "31"}, format="json")

    assert text.status_code == 400
    assert text.json() == {"value": ["“三十”不是数值"]}
    assert unversioned.status_code == 400
    assert unversioned.json() == {"version": ["请提供您看到的版本号（version）。"]}
    assert stored_state() == before


def test_a_fake_pdf_is_refused_by_its_content_and_nothing_is_stored(
    reporter: APIClient, high_tech: Indicator, liunan: OrgUnit, evidence_root
) -> None:
    figure = make_figure(high_tech, liunan)
    before = stored_state()

    answer = reporter.post(
        f"/api/actuals/{figure.pk}/evidence/",
        {"file": SimpleUploadedFile("名单.pdf", b"MZ\x90\x00 this is a program", content_type="application/pdf")},
        format="multipart",
    )

    assert answer.status_code == 400
    assert "名单.pdf" in answer.json()["file"][0]
    assert "不是PDF文件" in answer.json()["file"][0]
    assert stored_state() == before
    assert not evidence_root.exists() or not any(path.is_file() for path in evidence_root.rglob("*"))


def test_an_oversized_file_is_refused_and_nothing_is_stored(
    reporter: APIClient, high_tech: Indicator, liunan: OrgUnit, settings
) -> None:
    settings.EVIDENCE_MAX_BYTES = 1000
    figure = make_figure(high_tech, liunan)
    before = stored_state()

    answer = reporter.post(
        f"/api/actuals/{figure.pk}/evidence/",
        {"file": SimpleUploadedFile("大.pdf", PDF_BYTES + b"0" * 2000, content_type="application/pdf")},
        format="multipart",
    )

    assert answer.status_code == 400
    assert "上限为 1000 字节" in answer.json()["file"][0]
    assert stored_state() == before


def test_an_upload_without_a_file_is_refused(reporter: APIClient, high_tech: Indicator, liunan: OrgUnit) -> None:
    figure = make_figure(high_tech, liunan)

    answer = reporter.post(f"/api/actuals/{figure.pk}/evidence/", {}, format="multipart")

    assert answer.status_code == 400
    assert answer.json() == {"file": ["请选择要上传的文件。"]}


@pytest.mark.parametrize(
    ("step", "body"),
    [
        ("submit", {"version": 1}),
        ("return", {"version": 1, "reason": "再看看"}),
    ],
)
def test_a_step_on_an_approved_figure_is_refused_with_400_and_nothing_is_written(
    people: dict[str, Person], high_tech: Indicator, liunan: OrgUnit, step: str, body: dict[str, Any]
) -> None:
    figure = make_figure(high_tech, liunan, status=ActualStatus.APPROVED)
    before = stored_state()

    answer = people["admin"].client.post(f"/api/actuals/{figure.pk}/{step}/", body, format="json")

    assert answer.status_code == 400, answer.json()
    assert list(answer.json()) == ["status"]
    assert answer.json()["status"][0].startswith("已通过的数据不能")
    assert stored_state() == before


def test_submitting_after_approval_through_the_loop_is_refused(
    reporter: APIClient, reviewer: APIClient, high_tech: Indicator, liunan: OrgUnit
) -> None:
    figure = make_figure(high_tech, liunan, status=ActualStatus.SUBMITTED)
    assert reviewer.post(f"/api/actuals/{figure.pk}/approve/", {"version": 1}, format="json").status_code == 200
    before = stored_state()

    again = reporter.post(f"/api/actuals/{figure.pk}/submit/", {"version": 2}, format="json")
    changed = reporter.patch(f"/api/actuals/{figure.pk}/", {"value": "1", "version": 2}, format="json")

    assert again.status_code == 400
    assert "已通过的数据不能提交" in again.json()["status"][0]
    assert changed.status_code == 400
    assert "已通过的数据不能修改" in changed.json()["status"][0]
    assert stored_state() == before


def test_returning_without_a_reason_is_refused(reviewer: APIClient, high_tech: Indicator, liunan: OrgUnit) -> None:
    figure = make_figure(high_tech, liunan, status=ActualStatus.SUBMITTED)
    before = stored_state()

    blank = reviewer.post(f"/api/actuals/{figure.pk}/return/", {"version": 1, "reason": "  "}, format="json")

    assert blank.status_code == 400
    assert blank.json() == {"reason": ["请填写原因。"]}
    assert stored_state() == before


def test_submitting_a_figure_without_a_value_is_refused(
    reporter: APIClient, high_tech: Indicator, liunan: OrgUnit
) -> None:
    figure = make_figure(high_tech, liunan)
    ActualValue.objects.filter(pk=figure.pk).update(value=None)

    answer = reporter.post(f"/api/actuals/{figure.pk}/submit/", {"version": 1}, format="json")

    assert answer.status_code == 400
    assert "尚未填写实际值" in answer.json()["value"][0]


@pytest.mark.parametrize("path", ["/api/actuals/999999/", "/api/actuals/99999999999999999999/", "/api/actuals/abc/"])
def test_an_unknown_figure_is_404_never_500(reporter: APIClient, path: str) -> None:
    assert reporter.get(path).status_code == 404


def test_an_unknown_plan_in_the_due_list_is_a_400_naming_it(reporter: APIClient) -> None:
    answer = reporter.get("/api/reporting/due/?plan=999")

    assert answer.status_code == 400
    assert answer.json() == {"plan": ["编号为 999 的规划不存在。"]}


def test_put_and_delete_are_not_offered(reporter: APIClient, high_tech: Indicator, liunan: OrgUnit) -> None:
    figure = make_figure(high_tech, liunan)

    assert reporter.put(f"/api/actuals/{figure.pk}/", {"value": "1", "version": 1}, format="json").status_code == 405
    assert reporter.delete(f"/api/actuals/{figure.pk}/").status_code == 405
    assert ActualValue.objects.filter(pk=figure.pk).exists()


# -- authentication -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/reporting/due/"),
        ("get", "/api/reporting/review/"),
        ("post", "/api/actuals/"),
        ("get", "/api/actuals/{pk}/"),
        ("patch", "/api/actuals/{pk}/"),
        ("post", "/api/actuals/{pk}/submit/"),
        ("post", "/api/actuals/{pk}/approve/"),
        ("post", "/api/actuals/{pk}/return/"),
        ("post", "/api/actuals/{pk}/unlock/"),
        ("get", "/api/actuals/{pk}/history/"),
        ("post", "/api/actuals/{pk}/evidence/"),
    ],
)
def test_without_a_token_every_reporting_endpoint_answers_401_and_writes_nothing(
    high_tech: Indicator, liunan: OrgUnit, method: str, path: str
) -> None:
    figure = make_figure(high_tech, liunan, status=ActualStatus.SUBMITTED)
    before = stored_state()
    anonymous = APIClient()

    answer = getattr(anonymous, method)(path.format(pk=figure.pk), {"version": 1}, format="json")

    assert answer.status_code == 401
    assert answer["WWW-Authenticate"] == "Token"
    assert stored_state() == before


def test_a_wrong_token_is_401(high_tech: Indicator) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0000000000000000000000000000000000000000")

    assert client.get("/api/reporting/due/").status_code == 401


def test_a_disabled_user_s_token_no_longer_works(people: dict[str, Person]) -> None:
    reporter = people["reporter_own"]
    reporter.user.is_active = False
    reporter.user.save()

    assert reporter.client.get("/api/reporting/due/").status_code == 401


def test_a_signed_in_session_works_as_well_as_a_token(people: dict[str, Person], seed_plan: Plan) -> None:
    session = APIClient()
    session.force_login(people["reporter_own"].user)

    answer = session.get(f"/api/reporting/due/?plan={seed_plan.pk}")

    assert answer.status_code == 200
    assert {item["unit"] for item in answer.json()} == {"柳南"}


def test_reading_approved_progress_needs_no_token(seed_plan: Plan) -> None:
    assert APIClient().get(f"/api/plans/{seed_plan.pk}/progress/?year=2018").status_code == 200


def test_users_without_a_reporting_scope_have_empty_lists(people: dict[str, Person], seed_plan: Plan) -> None:
    assert people["viewer"].client.get("/api/reporting/due/").json() == []
    assert people["no_role"].client.get("/api/reporting/review/").json() == []
    assert people["reporter_own"].client.get("/api/reporting/review/").json() == []
