"""The late fee (违约金) of a charge, as DOMAIN.md defines it. Pure: dates and Decimals in, Decimal out."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from .money import ZERO, round_money


@dataclass(frozen=True)
class LateFeePolicy:
    """A community's (or one household's overriding) late-fee terms."""

    daily_rate: Decimal
    grace_days: int
    cap_ratio: Decimal | None = None

    @property
    def annual_rate(self) -> Decimal:
        return self.daily_rate * 365


def late_fee_unrounded(
    *,
    amount: Decimal,
    due_date: date,
    allocations: Iterable[tuple[date, Decimal]],
    as_of: date,
    policy: LateFeePolicy,
) -> Decimal:
    """Σ base(x) × daily_rate over the accrual days, before the cap and rounding.

    Accrual days are x with due_date + grace_days < x ≤ as_of. The base on day x is the amount less every
    allocation dated on or before x (so a payment on day x already lowers that day's base). Allocations may
    be negative (a reversal puts the principal back from the reversal's date).
    """
    first_day = due_date + timedelta(days=policy.grace_days + 1)
    if as_of < first_day:
        return Decimal(0)
    base = Decimal(amount)
    day = first_day
    total = Decimal(0)
    for when, allocated in sorted(allocations, key=lambda item: item[0]):
        if when > as_of:
            break
        if when > day:
            total += max(base, ZERO) * (when - day).days
            day = when
        base -= allocated
    total += max(base, ZERO) * ((as_of - day).days + 1)
    return total * policy.daily_rate


def late_fee(
    *,
    amount: Decimal,
    due_date: date,
    allocations: Iterable[tuple[date, Decimal]],
    as_of: date,
    policy: LateFeePolicy,
) -> Decimal:
    """The late fee of one charge as of ``as_of``: capped, then rounded to the fen."""
    fee = late_fee_unrounded(amount=amount, due_date=due_date, allocations=allocations, as_of=as_of, policy=policy)
    if policy.cap_ratio is not None:
        fee = min(fee, policy.cap_ratio * Decimal(amount))
    return round_money(fee)


def outstanding(*, amount: Decimal, allocations: Iterable[tuple[date, Decimal]], as_of: date) -> Decimal:
    """Principal still unpaid on ``as_of``: payments dated after it are ignored."""
    return Decimal(amount) - sum((a for when, a in allocations if when <= as_of), ZERO)
