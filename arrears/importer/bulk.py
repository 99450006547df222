"""Writing many plain rows fast: COPY on PostgreSQL, bulk_create elsewhere; and fresh planner statistics.

At millions of rows, building a model instance and compiling an INSERT per row costs more than the
database does; the ledger rows written here need no id back and no save() logic.
"""

from collections import Counter
from collections.abc import Iterable, Sequence

from django.db import connection

BATCH_SIZE = 1000
# Statistics are refreshed when a table has grown by this many rows, or doubled, since the last time.
ANALYZE_AFTER_ROWS = 10_000


def insert_rows(model, fields: Sequence[str], rows: Iterable[tuple]) -> int:
    """Insert ``rows`` (values in the order of ``fields``, e.g. ``household_id``); return how many."""
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
        count = 0
        with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count
    objects = [model(**dict(zip(fields, row, strict=True))) for row in rows]
    model.objects.bulk_create(objects, batch_size=BATCH_SIZE)
    return len(objects)


class Statistics:
    """Keeps PostgreSQL's planner statistics in step with tables the import is filling.

    Inside the import's transaction autovacuum cannot see the new rows, and a table that was empty when last
    analyzed makes the planner treat ``household_id IN (…500 ids…)`` as the whole table: each batch's lookup
    would then scan everything written so far. ANALYZE (allowed in a transaction, and it counts the
    transaction's own rows) each time a table doubles keeps every lookup on its index.
    """

    def __init__(self):
        self._written: Counter = Counter()
        self._analyzed_at: Counter = Counter()

    def wrote(self, model, count: int) -> None:
        self._written[model] += count
        grown = self._written[model] - self._analyzed_at[model]
        if grown >= max(ANALYZE_AFTER_ROWS, self._analyzed_at[model]):
            self.analyze(model)

    def analyze(self, *models) -> None:
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            for model in models:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
                self._analyzed_at[model] = self._written[model]
