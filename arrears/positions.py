"""A household's position on a date: the one read model of arrears every page, letter, export and report uses.

A position is DOMAIN.md's figures for one household as of T: the overdue principal (charges due before T, less what
was allocated to them by T), the 违约金 accrued on those charges (gross), the part of the waivers (减免) that applies
(waived, never more than the gross), what is owed (net), and the oldest due date still unpaid.

The database computes them set-based, in one statement for any number of households (:func:`charge_sql`): per
charge, one grouped sum over its allocations gives the unpaid principal and Σ (unpaid × accrual days), and the
late fee is that × the daily rate, capped and rounded per charge. The arithmetic runs in whole fen (and millionths
of the rate), so it is exact on PostgreSQL and on SQLite alike; the rare charge with a reversal is left to the pure
function. Either way the figures are those of ``arrears.late_fee``, charge by charge (tests compare the two on random
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

from . import ledger_sql
from .late_fee import late_fee
from .models import Allocation, Charge, Household, LateFeeWaiver
from .models.households import household_label
from .money import ZERO
from .months import months_overdue


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


def charge_sql(households: QuerySet[Household], as_of: date, *, contributing_only: bool = False) -> tuple[str, list]:
    """One row per charge due before ``as_of`` of ``households``: (charge id, household id, due date, amount in
    fen, unpaid in fen, irregular, 违约金 in fen). Integers throughout, so both backends compute the same fen.

    The late fee of a charge of amount A is Σ base(x) × rate over its accrual days F ≤ x ≤ T (F = due + grace + 1),
    where base(x) = A − P(x) and P(x) is what was allocated to it by day x. When its allocations only ever add up
    (none negative, never more than A), base(x) ≥ 0 and the sum is A × N − Σ aᵢ × (days from max(dᵢ, F) to T):

    - from its balance row alone (arrears_chargebalance, paid to date) when every allocation is dated after T
      (A × N), or on or before T and all on one side of F: A × N − ((T + 1) × paid − Σ aᵢ dᵢ), or (A − paid) × N;
    - otherwise from its allocations, one grouped sum over those dated on or before T.

    A charge with a reversal (a negative allocation) or allocated beyond its amount is *irregular*: its base may be
    clamped at zero for a while, so its 违约金 is left NULL here and computed by the pure function
    (``_irregular_fees``). The first way covers nearly every charge as of today; the others keep the figure exact.

    ``contributing_only`` leaves out the charges that add nothing to a household's sums: paid in full by T, every
    allocation dated before F (so nothing unpaid and no day of accrual). About half the charges of the households
    in arrears of a typical ledger; a household whose every charge is such has no row at all.
    """
    greatest, least, day, cents = ledger_sql.greatest, ledger_sql.least, ledger_sql.day, ledger_sql.cents
    scope_sql, scope_params = ledger_sql.scope(households)
    t = ledger_sql.day_number(as_of)
    # Each charge due before T, from its balance row, with its household's terms (an override replaces the
    # community's policy whole). Written out where it is used, not as a CTE: PostgreSQL would materialise it.
    base = f"""
    SELECT b.charge_id, b.household_id, b.due_date, b.amount_fen AS a, b.paid_fen, b.paid_fen_days, b.irregular,
           b.first_paid_on, b.last_paid_on, {day("b.due_date")} + p.grace + 1 AS f, p.rate_u, p.cap_bp
    FROM arrears_chargebalance b
    JOIN (
        SELECT h.id,
               CASE WHEN o.id IS NULL THEN c.late_fee_grace_days ELSE o.grace_days END AS grace,
               CAST(ROUND((CASE WHEN o.id IS NULL THEN c.late_fee_daily_rate ELSE o.daily_rate END) * 1000000)
                    AS BIGINT) AS rate_u,
               CAST(ROUND((CASE WHEN o.id IS NULL THEN c.late_fee_cap_ratio ELSE o.cap_ratio END) * 10000)
                    AS BIGINT) AS cap_bp
        FROM arrears_household h
        JOIN arrears_community c ON c.id = h.community_id
        LEFT JOIN arrears_latefeeoverride o ON o.household_id = h.id
        WHERE h.id IN ({scope_sql})
    ) p ON p.id = b.household_id
    WHERE b.due_date < %s"""
    base_params = [*scope_params, as_of]
    if contributing_only:
        base += (
            f" AND NOT (NOT b.irregular AND b.paid_fen = b.amount_fen AND b.last_paid_on IS NOT NULL"
            f" AND b.last_paid_on <= %s AND {day('b.last_paid_on')} < {day('b.due_date')} + p.grace + 1)"
        )
        base_params.append(as_of)
    on_t = ledger_sql.date_literal(as_of)
    unpaid_whole = f"(last_paid_on IS NULL OR first_paid_on > {on_t})"  # nothing allocated by T
    settled = (
        f"(NOT irregular AND ({unpaid_whole} OR (last_paid_on <= {on_t} AND "
        f"({day('first_paid_on')} >= f OR {day('last_paid_on')} < f))))"
    )
    accrual_days = greatest(f"{t} - f + 1", "0")
    rounded_fee = "(2 * fen_days * rate_u + 1000000) / 2000000"
    capped = "(2 * a * cap_bp + 10000) / 20000"
    # For the rest, their own allocations dated on or before T, in correlated subqueries that run only for them.
    allocations = "FROM arrears_allocation al WHERE al.charge_id = x.charge_id AND al.applied_on <= %s"
    paid = f"(SELECT CAST(COALESCE(SUM({cents('al.amount')}), 0) AS BIGINT) {allocations})"
    lowest = f"(SELECT COALESCE(MIN({cents('al.amount')}), 0) {allocations})"
    lowered_days = greatest(f"{t} - {greatest(day('al.applied_on'), 'x.f')} + 1", "0")
    weighted = f"(SELECT CAST(COALESCE(SUM({cents('al.amount')} * {lowered_days}), 0) AS BIGINT) {allocations})"
    sql = f"""
