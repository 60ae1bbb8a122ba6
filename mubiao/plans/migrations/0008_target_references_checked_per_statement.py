"""On PostgreSQL, a target's references are checked once per statement instead of once per row.

A target refers to its indicator, its unit and the file it was imported from. PostgreSQL checks a
foreign key for every inserted row: a large table's 720,000 targets cost 2.16 million look-ups, about
6 s of a 17 s import on the benchmark machine (docs/benchmarks.md). The three foreign keys of
plans_target are replaced here by statement triggers that check the same thing over all the rows
a statement wrote, as a join:

- after INSERT or UPDATE on plans_target: every indicator, unit and file the new rows name is
  locked FOR KEY SHARE (as a foreign key locks it, so that it cannot be deleted before this
  transaction ends) and must exist;
- after DELETE or UPDATE on plans_indicator, orgunits_orgunit and plans_sourcefile: no target may
  still name a row that is gone;
- after TRUNCATE of one of those three: no target may remain.

Each refusal is SQLSTATE 23503 (foreign_key_violation), which Django raises as IntegrityError, with
the words PostgreSQL uses for its own foreign keys. The checks rely on READ COMMITTED, Django's
isolation level, where each query of a trigger sees what committed before it: an indicator, unit or
file is deleted (or its id changed, or its table truncated) only under READ COMMITTED, because under
REPEATABLE READ the check could miss a target committed meanwhile (PostgreSQL's own foreign keys
look past the snapshot there; a trigger cannot). Writing targets is safe at any level: locking a row
another transaction has deleted fails under REPEATABLE READ.

Django's model state still declares the three foreign keys (ForeignKey with db_constraint=True):
SQLite keeps them as real foreign keys, and a later migration that alters one of these fields
recreates the constraint on PostgreSQL, which tests/plans/test_target_references.py notices.
"""

from typing import Any

from django.db import migrations

TARGET = "plans_target"
#: (column of plans_target, table it refers to); each referred table's key is its id.
REFERENCES = (
    ("indicator_id", "plans_indicator"),
    ("org_unit_id", "orgunits_orgunit"),
    ("source_file_id", "plans_sourcefile"),
)
CHECK_FUNCTION = "plans_target_references_check"
KEEP_FUNCTION = "{table}_targets_keep"


def _check_function() -> str:
    steps = []
    for column, table in REFERENCES:
        steps.append(
            f"""
            PERFORM 1 FROM {table} AS referred
                WHERE referred.id IN (SELECT DISTINCT written.{column} FROM written)
                FOR KEY SHARE OF referred;
            SELECT named.key INTO missing
                FROM (SELECT DISTINCT written.{column} AS key FROM written WHERE written.{column} IS NOT NULL) AS named
                WHERE NOT EXISTS (SELECT 1 FROM {table} AS referred WHERE referred.id = named.key)
                LIMIT 1;
            IF FOUND THEN
                RAISE EXCEPTION 'insert or update on table "{TARGET}" violates foreign key "{column}"'
                    USING ERRCODE = 'foreign_key_violation',
                          DETAIL = format('Key ({column})=(%s) is not present in table "{table}".', missing);
            END IF;"""
        )
    return f"""
        CREATE OR REPLACE FUNCTION {CHECK_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            missing bigint;
        BEGIN
            {"".join(steps)}
            RETURN NULL;
        END
        $$"""


