"""A large write's foreign keys checked once per key instead of once per row (PostgreSQL).

Django declares every foreign key ``DEFERRABLE INITIALLY DEFERRED``: each row the import COPYs queues one check per
key, and COMMIT runs them one by one. For 10,000 households (240,000 应收, 175,000 实收, as many allocations and
balances) that is nearly two million checks, about half of the import's time. When a table receives many rows
(``MIN_ROWS``, and a good share of what it already holds), the import drops that table's keys to the other ledger
tables inside its transaction, writes, and adds them back with the same names and the same definition (read from
``pg_get_constraintdef``); PostgreSQL then checks each key with one join over the table. A row that breaks a key
makes the ADD fail, and the import rolls back with the keys and the data as they were: nothing else changes.

The price is locks. Dropping a key takes an ACCESS EXCLUSIVE lock on its table and on the table it references, held
until COMMIT: from the start of the import's write phase to its end (about 8 s for 10,000 households on 2 cores at
load 3.5, the secondary indexes built once: arrears.importer.indexes), every page that reads the ledger (task lists,
households, the dashboard, payments) waits, then carries on; nothing fails. Reading and checking the sheets (about
6 s of it) take no such lock: the keys are dropped only
when every row is good. The locks are waited for at most ``LOCK_TIMEOUT``: when another transaction holds one of the
tables longer (a long report, a payment being verified), the import keeps the keys and lets COMMIT check its rows
one by one, rather than queue every page behind it. Keys to tables outside the ledger (the users who collected or
verified a payment) are never dropped, so logging in and pages that touch no ledger table go on as usual.

A dry run never commits, so it never pays for the checks: it keeps the keys and takes no such lock.
"""

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import DatabaseError, connection, transaction

# Below this many new rows in a table its keys are checked row by row: at about 10 µs a check, a second or less.
MIN_ROWS = 50_000
# Adding a key back checks the whole table, old rows too: worth it while the new rows are at least this share of
# the rows already there (a check of one row costs some twenty times what the join costs per row).
MIN_SHARE_OF_EXISTING = 0.1
LOCK_TIMEOUT = "5s"

# lock_not_available, deadlock_detected, object_in_use ("cannot ALTER TABLE because it has pending trigger events")
_CANNOT_DROP = {"55P03", "40P01", "55006"}

_KEYS = """
SELECT t.relname, c.conname, pg_get_constraintdef(c.oid), r.relname
FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid
WHERE c.contype = 'f' AND c.conrelid = ANY(%s::regclass[]) AND c.confrelid = ANY(%s::regclass[])
ORDER BY t.relname, c.conname
"""


@dataclass(frozen=True)
class ForeignKey:
    """One foreign key as PostgreSQL defines it: its table, its name, ``pg_get_constraintdef`` and the table it
    references."""

    table: str
    name: str
    definition: str
    references: str


def foreign_keys(tables: Sequence[str], *, referencing: Sequence[str]) -> list[ForeignKey]:
    """The foreign keys of ``tables`` that point to one of ``referencing``, by table and name."""
    with connection.cursor() as cursor:
        cursor.execute(_KEYS, [list(tables), list(referencing)])
        return [ForeignKey(*row) for row in cursor.fetchall()]


def tables_worth_it(new_rows: Mapping[str, int], *, share: float | None = None) -> list[str]:
    """The tables (of ``new_rows``: table → rows about to be written) whose keys are cheaper checked at once: at
    least ``MIN_ROWS`` new rows, and at least ``share`` (default ``MIN_SHARE_OF_EXISTING``) of those there."""
    share = MIN_SHARE_OF_EXISTING if share is None else share
    large = {table: rows for table, rows in new_rows.items() if rows >= MIN_ROWS}
    if not large:
        return []
    with connection.cursor() as cursor:
        # The planner's estimate (-1 before the first ANALYZE): enough to tell 100,000 rows from 10 million.
        cursor.execute(
            "SELECT relname, GREATEST(reltuples, 0) FROM pg_class WHERE oid = ANY(%s::regclass[])", [list(large)]
        )
        existing = dict(cursor.fetchall())
    return sorted(table for table, rows in large.items() if rows >= existing.get(table, 0) * share)


