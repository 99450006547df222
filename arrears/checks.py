"""Ledger invariants: the sums that must always hold. Used by ``check_ledger`` and the tests."""

from django.db import connection
from django.db.models import F, Q, Sum

from . import ledger_sql
from .models import Allocation, Charge, Payment, ReceiptCounter
from .models.ledger import PaymentStatus
from .money import format_money as m
from .money import round_money


def ledger_problems(limit: int = 50) -> list[str]:
    """Every broken invariant, described in Chinese (at most ``limit`` of each kind)."""
    problems: list[str] = []
    over_paid = (
        Payment.objects.annotate(allocated=Sum("allocations__amount", filter=Q(allocations__amount__gt=0)))
        .filter(allocated__gt=F("amount"))
        .values_list("pk", "amount", "allocated")[:limit]
    )
    # SQLite sums decimals as floats: judge the candidates again on the rounded sum.
    problems += [
        f"收款 #{pk}: 核销 {m(alloc)} 超过收款金额 {m(amount)}"
        for pk, amount, alloc in over_paid
        if round_money(alloc) > amount
    ]
    over_allocated = (
        Charge.objects.annotate(paid=Sum("allocations__amount"))
        .filter(Q(paid__gt=F("amount")) | Q(paid__lt=0))
        .values_list("pk", "amount", "paid")[:limit]
    )
    problems += [
        f"应收 #{pk}: 已核销 {m(paid)},应收 {m(amount)}"
        for pk, amount, paid in over_allocated
        if round_money(paid) > amount or round_money(paid) < 0
    ]
    stray = Allocation.objects.exclude(
        payment__status__in=[PaymentStatus.VERIFIED, PaymentStatus.REVERSED]
    ).values_list("pk", "payment_id")[:limit]
    problems += [f"核销 #{pk}: 收款 #{payment} 未复核" for pk, payment in stray]
    not_reversed = (
        Payment.objects.filter(status=PaymentStatus.REVERSED)
        .annotate(net=Sum("allocations__amount"))
        .exclude(net=0)
        .exclude(net__isnull=True)
        .values_list("pk", "net")[:limit]
    )
    problems += [f"收款 #{pk}: 已冲正但净核销 {m(net)}" for pk, net in not_reversed if round_money(net) != 0]
    problems += [f"应收 #{pk}: 核销汇总与核销明细不符" for pk in stale_balances(limit)]
    for counter in ReceiptCounter.objects.select_related("community"):
        prefix = f"{counter.community.code}-{counter.year}-"
        numbers = sorted(
            int(no.removeprefix(prefix))
            for no in Payment.objects.filter(
                community=counter.community, receipt_no__startswith=prefix, imported=False
            ).values_list("receipt_no", flat=True)
        )
        if numbers != list(range(1, counter.last_number + 1)):
            problems.append(f"{prefix}: 收据号不连续(已发 {counter.last_number} 个,实有 {len(numbers)} 个)")
    return problems


def stale_balances(limit: int = 50) -> list[int]:
    """Charges whose balance row (paid to date, kept by triggers) differs from what their allocations add up to."""
    fen = ledger_sql.cents("a.amount")
    day = ledger_sql.day("a.applied_on")
    sql = f"""
SELECT b.charge_id
FROM arrears_chargebalance b
JOIN arrears_charge c ON c.id = b.charge_id
LEFT JOIN (
    SELECT a.charge_id, SUM({fen}) AS paid, SUM({fen} * {day}) AS paid_days, MIN(a.applied_on) AS first_on,
           MAX(a.applied_on) AS last_on
    FROM arrears_allocation a GROUP BY a.charge_id
) s ON s.charge_id = b.charge_id
WHERE b.paid_fen <> COALESCE(s.paid, 0) OR b.paid_fen_days <> COALESCE(s.paid_days, 0)
   OR b.amount_fen <> {ledger_sql.cents("c.amount")} OR b.due_date <> c.due_date OR b.household_id <> c.household_id
   OR COALESCE(b.first_paid_on, c.due_date) <> COALESCE(s.first_on, c.due_date)
   OR COALESCE(b.last_paid_on, c.due_date) <> COALESCE(s.last_on, c.due_date)
UNION ALL
SELECT c.id FROM arrears_charge c WHERE NOT EXISTS (SELECT 1 FROM arrears_chargebalance b WHERE b.charge_id = c.id)
LIMIT {int(limit)}
"""
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [row[0] for row in cursor.fetchall()]
