"""Reads of the ledger beyond a household's position (arrears.positions): collection rates, rejected payments."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import DecimalField, QuerySet
from django.utils import timezone

from . import ledger_sql
from .models import Community, Payment
from .models.ledger import PaymentStatus
from .positions import owing as owing_of
from .rates import CollectionRates, CollectionTotals, period_bounds, rates_from_totals

_MONEY = DecimalField(max_digits=14, decimal_places=2)


def collection_rates(
    community: Community, *, year: int, as_of: date, owing: dict[int, Decimal] | None = None
) -> CollectionRates:
    """收费率, 清欠率, 综合收缴率 and 户收费率 of a community for a year as of a date (DOMAIN.md).

    One statement over the community's charges (arrears.ledger_sql); ``owing`` is ``arrears.positions.owing`` of the
    community's households when the caller has it already.
    """
    start, end = period_bounds(year, as_of)
    households = community.households.all()
    rows = _rate_sums(households, start=start, end=end, as_of=as_of)
    owing = owing_of(households, as_of) if owing is None else owing
    with_due = [household_id for household_id, *_sums, current in rows if current]
    fen = ledger_sql.fen
    return rates_from_totals(
        CollectionTotals(
            year=year,
            current_due=fen(sum(row[1] or 0 for row in rows)),
            current_collected=fen(sum(row[2] or 0 for row in rows)),
            arrears_at_year_start=fen(sum((row[3] or 0) - (row[4] or 0) for row in rows)),
            arrears_recovered=fen(sum(row[5] or 0 for row in rows)),
            households_clear=sum(1 for household_id in with_due if household_id not in owing),
            households_with_due=len(with_due),
        )
    )


def _rate_sums(households: QuerySet, *, start: date, end: date, as_of: date) -> list[tuple]:
    """Per household, in fen: 当期应收 and what was allocated to it by T; charges due before the year and what was
    allocated to them by the year's eve and within [start, T]; whether it has a charge due in the period."""
    sql_ = ledger_sql
    scope_sql, scope_params = sql_.scope(households)
    t, eve, lo = as_of, start - timedelta(days=1), start
    sql = f"""
SELECT b.household_id,
       SUM(CASE WHEN b.due_date >= %s THEN b.amount_fen ELSE 0 END),
       SUM(CASE WHEN b.due_date >= %s THEN {sql_.paid_between(None, t)} ELSE 0 END),
       SUM(CASE WHEN b.due_date < %s THEN b.amount_fen ELSE 0 END),
       SUM(CASE WHEN b.due_date < %s THEN {sql_.paid_between(None, eve)} ELSE 0 END),
       SUM(CASE WHEN b.due_date < %s THEN {sql_.paid_between(lo, t)} ELSE 0 END),
       MAX(CASE WHEN b.due_date >= %s THEN 1 ELSE 0 END)
FROM arrears_chargebalance b
WHERE b.due_date <= %s AND b.household_id IN ({scope_sql})
GROUP BY b.household_id
"""
    params = [start] * 6 + [end, *scope_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# How long a rejected payment stays on its collector's pages.
REJECTED_NOTICE_DAYS = 14


def recently_rejected(payments: QuerySet[Payment], today: date | None = None) -> QuerySet[Payment]:
    """Those of ``payments`` that finance rejected in the last REJECTED_NOTICE_DAYS days, newest first."""
    today = today or timezone.localdate()
    since = today - timedelta(days=REJECTED_NOTICE_DAYS)
    return (
        payments.filter(status=PaymentStatus.REJECTED, verified_at__date__gte=since)
        .select_related("household__building")
        .order_by("-verified_at", "-pk")
    )
