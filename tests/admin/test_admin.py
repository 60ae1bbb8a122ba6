import pytest

from mubiao.audit.models import AuditRecord
from mubiao.plans.models import Target

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "orgunits/orgunit",
    "plans/plan",
    "orgunits/department",
    "plans/indicator",
    "plans/target",
    "reporting/actualvalue",
    "audit/auditrecord",
]


@pytest.fixture
def admin_client(client, django_user_model, seed_plan):
    user = django_user_model.objects.create_superuser("admin", "admin@example.org", "a-long-pass-phrase")
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", CHANGELISTS)
def test_every_kind_of_data_has_an_admin_list(admin_client, model: str) -> None:
    response = admin_client.get(f"/admin/{model}/")

    assert response.status_code == 200


def test_the_target_list_shows_where_each_value_came_from(admin_client) -> None:
    html = admin_client.get("/admin/plans/target/?q=三江").content.decode()

    assert "第31行第19列" in html  # 高新技术企业, 2019 确保, 三江: the seed's row 31, column 19
    assert "手工录入" not in html


def test_editing_a_target_in_the_admin_goes_through_the_service_and_is_audited(admin_client, seed_plan) -> None:
    target = Target.objects.get(
        indicator__plan=seed_plan, indicator__number="3", org_unit__short_name="柳南", year=2019, level="committed"
    )

    response = admin_client.post(
        f"/admin/plans/target/{target.pk}/change/",
        {
            "indicator": target.indicator_id,
            "org_unit": target.org_unit_id,
            "year": 2019,
            "level": "committed",
            "value": "57",
        },
    )

    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.value, target.version, target.provenance_label) == (57, 2, "手工录入")
    record = AuditRecord.objects.filter(object_type="plans.target", object_id=str(target.pk)).latest("id")
    assert (record.door, record.actor_label, record.before["value"], record.after["value"]) == (
        "admin",
        "admin",
        "53",
        "57",
    )


def test_nothing_can_be_deleted_from_the_admin(admin_client, seed_plan) -> None:
    target = Target.objects.filter(indicator__plan=seed_plan).first()

    response = admin_client.post(f"/admin/plans/target/{target.pk}/delete/", {"post": "yes"})

    assert response.status_code == 403
    assert Target.objects.filter(pk=target.pk).exists()


def test_the_audit_log_is_read_only_in_the_admin(admin_client) -> None:
    record = AuditRecord.objects.first()

    response = admin_client.post(f"/admin/audit/auditrecord/{record.pk}/change/", {"reason": "changed"})

    assert response.status_code == 403


def test_changing_an_indicators_lead_departments_in_the_admin_is_audited(admin_client, seed_plan) -> None:
    from mubiao.orgunits.models import Department
    from mubiao.plans.models import Indicator

    indicator = Indicator.objects.get(plan=seed_plan, number="3")
    hr = Department.objects.get(name="市人力资源社会保障局")
    science = Department.objects.get(name="市科技局")
    form = {
        "plan": seed_plan.pk,
        "number": "3",
        "position": 3,
        "name": indicator.name,
        "goal_text": indicator.goal_text,
        "unit_of_measure": "家",
        "kind": "stock",
        "direction": "higher",
        "lead_departments": [science.pk, hr.pk],
        "responsible_units": indicator.responsible_units,
        "weight": "1",
        "reporting_frequency": "quarterly",
        "deadline_day": "5",
        "progress_schedule": "[]",
        "remarks": "",
        "milestones-TOTAL_FORMS": "4",
        "milestones-INITIAL_FORMS": "4",
        "milestones-MIN_NUM_FORMS": "0",
        "milestones-MAX_NUM_FORMS": "1000",
        **{f"milestones-{i}-id": m.pk for i, m in enumerate(indicator.milestones.order_by("id"))},
        **{f"milestones-{i}-indicator": indicator.pk for i in range(4)},
    }

    response = admin_client.post(f"/admin/plans/indicator/{indicator.pk}/change/", form)

    assert response.status_code == 302, response.content.decode()[:2000]
    record = AuditRecord.objects.filter(object_type="plans.indicator", object_id=str(indicator.pk)).latest("id")
    assert (record.door, record.action) == ("admin", "update")
    assert record.before["lead_departments"] == [science.pk]
    assert record.after["lead_departments"] == sorted([science.pk, hr.pk])


def test_an_alias_added_in_the_admin_is_audited(admin_client, liuzhou) -> None:
    unit = liuzhou.children.get(short_name="融水")
    form = {
        "name": unit.name,
        "short_name": unit.short_name,
        "code": unit.code,
        "kind": unit.kind,
        "parent": liuzhou.pk,
        "position": unit.position,
        "is_active": "on",
        "aliases-TOTAL_FORMS": "1",
        "aliases-INITIAL_FORMS": "0",
        "aliases-MIN_NUM_FORMS": "0",
        "aliases-MAX_NUM_FORMS": "1000",
        "aliases-0-alias": "融水县",
        "aliases-0-unit": unit.pk,
    }

    response = admin_client.post(f"/admin/orgunits/orgunit/{unit.pk}/change/", form)

    assert response.status_code == 302, response.content.decode()[:2000]
    record = AuditRecord.objects.filter(object_type="orgunits.orgunitalias").latest("id")
    assert (record.door, record.action, record.after["alias"]) == ("admin", "create", "融水县")


def test_an_approved_figure_cannot_be_changed_or_added_in_the_admin(admin_client, seed_plan) -> None:
    from mubiao.reporting.models import ActualValue

    figure = ActualValue.objects.get(indicator__plan=seed_plan, indicator__number="3", org_unit__short_name="柳南")
    before = (figure.value, figure.status, figure.version)

    changed = admin_client.post(
        f"/admin/reporting/actualvalue/{figure.pk}/change/",
        {"indicator": figure.indicator_id, "org_unit": figure.org_unit_id, "period": figure.period, "value": "999"},
    )
    added = admin_client.post(
        "/admin/reporting/actualvalue/add/",
        {"indicator": figure.indicator_id, "org_unit": figure.org_unit_id, "period": "2018-Q4", "value": "-3.5"},
    )

    assert (changed.status_code, added.status_code) == (403, 403)
    figure.refresh_from_db()
    assert (figure.value, figure.status, figure.version) == before
    assert not ActualValue.objects.filter(org_unit=figure.org_unit, period="2018-Q4").exists()
    assert admin_client.get(f"/admin/reporting/actualvalue/{figure.pk}/change/").status_code == 200  # still shown
