"""Approved figures for tests that need some, written the way an administrator's import writes them.

Through the one writer (mubiao.reporting.workflow.actuals_import_write), never through the ORM, so
a test's figures obey the same rules as real ones.
"""

from __future__ import annotations

from decimal import Decimal

from mubiao.audit.services import Actor
from mubiao.domain.periods import parse_period_loosely
from mubiao.orgunits.models import OrgUnit
from mubiao.plans.models import Indicator
from mubiao.reporting.models import ActualValue
from mubiao.reporting.workflow import ImportedFigure, actuals_import_write


def approved_actual(
    *, indicator: Indicator, org_unit: OrgUnit, period: str, value: Decimal | int, actor: Actor
) -> ActualValue:
    """An approved imported figure for the unit and period (an imported one there is updated)."""
    parsed = parse_period_loosely(period)
    actuals_import_write(
        actor=actor,
        plan=indicator.plan,
        figures=[ImportedFigure(indicator.pk, org_unit.pk, parsed, Decimal(value))],
        source=None,
        reason="测试数据",
    )
    return ActualValue.objects.get(indicator=indicator, org_unit=org_unit, period=str(parsed))
