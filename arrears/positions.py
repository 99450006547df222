"""A household's position on a date: the one read model of arrears every page, letter, export and report uses.

A position is DOMAIN.md's figures for one household as of T: the overdue principal (charges due before T, less what
was allocated to them by T), the 违约金 accrued on those charges (gross), the part of the waivers (减免) that applies
(waived, never more than the gross), what is owed (net), and the oldest due date still unpaid.

The database computes them set-based, in one statement for any number of households (:func:`charge_sql`): each
charge's allocations are summed per day, a window gives the unpaid principal between consecutive allocation days,
and the late fee is Σ (unpaid × days in the accrual window) × the daily rate, capped and rounded per charge. The
arithmetic runs in whole fen (and millionths of the rate), so it is exact on PostgreSQL and on SQLite alike, and it
gives what the pure functions of ``arrears.late_fee`` give, charge by charge (tests compare the two on random
ledgers). Households are chosen by any queryset of households, compiled into the statement as a subquery.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import DecimalField, F, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from core.sorting import natural_key

from .models import Allocation, Charge, Household, LateFeeWaiver
from .models.households import household_label
from .money import ZERO
from .months import months_overdue

_EPOCH = date(1970, 1, 1)
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class Position:
    """A household's arrears on a date (DOMAIN.md): principal, 违约金 gross / waived / net, oldest unpaid due date."""

    household_id: int
    as_of: date
    principal: Decimal
    late_fee_gross: Decimal
    late_fee_waived: Decimal
    oldest_due: date | None
    label: str = ""  # 楼栋-单元-房号, when the caller asked for it (in_arrears)

    @property
    def late_fee(self) -> Decimal:
        """The 违约金 owed: accrued less the waivers that apply."""
        return self.late_fee_gross - self.late_fee_waived

    @property
    def total(self) -> Decimal:
        return self.principal + self.late_fee

    @property
    def owes(self) -> bool:
        return self.principal > ZERO

    @property
    def months_overdue(self) -> int:
        """Whole months since the oldest unpaid due date (arrears.months)."""
        return months_overdue(self.oldest_due, self.as_of)


@dataclass(frozen=True)
class ChargePosition:
    """One charge due before the date: what is still unpaid on it and the 违约金 it has accrued."""

    charge_id: int
    household_id: int
    fee_item: str
    period_start: date
    period_end: date
    amount: Decimal
    due_date: date
    outstanding: Decimal
    late_fee: Decimal


# The statement ---------------------------------------------------------------------------------------------------


def _dialect() -> dict[str, str]:
    if connection.vendor == "postgresql":
        return {"greatest": "GREATEST", "least": "LEAST", "day": "({} - DATE '1970-01-01')"}
    # SQLite keeps dates as text; julianday() of a date is N.5, so truncating gives whole days.
    return {"greatest": "MAX", "least": "MIN", "day": "(CAST(julianday({}) AS INTEGER) - 2440587)"}


def _cents(column: str) -> str:
    return f"CAST(ROUND({column} * 100) AS BIGINT)"


