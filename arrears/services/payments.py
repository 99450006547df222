from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from arrears.allocation import allocate
from arrears.day_lock import assert_day_open
from arrears.entry_dates import check_entry_date
from arrears.models import Allocation, Household, Payment, PaymentReversal, ReceiptCounter
from arrears.models.ledger import PaymentChannel, PaymentStatus
from arrears.money import ZERO, validate_amount
from arrears.positions import open_charges


def _open_charges(household_id: int) -> list[tuple[int, Decimal]]:
    return open_charges([household_id]).get(household_id, [])


def _unallocated(payment: Payment) -> Decimal:
    allocated = payment.allocations.aggregate(total=Sum("amount"))["total"] or ZERO
    return payment.amount - allocated


def _write_allocations(payment: Payment, parts, applied_on: date) -> None:
    Allocation.objects.bulk_create(
        Allocation(payment=payment, charge_id=charge_id, amount=amount, applied_on=applied_on)
        for charge_id, amount in parts
    )


def apply_household_credit(*, household_id: int) -> None:
    """Allocate what verified payments still hold unallocated (prepayments) to the open charges.

    The caller holds the household's row lock.
    """
    credit_payments = Payment.objects.filter(household_id=household_id, status=PaymentStatus.VERIFIED).order_by(
        "paid_on", "id"
    )
    charges = None
    for payment in credit_payments:
        left = _unallocated(payment)
        if left <= ZERO:
            continue
        charges = _open_charges(household_id) if charges is None else charges
        parts = allocate(left, charges)
        if not parts:
            return
        _write_allocations(payment, parts, payment.paid_on)
        taken = dict(parts)
        charges = [(pk, amount - taken.get(pk, ZERO)) for pk, amount in charges if amount - taken.get(pk, ZERO) > 0]


@transaction.atomic
def payment_record(
    *,
    household: Household,
    amount: Decimal,
    paid_on: date,
    channel: str,
    collected_by=None,
    reference: str = "",
    note: str = "",
) -> Payment:
    """Record money received; it waits (待复核) until finance verifies it."""
    if amount is None or amount <= ZERO:
        raise ValidationError(_("收款金额必须大于零"))
    validate_amount(amount)
    if channel not in PaymentChannel.values:
        raise ValidationError(_("未知的收款方式:%(channel)s") % {"channel": channel})
    check_entry_date(paid_on, community_id=household.community_id, what=_("收款日期"))
    assert_day_open(community_id=household.community_id, day=paid_on, action=_("登记当天的收款"))
    return Payment.objects.create(
        community_id=household.community_id,
        household=household,
        amount=amount,
        paid_on=paid_on,
        channel=channel,
        collected_by=collected_by,
        reference=reference,
        note=note,
    )


def next_receipt_number(*, community_id: int, community_code: str, year: int) -> str:
    """Take the next gapless receipt number of a community and year. Call inside a transaction."""
    ReceiptCounter.objects.get_or_create(community_id=community_id, year=year)
    counter = ReceiptCounter.objects.select_for_update().get(community_id=community_id, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"{community_code}-{year}-{counter.last_number:06d}"


@transaction.atomic
def payment_verify(*, payment_id: int, verified_by, charge_id: int | None = None) -> Payment:
    """Verify a pending payment: issue its receipt number, allocate it to the named charge, then oldest due."""
    payment = Payment.objects.select_for_update(of=("self",)).select_related("community").get(pk=payment_id)
    if payment.status != PaymentStatus.PENDING:
        raise ValidationError(_("该笔收款状态为「%(status)s」,不能复核") % {"status": payment.get_status_display()})
    assert_day_open(community_id=payment.community_id, day=payment.paid_on, action=_("复核当天的收款"))
    Household.objects.select_for_update().filter(pk=payment.household_id).first()
    charges = _open_charges(payment.household_id)
    if charge_id is not None and charge_id not in {pk for pk, _amount in charges}:
        raise ValidationError(_("指定的应收不属于该房屋或已结清"))
    now = timezone.now()
    payment.receipt_no = next_receipt_number(
        community_id=payment.community_id,
        community_code=payment.community.code,
        year=timezone.localdate(now).year,
    )
    payment.status = PaymentStatus.VERIFIED
    payment.verified_by = verified_by
    payment.verified_at = now
    payment.save(update_fields=["receipt_no", "status", "verified_by", "verified_at"])
    _write_allocations(payment, allocate(payment.amount, charges, named=charge_id), payment.paid_on)
    return payment


@transaction.atomic
def payment_reject(*, payment_id: int, rejected_by, reason: str) -> Payment:
    """Reject a pending payment with a reason the collector sees."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("请填写驳回原因"))
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    if payment.status != PaymentStatus.PENDING:
        raise ValidationError(_("该笔收款状态为「%(status)s」,不能驳回") % {"status": payment.get_status_display()})
    assert_day_open(community_id=payment.community_id, day=payment.paid_on, action=_("驳回当天的收款"))
    payment.status = PaymentStatus.REJECTED
    payment.rejection_reason = reason
    payment.verified_by = rejected_by
    payment.verified_at = timezone.now()
    payment.save(update_fields=["status", "rejection_reason", "verified_by", "verified_at"])
    return payment


@transaction.atomic
def payment_reverse(*, payment_id: int, reversed_by, reason: str, reversed_on: date | None = None) -> PaymentReversal:
    """Reverse a verified payment: from ``reversed_on`` its allocations are taken back by negative entries.

    The receipt number stays used; before ``reversed_on`` the ledger still shows the payment as it was.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("请填写冲正原因"))
    reversed_on = reversed_on or timezone.localdate()
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    if payment.status != PaymentStatus.VERIFIED:
        raise ValidationError(
            _("该笔收款状态为「%(status)s」,只有已复核的收款可以冲正") % {"status": payment.get_status_display()}
        )
    if reversed_on < payment.paid_on:
        raise ValidationError(_("冲正日期不能早于收款日期"))
    check_entry_date(reversed_on, community_id=payment.community_id, what=_("冲正日期"))
    # Only the reversal's own day is checked: a payment of a closed day is corrected by a reversal dated on an
    # open day, which leaves the closed day's figures as they were.
    assert_day_open(community_id=payment.community_id, day=reversed_on, action=_("在当天冲正"))
    Household.objects.select_for_update().filter(pk=payment.household_id).first()
    reversal = PaymentReversal.objects.create(
        payment=payment, reversed_on=reversed_on, reason=reason, reversed_by=reversed_by
    )
    totals = payment.allocations.values("charge_id").annotate(total=Sum("amount"))
    Allocation.objects.bulk_create(
        Allocation(
            payment=payment,
            charge_id=row["charge_id"],
            amount=-row["total"],
            applied_on=reversed_on,
            reversal=reversal,
        )
        for row in totals
        if row["total"]
    )
    payment.status = PaymentStatus.REVERSED
    payment.save(update_fields=["status"])
    return reversal