def _keep_function(table: str) -> str:
    referring = [column for column, referred in REFERENCES if referred == table]
    assert len(referring) == 1
    column = referring[0]
    # Each query names only the transition tables its event has (a TRUNCATE has none, a DELETE no
    # `kept`): PL/pgSQL plans a statement when it first runs it, so each event has its own branch.
    return f"""
        CREATE OR REPLACE FUNCTION {KEEP_FUNCTION.format(table=table)}() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            gone bigint;
            removing boolean;
        BEGIN
            IF TG_OP = 'TRUNCATE' THEN
                removing := true;
            ELSIF TG_OP = 'DELETE' THEN
                removing := EXISTS (SELECT 1 FROM removed);
            ELSE  -- an UPDATE removes a key only if it changes one
                removing := EXISTS (SELECT 1 FROM removed WHERE NOT EXISTS (SELECT 1 FROM kept WHERE kept.id = removed.id));
            END IF;
            IF NOT removing THEN
                RETURN NULL;
            END IF;
            -- The checks below see what committed before them only under READ COMMITTED; under
            -- REPEATABLE READ or SERIALIZABLE they would miss a target another transaction committed
            -- since this one began.
            IF current_setting('transaction_isolation') <> 'read committed' THEN
                RAISE EXCEPTION 'rows of table "{table}" that targets may refer to are removed only under READ COMMITTED'
                    USING ERRCODE = 'serialization_failure',
                          HINT = 'Run the statement in a READ COMMITTED transaction, PostgreSQL''s and Django''s default.';
            END IF;
            IF TG_OP = 'TRUNCATE' THEN
                IF EXISTS (SELECT 1 FROM {TARGET} WHERE {column} IS NOT NULL) THEN
                    RAISE EXCEPTION 'cannot truncate table "{table}": table "{TARGET}" refers to it'
                        USING ERRCODE = 'foreign_key_violation';
                END IF;
                RETURN NULL;
            END IF;
            IF TG_OP = 'DELETE' THEN
                SELECT removed.id INTO gone FROM removed
                    WHERE EXISTS (SELECT 1 FROM {TARGET} AS target WHERE target.{column} = removed.id)
                    LIMIT 1;
            ELSE
                SELECT removed.id INTO gone FROM removed
                    WHERE NOT EXISTS (SELECT 1 FROM kept WHERE kept.id = removed.id)
                      AND EXISTS (SELECT 1 FROM {TARGET} AS target WHERE target.{column} = removed.id)
                    LIMIT 1;
            END IF;
            IF FOUND THEN
                RAISE EXCEPTION 'update or delete on table "{table}" violates foreign key "{column}" on table "{TARGET}"'
                    USING ERRCODE = 'foreign_key_violation',
                          DETAIL = format('Key (id)=(%s) is still referenced from table "{TARGET}".', gone);
            END IF;
            RETURN NULL;
        END
        $$"""


def statement_checks_create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    run = schema_editor.execute
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'", [TARGET]
        )
        foreign_keys = [name for (name,) in cursor.fetchall()]
    for name in foreign_keys:
        run(f'ALTER TABLE {TARGET} DROP CONSTRAINT "{name}"')
    # params=None: the format strings' % signs are not query placeholders.
    run(_check_function(), params=None)
    run(
        f"CREATE TRIGGER {TARGET}_inserted_references AFTER INSERT ON {TARGET} "
        f"REFERENCING NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION {CHECK_FUNCTION}()"
    )
    run(
        f"CREATE TRIGGER {TARGET}_updated_references AFTER UPDATE ON {TARGET} "
        f"REFERENCING NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION {CHECK_FUNCTION}()"
    )
    for _, table in REFERENCES:
        function = KEEP_FUNCTION.format(table=table)
        run(_keep_function(table), params=None)
        run(
            f"CREATE TRIGGER {table}_deleted_targets_keep AFTER DELETE ON {table} "
            f"REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        )
        run(
            f"CREATE TRIGGER {table}_updated_targets_keep AFTER UPDATE ON {table} "
            f"REFERENCING OLD TABLE AS removed NEW TABLE AS kept FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        )
        run(f"CREATE TRIGGER {table}_truncated_targets_keep AFTER TRUNCATE ON {table} EXECUTE FUNCTION {function}()")


def statement_checks_drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    run = schema_editor.execute
    run(f"DROP TRIGGER IF EXISTS {TARGET}_inserted_references ON {TARGET}")
    run(f"DROP TRIGGER IF EXISTS {TARGET}_updated_references ON {TARGET}")
    run(f"DROP FUNCTION IF EXISTS {CHECK_FUNCTION}()")
    for column, table in REFERENCES:
        for event in ("deleted", "updated", "truncated"):
            run(f"DROP TRIGGER IF EXISTS {table}_{event}_targets_keep ON {table}")
        run(f"DROP FUNCTION IF EXISTS {KEEP_FUNCTION.format(table=table)}()")
        run(
            f"ALTER TABLE {TARGET} ADD CONSTRAINT {TARGET}_{column}_fk FOREIGN KEY ({column}) "
            f"REFERENCES {table} (id) DEFERRABLE INITIALLY DEFERRED"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0007_department_moved_to_orgunits"),
    ]

    operations = [
        migrations.RunPython(statement_checks_create, statement_checks_drop),
    ]
