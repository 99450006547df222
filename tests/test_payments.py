from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from arrears.models import Allocation, Charge, Payment, ReceiptCounter
from arrears.models.ledger import PaymentChannel, PaymentStatus
from arrears.services import charge_post, payment_record, payment_reject, payment_reverse, payment_verify
from tests.factories import ChargeFactory, FeeItemFactory, HouseholdFactory, PaymentFactory

pytestmark = pytest.mark.django_db


def allocations_of(payment):
    return [(a.charge_id, a.amount, a.applied_on) for a in Allocation.objects.filter(payment=payment)]


def monthly_charges(household, months, amount="300.00"):
    charges = []
    for month in months:
        charges.append(
            ChargeFactory(
                household=household,
                period_start=date(2026, month, 1),
                period_end=date(2026, month, 28),
                amount=Decimal(amount),
                due_date=date(2026, month, 28),
            )
        )
    return charges


def test_verify_issues_receipt_and_allocates_oldest_due_first():
    household = HouseholdFactory(community__code="HY")
    jan, feb, mar = monthly_charges(household, [1, 2, 3])
    payment = PaymentFactory(household=household, amount=Decimal("450.00"), paid_on=date(2026, 3, 2))
    payment_verify(payment_id=payment.pk, verified_by=None)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.VERIFIED
    assert payment.receipt_no.startswith("HY-") and payment.receipt_no.endswith("-000001")
    assert allocations_of(payment) == [
        (jan.pk, Decimal("300.00"), date(2026, 3, 2)),
        (feb.pk, Decimal("150.00"), date(2026, 3, 2)),
    ]


def test_named_charge_is_paid_first():
    household = HouseholdFactory()
    jan, feb = monthly_charges(household, [1, 2])
    payment = PaymentFactory(household=household, amount=Decimal("400.00"))
    payment_verify(payment_id=payment.pk, verified_by=None, charge_id=feb.pk)
    assert allocations_of(payment) == [
        (feb.pk, Decimal("300.00"), payment.paid_on),
        (jan.pk, Decimal("100.00"), payment.paid_on),
    ]


def test_named_charge_of_another_household_is_refused():
    household = HouseholdFactory()
    other = ChargeFactory()
    monthly_charges(household, [1])
    payment = PaymentFactory(household=household)
    with pytest.raises(ValidationError):
        payment_verify(payment_id=payment.pk, verified_by=None, charge_id=other.pk)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING and payment.receipt_no is None
    assert not ReceiptCounter.objects.exists() or ReceiptCounter.objects.get().last_number == 0


def test_overpayment_stays_as_credit_and_pays_the_next_charge_posted():
    household = HouseholdFactory()
    (jan,) = monthly_charges(household, [1])
    payment = PaymentFactory(household=household, amount=Decimal("500.00"), paid_on=date(2026, 1, 20))
    payment_verify(payment_id=payment.pk, verified_by=None)
    assert sum(a for _c, a, _d in allocations_of(payment)) == Decimal("300.00")
    feb = charge_post(
        household=household,
        fee_item=FeeItemFactory(),
        period_start=date(2026, 2, 1),
        period_end=date(2026, 2, 28),
        amount=Decimal("300.00"),
        due_date=date(2026, 2, 28),
    )
    assert (feb.pk, Decimal("200.00"), date(2026, 1, 20)) in allocations_of(payment)


def test_receipt_numbers_are_sequential_per_community():
    a = HouseholdFactory(community__code="AA")
    b = HouseholdFactory(community__code="BB")
    numbers = []
    for household in (a, a, b, a):
        payment = PaymentFactory(household=household)
        numbers.append(payment_verify(payment_id=payment.pk, verified_by=None).receipt_no)
    assert [n.split("-")[0] for n in numbers] == ["AA", "AA", "BB", "AA"]
    assert [n.split("-")[-1] for n in numbers] == ["000001", "000002", "000001", "000003"]


def test_verifying_twice_is_refused():
    payment = PaymentFactory()
    payment_verify(payment_id=payment.pk, verified_by=None)
    with pytest.raises(ValidationError, match="不能复核"):
        payment_verify(payment_id=payment.pk, verified_by=None)
    assert ReceiptCounter.objects.get().last_number == 1


def test_reject_needs_a_reason_and_leaves_no_allocation():
    payment = PaymentFactory()
    with pytest.raises(ValidationError):
        payment_reject(payment_id=payment.pk, rejected_by=None, reason="  ")
    payment_reject(payment_id=payment.pk, rejected_by=None, reason="金额与流水不符")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REJECTED
    assert payment.rejection_reason == "金额与流水不符"
    assert not Allocation.objects.exists()


