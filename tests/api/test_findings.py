"""/api/plans/{id}/findings/: the data-quality findings of a plan, as `mubiao validate` reports them."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from mubiao.plans.models import Plan
from mubiao.plans.selectors import plan_findings

pytestmark = pytest.mark.django_db


def findings_of(api: APIClient, plan: Plan, query: str = "") -> list[dict]:
    response = api.get(f"/api/plans/{plan.pk}/findings/{query}")
    assert response.status_code == 200, response.content
    return response.json()


def test_findings_endpoint_lists_the_nine_errors_and_five_warnings_of_the_seed(api: APIClient, seed_plan: Plan) -> None:
    severities = [finding["severity"] for finding in findings_of(api, seed_plan)]

    assert severities.count("error") == 9
    assert severities.count("warning") == 5
    assert len(severities) == 14


def test_findings_endpoint_lists_the_nine_errors_of_the_seed_when_asked_for_errors(
    api: APIClient, seed_plan: Plan
) -> None:
    errors = findings_of(api, seed_plan, "?severity=error")

    assert len(errors) == 9
    assert {finding["severity"] for finding in errors} == {"error"}
    assert {finding["rule"] for finding in errors} == {"sum_mismatch", "milestone_unmet"}


def test_findings_endpoint_lists_the_five_warnings_and_no_infos_of_the_seed(api: APIClient, seed_plan: Plan) -> None:
    warnings = findings_of(api, seed_plan, "?severity=warning")

    assert len(warnings) == 5
    assert sorted((f["rule"], f["unit"]) for f in warnings) == [
        ("below_last_actual", "城中"),
        ("below_last_actual", "柳北"),
        ("below_last_actual", "柳南"),
        ("below_last_actual", "柳江"),
        ("stretch_below_committed", "融水"),
    ]
    assert findings_of(api, seed_plan, "?severity=info") == []


def test_each_finding_has_exactly_the_shape_the_command_line_gives_it(api: APIClient, seed_plan: Plan) -> None:
    assert findings_of(api, seed_plan) == [finding.as_dict() for finding in plan_findings(seed_plan)]


def test_the_2018_high_tech_gap_names_the_blank_sanjiang_cell_that_would_close_it(
    api: APIClient, seed_plan: Plan
) -> None:
    gap = next(
        finding
        for finding in findings_of(api, seed_plan, "?severity=error")
        if finding["indicator"] == "高新技术企业" and finding["year"] == 2018
    )

    assert gap == {
        "rule": "sum_mismatch",
        "severity": "error",
        "indicator": "高新技术企业",
        "indicator_number": "3",
        "year": 2018,
        "level": "committed",
        "unit": None,
        "expected": 310,
        "found": 306,
        "implied": {"三江": 4},
        "message": "高新技术企业 2018年确保：各单位合计306，与合计310不符（相差4）。三江为空，若三江为4则相符。",
    }


def test_an_unknown_severity_is_refused_with_the_values_it_could_be(api: APIClient, seed_plan: Plan) -> None:
    response = api.get(f"/api/plans/{seed_plan.pk}/findings/?severity=fatal")

    assert response.status_code == 400
    (message,) = response.json()["severity"]
    assert "fatal" in message
    assert all(word in message for word in ("error", "warning", "info"))


def test_the_findings_of_a_plan_that_does_not_exist_are_a_404(api: APIClient, seed_plan: Plan) -> None:
    response = api.get(f"/api/plans/{seed_plan.pk + 1000}/findings/")

    assert response.status_code == 404
    assert "规划" in response.json()["detail"]
