"""A large import's balances (arrears_chargebalance) written once, after its allocations (PostgreSQL).

The balance triggers (arrears.balance_triggers) insert a balance for each new charge, then update it for each new
allocation: for 240,000 charges and 214,000 allocations the update alone rewrites every balance row and its four
index entries, about a quarter of the import's writing. When the import already holds its tables (it dropped the
keys of the charges, the allocations and the balances: arrears.importer.foreign_keys), it switches those two insert
triggers off for its own COPYs, then inserts the balances of its new charges from their allocations in one
statement (``fill_sql``, the computation the triggers' migration filled the table with), and switches them on again
before anything else writes. Same rows as the triggers would leave; any failure rolls the switch back too.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

from arrears.balance_triggers import INSERT_TRIGGERS, fill_sql

from .foreign_keys import run_pending_checks

# The tables whose keys must have been dropped (so the import holds them alone until it commits).
HELD_TABLES = frozenset({"arrears_charge", "arrears_allocation", "arrears_chargebalance"})


@contextmanager
def balances_written_once(*, held: set[str]) -> Iterator[list[int]]:
    """Yields a list for the ids of the charges written inside the block; when the import holds HELD_TABLES, their
    balances are filled at the end of the block (with no exception), the insert triggers being off meanwhile."""
    charge_ids: list[int] = []
    if connection.vendor != "postgresql" or not held >= HELD_TABLES:
        yield charge_ids
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, trigger in INSERT_TRIGGERS:
            cursor.execute(f"ALTER TABLE {quote(table)} DISABLE TRIGGER {quote(trigger)}")
    yield charge_ids
    with connection.cursor() as cursor:
        if charge_ids:
            # As the array's text: psycopg adapts a list of 240,000 ids one by one in Python.
            cursor.execute(fill_sql("postgresql", given=True), ["{" + ",".join(map(str, charge_ids)) + "}"])
        run_pending_checks(cursor, sorted(table for table, _trigger in INSERT_TRIGGERS))
        for table, trigger in INSERT_TRIGGERS:
            cursor.execute(f"ALTER TABLE {quote(table)} ENABLE TRIGGER {quote(trigger)}")
