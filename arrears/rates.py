"""Collection rates (收缴率) for a community and a year, as DOMAIN.md defines them.

Two pure layers: ``rates_from_totals`` turns the four sums and two household counts into ratios (the
database computes the sums at scale), and ``collection_totals`` computes those sums from plain charge facts
(used by tests to prove the SQL against a hand-checkable reference).
"""

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .money import ZERO


@dataclass(frozen=True)
class ChargeFacts:
    """One charge reduced to what the formulas read: its household, amount, due date and allocations."""

    household: Hashable
    amount: Decimal
    due_date: date
    allocations: tuple[tuple[date, Decimal], ...] = field(default=())


@dataclass(frozen=True)
class CollectionTotals:
    """The sums behind the rates, for year Y as of T."""

    year: int
    current_due: Decimal = ZERO
    current_collected: Decimal = ZERO
    arrears_at_year_start: Decimal = ZERO
    arrears_recovered: Decimal = ZERO
    households_clear: int = 0
    households_with_due: int = 0


@dataclass(frozen=True)
class CollectionRates:
    """Totals plus the four ratios; a ratio is None where its denominator is zero."""

    totals: CollectionTotals
    collection_rate: Decimal | None
    recovery_rate: Decimal | None
    overall_rate: Decimal | None
    household_rate: Decimal | None


def _ratio(numerator, denominator) -> Decimal | None:
    if not denominator:
        return None
    return Decimal(numerator) / Decimal(denominator)


def rates_from_totals(totals: CollectionTotals) -> CollectionRates:
    """收费率, 清欠率, 综合收缴率 and 户收费率 from their sums (unrounded)."""
    return CollectionRates(
        totals=totals,
        collection_rate=_ratio(totals.current_collected, totals.current_due),
        recovery_rate=_ratio(totals.arrears_recovered, totals.arrears_at_year_start),
        overall_rate=_ratio(
            totals.current_collected + totals.arrears_recovered,
            totals.current_due + totals.arrears_at_year_start,
        ),
        household_rate=_ratio(totals.households_clear, totals.households_with_due),
    )


def period_bounds(year: int, as_of: date) -> tuple[date, date]:
    """The current period of year Y as of T: [Y-01-01, min(T, Y-12-31)]."""
    return date(year, 1, 1), min(as_of, date(year, 12, 31))


def collection_totals(charges: Iterable[ChargeFacts], *, year: int, as_of: date) -> CollectionTotals:
    """The sums of DOMAIN.md's formulas, computed charge by charge."""
    start, end = period_bounds(year, as_of)
    prior_year_end = date(year - 1, 12, 31)
    current_due = current_collected = arrears_start = recovered = ZERO
    households_with_due: set = set()
    overdue_by_household: dict[Hashable, Decimal] = {}
    for charge in charges:
        if start <= charge.due_date <= end:
            current_due += charge.amount
            current_collected += sum((a for when, a in charge.allocations if when <= as_of), ZERO)
            households_with_due.add(charge.household)
        elif charge.due_date < start:
            paid_by_year_end = sum((a for when, a in charge.allocations if when <= prior_year_end), ZERO)
            arrears_start += charge.amount - paid_by_year_end
            recovered += sum((a for when, a in charge.allocations if start <= when <= as_of), ZERO)
        if charge.due_date < as_of:
            unpaid = charge.amount - sum((a for when, a in charge.allocations if when <= as_of), ZERO)
            overdue_by_household[charge.household] = overdue_by_household.get(charge.household, ZERO) + unpaid
    households_clear = sum(1 for h in households_with_due if overdue_by_household.get(h, ZERO) <= 0)
    return CollectionTotals(
        year=year,
        current_due=current_due,
        current_collected=current_collected,
        arrears_at_year_start=arrears_start,
        arrears_recovered=recovered,
        households_clear=households_clear,
        households_with_due=len(households_with_due),
    )
