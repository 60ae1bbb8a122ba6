"""Assessment through the doors: the rankings page scores by default, the rules page, and the API."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from mubiao.accounts.models import Role, RoleKind
from mubiao.assessment.models import AssessmentItem, AssessmentScheme
from mubiao.audit.models import AuditRecord
from mubiao.orgunits.models import OrgUnit
from mubiao.plans.models import Plan
from tests.web.conftest import parse, text_of

pytestmark = pytest.mark.django_db


def signed_in(kind: str | None) -> Client:
    client = Client()
    user = get_user_model().objects.create_user(username=f"user-{kind}", password="x-Long-enough-9")
    if kind:
        Role.objects.create(user=user, kind=kind)
    client.force_login(user)
    return client


def test_the_rankings_page_ranks_by_the_capped_score_and_explains_it(seed_plan: Plan, client: Client) -> None:
    page = parse(client.get(reverse("web:progress_rankings", args=[seed_plan.pk]) + "?year=2018"))

    rows = {
        text_of(row.xpath("./th")[0]): row
        for row in page.xpath("//table[contains(@class,'assessment-table')]//tbody/tr")
    }
    beibu = rows["北部"]
    assert text_of(beibu.xpath("./td[contains(@class,'strong')]")[0]) == "48.91"
    assert "高新技术企业 25分×97.8%=24.46" in text_of(beibu.xpath("./td[@class='explanation']")[0])
    assert "封顶" in text_of(rows["柳北"].xpath("./td[@class='explanation']")[0])
    assert "满分100分；超额完成的指标最多计分值的120%" in text_of(page.xpath("//p[contains(@class,'rules-text')]")[0])


def test_the_weighted_mean_of_rates_stays_available_as_another_view(seed_plan: Plan, client: Client) -> None:
    page = parse(client.get(reverse("web:progress_rankings", args=[seed_plan.pk]) + "?year=2018&view=mean"))
    assert page.xpath("//section[@id='composite']//table[contains(@class,'composite-table')]")
    assert not page.xpath("//table[contains(@class,'assessment-table')]")


def test_anyone_reads_the_rules_but_only_an_administrator_gets_the_forms(seed_plan: Plan, client: Client) -> None:
    url = reverse("web:assessment", args=[seed_plan.pk])
    anonymous = parse(client.get(url))
    admin = parse(signed_in(RoleKind.ADMIN).get(url))

    assert "满分100分" in text_of(anonymous.xpath("//p[@class='rules-text']")[0])
    assert not anonymous.xpath("//form[@id='rules-form']") and not anonymous.xpath("//form[@id='item-form']")
    assert admin.xpath("//form[@id='rules-form']") and admin.xpath("//form[@id='item-form']")


def test_a_reporter_posting_rules_is_refused_and_recorded(seed_plan: Plan) -> None:
    reporter = signed_in(RoleKind.VIEWER)
    response = reporter.post(reverse("web:assessment", args=[seed_plan.pk]), {"form": "rules", "cap": "3"})
    assert response.status_code == 403
    assert not AssessmentScheme.objects.exists()
    assert AuditRecord.objects.filter(action="denied", actor_label="user-viewer").exists()


def test_an_administrator_saves_rules_and_sees_each_mistake_under_its_field(seed_plan: Plan) -> None:
    admin = signed_in(RoleKind.ADMIN)
    url = reverse("web:assessment", args=[seed_plan.pk])
    form = {
        "form": "rules",
        "cap": "1.5",
        "bonus_cap": "3",
        "grade_basis": "score",
        "tier_label_0": "好",
        "tier_bound_0": "80",
        "tier_label_1": "差",
        "tier_bound_1": "0",
    }
    form |= {f"points_{n}": "25" for n in "1234"}

    bad = admin.post(url, form | {"cap": "9", "points_2": "两"})
    saved = admin.post(url, form)

    assert bad.status_code == 400
    errors = [text_of(p) for p in parse(bad).xpath("//p[@class='field-errors']")]
    assert errors == ["“两”不是数值"]  # a number that is not one stops the check before the others
    assert saved.status_code == 302
    scheme = AssessmentScheme.objects.get(plan=seed_plan)
    assert (scheme.cap, [label for label, _ in scheme.tiers]) == (D("1.5"), ["好", "差"])
    again = admin.post(url, form | {"cap": "9"})
    assert [text_of(p) for p in parse(again).xpath("//p[@class='field-errors']")] == [
        "超额封顶须在1到3倍之间、最多两位小数（填写的是9）"
    ]


def test_an_administrator_records_an_item_with_evidence_and_withdraws_it(seed_plan: Plan) -> None:
    admin = signed_in(RoleKind.ADMIN)
    url = reverse("web:assessment", args=[seed_plan.pk])
    beibu = OrgUnit.objects.get(short_name="北部")
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = admin.post(
        url,
        {
            "form": "item",
            "org_unit": beibu.pk,
            "kind": "bonus",
            "year": "2018",
            "month": "1",
            "points": "2",
            "reason": "获奖<script>",
            "basis": "桂科〔2018〕1号",
            "evidence": SimpleUploadedFile("奖状.pdf", pdf),
        },
    )
    item = AssessmentItem.objects.get()
    page = admin.get(url).content.decode()
    download = admin.get(reverse("web:assessment_evidence", args=[item.pk]))
    public = Client().get(reverse("web:assessment_evidence", args=[item.pk]))
    withdrawn = admin.post(url, {"form": "withdraw", "item": item.pk, "withdraw_reason": "登记错了"})

    assert response.status_code == 302 and item.evidence_name == "奖状.pdf"
    assert "获奖&lt;script&gt;" in page
    assert b"".join(download.streaming_content) == pdf
    assert public.status_code == 302  # to the sign-in page
    assert withdrawn.status_code == 302
    item.refresh_from_db()
    assert item.withdrawn_reason == "登记错了"


def test_the_api_gives_scores_rules_and_items_and_lets_only_administrators_change_them(seed_plan: Plan) -> None:
    anonymous = APIClient()
    admin = APIClient()
    user = get_user_model().objects.create_user(username="api-admin", password="x-Long-enough-9")
    Role.objects.create(user=user, kind=RoleKind.ADMIN)
    admin.force_authenticate(user)
    base = f"/api/plans/{seed_plan.pk}/assessment/"
    rules = {
        "points": {"1": 10, "2": 10, "3": 60, "4": 20},
        "cap": 1.2,
        "bonus_cap": 5,
        "grade_basis": "score",
        "tiers": [{"name": "优秀", "bound": 90}, {"name": "合格", "bound": 60}, {"name": "不合格", "bound": 0}],
    }

    scores = anonymous.get(base + "?year=2018").json()
    refused = anonymous.put(base + "rules/", rules, format="json")
    bad = admin.put(base + "rules/", rules | {"cap": 0.5, "points": {"9": 1}}, format="json")
    saved = admin.put(base + "rules/", rules, format="json")
    item = admin.post(
        base + "items/",
        {
            "org_unit": OrgUnit.objects.get(short_name="北部").pk,
            "year": 2018,
            "kind": "deduction",
            "points": 1,
            "reason": "迟报",
            "basis": "通报",
        },
        format="json",
    )
    after = anonymous.get(base + "?year=2018").json()
    withdraw = admin.post(f"/api/assessment-items/{item.json()['id']}/withdraw/", {"reason": "撤销"}, format="json")

    beibu = next(s for s in scores["scores"] if s["unit"] == "北部")
    assert (beibu["score"], beibu["rank"], beibu["grade"]) == (48.91, 8, "不合格")
    assert refused.status_code == 401
    assert bad.status_code == 400 and set(bad.json()) == {"points"}
    assert saved.status_code == 200 and saved.json()["points"]["3"] == 60 and saved.json()["most"] == 125
    assert item.status_code == 201
    beibu_after = next(s for s in after["scores"] if s["unit"] == "北部")
    assert (beibu_after["deduction"], beibu_after["terms"][0]["points"]) == (1, 60)
    assert withdraw.status_code == 200 and withdraw.json()["withdrawn_reason"] == "撤销"
    assert anonymous.get(base + "?year=2031").status_code == 400


def test_a_number_no_table_can_hold_is_refused_in_the_form_and_every_page_still_answers(seed_plan: Plan) -> None:
    admin = signed_in(RoleKind.ADMIN)
    url = reverse("web:assessment", args=[seed_plan.pk])
    form = {"form": "rules", "cap": "1.2", "bonus_cap": "5", "grade_basis": "score", "tier_label_0": "合格",
            "tier_bound_0": "60", "tier_label_1": "不合格", "tier_bound_1": ""}  # fmt: skip
    form |= {f"points_{n}": "25" for n in "1234"}

    answers = [admin.post(url, form | {"points_1": value}) for value in ("1e308", "99999999999", "0.001")]
    answers.append(admin.post(url, form | {"bonus_cap": "1e-30"}))
    saved = admin.post(url, form)  # the last tier's bound left blank: everyone else

    assert [a.status_code for a in answers] == [400, 400, 400, 400]
    assert "是科学记数法" in answers[0].content.decode()
    assert "须在0到1000之间、最多两位小数" in answers[1].content.decode()
    assert saved.status_code == 302 and AssessmentScheme.objects.get().tiers[-1] == ["不合格", "0"]
    for page in (url, reverse("web:progress_rankings", args=[seed_plan.pk]) + "?year=2018"):
        assert admin.get(page).status_code == 200


def test_items_refuse_ids_and_points_no_table_holds_and_keep_no_control_characters(seed_plan: Plan) -> None:
    api = APIClient()
    user = get_user_model().objects.create_user(username="api-admin-2", password="x-Long-enough-9")
    Role.objects.create(user=user, kind=RoleKind.ADMIN)
    api.force_authenticate(user)
    beibu = OrgUnit.objects.get(short_name="北部").pk
    base = {"year": 2018, "kind": "bonus", "points": 1, "reason": "获奖", "basis": "文件"}

    huge = api.post(f"/api/plans/{seed_plan.pk}/assessment/items/", base | {"org_unit": 10**40}, format="json")
    fine = api.post(f"/api/plans/{seed_plan.pk}/assessment/items/", base | {"org_unit": beibu, "points": 0.001},
                    format="json")  # fmt: skip
    web = signed_in(RoleKind.ADMIN).post(
        reverse("web:assessment", args=[seed_plan.pk]),
        {"form": "item", "org_unit": "9" * 40, "kind": "bonus", "year": "2018", "points": "1", "reason": "x",
         "basis": "y"},
    )  # fmt: skip
    nul = api.post(f"/api/plans/{seed_plan.pk}/assessment/items/",
                   base | {"org_unit": beibu, "reason": "获\x00奖"}, format="json")  # fmt: skip
    kept = api.post(f"/api/plans/{seed_plan.pk}/assessment/items/",
                    base | {"org_unit": beibu, "reason": "获奖\x0b"}, format="json")  # fmt: skip

    assert (huge.status_code, fine.status_code, web.status_code) == (400, 400, 400)
    assert set(huge.json()) == {"org_unit"}
    assert nul.status_code == 400 and set(nul.json()) == {"reason"}
    assert kept.status_code == 201 and kept.json()["reason"] == "获奖"


def test_a_viewer_finds_the_evidence_an_administrator_attached(seed_plan: Plan) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    admin = signed_in(RoleKind.ADMIN)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    admin.post(
        reverse("web:assessment", args=[seed_plan.pk]),
        {"form": "item", "org_unit": OrgUnit.objects.get(short_name="北部").pk, "kind": "veto", "year": "2018",
         "reason": "数据造假", "basis": "柳纪〔2018〕1号",
         "evidence": SimpleUploadedFile("处理决定" * 30 + ".pdf", pdf)},
    )  # fmt: skip
    item = AssessmentItem.objects.get()
    viewer = signed_in(RoleKind.VIEWER)

    page = viewer.get(reverse("web:assessment", args=[seed_plan.pk])).content.decode()
    download = viewer.get(reverse("web:assessment_evidence", args=[item.pk]))

    assert reverse("web:assessment_evidence", args=[item.pk]) in page
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"


def test_the_api_may_not_change_stored_rules_without_the_version_it_saw(seed_plan: Plan) -> None:
    api = APIClient()
    user = get_user_model().objects.create_user(username="api-admin-3", password="x-Long-enough-9")
    Role.objects.create(user=user, kind=RoleKind.ADMIN)
    api.force_authenticate(user)
    rules = {"points": {"1": 25, "2": 25, "3": 25, "4": 25}, "cap": 1.2, "bonus_cap": 5, "grade_basis": "score",
             "tiers": [{"name": "合格", "bound": 60}, {"name": "不合格", "bound": 0}]}  # fmt: skip
    url = f"/api/plans/{seed_plan.pk}/assessment/rules/"

    first = api.put(url, rules, format="json")  # nothing stored yet: no version to see
    blind = api.put(url, rules | {"cap": 1.5}, format="json")
    seen = api.put(url, rules | {"cap": 1.5, "version": first.json()["version"]}, format="json")

    assert first.status_code == 200 and blind.status_code == 400
    assert blind.json()["version"][0].startswith("考核办法已经设置（当前版本1）")
    assert seen.status_code == 200 and seen.json()["cap"] == 1.5
