"""A target always names an indicator, a unit and (if imported) a file that exist — whoever writes SQL.

On SQLite these are foreign keys; on PostgreSQL, statement triggers that check a whole statement's
rows at once (plans migration 0008), so that a large import is not checked row by row.
"""

from __future__ import annotations

import threading
from decimal import Decimal

import psycopg
import pytest
from django.db import IntegrityError, connection, transaction

from mubiao.orgunits.models import OrgUnit
from mubiao.plans.models import Indicator, Plan, SourceFile, Target
from mubiao.plans.services import NewTarget, targets_create

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="checks PostgreSQL's own catalog")
MISSING = 987_654_321


def run_and_check(sql: str, params: list[object]) -> None:
    """Run one statement and check the targets' references as a commit would (SQLite defers them)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        connection.check_constraints(table_names=["plans_target"])


def a_target(seed_plan: Plan) -> Target:
    return Target.objects.filter(indicator__plan=seed_plan, source_file__isnull=False).order_by("pk").first()


def test_a_target_naming_an_indicator_that_does_not_exist_is_refused(seed_plan: Plan) -> None:
    unit = seed_plan.area.children.get(short_name="柳南")
    count = Target.objects.count()

    with pytest.raises(IntegrityError) as refused:
        run_and_check(
            "INSERT INTO plans_target (indicator_id, org_unit_id, year, level, value, version, updated_at,"
            " source_sheet) VALUES (%s, %s, 2020, 'committed', 1, 1, CURRENT_TIMESTAMP, '')",
            [MISSING, unit.pk],
        )

    assert Target.objects.count() == count
    if connection.vendor == "postgresql":
        assert f"Key (indicator_id)=({MISSING}) is not present" in str(refused.value)


def test_moving_a_target_to_a_unit_that_does_not_exist_is_refused(seed_plan: Plan) -> None:
    target = a_target(seed_plan)
    unit_before = target.org_unit_id

    with pytest.raises(IntegrityError):
        run_and_check("UPDATE plans_target SET org_unit_id = %s WHERE id = %s", [MISSING, target.pk])

    target.refresh_from_db()
    assert target.org_unit_id == unit_before


def test_a_bulk_write_naming_one_missing_unit_writes_none_of_its_targets(seed_plan: Plan) -> None:
    indicator = Indicator.objects.get(plan=seed_plan, number="1")
    unit = seed_plan.area.children.get(short_name="柳南")
    rows = [
        NewTarget(indicator.pk, unit.pk, 2017, "committed", Decimal(1), 1, 1),
        NewTarget(indicator.pk, MISSING, 2017, "committed", Decimal(2), 2, 1),
    ]
    count = Target.objects.count()

    with pytest.raises(IntegrityError), transaction.atomic():
        targets_create(rows=rows, source=None)
        connection.check_constraints(table_names=["plans_target"])

    assert Target.objects.count() == count


def test_deleting_a_unit_that_still_has_targets_is_refused(seed_plan: Plan) -> None:
    unit = seed_plan.area.children.get(short_name="柳南")
    assert Target.objects.filter(org_unit=unit).exists()

    with pytest.raises(IntegrityError):
        run_and_check("DELETE FROM orgunits_orgunit WHERE id = %s", [unit.pk])

    assert OrgUnit.objects.filter(pk=unit.pk).exists()


def test_deleting_an_indicator_that_still_has_targets_is_refused(seed_plan: Plan) -> None:
    indicator = Indicator.objects.get(plan=seed_plan, number="2")

    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        # Its milestones and lead departments go first: only the targets are left to refer to it.
        cursor.execute("DELETE FROM plans_milestone WHERE indicator_id = %s", [indicator.pk])
        cursor.execute("DELETE FROM plans_indicator_lead_departments WHERE indicator_id = %s", [indicator.pk])
        cursor.execute("DELETE FROM reporting_actualvalue WHERE indicator_id = %s", [indicator.pk])
        cursor.execute("DELETE FROM plans_indicator WHERE id = %s", [indicator.pk])
        connection.check_constraints(table_names=["plans_target"])

    assert Indicator.objects.filter(pk=indicator.pk).exists()


def test_deleting_the_file_targets_were_imported_from_is_refused(seed_plan: Plan) -> None:
    source = a_target(seed_plan).source_file
    assert source is not None

    with pytest.raises(IntegrityError):
        run_and_check("DELETE FROM plans_sourcefile WHERE id = %s", [source.pk])

    assert SourceFile.objects.filter(pk=source.pk).exists()


def test_renaming_a_unit_with_targets_is_allowed(seed_plan: Plan) -> None:
    unit = seed_plan.area.children.get(short_name="柳南")

    run_and_check("UPDATE orgunits_orgunit SET name = %s WHERE id = %s", ["柳南区（新）", unit.pk])

    unit.refresh_from_db()
    assert unit.name == "柳南区（新）"


@on_postgresql
def test_on_postgresql_targets_are_checked_per_statement_not_per_row() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_constraint WHERE conrelid = 'plans_target'::regclass AND contype = 'f'")
        (foreign_keys,) = cursor.fetchone()
        cursor.execute(
            "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE %s",
            ["%targets_keep"],
        )
        keepers = sorted(cursor.fetchall())
        cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = 'plans_target'::regclass AND NOT tgisinternal")
        checks = sorted(name for (name,) in cursor.fetchall())

    # A foreign key back on plans_target would check 720,000 rows one by one again (docs/benchmarks.md).
    assert foreign_keys == 0
    assert checks == ["plans_target_inserted_references", "plans_target_updated_references"]
    assert [table for table, _ in keepers] == [
        *["orgunits_orgunit"] * 3,
        *["plans_indicator"] * 3,
        *["plans_sourcefile"] * 3,
    ]


def other_connection() -> psycopg.Connection:
    settings = connection.settings_dict
    return psycopg.connect(
        dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"], port=settings["PORT"] or 5432
    )


@on_postgresql
def test_on_postgresql_a_unit_is_removed_only_under_read_committed(seed_plan: Plan) -> None:
    # Under REPEATABLE READ the check could miss a target committed since the transaction began.
    unit = seed_plan.area.children.get(short_name="柳南")

    with (
        other_connection() as other,
        pytest.raises(psycopg.errors.SerializationFailure) as refused,
        other.transaction(),
    ):
        other.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        other.execute("DELETE FROM orgunits_orgunit WHERE id = %s", [unit.pk])

    assert "only under READ COMMITTED" in str(refused.value)
    assert OrgUnit.objects.filter(pk=unit.pk).exists()


@on_postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("empty_register")
def test_a_unit_that_an_unfinished_import_names_cannot_be_deleted_from_another_connection(actor) -> None:
    from mubiao.orgunits.services import orgunit_tree_load

    tree = {
        "name": "测试市",
        "short_name": "测试",
        "kind": "city",
        "children": [{"name": "甲区", "short_name": "甲区", "kind": "district"}],
    }
    orgunit_tree_load(tree=tree, actor=actor)
    city = OrgUnit.objects.get(name="测试市")
    district = OrgUnit.objects.get(name="甲区")
    plan = Plan.objects.create(title="测试规划", area=city, start_year=2021, end_year=2022)
    indicator = Indicator.objects.create(plan=plan, number="1", name="测试指标", unit_of_measure="个")
    refused: list[str] = []

    def delete_from_another_connection() -> None:
        with other_connection() as other:
            other.execute("SET lock_timeout = '200ms'")
            try:
                other.execute("DELETE FROM orgunits_orgunit WHERE id = %s", [district.pk])
            except psycopg.errors.LockNotAvailable:
                refused.append("waits for the import")

    with transaction.atomic():
        targets_create(rows=[NewTarget(indicator.pk, district.pk, 2021, "committed", Decimal(3), 5, 3)], source=None)
        other = threading.Thread(target=delete_from_another_connection)
        other.start()
        other.join()

    assert refused == ["waits for the import"]
    assert list(Target.objects.filter(org_unit=district).values_list("value", flat=True)) == [Decimal(3)]
