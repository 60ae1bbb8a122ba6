"""The API only reads: writes are refused with 405, unknown ids are 404, and both answer in JSON."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from mubiao.plans.models import Indicator, Plan, Target

pytestmark = pytest.mark.django_db


def urls_of(plan: Plan) -> dict[str, str]:
    indicator = Indicator.objects.filter(plan=plan).first()
    target = Target.objects.filter(indicator__plan=plan).first()
    assert indicator is not None and target is not None
    return {
        "plans": "/api/plans/",
        "plan": f"/api/plans/{plan.pk}/",
        "findings": f"/api/plans/{plan.pk}/findings/",
        "indicators": "/api/indicators/",
        "indicator": f"/api/indicators/{indicator.pk}/",
        "orgunits": "/api/orgunits/",
        "orgunit": f"/api/orgunits/{plan.area_id}/",
        "targets": "/api/targets/",
        "target": f"/api/targets/{target.pk}/",
    }


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize(
    "name", ["plans", "plan", "findings", "indicators", "indicator", "orgunits", "orgunit", "targets", "target"]
)
def test_writing_through_the_api_is_refused_with_405(api: APIClient, seed_plan: Plan, method: str, name: str) -> None:
    before = Target.objects.filter(value__isnull=False).count()

    response = getattr(api, method)(urls_of(seed_plan)[name], {"value": "1"}, format="json")

    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()
    assert Target.objects.filter(value__isnull=False).count() == before


@pytest.mark.parametrize("name", ["plan", "findings", "indicator", "orgunit", "target"])
def test_every_endpoint_answers_a_plain_get(api: APIClient, seed_plan: Plan, name: str) -> None:
    assert api.get(urls_of(seed_plan)[name]).status_code == 200


@pytest.mark.parametrize("resource", ["plans", "indicators", "orgunits", "targets"])
@pytest.mark.parametrize("missing", ["987654", "99999999999999999999999", "abc"])
def test_an_unknown_id_is_a_404_in_json(api: APIClient, seed_plan: Plan, resource: str, missing: str) -> None:
    response = api.get(f"/api/{resource}/{missing}/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert missing in response.json()["detail"]


def test_the_api_root_lists_the_four_resources(api: APIClient) -> None:
    response = api.get("/api/")

    assert response.status_code == 200
    assert set(response.json()) == {"plans", "indicators", "orgunits", "targets"}


def test_anyone_may_read_for_now_as_the_one_permission_setting_says(api: APIClient, seed_plan: Plan) -> None:
    from rest_framework.permissions import AllowAny

    from mubiao.api.permissions import API_PERMISSION_CLASSES
    from mubiao.api.views import IndicatorViewSet, OrgUnitViewSet, PlanViewSet, TargetViewSet

    assert tuple(API_PERMISSION_CLASSES) == (AllowAny,)
    for viewset in (PlanViewSet, IndicatorViewSet, OrgUnitViewSet, TargetViewSet):
        assert viewset.permission_classes is API_PERMISSION_CLASSES
    assert api.get("/api/targets/?limit=1").status_code == 200
