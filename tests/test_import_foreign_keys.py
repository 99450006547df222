"""A large import's foreign keys, dropped and added back inside its transaction (PostgreSQL only)."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, connections, transaction

from arrears.balance_triggers import INSERT_TRIGGERS
from arrears.checks import ledger_problems
from arrears.importer import foreign_keys
from arrears.models import Allocation, Charge, ChargeBalance, Household, Payment
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

    monkeypatch.setattr(workbook_import, "allocate_new_households", fail)

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


def balance_rows() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.room, ch.period_start, b.amount_fen, b.paid_fen, b.paid_fen_days, b.first_paid_on,"
            " b.last_paid_on, b.irregular FROM arrears_chargebalance b JOIN arrears_charge ch ON ch.id = b.charge_id"
            " JOIN arrears_household c ON c.id = b.household_id ORDER BY 1, 2"
        )
        return cursor.fetchall()


def insert_triggers_enabled() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgname = ANY(%s) AND tgenabled = 'O' ORDER BY 1",
            [[trigger for _table, trigger in INSERT_TRIGGERS]],
        )
        return [name for (name,) in cursor.fetchall()]


def test_a_large_import_writes_the_balances_the_triggers_would(workbook, monkeypatch):
    assert ledger_import(path=workbook).written  # small: the triggers keep the balances row by row
    by_triggers = balance_rows()
    Allocation.objects.all().delete()  # the ledger's own tables are emptied for the second import
    Payment.objects.all().delete()
    ChargeBalance.objects.all().delete()
    Charge.objects.all().delete()
    monkeypatch.setattr(foreign_keys, "MIN_ROWS", 1)
    monkeypatch.setattr(foreign_keys, "MIN_SHARE_OF_EXISTING", 0)

    assert ledger_import(path=workbook).written  # large: the balances are written once, after the allocations

    assert balance_rows() == by_triggers
    assert any(paid for _room, _start, _amount, paid, *_rest in by_triggers)
    assert ledger_problems() == []
    assert insert_triggers_enabled() == sorted(trigger for _table, trigger in INSERT_TRIGGERS)
    # And on again for what is written next: a payment's allocation moves its charge's balance.
    charge = Charge.objects.order_by("due_date").last()
    paid_fen = ChargeBalance.objects.get(charge=charge).paid_fen
    payment = Payment.objects.first()
    Allocation.objects.create(payment=payment, charge=charge, amount=Decimal("0.01"), applied_on=payment.paid_on)
    assert ChargeBalance.objects.get(charge=charge).paid_fen == paid_fen + 1
