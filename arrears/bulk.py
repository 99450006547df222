"""Writing many plain rows fast: COPY on PostgreSQL, a batched insert elsewhere.

At hundreds of thousands of rows, building a model instance and compiling an INSERT per row costs more than the
database does. Used by the ledger import, the demo seed and the daily split for rows that need no id back and no
save() logic.
"""

from collections.abc import Iterable, Sequence

from django.db import connection

BATCH_SIZE = 1000


def copy_rows(model, fields: Sequence[str], rows: Iterable[tuple]) -> int:
    """COPY ``rows`` (values in the order of ``fields``) into the model's table; PostgreSQL only."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    count = 0
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def insert_rows(model, fields: Sequence[str], rows: Iterable[tuple]) -> int:
    """Insert ``rows`` (values in the order of ``fields``, e.g. ``household_id``); return how many."""
    if connection.vendor == "postgresql":
        return copy_rows(model, fields, rows)
    objects = [model(**dict(zip(fields, row, strict=True))) for row in rows]
    model.objects.bulk_create(objects, batch_size=BATCH_SIZE)
    return len(objects)
