"""Calendar months, for "months overdue" on letters, the 公示, the batch filter and the collector's card."""

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """``day`` moved ``months`` calendar months later, clamped to the last day of the month (01-31 + 1 → 02-28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_overdue(oldest_due: date | None, as_of: date) -> int:
    """Whole months a household has been overdue: from its oldest unpaid due date to ``as_of``; 0 if none.

    The largest n ≥ 0 such that the oldest due date moved n calendar months later (clamped to the end of a shorter
    month) is on or before ``as_of``. A charge due 2026-01-31 is 0 months overdue on 2026-02-27, 1 on 2026-02-28
    and on 2026-03-30, 2 on 2026-03-31; due 2025-12-15, it is 3 months overdue on 2026-03-15. Never negative.
    The one rule of the letters, the 公示, the batch filter and the collector's card and task sheet.
    """
    if oldest_due is None:
        return 0
    months = (as_of.year - oldest_due.year) * 12 + as_of.month - oldest_due.month
    if months > 0 and add_months(oldest_due, months) > as_of:
        months -= 1
    return max(months, 0)
