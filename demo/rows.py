"""Appending many rows with ids chosen here: COPY on PostgreSQL, ``executemany`` on SQLite.

The demo's 100,000-household ledger is about eight million rows. Model instances and ``bulk_create`` cost
some 60 µs a row in Python (ten minutes and more); plain tuples through COPY cost a few µs. Only the seed
writes this way: it owns the empty tables it fills, inside one transaction.
"""

from collections.abc import Iterable, Sequence

from django.core.management.color import no_style
from django.db import connection, models

from arrears.bulk import copy_rows


class RowSink:
    """Rows of one model's table, as tuples in ``fields`` order; ``fields`` starts with ``id``."""

    def __init__(self, model: type[models.Model], fields: Sequence[str]):
        meta = model._meta
        if fields[0] != "id":
            raise ValueError("the first field must be the id")
        missing = [
            f.name for f in meta.concrete_fields if f.attname not in fields and f.name not in fields and not f.null
        ]
        if missing:
            raise ValueError(f"{meta.label}: no value for the required fields {missing}")
        self.model = model
        self.fields = tuple(fields)
        self.table = meta.db_table
        self.columns = [meta.get_field(name).column for name in fields]
        adapt = connection.ops.adapt_datetimefield_value
        self._datetimes = [i for i, name in enumerate(fields) if isinstance(meta.get_field(name), models.DateTimeField)]
        self._adapt = adapt
        self.next_id = (model.objects.aggregate(top=models.Max("id"))["top"] or 0) + 1
        self.written = 0

    def take_ids(self, count: int) -> range:
        ids = range(self.next_id, self.next_id + count)
        self.next_id += count
        return ids

    def write(self, rows: Iterable[tuple]) -> None:
        if connection.vendor == "postgresql":
            self.written += copy_rows(self.model, self.fields, rows)
            return
        quote = connection.ops.quote_name
        columns = ", ".join(quote(column) for column in self.columns)
        with connection.cursor() as cursor:
            rows = [self._adapted(row) for row in rows]
            placeholders = ", ".join(["%s"] * len(self.columns))
            cursor.executemany(f"INSERT INTO {quote(self.table)} ({columns}) VALUES ({placeholders})", rows)
            self.written += len(rows)

    def _adapted(self, row: tuple) -> tuple:
        if not self._datetimes:
            return row
        row = list(row)
        for i in self._datetimes:
            row[i] = self._adapt(row[i])
        return tuple(row)


def reset_sequences(*model_classes: type[models.Model]) -> None:
    """Move each table's id sequence past the ids written (PostgreSQL; SQLite follows by itself)."""
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), model_classes):
            cursor.execute(statement)


def analyze(*model_classes: type[models.Model]) -> None:
    """Refresh the planner's statistics: right after a bulk load they describe empty tables."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in model_classes:
            cursor.execute(f"ANALYZE {quote(model._meta.db_table)}")