SELECT charge_id, household_id, due_date, a, unpaid, irregular,
       CASE WHEN irregular = 1 THEN NULL
            WHEN cap_bp IS NULL THEN {rounded_fee}
            ELSE {least(rounded_fee, capped)}
       END AS late_fee
FROM (
    SELECT charge_id, household_id, due_date, a, rate_u, cap_bp,
           CASE WHEN settled = 0 THEN a - {paid} WHEN {unpaid_whole} THEN a ELSE a - paid_fen END AS unpaid,
           CASE WHEN settled = 1 THEN 0 WHEN irregular OR {lowest} < 0 OR {paid} > a THEN 1 ELSE 0 END AS irregular,
           CASE WHEN settled = 0 THEN a * {accrual_days} - {weighted}
                WHEN {unpaid_whole} THEN a * {accrual_days}
                WHEN {day("first_paid_on")} >= f THEN a * {accrual_days} - (({t} + 1) * paid_fen - paid_fen_days)
                ELSE (a - paid_fen) * {accrual_days}
           END AS fen_days
    FROM (SELECT charges.*, CASE WHEN {settled} THEN 1 ELSE 0 END AS settled FROM ({base}) charges) x
) fees
"""
    params = [as_of, as_of, as_of, as_of, *base_params]
    return sql, params


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


def positions(
    households: QuerySet[Household], as_of: date, *, owing_only: bool = False, known_owing: dict | None = None
) -> dict[int, Position]:
    """{household id: position on ``as_of``} for every household of the queryset that has a charge due before it
    (``owing_only``: those with overdue principal; ``known_owing`` is :func:`owing` of the queryset when the caller
    has it). A fixed number of queries whatever the number of households."""
    if owing_only:  # the cheap sum first, so that the late fee is worked out for those households only
        known_owing = owing(households, as_of) if known_owing is None else known_owing
        households = ledger_sql.ids_scope(Household, known_owing)
    sql, params = charge_sql(households, as_of, contributing_only=owing_only)
    aggregate = f"""
SELECT household_id, SUM(CAST(unpaid AS INTEGER)), SUM(CAST(late_fee AS INTEGER)),
       MIN(CASE WHEN unpaid > 0 THEN due_date END), MAX(irregular)
