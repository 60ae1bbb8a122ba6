"""Fast inserts of many plain rows, for imports of tens of thousands of values.

The ORM's bulk_create spends most of its time converting every field of every row into SQL
parameters (about 2 s for 48,000 targets here); writing rows that are already in the columns' own
form takes a tenth of that: COPY on PostgreSQL, executemany on SQLite. Callers stay inside their
service's transaction; this only writes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, router
from django.db.models import Model

T = TypeVar("T")


def insert_rows(model: type[Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert rows of plain values (ints, strs, Decimals, None, JSON as text) into the model's table.

    `columns` are database column names (`indicator_id`, not `indicator`). Returns the row count.
    """
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(column) for column in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg's own cursor, under Django's wrapper
            with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        else:
            batch = list(rows)
            count = len(batch)
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", batch)
    return count


def db_datetime(model: type[Model], moment: datetime) -> Any:
    """A datetime in the form the database behind `model` stores (naive UTC text on SQLite)."""
    connection = connections[router.db_for_write(model)]
    return connection.ops.adapt_datetimefield_value(moment)


def retry_once_if_raced(work: Callable[[], T]) -> T:
    """Run a transactional write; if a concurrent one committed the same rows first, run it once more.

    Two imports of the same table at the same moment both find a cell empty and both insert it; the
    database's uniqueness constraint stops the second, whose transaction then rolls back whole. Run
    again, it sees the first one's rows and becomes an update (or, for the same file, no change), so
    both callers get a true answer instead of an error. Inside an outer transaction (a test, say)
    there is nothing to retry into, so the error stands.
    """
    try:
        return work()
    except IntegrityError:
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            raise
        return work()
