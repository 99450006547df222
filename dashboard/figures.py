"""The dashboard's arithmetic over plain values: the cumulative series, the target line, the projection to the
year end, the amount a day still needed, and the aging buckets. Pure: dates and Decimals in, Decimals out.

- **Cumulative 当期实收 on day d** is what the 收费率 as of d would count: verified allocations dated ≤ d to charges
  due in [Y-01-01, d]. An allocation therefore enters the series on the later of its date and its charge's due date
  (a prepayment counts when its charge falls due), and the series on T equals 当期实收 as of T.
- **Target line on day d** = target × 全年应收 × (days from Y-01-01 to d, inclusive) / days in Y, where 全年应收 is the
  sum of the charges of year Y already posted (due in [Y-01-01, Y-12-31]): the year's target spread evenly.
- **Projection** to Y-12-31: 当期实收 on T plus the run rate of the last 30 days (fewer early in January) times the
  days left after T.
- **Needed a day**: (target × 全年应收 − 当期实收 on T) / days left after T, never below zero; None on Y-12-31.
"""

import calendar
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from arrears.money import ZERO, round_money

RUN_RATE_DAYS = 30

# Aging buckets of overdue principal by days past the due date (DOMAIN.md); the last is the limitation risk.
AGING_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    (_("≤30天"), 1, 30),
    (_("31–90天"), 31, 90),
    (_("91–180天"), 91, 180),
    (_("181–365天"), 181, 365),
    (_("1–2年"), 366, 730),
    (_("2–3年"), 731, 1095),
    (_("3年以上"), 1096, None),
)


def aging_bucket(due_date: date, as_of: date) -> int | None:
    """The index of the bucket a charge due on ``due_date`` falls in as of ``as_of``; None if not yet overdue."""
    days = (as_of - due_date).days
    if days < 1:
        return None
    for index, (_label, low, high) in enumerate(AGING_BUCKETS):
        if days >= low and (high is None or days <= high):
            return index
    return None


def days_in_year(year: int) -> int:
    return 366 if calendar.isleap(year) else 365


def cumulative(increments: dict[date, Decimal], start: date, end: date) -> list[tuple[date, Decimal]]:
    """Running totals for every day of [start, end]; increments before ``start`` count on the first day."""
    total = sum((amount for day, amount in increments.items() if day < start), ZERO)
    series = []
    day = start
    while day <= end:
        total += increments.get(day, ZERO)
        series.append((day, total))
        day += timedelta(days=1)
    return series


def target_on(day: date, *, target: Decimal, year_due: Decimal) -> Decimal:
    """The target line on ``day``: target × 全年应收 spread evenly over the days of the year (unrounded)."""
    elapsed = (day - date(day.year, 1, 1)).days + 1
    return target * year_due * elapsed / days_in_year(day.year)


def days_left(as_of: date) -> int:
    """Days after ``as_of`` to the end of its year."""
    return (date(as_of.year, 12, 31) - as_of).days


def run_rate(series: dict[date, Decimal], as_of: date) -> Decimal:
    """Average collected a day over the last 30 days up to ``as_of`` (or since 1 January if fewer)."""
    year_start = date(as_of.year, 1, 1)
    window = min(RUN_RATE_DAYS, (as_of - year_start).days + 1)
    before = as_of - timedelta(days=window)
    earlier = series.get(before, ZERO) if before >= year_start else ZERO
    return (series.get(as_of, ZERO) - earlier) / window


def projection(series: dict[date, Decimal], as_of: date) -> Decimal:
    """当期实收 projected to 31 December at the run rate of the last 30 days."""
    return round_money(series.get(as_of, ZERO) + run_rate(series, as_of) * days_left(as_of))


def needed_per_day(*, collected: Decimal, target: Decimal, year_due: Decimal, as_of: date) -> Decimal | None:
    """What must be collected each remaining day to reach target × 全年应收 by 31 December; None on 31 December."""
    remaining = days_left(as_of)
    if remaining <= 0:
        return None
    gap = target * year_due - collected
    return round_money(max(gap, ZERO) / remaining)


def weighted_target(parts: Iterable[tuple[Decimal, Decimal]]) -> Decimal | None:
    """One target for several communities: Σ target × 全年应收 / Σ 全年应收 (None with nothing due)."""
    parts = list(parts)
    due = sum((year_due for _target, year_due in parts), ZERO)
    if not due:
        return parts[0][0] if parts else None
    return sum((target * year_due for target, year_due in parts), ZERO) / due
