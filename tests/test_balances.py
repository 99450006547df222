"""Paid to date per charge (arrears_chargebalance) is kept by the database on every write, bulk COPY included."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils.timezone import now

from arrears.bulk import insert_rows
from arrears.checks import ledger_problems, stale_balances
from arrears.models import Allocation, Charge, ChargeBalance
from arrears.services import payment_record, payment_reverse, payment_verify
from tests.factories import ChargeFactory, FeeItemFactory, HouseholdFactory, UserFactory

pytestmark = pytest.mark.django_db


def day_number(value: date) -> int:
    return (value - date(1970, 1, 1)).days


def balance(charge) -> tuple:
    b = ChargeBalance.objects.get(charge=charge)
    return (b.amount_fen, b.paid_fen, b.paid_fen_days, b.first_paid_on, b.last_paid_on, b.irregular)


def test_a_charge_gets_its_balance_and_payments_add_to_it():
    household = HouseholdFactory()
    charge = ChargeFactory(household=household, amount=Decimal("300.00"), due_date=date(2026, 1, 31))
    assert balance(charge) == (30000, 0, 0, None, None, False)

    payment = payment_record(household=household, amount=Decimal("100.10"), paid_on=date(2026, 2, 3), channel="cash")
    payment_verify(payment_id=payment.pk, verified_by=None)
    assert balance(charge) == (
        30000,
        10010,
        10010 * day_number(date(2026, 2, 3)),
        date(2026, 2, 3),
        date(2026, 2, 3),
        False,
    )

    payment_reverse(payment_id=payment.pk, reversed_by=UserFactory(), reason="错账", reversed_on=date(2026, 2, 10))
    assert balance(charge)[1:] == (
        0,
        10010 * (day_number(date(2026, 2, 3)) - day_number(date(2026, 2, 10))),
        date(2026, 2, 3),
        date(2026, 2, 10),
        True,  # a reversal: the read model takes the long way for this charge
    )
    assert stale_balances() == [] and ledger_problems() == []


def test_bulk_inserts_are_kept_too():
    household = HouseholdFactory()
    fee_item = FeeItemFactory()
    insert_rows(
        Charge,
        ("household_id", "fee_item_id", "period_start", "period_end", "amount", "due_date", "posted_at"),
        [
            (
                household.pk,
                fee_item.pk,
                date(2026, m, 1),
                date(2026, m, 28),
                Decimal("179.50"),
                date(2026, m, 28),
                now(),
            )
            for m in (1, 2)
        ],
    )
    first, second = Charge.objects.order_by("due_date")
    payment = payment_record(household=household, amount=Decimal("200.00"), paid_on=date(2026, 3, 1), channel="cash")
    payment_verify(payment_id=payment.pk, verified_by=None)
    assert balance(first)[:2] == (17950, 17950) and balance(second)[:2] == (17950, 2050)
    insert_rows(
        Allocation,
        ("payment_id", "charge_id", "amount", "applied_on"),
        [(payment.pk, second.pk, Decimal("15900.00"), date(2026, 3, 2))],  # more than the charge: irregular
    )
    assert balance(second)[1] == 2050 + 1590000 and balance(second)[5] is True
    assert stale_balances() == []


def test_a_changed_or_deleted_allocation_is_recomputed_and_check_ledger_notices_drift():
    household = HouseholdFactory()
    charge = ChargeFactory(household=household, amount=Decimal("300.00"), due_date=date(2026, 1, 31))
    payment = payment_record(household=household, amount=Decimal("50.00"), paid_on=date(2026, 2, 3), channel="cash")
    payment_verify(payment_id=payment.pk, verified_by=None)
    Allocation.objects.filter(charge=charge).update(amount=Decimal("60.00"))
    assert balance(charge)[1] == 6000
    Allocation.objects.filter(charge=charge).delete()
    assert balance(charge)[1:] == (0, 0, None, None, False)

    ChargeBalance.objects.filter(charge=charge).update(paid_fen=1)  # drift, as a bad manual edit would leave
    assert stale_balances() == [charge.pk]
    with pytest.raises(Exception, match="台账核对发现"):
        call_command("check_ledger")
