"""The plans in the command line's JSON: a plan, its indicators and its units."""

from __future__ import annotations

from typing import Any

from mubiao.domain.findings import decimal_to_json
from mubiao.plans.models import Plan
from mubiao.plans.selectors import plan_columns, plan_indicators


def plan_json(plan: Plan) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "title": plan.title,
        "table_title": plan.table_title,
        "attachment": plan.attachment,
        "area": plan.area.name,
        "start_year": plan.start_year,
        "end_year": plan.end_year,
    }


def indicators_json(plan: Plan) -> list[dict[str, Any]]:
    return [
        {
            "number": indicator.number,
            "name": indicator.name,
            "unit": indicator.unit_of_measure,
            "kind": indicator.kind,
            "direction": indicator.direction,
            "lead_departments": [d.name for d in indicator.lead_departments.all()],
            "responsible_units": indicator.responsible_units,
            "remarks": indicator.remarks,
            "milestones": [
                {
                    "year": m.year,
                    "level": m.level,
                    "value": decimal_to_json(m.value),
                    "comparison": m.comparison,
                    "phrase": m.phrase,
                }
                for m in indicator.milestones.all()
            ],
        }
        for indicator in plan_indicators(plan)
    ]


def units_json(plan: Plan) -> list[dict[str, Any]]:
    return [{"name": column.name, "full_name": column.full_name} for column in plan_columns(plan)]
