"""The OpenAPI schema and its two viewers, served without any internet."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from rest_framework.test import APIClient

from mubiao.plans.selectors import plan_findings

pytestmark = pytest.mark.django_db

PATHS = {
    "/api/plans/",
    "/api/plans/{id}/",
    "/api/plans/{id}/findings/",
    "/api/plans/{id}/official-table/",
    "/api/plans/{id}/progress/",
    "/api/plans/{id}/progress-sheet/",
    "/api/plans/{id}/rankings/",
    "/api/indicators/",
    "/api/indicators/{id}/",
    "/api/orgunits/",
    "/api/orgunits/{id}/",
    "/api/targets/",
    "/api/targets/{id}/",
}

#: The reporting paths and the methods each offers (they need a token or a session).
REPORTING_PATHS = {
    "/api/reporting/due/": {"get"},
    "/api/reporting/review/": {"get"},
    "/api/actuals/": {"post"},
    "/api/actuals/{id}/": {"get", "patch"},
    "/api/actuals/{id}/submit/": {"post"},
    "/api/actuals/{id}/approve/": {"post"},
    "/api/actuals/{id}/return/": {"post"},
    "/api/actuals/{id}/unlock/": {"post"},
    "/api/actuals/{id}/history/": {"get"},
    "/api/actuals/{id}/evidence/": {"post"},
    "/api/evidence/{id}/": {"get"},
}

#: Assessment: scores, rules and items read openly; changing them needs a signed-in administrator.
ASSESSMENT_PATHS = {
    "/api/plans/{plan_id}/assessment/": {"get"},
    "/api/plans/{plan_id}/assessment/rules/": {"get", "put"},
    "/api/plans/{plan_id}/assessment/items/": {"get", "post"},
    "/api/assessment-items/{item_id}/withdraw/": {"post"},
    "/api/plans/{plan_id}/bulletins/": {"get"},
    "/api/plans/{plan_id}/bulletin-draft/": {"get"},
    "/api/bulletins/{bulletin_id}/file/": {"get"},
}

#: Decomposition: computed for any signed-in user, nothing written.
DECOMPOSITION_PATHS = {"/api/plans/{plan_id}/decomposition/": {"post"}}


@pytest.fixture
def schema(api: APIClient) -> dict:
    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_the_schema_is_openapi_3_with_every_path_and_only_get_on_the_read_only_ones(schema: dict) -> None:
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == PATHS | set(REPORTING_PATHS) | set(ASSESSMENT_PATHS) | set(DECOMPOSITION_PATHS)
    assert {path: set(schema["paths"][path]) for path in DECOMPOSITION_PATHS} == DECOMPOSITION_PATHS
    assert {path: set(schema["paths"][path]) for path in ASSESSMENT_PATHS} == ASSESSMENT_PATHS
    assert {method for path in PATHS for method in schema["paths"][path]} == {"get"}
    assert {path: set(schema["paths"][path]) for path in REPORTING_PATHS} == REPORTING_PATHS


def test_the_reporting_operations_document_their_bodies_and_their_refusals(schema: dict) -> None:
    operations = {
        (path, method): operation for path in REPORTING_PATHS for method, operation in schema["paths"][path].items()
    } | {
        (path, method): operation
        for path in ASSESSMENT_PATHS
        for method, operation in schema["paths"][path].items()
        if method != "get"
    }
    for (path, method), operation in operations.items():
        assert "401" in operation["responses"], f"{method} {path}"
        if method in {"post", "patch"}:
            assert operation["requestBody"]["content"], f"{method} {path}"
            assert {"400", "403"} <= set(operation["responses"]), f"{method} {path}"
    stale = schema["paths"]["/api/actuals/{id}/submit/"]["post"]["responses"]["409"]
    assert stale["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Conflict"}
    upload = schema["paths"]["/api/actuals/{id}/evidence/"]["post"]["requestBody"]["content"]
    assert set(upload) == {"multipart/form-data"}
    assert set(schema["components"]["schemas"]["Actual"]["properties"]) >= {"id", "value", "status", "version"}
    assert {"tokenAuth", "cookieAuth"} <= set(schema["components"]["securitySchemes"])


def test_the_findings_response_is_an_array_of_the_shape_findings_have(schema: dict, seed_plan) -> None:
    response = schema["paths"]["/api/plans/{id}/findings/"]["get"]["responses"]["200"]
    body = response["content"]["application/json"]["schema"]

    assert body == {"type": "array", "items": {"$ref": "#/components/schemas/Finding"}}
    finding = plan_findings(seed_plan)[0].as_dict()
    assert set(schema["components"]["schemas"]["Finding"]["properties"]) == set(finding)


def test_the_targets_filters_are_documented_as_query_parameters(schema: dict) -> None:
    parameters = schema["paths"]["/api/targets/"]["get"]["parameters"]
    by_name = {parameter["name"]: parameter for parameter in parameters}

    assert {"plan", "indicator", "unit", "year", "level", "include_cleared", "limit", "offset"} <= set(by_name)
    assert by_name["level"]["schema"]["enum"] == ["committed", "stretch"]
    assert by_name["year"]["schema"]["type"] == "integer"


def test_every_operation_has_a_summary_and_a_description(schema: dict) -> None:
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation.get("summary") and operation.get("description"), f"{method} {path}"


def test_the_schema_validates_without_a_single_warning(tmp_path: Path) -> None:
    target = tmp_path / "schema.yml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    assert "/api/targets/" in target.read_text(encoding="utf-8")


@pytest.mark.parametrize("page", ["/api/docs/", "/api/redoc/"])
def test_the_docs_page_loads_nothing_from_outside(api: APIClient, page: str) -> None:
    response = api.get(page)

    assert response.status_code == 200
    html = response.content.decode("utf-8")
    assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", html, re.IGNORECASE), "an external host is referenced"
    assert not any(host in html for host in ("jsdelivr", "unpkg", "cdnjs", "googleapis", "gstatic"))
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets
    for asset in assets:
        assert asset.startswith("/static/"), asset
        assert finders.find(asset.removeprefix("/static/")), f"{asset} is not shipped"
    assert "/api/schema/" in html
