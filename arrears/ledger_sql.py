"""The set-based sums of the ledger, in SQL both backends run alike: whole fen, day numbers, one statement each.

Each sum reads a charge's balance row (arrears_chargebalance: what its allocations add up to, and between which
days) when the row answers the question on its own, and the charge's allocations only when it does not: a window
of dates [lo, hi] holds all of a charge's allocations or none of them for nearly every charge, so the sum of that
window is ``paid_fen`` or 0 without touching the allocations (:func:`paid_between`). The few charges whose
allocations straddle the window are summed from their allocations, in the same statement and scan.

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


def date_literal(value: date) -> str:
    """A date the code chose (never one typed in) as an SQL literal, compared with date columns as they are."""
    text = value.isoformat()
    return f"DATE '{text}'" if connection.vendor == "postgresql" else f"'{text}'"


def _within(lo: date | None, hi: date) -> str:
    inside = f"b.last_paid_on <= {date_literal(hi)}"
    return inside if lo is None else f"b.first_paid_on >= {date_literal(lo)} AND {inside}"


def _outside(lo: date | None, hi: date) -> str:
    outside = f"b.first_paid_on > {date_literal(hi)}"
    return outside if lo is None else f"{outside} OR b.last_paid_on < {date_literal(lo)}"


def paid_between(lo: date | None, hi: date) -> str:
    """Σ fen allocated to the charge of balance row ``b`` on days lo ≤ d ≤ hi: from the row itself when it can
    tell, else from the charge's allocations (a correlated subquery that runs only for those rows)."""
    return (
        f"(CASE WHEN b.last_paid_on IS NULL THEN 0 "
        f"WHEN {_within(lo, hi)} THEN b.paid_fen "
        f"WHEN {_outside(lo, hi)} THEN 0 "
        f"ELSE {allocated_between(lo, hi)} END)"
    )


def allocated_between(lo: date | None, hi: date, charge: str = "b.charge_id") -> str:
    """Σ fen of the allocations of ``charge`` dated lo ≤ d ≤ hi, as a correlated subquery: it runs, on the
    allocation index, only for the few rows that need it."""
    condition = f"a.applied_on <= {date_literal(hi)}"
    if lo is not None:
        condition += f" AND a.applied_on >= {date_literal(lo)}"
    return (
        f"(SELECT CAST(COALESCE(SUM({cents('a.amount')}), 0) AS BIGINT) FROM arrears_allocation a "
        f"WHERE a.charge_id = {charge} AND {condition})"
    )


def unpaid_sql(households: QuerySet, as_of: date) -> tuple[str, list]:
    """(charge_id, household_id, due_date, unpaid) in fen for every charge of ``households`` due before ``as_of``:
    its amount less what was allocated to it on or before ``as_of``."""
    scope_sql, scope_params = scope(households)
    sql = f"""
SELECT b.charge_id, b.household_id, b.due_date, b.amount_fen - {paid_between(None, as_of)} AS unpaid
FROM arrears_chargebalance b
WHERE b.due_date < %s AND b.household_id IN ({scope_sql})
"""
    return sql, [as_of, *scope_params]
