"""Audit records are append-only in the database too, not only through the ORM.

PostgreSQL: a statement trigger refuses every UPDATE and DELETE on the table, whoever sends it.
TRUNCATE stays possible (it is not a row change, and Django's test flush uses it); only the table's
owner may truncate.

SQLite: a trigger refuses UPDATE. DELETE is refused by the model and its queryset only, because
Django's flush between transactional tests empties SQLite tables with DELETE. SQLite also drops a
table's triggers when Django rebuilds the table for a schema change, so a later migration that
alters this table must run `append_only_triggers_create` again.
"""

from typing import Any

from django.db import migrations

TABLE = "audit_auditrecord"
FUNCTION = "audit_auditrecord_refuse_change"
TRIGGER = "audit_auditrecord_append_only"
SQLITE_UPDATE_TRIGGER = "audit_auditrecord_no_update"


def append_only_triggers_create(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            f"""
            CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'audit records are append-only: % refused on %', TG_OP, TG_TABLE_NAME
                    USING ERRCODE = 'restrict_violation';
            END
            $$
            """,
            params=None,  # the RAISE format's % signs are not query placeholders
        )
        schema_editor.execute(
            f"CREATE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE ON {TABLE} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
        )
    elif vendor == "sqlite":
        schema_editor.execute(
            f"CREATE TRIGGER IF NOT EXISTS {SQLITE_UPDATE_TRIGGER} BEFORE UPDATE ON {TABLE} "
            "BEGIN SELECT RAISE(ABORT, 'audit records are append-only: UPDATE refused'); END"
        )


def append_only_triggers_drop(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {TABLE}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {SQLITE_UPDATE_TRIGGER}")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_fewer_indexes_for_large_imports"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="auditrecord",
            options={
                "base_manager_name": "objects",
                "ordering": ["-at", "-id"],
                "verbose_name": "审计记录",
                "verbose_name_plural": "审计记录",
            },
        ),
        migrations.RunPython(append_only_triggers_create, append_only_triggers_drop),
    ]