def test_reversal_appends_negative_allocations_dated_the_reversal():
    household = HouseholdFactory()
    (jan,) = monthly_charges(household, [1])
    payment = PaymentFactory(household=household, amount=Decimal("300.00"), paid_on=date(2026, 2, 11))
    payment_verify(payment_id=payment.pk, verified_by=None)
    payment_reverse(payment_id=payment.pk, reversed_by=None, reason="银行退票", reversed_on=date(2026, 2, 21))
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REVERSED
    assert sorted(allocations_of(payment), key=lambda r: r[2]) == [
        (jan.pk, Decimal("300.00"), date(2026, 2, 11)),
        (jan.pk, Decimal("-300.00"), date(2026, 2, 21)),
    ]
    # The receipt number stays used.
    assert payment.receipt_no.endswith("000001")
    with pytest.raises(ValidationError):
        payment_reverse(payment_id=payment.pk, reversed_by=None, reason="again")


def test_reverse_needs_a_reason_and_a_verified_payment():
    payment = PaymentFactory()
    with pytest.raises(ValidationError, match="已复核"):
        payment_reverse(payment_id=payment.pk, reversed_by=None, reason="x")
    payment_verify(payment_id=payment.pk, verified_by=None)
    with pytest.raises(ValidationError, match="原因"):
        payment_reverse(payment_id=payment.pk, reversed_by=None, reason="")


def test_payment_record_validates_in_chinese():
    household = HouseholdFactory()
    with pytest.raises(ValidationError, match="大于零"):
        payment_record(household=household, amount=Decimal("0"), paid_on=date(2026, 1, 1), channel="cash")
    with pytest.raises(ValidationError, match="收款方式"):
        payment_record(household=household, amount=Decimal("1"), paid_on=date(2026, 1, 1), channel="gold")
    with pytest.raises(ValidationError, match="晚于今天"):
        payment_record(household=household, amount=Decimal("1"), paid_on=date(2999, 1, 1), channel="cash")
    payment = payment_record(
        household=household, amount=Decimal("88.00"), paid_on=date(2026, 1, 1), channel=PaymentChannel.WECHAT
    )
    assert payment.status == PaymentStatus.PENDING and payment.community_id == household.community_id
    assert Payment.objects.count() == 1


def test_charge_post_refuses_bad_input_and_duplicates():
    household = HouseholdFactory()
    item = FeeItemFactory()
    kwargs = dict(
        household=household,
        fee_item=item,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 1, 31),
        amount=Decimal("10.00"),
        due_date=date(2026, 1, 31),
    )
    with pytest.raises(ValidationError):
        charge_post(**{**kwargs, "amount": Decimal("-1")})
    with pytest.raises(ValidationError):
        charge_post(**{**kwargs, "period_end": date(2025, 12, 1)})
    charge_post(**kwargs)
    with pytest.raises(ValidationError, match="已存在"):
        charge_post(**kwargs)
    assert Charge.objects.count() == 1


def test_check_ledger_passes_on_a_sound_ledger_and_finds_a_broken_one(capsys):
    from django.core.management import CommandError, call_command

    household = HouseholdFactory()
    (jan,) = monthly_charges(household, [1])
    payment = PaymentFactory(household=household, amount=Decimal("100.00"))
    payment_verify(payment_id=payment.pk, verified_by=None)
    call_command("check_ledger")
    assert "通过" in capsys.readouterr().out
    Allocation.objects.create(payment=payment, charge=jan, amount=Decimal("250.00"), applied_on=date(2026, 3, 3))
    with pytest.raises(CommandError, match="问题"):
        call_command("check_ledger")
    err = capsys.readouterr().err
    assert "超过收款金额" in err and "已核销 350.00" in err


def test_check_ledger_is_not_fooled_by_float_sums():
    # Three allocations of 366.85 make exactly 1100.55; SQLite's float SUM makes it 1100.5500000000002.
    from arrears.checks import ledger_problems

    household = HouseholdFactory()
    ChargeFactory(household=household, amount=Decimal("1100.55"))
    for _ in range(3):
        payment = PaymentFactory(household=household, amount=Decimal("366.85"))
        payment_verify(payment_id=payment.pk, verified_by=None)
    assert ledger_problems() == []
