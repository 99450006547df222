"""A large import's foreign keys, dropped and added back inside its transaction (PostgreSQL only)."""

import pytest
from django.db import IntegrityError, connection, connections, transaction

from arrears.importer import foreign_keys
from arrears.models import Charge, Household
from imports import workbook_import
from imports.workbook_import import ledger_import
from tests.factories import ChargeFactory
from tests.test_import_ledger import good_sheets, ledger_sums, model_counts, write_workbook

pytestmark = [
    pytest.mark.django_db(transaction=True),  # the import's transaction is the outermost one, as in production
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the keys are dropped on PostgreSQL only"),
]

TABLES = ("arrears_owner", "arrears_household", "arrears_charge", "arrears_chargebalance")
TABLES += ("arrears_payment", "arrears_allocation")


def keys() -> dict[str, tuple[int, str, str]]:
    """Every foreign key of the tables the import fills: name → (oid, table, definition)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.conname, c.oid, t.relname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
            "JOIN pg_class t ON t.oid = c.conrelid WHERE c.contype = 'f' AND t.relname = ANY(%s)",
            [list(TABLES)],
        )
        return {name: (oid, table, definition) for name, oid, table, definition in cursor.fetchall()}


def definitions(found: dict) -> dict[str, tuple[str, str]]:
    return {name: (table, definition) for name, (_oid, table, definition) in found.items()}


@pytest.fixture
def every_import_is_large(monkeypatch):
    monkeypatch.setattr(foreign_keys, "MIN_ROWS", 1)
    monkeypatch.setattr(foreign_keys, "MIN_SHARE_OF_EXISTING", 0)  # whatever earlier tests left in the tables


@pytest.fixture
def workbook(tmp_path):
    return write_workbook(tmp_path / "ledger.xlsx", good_sheets())


def test_a_large_import_adds_the_same_keys_back(workbook, every_import_is_large):
    before = keys()

    result = ledger_import(path=workbook)

    assert result.written
    after = keys()
    assert definitions(after) == definitions(before)
    assert all("DEFERRABLE INITIALLY DEFERRED" in definition for _table, definition in definitions(after).values())
    dropped = {name for name in before if after[name][0] != before[name][0]}
    # Every key between ledger tables was dropped and added back; the keys to the users who verified a payment and
    # to reversals (which the import does not write) were not.
    kept = ("REFERENCES auth_user(", "REFERENCES arrears_paymentreversal(")
    assert dropped == {name for name, (_oid, _table, key) in before.items() if not any(k in key for k in kept)}
    assert (Charge.objects.count(), model_counts()["ChargeBalance"]) == (5, 5)


def test_a_key_added_back_still_refuses_an_orphan(workbook, every_import_is_large):
    ledger_import(path=workbook)
    charge = Charge.objects.first()
    missing = Household.objects.order_by("-pk").first().pk + 1000

    with pytest.raises(IntegrityError), transaction.atomic():
        Charge.objects.filter(pk=charge.pk).update(household_id=missing)

    assert Charge.objects.get(pk=charge.pk).household_id == charge.household_id


def test_an_orphan_written_in_the_write_phase_fails_the_import(workbook, every_import_is_large, monkeypatch):
    before, counts = keys(), model_counts()
    write_payments = workbook_import.write_payments

    def write_payments_and_an_orphan(state):
        ids = write_payments(state)
        with connection.cursor() as cursor:
            cursor.execute("UPDATE arrears_payment SET household_id = household_id + 1000 WHERE id = %s", [ids[0]])
        return ids

    monkeypatch.setattr(workbook_import, "write_payments", write_payments_and_an_orphan)

    with pytest.raises(IntegrityError):
        ledger_import(path=workbook)

    assert keys() == before
    assert model_counts() == counts


def test_a_failure_in_the_write_phase_leaves_the_keys_and_the_data(workbook, every_import_is_large, monkeypatch):
    before, counts, sums = keys(), model_counts(), ledger_sums()

    def fail(state, **ids):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(workbook_import, "apply_imported_credit", fail)

    with pytest.raises(RuntimeError):
        ledger_import(path=workbook)

    assert keys() == before
    assert (model_counts(), ledger_sums()) == (counts, sums)


def test_a_small_import_and_a_dry_run_keep_the_keys(workbook, monkeypatch):
    before = keys()

    assert ledger_import(path=workbook).written  # below MIN_ROWS

    monkeypatch.setattr(foreign_keys, "MIN_ROWS", 1)
    monkeypatch.setattr(foreign_keys, "MIN_SHARE_OF_EXISTING", 0)
    assert ledger_import(path=workbook, dry_run=True).ok
    assert keys() == before


def test_a_busy_table_keeps_its_keys_and_the_import_goes_on(workbook, every_import_is_large, monkeypatch):
    """Another transaction reading the households: the import does not wait for it past LOCK_TIMEOUT."""
    monkeypatch.setattr(foreign_keys, "LOCK_TIMEOUT", "200ms")
    before = keys()
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute("LOCK TABLE arrears_household IN ACCESS SHARE MODE")
            result = ledger_import(path=workbook)
            cursor.execute("ROLLBACK")
    finally:
        other.close()

    assert result.written
    assert keys() == before
    assert Charge.objects.count() == 5


def test_a_write_far_smaller_than_its_table_keeps_the_keys(monkeypatch):
    """Adding a key back checks the whole table: not worth it for a few rows into a large one."""
    monkeypatch.setattr(foreign_keys, "MIN_ROWS", 10)
    ChargeFactory.create_batch(20)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE arrears_charge")

    assert foreign_keys.tables_worth_it({"arrears_charge": 10}) == ["arrears_charge"]  # half of 20
    assert foreign_keys.tables_worth_it({"arrears_charge": 9}) == []  # below MIN_ROWS
    monkeypatch.setattr(foreign_keys, "MIN_SHARE_OF_EXISTING", 1)
    assert foreign_keys.tables_worth_it({"arrears_charge": 10}) == []  # less than the 20 already there
