"""Assessment on the seed plan: the rules an administrator sets, the items recorded, the scores they give."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied

from mubiao.accounts.models import RoleKind
from mubiao.assessment.models import AssessmentItem
from mubiao.assessment.selectors import plan_assessment, rules_of
from mubiao.assessment.services import item_add, item_withdraw, scheme_save
from mubiao.audit.models import AuditRecord
from mubiao.domain.refusals import Refused
from mubiao.orgunits.models import OrgUnit
from mubiao.plans.models import Indicator, Plan
from mubiao.reporting.workflow import actual_enter, actual_submit
from tests.exports.test_progress_sheet import approved
from tests.plans.reported_figures import person

pytestmark = pytest.mark.django_db


def by_unit(plan: Plan, year: int, period: str | None = None) -> dict:
    return {score.unit: score for score in plan_assessment(plan, year=year, period=period).scores}


def unit_id(name: str) -> int:
    return OrgUnit.objects.get(short_name=name).pk


def test_liuzhou_2018_scores_each_unit_out_of_100_with_over_achievement_capped_at_120_percent(seed_plan: Plan) -> None:
    scores = by_unit(seed_plan, 2018)

    # 北部: 高新技术企业 at 97.83 % of 25 points, 重大科技成果转化 not reported, scaled from 50 to 100.
    assert scores["北部"].score == D("48.91")
    assert "高新技术企业 25分×97.8%=24.46" in scores["北部"].explanation()
    # 柳北 at 220 % earns 30 of 25 points, not 55.
    (term,) = [t for t in scores["柳北"].terms if t.indicator == "3"]
    assert (term.capped, term.earned) == (True, D("30.0"))
    assert (scores["三江"].rank, scores["三江"].explanation()) == (None, "无目标，不参与考核")
    assert scores["北部"].grade == "不合格" and scores["柳北"].grade == "合格"


def test_an_administrators_rules_are_stored_audited_and_used(seed_plan: Plan) -> None:
    admin = person("admin", RoleKind.ADMIN)
    scheme = scheme_save(
        actor=admin,
        plan=seed_plan,
        points={"1": "10", "2": "10", "3": "60", "4": "20"},
        cap="1.5",
        bonus_cap="3",
        grade_basis="rank",
        tiers=[("前三", "3"), ("其余", "0")],
    )

    rules = rules_of(seed_plan)
    assert (rules.points["3"], rules.cap, rules.bonus_cap, rules.grade_basis.value) == (D(60), D("1.5"), D(3), "rank")
    scores = by_unit(seed_plan, 2018)
    assert scores["柳北"].terms[0].earned == D("90.0")  # 60 points × 150 %
    ranked = [s for s in scores.values() if s.rank is not None]
    assert {s.grade for s in ranked if s.rank <= 3} == {"前三"} and {s.grade for s in ranked if s.rank > 3} == {"其余"}
    record = AuditRecord.objects.get(object_type="assessment.assessmentscheme", object_id=str(scheme.pk))
    assert (record.action, record.after["cap"], record.actor_label) == ("create", "1.5", "admin")


def test_rules_with_problems_are_refused_all_at_once_and_nothing_is_stored(seed_plan: Plan) -> None:
    admin = person("admin", RoleKind.ADMIN)
    with pytest.raises(Refused) as refused:
        scheme_save(
            actor=admin,
            plan=seed_plan,
            points={"9": "10"},
            cap="1",
            bonus_cap="0",
            grade_basis="luck",
            tiers=[],
        )
    assert {r.code for r in refused.value.refusals} == {
        "assessment_unknown_indicator",
        "assessment_points_missing",
        "assessment_grade_basis",
    }
    with pytest.raises(Refused) as refused:
        scheme_save(
            actor=admin,
            plan=seed_plan,
            points={"1": "abc", "2": "1", "3": "1", "4": "1"},
            cap="1",
            bonus_cap="0",
            grade_basis="score",
            tiers=[("优秀", "90")],
        )
    assert (refused.value.code, refused.value.field) == ("number_not_a_number", "points")
    assert not AuditRecord.objects.filter(object_type="assessment.assessmentscheme").exists()


def test_only_an_administrator_may_set_rules_or_record_items(seed_plan: Plan) -> None:
    reviewer = person(
        "reviewer",
        RoleKind.REVIEWER,
        department=Indicator.objects.get(plan=seed_plan, number="3").lead_departments.first(),
    )
    with pytest.raises(PermissionDenied):
        scheme_save(
            actor=reviewer,
            plan=seed_plan,
            points={},
            cap="1.2",
            bonus_cap="5",
            grade_basis="score",
            tiers=[("合格", "60"), ("不合格", "0")],
        )
    with pytest.raises(PermissionDenied):
        item_add(
            actor=reviewer,
            plan=seed_plan,
            org_unit_id=unit_id("北部"),
            year=2018,
            kind="bonus",
            points="3",
            reason="x",
            basis="y",
        )
    assert AuditRecord.objects.filter(action="denied", actor_label="reviewer").count() == 2


def test_a_bonus_a_deduction_and_a_veto_change_the_score_and_the_order(seed_plan: Plan) -> None:
    admin = person("admin", RoleKind.ADMIN)
    item_add(
        actor=admin,
        plan=seed_plan,
        org_unit_id=unit_id("北部"),
        year=2018,
        month=12,
        kind="bonus",
        points="8",
        reason="获自治区科技进步奖",
        basis="桂科奖〔2018〕3号",
    )
    item_add(
        actor=admin,
        plan=seed_plan,
        org_unit_id=unit_id("北部"),
        year=2018,
        kind="deduction",
        points="1.5",
        reason="迟报",
        basis="柳科通〔2018〕9号",
    )
    item_add(
        actor=admin,
        plan=seed_plan,
        org_unit_id=unit_id("柳北"),
        year=2018,
        kind="veto",
        points="10",
        reason="数据造假",
        basis="柳纪〔2018〕1号",
    )

    scores = by_unit(seed_plan, 2018)

    assert (scores["北部"].bonus, scores["北部"].deduction, scores["北部"].score) == (D(5), D("1.5"), D("52.41"))
    assert scores["柳北"].vetoed and scores["柳北"].grade == "不合格"
    assert scores["柳北"].rank == max(s.rank for s in scores.values() if s.rank is not None)
    assert AssessmentItem.objects.get(kind="veto").points == 0  # a veto carries no points
    assert by_unit(seed_plan, 2018, "2018-06")["北部"].bonus == D(3) - D(3)  # the bonus counts from December on


def test_a_withdrawn_item_stops_counting_and_cannot_be_withdrawn_twice(seed_plan: Plan) -> None:
    admin = person("admin", RoleKind.ADMIN)
    item = item_add(
        actor=admin,
        plan=seed_plan,
        org_unit_id=unit_id("北部"),
        year=2018,
        kind="bonus",
        points="4",
        reason="获奖",
        basis="文件",
    )

    item_withdraw(actor=admin, item=item, reason="重复登记")

    assert by_unit(seed_plan, 2018)["北部"].score == D("48.91")
    with pytest.raises(Refused) as refused:
        item_withdraw(actor=admin, item=item, reason="再撤一次")
    assert refused.value.code == "assessment_item_withdrawn"
    actions = list(AuditRecord.objects.filter(object_type="assessment.assessmentitem").values_list("action", flat=True))
    assert sorted(actions) == ["create", "withdraw"]


def test_an_item_without_reason_or_basis_or_outside_the_plan_is_refused_with_every_reason(seed_plan: Plan) -> None:
    admin = person("admin", RoleKind.ADMIN)
    outsider = OrgUnit.objects.get(code="450000") if OrgUnit.objects.filter(code="450000").exists() else seed_plan.area
    with pytest.raises(Refused) as refused:
        item_add(
            actor=admin,
            plan=seed_plan,
            org_unit_id=outsider.pk,
            year=2030,
            month=13,
            kind="bonus",
            points="0",
            reason=" ",
            basis="",
            evidence=("a.exe", b"MZ"),
        )
    assert {(r.code, r.field) for r in refused.value.refusals} == {
        ("assessment_unit_not_in_plan", "org_unit"),
        ("period_outside_plan", "year"),
        ("assessment_month", "month"),
        ("assessment_item_points", "points"),
        ("reason_required", "reason"),
        ("assessment_basis_required", "basis"),
        ("evidence_refused", "evidence"),
    }
    assert not AssessmentItem.objects.exists()


def test_scores_count_approved_figures_only_and_rank_changes_compare_with_the_period_before(seed_plan: Plan) -> None:
    approved(seed_plan, "3", "北部", "2019", "60")
    approved(seed_plan, "3", "柳北", "2019", "1")
    liudong = OrgUnit.objects.get(short_name="柳东")
    reporter = person("liudong", RoleKind.REPORTER, org_unit=liudong)
    draft = actual_enter(
        actor=reporter,
        indicator=Indicator.objects.get(plan=seed_plan, number="3"),
        org_unit=liudong,
        period="2019",
        value="999",
    )
    actual_submit(actor=reporter, actual=draft, expected_version=draft.version)

    assessment = plan_assessment(seed_plan, year=2019)
    scores = {s.unit: s for s in assessment.scores}

    assert str(assessment.previous) == "2018"
    assert scores["北部"].rank == 1 and scores["北部"].previous_rank == 8 and scores["北部"].rank_change_text == "↑7"
    assert scores["柳东"].score == D("0.00")  # its submitted 999 is not approved, so it does not count
    assert scores["柳北"].rank_change_text.startswith("↓")


def test_before_any_figure_of_a_period_is_approved_nobody_is_ranked(seed_plan: Plan) -> None:
    scores = by_unit(seed_plan, 2020)
    assert {s.rank for s in scores.values()} == {None}
    assert scores["北部"].explanation() == "本期尚无已审核的实际值，暂不考核"
