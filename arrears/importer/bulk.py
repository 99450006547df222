"""Fresh planner statistics while the import fills its tables (the rows go through arrears.bulk)."""

from collections import Counter

from django.db import connection

# Statistics are refreshed when a table has grown by this many rows, or doubled, since the last time.
ANALYZE_AFTER_ROWS = 10_000


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
