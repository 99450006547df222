"""Writing many plain rows fast: COPY on PostgreSQL, a batched insert elsewhere.

At hundreds of thousands of rows, building a model instance and compiling an INSERT per row costs more than the
database does. Used by the ledger import, the demo seed and the daily split for rows that need no id back and no
save() logic.
"""

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.db import connection

BATCH_SIZE = 1000
COPY_LINES = 5000  # rows sent to COPY at a time

# COPY's text format: a backslash, tab, newline or carriage return in a value is escaped; NULL is \N.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_rows(model, fields: Sequence[str], rows: Iterable[tuple]) -> int:
    """COPY ``rows`` (values in the order of ``fields``) into the model's table; PostgreSQL only.

    Rows of plain values (text, whole numbers, Decimals, dates, datetimes, booleans, None) are written as COPY's
    text lines here, at a third of what psycopg's ``write_row`` costs for each of hundreds of thousands of rows;
    a row holding anything else goes through ``write_row``.
    """
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    count = 0
    lines: list[str] = []
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            count += 1
            values = [_copy_text(value) for value in row]
            if None in values:
                if lines:
                    copy.write("".join(lines))
                    lines.clear()
                copy.write_row(row)
                continue
            lines.append("\t".join(values) + "\n")
            if len(lines) >= COPY_LINES:
                copy.write("".join(lines))
                lines.clear()
        if lines:
            copy.write("".join(lines))
    return count


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


def insert_rows_with_ids(model, fields: Sequence[str], rows: Sequence[tuple]) -> list[int]:
    """Insert ``rows`` and return their new ids, in order.

    On PostgreSQL the ids are taken from the sequence first and the rows COPYed with them; elsewhere
    ``bulk_create`` sets them.
    """
    if connection.vendor == "postgresql":
        ids = reserve_ids(model, len(rows))
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
