"""Writing many plain rows fast: COPY on PostgreSQL, a batched insert elsewhere.

At hundreds of thousands of rows, building a model instance and compiling an INSERT per row costs more than the
database does. Used by the ledger import, the demo seed and the daily split for rows that need no id back and no
save() logic.
"""

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timezone
from decimal import Decimal
from itertools import islice
from operator import attrgetter

from django.db import connection

BATCH_SIZE = 1000
COPY_LINES = 5000  # rows sent to COPY at a time

# COPY's text format: a backslash, tab, newline or carriage return in a value is escaped; NULL is \N.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_rows(model, fields: Sequence[str], rows: Iterable[tuple]) -> int:
    """COPY ``rows`` (values in the order of ``fields``) into the model's table; PostgreSQL only.

    Rows of plain values (text, whole numbers, Decimals, dates, datetimes, booleans, None) are written as COPY's
    text lines here, a batch at a time and column by column (a column of one kind is formatted by one call over
    its values, and a date or a moment repeated down the column is formatted once): at hundreds of thousands of
    rows, a fraction of what psycopg's ``write_row`` costs. A batch holding anything else goes through
    ``write_row``.
    """
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    count = 0
    rows = iter(rows)
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        while batch := list(islice(rows, COPY_LINES)):
            count += len(batch)
            text = copy_text(batch)
            if text is None:
                for row in batch:
                    copy.write_row(row)
            else:
                copy.write(text)
    return count


def copy_text(rows: Sequence[tuple]) -> str | None:
    """The lines of COPY's text format for ``rows``, or None when a value is not a plain one."""
    columns = []
    for values in zip(*rows, strict=True):
        texts = _column_text(values)
        if texts is None:
            return None
        columns.append(texts)
    return "".join(["\t".join(line) + "\n" for line in zip(*columns, strict=True)])


def _column_text(values: tuple) -> list[str] | None:
    kinds = set(map(type, values))
    kind = kinds.pop() if len(kinds) == 1 else None
    if kind is str:
        return [value.translate(_COPY_ESCAPES) for value in values]
    if kind is int or kind is Decimal:
        return list(map(str, values))
    if kind is bool:
        return ["t" if value else "f" for value in values]
    if kind is type(None):
        return ["\\N"] * len(values)
    if kind is not None and issubclass(kind, str):  # a TextChoices member: its value, as psycopg writes it
        return [str.translate(value, _COPY_ESCAPES) for value in values]
    if kind is date or (kind is datetime and _one_fixed_offset(values)):
        # Equal values are the same text here (one fixed offset: equal moments have the same fields).
        texts = {value: value.isoformat() for value in set(values)}
        return list(map(texts.__getitem__, values))
    texts = [_copy_text(value) for value in values]
    return None if None in texts else texts


def _one_fixed_offset(moments: tuple) -> bool:
    zones = set(map(attrgetter("tzinfo"), moments))
    return len(zones) == 1 and isinstance(next(iter(zones)), timezone | type(None))


def _copy_text(value) -> str | None:
    """A value as COPY's text format reads it, or None when psycopg should adapt it."""
    kind = value.__class__
    if kind is str:
        return value.translate(_COPY_ESCAPES)
    if kind is int or kind is Decimal:
        return str(value)
    if kind is date or kind is datetime:
        return value.isoformat()
    if value is None:
        return "\\N"
    if kind is bool:
        return "t" if value else "f"
    if isinstance(value, str):  # a TextChoices member: its value, as psycopg writes it
        return str.translate(value, _COPY_ESCAPES)
    return None


def insert_rows(model, fields: Sequence[str], rows: Iterable[tuple]) -> int:
    """Insert ``rows`` (values in the order of ``fields``, e.g. ``household_id``); return how many."""
    if connection.vendor == "postgresql":
        return copy_rows(model, fields, rows)
    objects = [model(**dict(zip(fields, row, strict=True))) for row in rows]
    model.objects.bulk_create(objects, batch_size=BATCH_SIZE)
    return len(objects)


def reserve_ids(model, count: int) -> list[int]:
    """``count`` new ids from the model's id sequence (PostgreSQL), for rows written later with COPY."""
    if count == 0:
        return []
    meta = model._meta
    with connection.cursor() as cursor:
        # The sequence is looked up once: pg_get_serial_sequence() in the select list would run for every id (a
        # catalog lookup each, twenty times what nextval costs); one array rather than a row per id.
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [meta.db_table, meta.pk.column])
        (sequence,) = cursor.fetchone()
        cursor.execute("SELECT array_agg(nextval(%s::regclass)) FROM generate_series(1, %s)", [sequence, count])
        return cursor.fetchone()[0]


def insert_rows_with_ids(model, fields: Sequence[str], rows: Iterable[tuple], *, count: int | None = None) -> list[int]:
    """Insert ``rows`` and return their new ids, in order.

    On PostgreSQL the ids are taken from the sequence first and the rows COPYed with them, so ``rows`` may be a
    generator when ``count`` says how many it gives (millions of rows are then never all in memory at once);
    elsewhere ``bulk_create`` sets them.
    """
    if count is None:
        rows = rows if isinstance(rows, Sequence) else list(rows)
        count = len(rows)
    if connection.vendor == "postgresql":
        ids = reserve_ids(model, count)
        copy_rows(model, ("id", *fields), ((pk, *row) for pk, row in zip(ids, rows, strict=True)))
        return ids
    objects = [model(**dict(zip(fields, row, strict=True))) for row in rows]
    model.objects.bulk_create(objects, batch_size=BATCH_SIZE)
    return [obj.pk for obj in objects]


def update_rows(model, fields: Sequence[str], rows: Iterable[tuple]) -> int:
    """Set ``fields`` of existing rows: each row is ``(pk, value, …)`` in the order of ``fields`` (a foreign key's
    value is the id).

    On PostgreSQL the values are COPYed into a temporary table and applied with one ``UPDATE … FROM``: Django's
    ``bulk_update`` builds a ``CASE WHEN pk = …`` per field and row, whose cost grows with the square of the batch.
    Elsewhere, ``bulk_update`` in small batches.
    """
    rows = list(rows)
    if not rows:
        return 0
    if connection.vendor != "postgresql":
        attnames = [model._meta.get_field(name).attname for name in fields]  # contact → contact_id: values are raw
        objects = [model(pk=row[0], **dict(zip(attnames, row[1:], strict=True))) for row in rows]
        model.objects.bulk_update(objects, fields, batch_size=50)
        return len(objects)
    quote = connection.ops.quote_name
    meta = model._meta
    table = quote(meta.db_table)
    temp = quote(f"update_{meta.db_table}")
    columns = [meta.pk.column, *(meta.get_field(name).column for name in fields)]
    listed = ", ".join(quote(column) for column in columns)
    assignments = ", ".join(f"{quote(column)} = t.{quote(column)}" for column in columns[1:])
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {temp} AS SELECT {listed} FROM {table} WITH NO DATA")
        try:
            with cursor.copy(f"COPY {temp} ({listed}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            key = quote(columns[0])
            cursor.execute(f"UPDATE {table} SET {assignments} FROM {temp} AS t WHERE {table}.{key} = t.{key}")
        finally:
            cursor.execute(f"DROP TABLE {temp}")
    return len(rows)
