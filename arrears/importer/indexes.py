"""A large write's secondary indexes built once after it instead of kept up row by row (PostgreSQL).

Each row the import COPYs into a table is also inserted into every index of that table: the payments have nine, and
for 10,000 households (240,000 应收, 175,000 实收, as many allocations and balances) keeping the indexes up row by row
is most of what PostgreSQL does in the write phase. Building an index over the finished table sorts its rows once,
several times cheaper than as many single inserts.

So when a table the import already holds alone (its foreign keys were dropped: arrears.importer.foreign_keys, whose
locks are the price here too) receives at least as many rows as it holds (``MIN_SHARE_OF_EXISTING``), its
non-unique indexes are dropped inside the import's transaction and created again, with the same names and the same
definitions (``pg_get_indexdef``), before anything reads the table back by them. Unique indexes (primary keys, one
charge per household, fee item and period, one receipt number per community) stay: they refuse a duplicate as the
row arrives. A failure anywhere rolls the transaction back, and with it the drop: the indexes are as they were.
"""

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection

from .foreign_keys import altered_within_lock_timeout, run_pending_checks, tables_worth_it

# A rebuild sorts the whole table, old rows too: worth it while the new rows are at least as many as those there.
MIN_SHARE_OF_EXISTING = 1.0

_INDEXES = """
SELECT t.relname, i.relname, pg_get_indexdef(x.indexrelid)
FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
WHERE x.indrelid = ANY(%s::regclass[]) AND NOT x.indisunique AND NOT x.indisprimary
  AND NOT EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = x.indexrelid)
ORDER BY t.relname, i.relname
"""


@dataclass(frozen=True)
class Index:
    """One secondary index as PostgreSQL defines it: its table, its name and ``pg_get_indexdef``."""

    table: str
    name: str
    definition: str


def secondary_indexes(tables: Sequence[str]) -> list[Index]:
    """The non-unique indexes of ``tables`` that no constraint uses, by table and name."""
    if not tables:
        return []
    with connection.cursor() as cursor:
        cursor.execute(_INDEXES, [list(tables)])
        return [Index(*row) for row in cursor.fetchall()]


@contextmanager
def rebuilt_once(new_rows: Mapping[str, int], *, held: set[str]) -> Iterator[list[Index]]:
    """Inside a transaction: drop the secondary indexes of the tables of ``new_rows`` (table → rows about to be
    written) that the transaction holds (``held``) and that at least double; create them again when the block
    ends without an exception (with one, the rollback restores them). Yields the indexes dropped: none off
    PostgreSQL, for small writes, or when a table could not be locked within the keys' lock timeout."""
    if connection.vendor != "postgresql":
        yield []
        return
    if not connection.in_atomic_block:
        raise RuntimeError("indexes may only be dropped inside the transaction that creates them again")
    tables = [table for table in tables_worth_it(new_rows, share=MIN_SHARE_OF_EXISTING) if table in held]
    indexes = _drop(secondary_indexes(tables))
    yield indexes
    _create(indexes)


def _drop(indexes: list[Index]) -> list[Index]:
    if not indexes:
        return []
    quote = connection.ops.quote_name

    def drop(cursor) -> None:
        cursor.execute(f"DROP INDEX {', '.join(quote(index.name) for index in indexes)}")

    return indexes if altered_within_lock_timeout(drop) else []


def _create(indexes: list[Index]) -> None:
    if not indexes:
        return
    with connection.cursor() as cursor:
        # Like ALTER TABLE, CREATE INDEX refuses a table with deferred checks still queued (a payment's verifier).
        run_pending_checks(cursor, sorted({index.table for index in indexes}))
        for index in indexes:
            cursor.execute(index.definition)
