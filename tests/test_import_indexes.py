"""A large import's secondary indexes, dropped and created again inside its transaction (PostgreSQL only)."""

import pytest
from django.db import connection, connections, transaction

from arrears.checks import ledger_problems
from arrears.importer import foreign_keys, indexes
from arrears.models import Payment
from imports import workbook_import
from imports.workbook_import import ledger_import
from tests.factories import ChargeFactory
from tests.test_import_ledger import good_sheets, ledger_sums, model_counts, write_workbook

pytestmark = [
    pytest.mark.django_db(transaction=True),  # the import's transaction is the outermost one, as in production
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the indexes are dropped on PostgreSQL only"),
]

FILLED = ("arrears_charge", "arrears_chargebalance", "arrears_payment", "arrears_allocation")
TABLES = ("arrears_owner", "arrears_household", *FILLED)


def index_rows() -> dict[str, tuple[int, str, bool, str]]:
    """Every index of the tables the import fills: name → (oid, table, unique, definition)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.relname, i.oid, t.relname, x.indisunique, pg_get_indexdef(i.oid) FROM pg_index x"
            " JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid WHERE t.relname = ANY(%s)",
            [list(TABLES)],
        )
        return {name: (oid, table, unique, definition) for name, oid, table, unique, definition in cursor.fetchall()}


def definitions(found: dict) -> dict[str, tuple]:
    return {name: (table, unique, definition) for name, (_oid, table, unique, definition) in found.items()}


def rebuilt(before: dict, after: dict) -> set[str]:
    return {name for name in before if after[name][0] != before[name][0]}


@pytest.fixture
def every_import_is_large(monkeypatch):
    monkeypatch.setattr(foreign_keys, "MIN_ROWS", 1)
    monkeypatch.setattr(foreign_keys, "MIN_SHARE_OF_EXISTING", 0)  # whatever earlier tests left in the tables
    monkeypatch.setattr(indexes, "MIN_SHARE_OF_EXISTING", 0)


@pytest.fixture
def workbook(tmp_path):
    return write_workbook(tmp_path / "ledger.xlsx", good_sheets())


def test_a_large_import_creates_the_same_indexes_again(workbook, every_import_is_large):
    before = index_rows()

    result = ledger_import(path=workbook)

    assert result.written
    after = index_rows()
    assert definitions(after) == definitions(before)
    # Every table was held (its keys dropped) and grew: its non-unique indexes were built again; the unique ones
    # (a duplicate is refused as it arrives) were kept as they were.
    expected = {name for name, (_oid, _table, unique, _definition) in before.items() if not unique}
    assert rebuilt(before, after) == expected
    assert {"payment_status_idx", "charge_household_due_idx", "balance_paid_over_days_idx"} <= expected
    assert ledger_problems() == []


def test_a_failure_in_the_write_phase_leaves_the_indexes_and_the_data(workbook, every_import_is_large, monkeypatch):
    before, counts, sums = index_rows(), model_counts(), ledger_sums()

    def fail(state, **ids):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(workbook_import, "allocate_new_households", fail)

    with pytest.raises(RuntimeError):
        ledger_import(path=workbook)

    assert index_rows() == before
    assert (model_counts(), ledger_sums()) == (counts, sums)


def test_a_small_import_and_a_dry_run_keep_the_indexes(workbook, monkeypatch):
    before = index_rows()

    assert ledger_import(path=workbook).written  # below MIN_ROWS: no key dropped, no table held

    monkeypatch.setattr(foreign_keys, "MIN_ROWS", 1)
    monkeypatch.setattr(foreign_keys, "MIN_SHARE_OF_EXISTING", 0)
    monkeypatch.setattr(indexes, "MIN_SHARE_OF_EXISTING", 0)
    assert ledger_import(path=workbook, dry_run=True).ok
    assert index_rows() == before


def test_a_write_smaller_than_its_table_keeps_the_indexes(workbook, monkeypatch):
    """The keys are dropped (a tenth of the table is enough for them) but the indexes are kept: a rebuild sorts
    the whole table."""
    monkeypatch.setattr(foreign_keys, "MIN_ROWS", 1)
    monkeypatch.setattr(foreign_keys, "MIN_SHARE_OF_EXISTING", 0)
    ChargeFactory.create_batch(20)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE arrears_charge")
    before = index_rows()

    assert ledger_import(path=workbook).written  # 5 charges into a table of 20

    after = index_rows()
    assert not {name for name in rebuilt(before, after) if before[name][1] == "arrears_charge"}
    assert {name for name in rebuilt(before, after) if before[name][1] == "arrears_payment"}  # an empty table
    assert definitions(after) == definitions(before)


@pytest.fixture
def small_is_large(monkeypatch):
    monkeypatch.setattr(foreign_keys, "MIN_ROWS", 1)


def test_indexes_of_a_table_not_held_are_kept(small_is_large):
    with transaction.atomic(), indexes.rebuilt_once({"arrears_payment": 10}, held=set()) as dropped:
        assert dropped == []


def test_a_busy_table_keeps_its_indexes(small_is_large, monkeypatch):
    """Another transaction reading the payments: the drop waits for it at most the keys' LOCK_TIMEOUT."""
    monkeypatch.setattr(foreign_keys, "LOCK_TIMEOUT", "200ms")
    before = index_rows()
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute("LOCK TABLE arrears_payment IN ACCESS SHARE MODE")
            busy = {"arrears_payment": 10}
            with transaction.atomic(), indexes.rebuilt_once(busy, held={"arrears_payment"}) as dropped:
                assert dropped == []
                assert Payment.objects.count() == 0  # the transaction goes on after the savepoint's rollback
            cursor.execute("ROLLBACK")
    finally:
        other.close()

    assert index_rows() == before


def test_dropped_indexes_are_created_again_with_their_definitions(small_is_large):
    before = index_rows()
    with transaction.atomic():
        with indexes.rebuilt_once({"arrears_payment": 10}, held={"arrears_payment"}) as dropped:
            assert {index.table for index in dropped} == {"arrears_payment"}
            assert not set(index_rows()) & {index.name for index in dropped}
        after = index_rows()

    assert definitions(after) == definitions(before)
    assert rebuilt(before, after) == {index.name for index in dropped}


def test_indexes_are_dropped_only_inside_a_transaction():
    with pytest.raises(RuntimeError), indexes.rebuilt_once({"arrears_payment": 10}, held={"arrears_payment"}):
        pass
