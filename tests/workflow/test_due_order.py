"""The due lists follow the table: the area first (where it owes a figure), then the units in the table's order."""

from __future__ import annotations

import datetime

import pytest

from mubiao.accounts.models import RoleKind
from mubiao.plans.models import PlanUnit
from mubiao.reporting.due import due_items

from .conftest import make_user

pytestmark = pytest.mark.django_db


def test_a_city_reporters_due_list_follows_the_tables_unit_order_not_the_units_ids(seed_plan) -> None:
    city_reporter = make_user("shiji", RoleKind.REPORTER, unit="柳州")
    # A table whose columns run the other way from the order the units were created in.
    columns = list(PlanUnit.objects.filter(plan=seed_plan).order_by("org_unit_id"))
    for position, column in enumerate(reversed(columns), start=1):
        PlanUnit.objects.filter(pk=column.pk).update(position=position)
    # The city itself owes nothing here: its units add up, so its figure is their sum.
    table_order = [column.header_name for column in reversed(columns)]

    items = due_items(user=city_reporter, plan=seed_plan, today=datetime.date(2019, 5, 20))

    first = items[0]
    one_cell = [i.unit for i in items if (i.indicator_id, i.period) == (first.indicator_id, first.period)]
    assert one_cell == table_order
    assert one_cell[:2] == ["三江", "融水"]
