"""The set-based sums of the ledger, in SQL both backends run alike: whole fen, day numbers, one statement each.

Each sum reads a charge's balance row (arrears_chargebalance: what its allocations add up to, and between which
days) when the row answers the question on its own, and the charge's allocations only when it does not: a window
of dates [lo, hi] holds all of a charge's allocations or none of them for nearly every charge, so the sum of that
window is ``paid_fen`` or 0 without touching the allocations. The few charges whose allocations straddle the window
are summed from their allocations in the same statement.

Households are chosen by any queryset, compiled into the statement as a subquery (:func:`scope`).
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet

EPOCH = date(1970, 1, 1)
CENT = Decimal("0.01")


def day_number(value: date) -> int:
    return (value - EPOCH).days


def greatest(*terms: str) -> str:
    return f"{'GREATEST' if connection.vendor == 'postgresql' else 'MAX'}({', '.join(terms)})"


def least(*terms: str) -> str:
    return f"{'LEAST' if connection.vendor == 'postgresql' else 'MIN'}({', '.join(terms)})"


def day(column: str) -> str:
    """A date column as a day number (days since 1970-01-01)."""
    if connection.vendor == "postgresql":
        return f"({column} - DATE '1970-01-01')"
    # SQLite keeps dates as text; julianday() of a date is N.5, so truncating gives whole days.
    return f"(CAST(julianday({column}) AS INTEGER) - 2440587)"


def cents(column: str) -> str:
    return f"CAST(ROUND({column} * 100) AS BIGINT)"


def fen(value) -> Decimal:
    """Whole fen from the database as yuan."""
    return (Decimal(int(value or 0)) * CENT).quantize(CENT)


def as_date(value) -> date | None:
    if value is None:
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def scope(households: QuerySet) -> tuple[str, list]:
    """The household ids of a queryset as a subquery and its parameters."""
    try:
        sql, params = households.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # e.g. filter(pk__in=[]): Django knows the answer without asking
        return "SELECT CAST(NULL AS BIGINT) WHERE 1 = 0", []
    return sql, list(params)


def window_clean(lo: str | None, hi: str) -> str:
    """Whether a balance row answers "what was allocated on days lo ≤ d ≤ hi" by itself (day-number terms)."""
    first, last = day("first_paid_on"), day("last_paid_on")
    inside = f"{first} >= {lo} AND {last} <= {hi}" if lo is not None else f"{last} <= {hi}"
    outside = f"{last} < {lo} OR {first} > {hi}" if lo is not None else f"{first} > {hi}"
    return f"(last_paid_on IS NULL OR ({inside}) OR {outside})"


def window_paid(lo: str | None, hi: str) -> str:
    """What a clean balance row says was allocated on days lo ≤ d ≤ hi, in fen."""
    first, last = day("first_paid_on"), day("last_paid_on")
    inside = f"{first} >= {lo} AND {last} <= {hi}" if lo is not None else f"{last} <= {hi}"
    return f"(CASE WHEN last_paid_on IS NOT NULL AND {inside} THEN paid_fen ELSE 0 END)"


def allocated_between(lo: str | None, hi: str, charge: str = "b.charge_id") -> str:
    """Σ fen of the allocations of ``charge`` dated lo ≤ d ≤ hi, as a correlated subquery: it runs, on the
    allocation index, only for the few rows that need it."""
    condition = f"{day('a.applied_on')} <= {hi}"
    if lo is not None:
        condition += f" AND {day('a.applied_on')} >= {lo}"
    return (
        f"(SELECT CAST(COALESCE(SUM({cents('a.amount')}), 0) AS BIGINT) FROM arrears_allocation a "
        f"WHERE a.charge_id = {charge} AND {condition})"
    )


def unpaid_sql(households: QuerySet, as_of: date) -> tuple[str, list]:
    """(charge_id, household_id, due_date, unpaid) in fen for every charge of ``households`` due before ``as_of``:
    its amount less what was allocated to it on or before ``as_of``."""
    scope_sql, scope_params = scope(households)
    t = str(day_number(as_of))
    where = f"WHERE b.due_date < %s AND b.household_id IN ({scope_sql})"
    sql = f"""
SELECT charge_id, household_id, due_date, amount_fen - {window_paid(None, t)} AS unpaid
FROM arrears_chargebalance b
{where} AND {window_clean(None, t)}
UNION ALL
SELECT b.charge_id, b.household_id, b.due_date, b.amount_fen - {allocated_between(None, t)}
FROM arrears_chargebalance b
{where} AND NOT {window_clean(None, t)}
"""
    return sql, [as_of, *scope_params, as_of, *scope_params]
