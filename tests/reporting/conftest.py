import pytest


@pytest.fixture(autouse=True)
def monthly_transfers(request: pytest.FixtureRequest) -> None:
    """重大科技成果转化 (indicator 4) reports monthly here, as the long tables of these tests do."""
    if "seed_plan" not in request.fixturenames:
        return
    from mubiao.plans.models import Indicator

    plan = request.getfixturevalue("seed_plan")
    Indicator.objects.filter(plan=plan, number="4").update(reporting_frequency="monthly")
