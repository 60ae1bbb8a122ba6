"""Fast inserts of many plain rows, for imports of tens or hundreds of thousands of values.

The ORM's bulk_create spends most of its time converting every field of every row into SQL
parameters (about 2 s for 48,000 targets here); writing rows that are already in the columns' own
form takes a tenth of that: COPY on PostgreSQL, executemany on SQLite. Rows are streamed — an
iterable (a generator) is consumed as it is written, never held whole — so an import of 720,000
values with their audit records needs no more memory than a few thousand rows. Callers stay inside
their service's transaction; this only writes.

On PostgreSQL each row becomes a line of COPY's text format through a formatter made once per
call from the columns' model fields (ints and Decimals as they print, text escaped, None as \\N):
a few times faster than formatting each value by its type at run time.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime, time
from functools import lru_cache
from itertools import islice
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, models, router
from django.db.models import Model

T = TypeVar("T")

#: Rows written per COPY buffer, executemany call, or block of allocated ids.
CHUNK = 5000
ID_BLOCK = 50_000

_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_NULL = "\\N"
_NUMBER_FIELDS = (
    models.IntegerField,
    models.DecimalField,
    models.FloatField,
    models.BooleanField,
    models.ForeignKey,
    models.AutoField,
)


def _copy_text(value: Any) -> str:
    """A text value for COPY: escaped; None is NULL."""
    if value is None:
        return _NULL
    text = str(value)
    # Tab, newline and carriage return are not printable; only they and the backslash need escaping.
    if text.isprintable() and "\\" not in text:
        return text
    return text.translate(_COPY_ESCAPES)


@lru_cache(maxsize=256)  # an import stamps every row with the same moment
def _copy_moment(value: Any) -> str:
    if value is None:
        return _NULL
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return _copy_text(value)


def _copy_nullable(value: Any) -> str:
    return _NULL if value is None else str(value)


def _column_field(model: type[Model], column: str) -> models.Field[Any, Any] | None:
    for candidate in model._meta.concrete_fields:
        if candidate.column == column:
            return candidate
    return None


def copy_formatter(model: type[Model], columns: Sequence[str], prefix: str = "") -> Callable[[Sequence[Any]], str]:
    """A function from a row of plain values to its line of COPY text format (with the newline).

    Numbers (integer, Decimal, float, boolean and key columns) print as Python prints them, which
    PostgreSQL reads; text and JSON (as text) are escaped; dates and times are written in ISO form;
    a None is NULL in any nullable column, and anything else is escaped as text. `prefix`, already
    in COPY form, starts every line (the columns every row shares). Each column's converter is
    chosen once here, so a row costs one join.
    """
    converters: list[Callable[[Any], str]] = []
    for column in columns:
        field = _column_field(model, column)
        if isinstance(field, models.DateField | models.TimeField):  # DateTimeField is a DateField
            converters.append(_copy_moment)
        elif isinstance(field, _NUMBER_FIELDS):
            converters.append(_copy_nullable if field.null else str)
        else:  # text, JSON as text, and whatever else: escaped
            converters.append(_copy_text)

    def line(row: Sequence[Any]) -> str:
        return prefix + "\t".join([convert(value) for convert, value in zip(converters, row, strict=True)]) + "\n"

    return line


def insert_rows(
    model: type[Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    constants: Mapping[str, Any] | None = None,
) -> int:
    """Insert rows of plain values (ints, strs, Decimals, None, JSON as text) into the model's table.

    `columns` are database column names (`indicator_id`, not `indicator`). `rows` may be a
    generator; it is consumed as it is written. `constants` maps further columns to the value every
    row has there (a timestamp, a source file), written once rather than carried by each row.
    Returns the row count.
    """
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    shared = dict(constants or {})
    names = ", ".join(quote(column) for column in [*shared, *columns])
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            prefix = copy_formatter(model, list(shared))(list(shared.values()))[:-1] + "\t" if shared else ""
            line = copy_formatter(model, columns, prefix)
            raw = cursor.cursor  # psycopg's own cursor, under Django's wrapper
            # Its errors (a statement check refusing a row, plans migration 0008) become Django's own.
            with connection.wrap_database_errors, raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for chunk in _chunks(rows, CHUNK):
                    copy.write("".join([line(row) for row in chunk]))
                    count += len(chunk)
        else:
            placeholders = ", ".join(["%s"] * (len(shared) + len(columns)))
            sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"
            fixed = tuple(shared.values())
            for chunk in _chunks(rows, CHUNK):
                cursor.executemany(sql, [fixed + tuple(row) for row in chunk] if fixed else chunk)
                count += len(chunk)
    return count


def insert_rows_returning_ids(
    model: type[Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    constants: Mapping[str, Any] | None = None,
) -> array[int]:
    """Insert rows as insert_rows does, and return their new primary keys, in the rows' order.

    PostgreSQL: the ids are drawn from the table's own sequence (nextval, a block at a time) and
    written with the rows, so no concurrent insert can take one. SQLite: a transaction that writes
    holds the database's only write lock, and the rows one statement inserts get consecutive row
    ids ending at last_insert_rowid(). The ids come back as a compact array, not a list of ints.
    """
    connection = connections[router.db_for_write(model)]
    pk = model._meta.pk
    assert pk is not None and pk.column is not None
    ids: array[int] = array("q")
    if connection.vendor == "postgresql":
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [connection.ops.quote_name(table), pk.column])
            found = cursor.fetchone()
        if not found or not found[0]:
            raise RuntimeError(f"{table}.{pk.column} has no sequence to draw ids from")
        sequence = found[0]
        for block in _chunks(rows, ID_BLOCK):
            with connection.cursor() as cursor:
                cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [sequence, len(block)])
                drawn = array("q", [row[0] for row in cursor.fetchall()])
            keyed = ((key, *row) for key, row in zip(drawn, block, strict=True))
            insert_rows(model, [pk.column, *columns], keyed, constants=constants)
            ids.extend(drawn)
        return ids
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    shared = dict(constants or {})
    fixed = tuple(shared.values())
    names = ", ".join(quote(column) for column in [*shared, *columns])
    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * (len(shared) + len(columns)))})"
    with connection.cursor() as cursor:
        for chunk in _chunks(rows, CHUNK):
            cursor.executemany(sql, [fixed + tuple(row) for row in chunk])
            if cursor.rowcount != len(chunk):
                raise RuntimeError(f"{len(chunk)} rows given, {cursor.rowcount} inserted into {table}")
            cursor.execute("SELECT last_insert_rowid()")
            last = cursor.fetchone()[0]
            ids.extend(range(last - len(chunk) + 1, last + 1))
    return ids


def _chunks(rows: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


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