@contextmanager
def checked_at_once(new_rows: Mapping[str, int], *, referencing: Sequence[str]) -> Iterator[list[ForeignKey]]:
    """Inside a transaction: drop the keys (to ``referencing``) of the tables of ``new_rows`` worth it, and add
    them back, checked, when the block ends without an exception (with one, the rollback restores them).

    Yields the keys dropped: none off PostgreSQL, for small writes, or when the tables could not be locked
    within ``LOCK_TIMEOUT``.
    """
    if connection.vendor != "postgresql":
        yield []
        return
    if not connection.in_atomic_block:
        raise RuntimeError("foreign keys may only be dropped inside the transaction that adds them back")
    tables = tables_worth_it(new_rows)
    keys = _drop(foreign_keys(tables, referencing=referencing)) if tables else []
    yield keys
    _add(keys)


def _drop(keys: list[ForeignKey]) -> list[ForeignKey]:
    """Drop ``keys``; all of them, or none (and the tables unlocked again) when a lock or the table is busy."""
    if not keys:
        return []
    quote = connection.ops.quote_name

    def drop(cursor) -> None:
        run_pending_checks(cursor, _tables_of(keys))
        for table, names in _by_table(keys):
            drops = ", ".join(f"DROP CONSTRAINT {quote(name)}" for name in names)
            cursor.execute(f"ALTER TABLE {quote(table)} {drops}")

    return keys if altered_within_lock_timeout(drop) else []


def altered_within_lock_timeout(alter: Callable) -> bool:
    """Run ``alter(cursor)`` in a savepoint, waiting at most ``LOCK_TIMEOUT`` for each lock; False (and whatever it
    did undone, its locks released) when a lock was not obtained in time or a table was busy."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('lock_timeout')")
        (timeout,) = cursor.fetchone()
        try:
            with transaction.atomic():
                cursor.execute("SELECT set_config('lock_timeout', %s, true)", [LOCK_TIMEOUT])
                alter(cursor)
            done = True
        except DatabaseError as exc:
            if getattr(exc.__cause__, "sqlstate", None) not in _CANNOT_DROP:
                raise
            done = False
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [timeout])
    return done


def _add(keys: list[ForeignKey]) -> None:
    quote = connection.ops.quote_name
    by_name = {key.name: key for key in keys}
    if not keys:
        return
    with connection.cursor() as cursor:
        run_pending_checks(cursor, _tables_of(keys))
        for table, names in _by_table(keys):
            adds = ", ".join(f"ADD CONSTRAINT {quote(name)} {by_name[name].definition}" for name in names)
            cursor.execute(f"ALTER TABLE {quote(table)} {adds}")


def _tables_of(keys: list[ForeignKey]) -> list[str]:
    return sorted({key.table for key in keys} | {key.references for key in keys})


def run_pending_checks(cursor, tables: list[str]) -> None:
    """Run now the deferred checks still waiting on ``tables``: PostgreSQL alters no table with checks pending.

    They are the checks COMMIT would run (rows written by this transaction under keys that stay, such as a
    payment's verifier); the constraints are deferred again afterwards, as they were."""
    cursor.execute(
        "SELECT conname, condeferred FROM pg_constraint "
        "WHERE condeferrable AND (conrelid = ANY(%s::regclass[]) OR confrelid = ANY(%s::regclass[])) ORDER BY conname",
        [tables, tables],
    )
    constraints = cursor.fetchall()
    if not constraints:
        return
    quote = connection.ops.quote_name
    cursor.execute(f"SET CONSTRAINTS {', '.join(quote(name) for name, _deferred in constraints)} IMMEDIATE")
    deferred = [quote(name) for name, initially_deferred in constraints if initially_deferred]
    if deferred:
        cursor.execute(f"SET CONSTRAINTS {', '.join(deferred)} DEFERRED")


def _by_table(keys: list[ForeignKey]) -> list[tuple[str, list[str]]]:
    tables: dict[str, list[str]] = {}
    for key in keys:
        tables.setdefault(key.table, []).append(key.name)
    return list(tables.items())
