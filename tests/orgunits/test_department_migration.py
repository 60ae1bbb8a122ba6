"""Moving Department from the plans app to org units moved no data: a database with departments keeps them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("orgunits", "0002_ordering_roots_first"),
    ("plans", "0006_provenance_without_file_index"),
    ("accounts", "0001_initial"),
    ("contenttypes", "0002_remove_content_type_name"),
]
AFTER = [("plans", "0007_department_moved_to_orgunits")]


def migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True)
def test_departments_their_indicators_and_reviewers_survive_the_move_to_org_units() -> None:
    try:
        old = migrate(BEFORE).loader.project_state(BEFORE).apps
        bureau = old.get_model("plans", "Department").objects.create(name="迁移测试局")
        area = old.get_model("orgunits", "OrgUnit").objects.create(name="迁移市", short_name="迁移", kind="city")
        plan = old.get_model("plans", "Plan").objects.create(title="规划", area=area, start_year=2021, end_year=2025)
        indicator = old.get_model("plans", "Indicator").objects.create(plan=plan, number="1", name="专利", position=1)
        indicator.lead_departments.add(bureau)
        user = old.get_model("auth", "User").objects.create(username="reviewer-of-the-move")
        old.get_model("accounts", "Role").objects.create(user=user, kind="reviewer", department=bureau)
        old.get_model("contenttypes", "ContentType").objects.get_or_create(app_label="plans", model="department")

        new = migrate(AFTER).loader.project_state(AFTER).apps

        department = new.get_model("orgunits", "Department").objects.get(pk=bureau.pk)
        assert department.name == "迁移测试局"
        assert [(i.plan.title, i.number) for i in department.led_indicators.all()] == [("规划", "1")]
        assert [(r.kind, r.user.username) for r in department.roles.all()] == [("reviewer", "reviewer-of-the-move")]
        content_types = new.get_model("contenttypes", "ContentType").objects.filter(model="department")
        assert [ct.app_label for ct in content_types] == ["orgunits"]
    finally:
        # Leave the test database migrated to the end, whatever happened above.
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