def charge_sql(households: QuerySet[Household], as_of: date) -> tuple[str, list]:
    """One row per charge due before ``as_of`` of ``households``: (charge id, household id, due date, amount in
    fen, unpaid in fen, 违约金 in fen). Integers throughout, so both backends compute the same fen."""
    d = _dialect()
    greatest, least = d["greatest"], d["least"]

    def day(column: str) -> str:
        return d["day"].format(column)

    scope_sql, scope_params = households.order_by().values("pk").query.sql_with_params()
    t = (as_of - _EPOCH).days
    sql = f"""
WITH hh AS (
    SELECT h.id AS household_id,
           CASE WHEN o.id IS NULL THEN c.late_fee_grace_days ELSE o.grace_days END AS grace,
           CAST(ROUND((CASE WHEN o.id IS NULL THEN c.late_fee_daily_rate ELSE o.daily_rate END) * 1000000)
                AS BIGINT) AS rate_u,
           CASE WHEN o.id IS NULL THEN c.late_fee_cap_ratio ELSE o.cap_ratio END AS cap
    FROM arrears_household h
    JOIN arrears_community c ON c.id = h.community_id
    LEFT JOIN arrears_latefeeoverride o ON o.household_id = h.id
    WHERE h.id IN ({scope_sql})
),
ch AS (
    SELECT ch.id AS charge_id, ch.household_id, ch.due_date, {_cents("ch.amount")} AS a,
           {day("ch.due_date")} + hh.grace + 1 AS f, hh.rate_u,
           CASE WHEN hh.cap IS NULL THEN NULL ELSE CAST(ROUND(hh.cap * 10000) AS BIGINT) END AS cap_bp
    FROM arrears_charge ch
    JOIN hh ON hh.household_id = ch.household_id
    WHERE ch.due_date < %s
),
al AS (
    SELECT a.charge_id, {day("a.applied_on")} AS d, CAST(SUM({_cents("a.amount")}) AS BIGINT) AS amt
    FROM arrears_allocation a
    JOIN ch ON ch.charge_id = a.charge_id
    WHERE a.applied_on <= %s
    GROUP BY a.charge_id, a.applied_on
),
st AS (
    SELECT charge_id, d,
           CAST(SUM(amt) OVER (PARTITION BY charge_id ORDER BY d ROWS UNBOUNDED PRECEDING) AS BIGINT) AS paid,
           LEAD(d) OVER (PARTITION BY charge_id ORDER BY d) AS next_d
    FROM al
),
acc AS (
    SELECT st.charge_id,
           MIN(st.d) AS first_d,
           CAST(SUM(CASE WHEN st.next_d IS NULL THEN st.paid ELSE 0 END) AS BIGINT) AS paid,
           CAST(SUM({greatest}(ch.a - st.paid, 0)
                    * {greatest}({least}(COALESCE(st.next_d, {t + 1}) - 1, {t}) - {greatest}(st.d, ch.f) + 1, 0))
                AS BIGINT) AS after_first
    FROM st
    JOIN ch ON ch.charge_id = st.charge_id
    GROUP BY st.charge_id
),
fee AS (
    SELECT ch.charge_id, ch.household_id, ch.due_date, ch.a, ch.a - COALESCE(acc.paid, 0) AS unpaid, ch.rate_u,
           ch.cap_bp,
           ch.a * {greatest}({least}(COALESCE(acc.first_d, {t + 1}) - 1, {t}) - ch.f + 1, 0)
               + COALESCE(acc.after_first, 0) AS fen_days
    FROM ch
    LEFT JOIN acc ON acc.charge_id = ch.charge_id
)
SELECT charge_id, household_id, due_date, a, unpaid,
       CASE WHEN cap_bp IS NULL THEN (2 * fen_days * rate_u + 1000000) / 2000000
            ELSE {least}((2 * fen_days * rate_u + 1000000) / 2000000, (2 * a * cap_bp + 10000) / 20000)
       END AS late_fee
FROM fee
"""
    return sql, [*scope_params, as_of, as_of]


def _fen(value) -> Decimal:
    return (Decimal(int(value)) * _CENT).quantize(_CENT)


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


# Reads -----------------------------------------------------------------------------------------------------------


def waived_by_household(households: QuerySet[Household], as_of: date) -> dict[int, Decimal]:
    """{household id: 违约金 waived on or before ``as_of``} over the waivers not cancelled."""
    return dict(
        LateFeeWaiver.objects.filter(household__in=households, waived_on__lte=as_of, cancelled_at__isnull=True)
        .order_by()
        .values("household_id")
        .annotate(total=Sum("amount"))
        .values_list("household_id", "total")
    )


def positions(households: QuerySet[Household], as_of: date, *, owing_only: bool = False) -> dict[int, Position]:
    """{household id: position on ``as_of``} for every household of the queryset that has a charge due before it
    (``owing_only``: those with overdue principal). Three queries whatever the number of households."""
    sql, params = charge_sql(households, as_of)
    aggregate = f"""
SELECT household_id, SUM(unpaid), SUM(late_fee), MIN(CASE WHEN unpaid > 0 THEN due_date END)
FROM ({sql}) AS charges
GROUP BY household_id
"""
    with connection.cursor() as cursor:
        cursor.execute(aggregate, params)
        rows = cursor.fetchall()
    waived = waived_by_household(households, as_of)
    result = {}
    for household_id, unpaid, fee, oldest in rows:
        principal = _fen(unpaid)
        if owing_only and principal <= ZERO:
            continue
        gross = _fen(fee)
        result[household_id] = Position(
            household_id=household_id,
            as_of=as_of,
            principal=principal,
            late_fee_gross=gross,
            late_fee_waived=min(gross, waived.get(household_id, ZERO)),
            oldest_due=_as_date(oldest) if oldest is not None else None,
        )
    return result


def in_arrears(households: QuerySet[Household], as_of: date) -> list[Position]:
    """The positions of the households with overdue principal on ``as_of``, labelled, in building/unit/room
    order: the rows of ``arrears_report``, the letters' batches, the 公示 and the dashboard's totals."""
    found = positions(households, as_of, owing_only=True)
    labels = {
        pk: household_label(building, unit, room)
        for pk, building, unit, room in Household.objects.filter(pk__in=households.values("pk"))
        .order_by()
        .values_list("id", "building__name", "unit", "room")
        if pk in found
    }
    listed = [replace(found[pk], label=label) for pk, label in labels.items()]
    listed.sort(key=lambda row: natural_key(row.label))
    return listed


def position(household: Household, as_of: date) -> Position:
    """One household's position (all zero when it has no charge due before ``as_of``)."""
    found = positions(Household.objects.filter(pk=household.pk), as_of).get(household.pk)
    return found or Position(household.pk, as_of, ZERO, ZERO, ZERO, None)


