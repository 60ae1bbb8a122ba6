"""Fixtures of the API tests: an anonymous client and lookups into the seed plan."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from mubiao.orgunits.models import OrgUnit
from mubiao.plans.models import Indicator, Plan


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def high_tech(seed_plan: Plan) -> Indicator:
    """Indicator 3 of the seed, 高新技术企业: a stock, with a 2018 actual row and no 2018 stretch row."""
    return Indicator.objects.get(plan=seed_plan, name="高新技术企业")


def unit_of(plan: Plan, short_name: str) -> OrgUnit:
    return plan.area.children.get(short_name=short_name)