FROM ({sql}) AS charges
GROUP BY household_id
"""
    with connection.cursor() as cursor:
        cursor.execute(aggregate, params)
        rows = cursor.fetchall()
    flagged_households = [household_id for household_id, *_rest, flagged in rows if flagged]
    extra: dict[int, Decimal] = defaultdict(lambda: ZERO)
    if flagged_households:  # rare (reversals): find the charges, then the pure function for each
        for row in charge_positions(Household.objects.filter(pk__in=flagged_households), as_of):
            extra[row.household_id] += row.late_fee
    waived = waived_by_household(households, as_of)
    result = {}
    for household_id, unpaid, fee, oldest, flagged in rows:
        principal = ledger_sql.fen(unpaid)
        if owing_only and principal <= ZERO:
            continue
        gross = extra[household_id] if flagged else ledger_sql.fen(fee or 0)
        result[household_id] = Position(
            household_id=household_id,
            as_of=as_of,
            principal=principal,
            late_fee_gross=gross,
            late_fee_waived=min(gross, waived.get(household_id, ZERO)),
            oldest_due=ledger_sql.as_date(oldest),
        )
    return result


def _irregular_fees(charges: QuerySet[Charge], as_of: date) -> dict[tuple[int, int], Decimal]:
    """{(household id, charge id): 违约金} of ``charges`` (the irregular ones :func:`charge_sql` leaves to Python),
    by the pure function, from their own allocations."""
    rows = list(
        charges.filter(due_date__lt=as_of).select_related("household__community", "household__late_fee_override")
    )
    entries: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    for charge_id, applied_on, amount in Allocation.objects.filter(
        charge__in=[charge.pk for charge in rows], applied_on__lte=as_of
    ).values_list("charge_id", "applied_on", "amount"):
        entries[charge_id].append((applied_on, amount))
    fees = {}
    for charge in rows:
        fees[(charge.household_id, charge.pk)] = late_fee(
            amount=charge.amount,
            due_date=charge.due_date,
            allocations=entries.get(charge.pk, []),
            as_of=as_of,
            policy=charge.household.late_fee_policy,
        )
    return fees


def in_arrears(households: QuerySet[Household], as_of: date, *, known_owing: dict | None = None) -> list[Position]:
    """The positions of the households with overdue principal on ``as_of``, labelled, in building/unit/room
    order: the rows of ``arrears_report``, the letters' batches, the 公示 and the dashboard's totals."""
    found = positions(households, as_of, owing_only=True, known_owing=known_owing)
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
        rows = cursor.fetchall()
    figures = {
        charge_id: (ledger_sql.fen(unpaid), None if fee is None else ledger_sql.fen(fee))
        for charge_id, *_x, unpaid, _i, fee in rows
    }
    irregular = [charge_id for charge_id, *_x, flagged, _fee in rows if flagged]
    if irregular:
        for (_household_id, charge_id), fee in _irregular_fees(Charge.objects.filter(pk__in=irregular), as_of).items():
            figures[charge_id] = (figures[charge_id][0], fee)
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
    """{household id: overdue principal} of the households that owe anything on ``as_of`` (no late fee: the cheap
    question the split and the lists ask). A charge settled in full by then adds nothing: the scan passes over it
    without working out its sums."""
    sums = ledger_sql.window_sums(
        households,
        group="household_id",
        where=f"b.due_date < %s AND NOT {ledger_sql.settled_by(as_of)}",
        where_params=[as_of],
        columns={"due": ("1 = 1", ledger_sql.AMOUNT), "paid": ("1 = 1", (None, as_of))},
    )
    found = {pk: ledger_sql.fen(row["due"] - row["paid"]) for pk, row in sums.items()}
    return {pk: principal for pk, principal in found.items() if principal > ZERO}


def overdue_principal(households: QuerySet[Household], as_of: date) -> dict[int, Decimal]:
    """:func:`owing`, from fewer rows: {household id: overdue principal} of the households that owe on ``as_of``.

    A charge whose allocations reach its amount by ``as_of`` adds nothing to what is owed, so only the balance
    rows still open on that day are summed (in a ledger that is mostly paid, a third of them), in one column
    rather than two; the few charges paid partly by ``as_of`` and partly after are corrected from their
    allocations, as :func:`arrears.ledger_sql.window_sums` does. The daily split asks this of every household
    of a campaign. Tests compare it with :func:`owing` on random ledgers.
    """
    scope_sql, scope_params = ledger_sql.scope(households)
    on_t = ledger_sql.date_literal(as_of)
    paid_by_t = f"b.last_paid_on IS NOT NULL AND b.last_paid_on <= {on_t}"  # every allocation dated by T
    open_rows = (
        f"FROM arrears_chargebalance b WHERE b.due_date < %s AND NOT (b.paid_fen = b.amount_fen AND {paid_by_t}) "
        f"AND b.household_id IN ({scope_sql})"
    )
    params = [as_of, *scope_params]
    result: dict[int, int] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT b.household_id, SUM(CAST(b.amount_fen - CASE WHEN {paid_by_t} THEN b.paid_fen ELSE 0 END "
            f"AS INTEGER)) {open_rows} GROUP BY b.household_id",
            params,
        )
        for household_id, unpaid in cursor.fetchall():
            result[household_id] = int(unpaid or 0)
        # Paid on several days, some by T and some after: the row counted nothing paid; take off what was by T.
        cursor.execute(
            f"SELECT b.household_id, SUM({ledger_sql.allocated_between(None, as_of)}) {open_rows} "
            f"AND b.first_paid_on < b.last_paid_on AND b.first_paid_on <= {on_t} AND b.last_paid_on > {on_t} "
            f"GROUP BY b.household_id",
            params,
        )
        for household_id, paid in cursor.fetchall():
            result[household_id] = result.get(household_id, 0) - int(paid or 0)
    # Whole fen as yuan of two places, as ledger_sql.fen gives them (a hundred thousand at a time: the short way).
    return {pk: Decimal(unpaid).scaleb(-2) for pk, unpaid in result.items() if unpaid > 0}


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
       COALESCE((SELECT SUM({ledger_sql.cents("c.amount")}) FROM arrears_charge c
                 WHERE c.household_id = p.household_id AND c.due_date < p.on_day), 0)
     - COALESCE((SELECT SUM({ledger_sql.cents("a.amount")}) FROM arrears_allocation a
                 JOIN arrears_charge c ON c.id = a.charge_id
                 WHERE c.household_id = p.household_id AND c.due_date < p.on_day AND a.applied_on <= p.on_day), 0)
FROM p
"""
        params = [value for n, (household_id, day) in enumerate(chunk) for value in (n, household_id, day)]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for n, fen in cursor.fetchall():
                result[chunk[n]] = ledger_sql.fen(fen)
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