def charge_positions(households: QuerySet[Household], as_of: date) -> list[ChargePosition]:
    """Every charge due before ``as_of`` of the households, oldest due first, with its unpaid principal and
    违约金 (the household page's and the letter's table)."""
    sql, params = charge_sql(households, as_of)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        figures = {charge_id: (_fen(unpaid), _fen(fee)) for charge_id, _h, _d, _a, unpaid, fee in cursor.fetchall()}
    charges = (
        Charge.objects.filter(pk__in=figures).select_related("fee_item").order_by("due_date", "period_start", "id")
    )
    return [
        ChargePosition(
            charge_id=charge.pk,
            household_id=charge.household_id,
            fee_item=charge.fee_item.name,
            period_start=charge.period_start,
            period_end=charge.period_end,
            amount=charge.amount,
            due_date=charge.due_date,
            outstanding=figures[charge.pk][0],
            late_fee=figures[charge.pk][1],
        )
        for charge in charges
    ]


def owing(households: QuerySet[Household], as_of: date) -> dict[int, Decimal]:
    """{household id: overdue principal} of the households that owe anything on ``as_of`` (no late fee: two
    grouped sums, the cheap question the split and the lists ask)."""
    due = (
        Charge.objects.filter(household__in=households, due_date__lt=as_of)
        .order_by()
        .values("household_id")
        .annotate(total=Sum("amount"))
        .values_list("household_id", "total")
    )
    paid = dict(
        Allocation.objects.filter(charge__household__in=households, charge__due_date__lt=as_of, applied_on__lte=as_of)
        .order_by()
        .values("charge__household_id")
        .annotate(total=Sum("amount"))
        .values_list("charge__household_id", "total")
    )
    result = {}
    for household_id, total in due:
        balance = (Decimal(total) - Decimal(paid.get(household_id) or ZERO)).quantize(_CENT)
        if balance > ZERO:
            result[household_id] = balance
    return result


def owing_on(pairs: Iterable[tuple[int, date]]) -> dict[tuple[int, date], Decimal]:
    """{(household id, date): overdue principal on that date} for any pairs, in one statement per 500 pairs (the
    balance a promise is judged by, each on its own date). Pairs that owe nothing map to 0.00."""
    pairs = list(dict.fromkeys(pairs))
    cast = "CAST(%s AS DATE)" if connection.vendor == "postgresql" else "%s"
    result: dict[tuple[int, date], Decimal] = {}
    for start in range(0, len(pairs), 500):
        chunk = pairs[start : start + 500]
        values = ", ".join(f"(%s, %s, {cast})" for _pair in chunk)
        sql = f"""
WITH p(n, household_id, on_day) AS (VALUES {values})
SELECT p.n,
       COALESCE((SELECT SUM({_cents("c.amount")}) FROM arrears_charge c
                 WHERE c.household_id = p.household_id AND c.due_date < p.on_day), 0)
     - COALESCE((SELECT SUM({_cents("a.amount")}) FROM arrears_allocation a
                 JOIN arrears_charge c ON c.id = a.charge_id
                 WHERE c.household_id = p.household_id AND c.due_date < p.on_day AND a.applied_on <= p.on_day), 0)
FROM p
"""
        params = [value for n, (household_id, day) in enumerate(chunk) for value in (n, household_id, day)]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for n, fen in cursor.fetchall():
                result[chunk[n]] = _fen(fen)
    return result


_MONEY = DecimalField(max_digits=14, decimal_places=2)


def _sum_subquery(queryset: QuerySet, field: str) -> Coalesce:
    summed = queryset.order_by().values("household_id").annotate(total=Sum(field)).values("total")
    return Coalesce(Subquery(summed, output_field=_MONEY), Value(ZERO), output_field=_MONEY)


def with_overdue(households: QuerySet[Household], as_of: date) -> QuerySet[Household]:
    """The queryset form of the principal, for list pages that filter and sort by it in the database: annotate
    ``overdue`` (charges due before ``as_of`` less what was allocated to them by then)."""
    due = _sum_subquery(Charge.objects.filter(household_id=OuterRef("pk"), due_date__lt=as_of), "amount")
    paid = _sum_subquery(
        Allocation.objects.filter(
            charge__household_id=OuterRef("pk"), charge__due_date__lt=as_of, applied_on__lte=as_of
        ).annotate(household_id=F("charge__household_id")),
        "amount",
    )
    return households.annotate(overdue=due - paid)


def open_charges(household_ids: Iterable[int]) -> dict[int, list[tuple[int, Decimal]]]:
    """{household id: [(charge id, unpaid now)]} of every charge not fully paid, whatever its due date, oldest due
    first: what a payment is allocated to (arrears.allocation)."""
    rows = (
        Charge.objects.filter(household_id__in=list(household_ids))
        .annotate(paid=Sum("allocations__amount"))
        .order_by("household_id", "due_date", "period_start", "id")
        .values_list("household_id", "id", "amount", "paid")
    )
    found: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for household_id, pk, amount, paid in rows:
        owed = amount - (paid or ZERO)
        if owed > ZERO:
            found[household_id].append((pk, owed))
    return found
