"""The set-based sums of the ledger, in SQL both backends run alike: whole fen, day numbers, one statement each.

Each sum reads a charge's balance row (arrears_chargebalance: what its allocations add up to, and between which
days) when the row answers the question on its own, and the charge's allocations only when it does not: a window
of dates [lo, hi] holds all of a charge's allocations or none of them for nearly every charge, so the sum of that
window is ``paid_fen`` or 0 without touching the allocations (:func:`window_sums`). The few charges whose
allocations straddle the window are summed from their allocations, in a second statement over those rows only.

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


def settled_by(day: date) -> str:
    """A balance row ``b`` paid in full with every allocation dated on or before ``day``: it adds nothing to what is
    unpaid on ``day`` or later, so a scan of what is unpaid may pass over it without working out its sums."""
    return f"(b.paid_fen = b.amount_fen AND b.last_paid_on IS NOT NULL AND b.last_paid_on <= {date_literal(day)})"


def _within(lo: date | None, hi: date) -> str:
    inside = f"b.last_paid_on <= {date_literal(hi)}"
    return inside if lo is None else f"b.first_paid_on >= {date_literal(lo)} AND {inside}"


def _outside(lo: date | None, hi: date) -> str:
    outside = f"b.first_paid_on > {date_literal(hi)}"
    return outside if lo is None else f"{outside} OR b.last_paid_on < {date_literal(lo)}"


def _straddles(lo: date | None, hi: date) -> str:
    """A balance row whose allocations fall both inside and outside [lo, hi]: the row alone cannot tell."""
    across_hi = f"(b.first_paid_on <= {date_literal(hi)} AND b.last_paid_on > {date_literal(hi)})"
    if lo is None:
        return across_hi
    return f"({across_hi} OR (b.first_paid_on < {date_literal(lo)} AND b.last_paid_on >= {date_literal(lo)}))"


def _paid_if_clean(lo: date | None, hi: date) -> str:
    return f"(CASE WHEN b.last_paid_on IS NOT NULL AND {_within(lo, hi)} THEN b.paid_fen ELSE 0 END)"


AMOUNT = "amount"  # a column of window_sums: the charges' amounts rather than what was allocated
COUNT = "count"  # a column of window_sums: how many charges


def window_sums(
    households: QuerySet,
    *,
    group: str,
    where: str,
    where_params: list,
    columns: dict[str, tuple[str, object]],
) -> dict[object, dict[str, int]]:
    """Sums in fen over the balance rows ``b`` of ``households`` that meet ``where``, grouped by ``group`` (a column
    of b): {group value: {column: fen}}. Each column is (a condition on b, ``AMOUNT``, ``COUNT`` or a window (lo, hi)
    of dates whose allocations are summed).

    One grouped scan reads every row as it stands; a second statement, over the few rows whose allocations straddle
    a window, reads those rows' allocations and corrects the sums. Neither needs the allocations otherwise.
    """
    scope_sql, scope_params = scope(households)
    base = f"FROM arrears_chargebalance b WHERE {where} AND b.household_id IN ({scope_sql})"
    params = [*where_params, *scope_params]

    def value(spec) -> str:
        return {AMOUNT: "b.amount_fen", COUNT: "1"}.get(spec) or _paid_if_clean(*spec)

    # A charge's fen fit a 32-bit integer (amounts are bounded at input far below 21 million yuan): summing those,
    # PostgreSQL adds machine integers instead of numerics, and hands back ints.
    sums = ", ".join(
        f"SUM(CAST(CASE WHEN {condition} THEN {value(spec)} ELSE 0 END AS INTEGER))"
        for condition, spec in columns.values()
    )
    names = list(columns)
    result: dict[object, dict[str, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT b.{group}, {sums} {base} GROUP BY b.{group}", params)
        for key, *values in cursor.fetchall():
            result[key] = dict(zip(names, values, strict=True))  # ints: a SUM of ELSE 0 is never NULL
        windows = [
            (name, condition, spec) for name, (condition, spec) in columns.items() if spec not in (AMOUNT, COUNT)
        ]
        if not windows:
            return result
        straddling = " OR ".join(dict.fromkeys(_straddles(*spec) for _n, _c, spec in windows))
        corrections = ", ".join(
            f"CASE WHEN {condition} AND {_straddles(*spec)} THEN {allocated_between(*spec)} - {_paid_if_clean(*spec)} "
            f"ELSE 0 END"
            for _name, condition, spec in windows
        )
        # Only a charge paid over several days can straddle a window (an index holds just those).
        cursor.execute(
            f"SELECT b.{group}, {corrections} {base} AND b.first_paid_on < b.last_paid_on AND ({straddling})", params
        )
        for key, *deltas in cursor.fetchall():
            row = result.setdefault(key, dict.fromkeys(names, 0))
            for (name, _c, _s), delta in zip(windows, deltas, strict=True):
                row[name] += int(delta or 0)
    return result


def ids_scope(model, ids) -> QuerySet:
    """A queryset of ``model`` rows with these ids that compiles to one parameter on PostgreSQL (an array), so
    that a hundred thousand ids make a statement as short as ten."""
    ids = list(ids)
    if connection.vendor == "postgresql":
        from django.db.models.expressions import RawSQL

        return model.objects.filter(pk__in=RawSQL("SELECT unnest(%s::bigint[])", [ids]))
    return model.objects.filter(pk__in=ids)


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
