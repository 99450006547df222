"""A community's ledger figures as of a day, computed with grouped SQL sums, as JSON-ready dicts.

``ledger_figures`` is what a snapshot stores and what the page computes on the spot when there is no snapshot:
the rate totals (the same selectors as ``arrears_report``), the daily increments of 当期实收 and of 当期应收,
the overdue principal by aging bucket and by building, and the report's totals (principal, 违约金, households).
"""

from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import Sum

from arrears import ledger_sql
from arrears.models import Charge, Community, Household
from arrears.money import ZERO, format_money
from arrears.positions import positions
from arrears.selectors import rates_and_owing
from core.lanes import side_by_side
from core.sorting import natural_key

from .figures import AGING_BUCKETS, aging_bucket


def _money(value) -> str:
    return format_money(Decimal(value or 0))


def daily_collected(community: Community, as_of: date) -> dict[date, Decimal]:
    """{day: 当期实收 entering the series that day} for the year of ``as_of`` (see dashboard.figures): what was
    allocated to the year's charges, on the later of its day and the charge's due date.

    A charge paid on one day only is read from its balance row; the others from their allocations.
    """
    scope_sql, scope_params = ledger_sql.scope(community.households.all())
    charges = f"b.due_date >= %s AND b.due_date <= %s AND b.household_id IN ({scope_sql})"
    sql = f"""
SELECT counted_on, SUM(fen) FROM (
    SELECT CASE WHEN b.first_paid_on >= b.due_date THEN b.first_paid_on ELSE b.due_date END AS counted_on,
           b.paid_fen AS fen
    FROM arrears_chargebalance b
    WHERE {charges} AND b.first_paid_on = b.last_paid_on AND b.last_paid_on <= %s
    UNION ALL
    SELECT CASE WHEN a.applied_on >= b.due_date THEN a.applied_on ELSE b.due_date END, {ledger_sql.cents("a.amount")}
    FROM arrears_chargebalance b
    JOIN arrears_allocation a ON a.charge_id = b.charge_id
    WHERE {charges} AND (b.first_paid_on <> b.last_paid_on OR b.last_paid_on > %s) AND a.applied_on <= %s
) AS collected
GROUP BY counted_on
"""
    bounds = [date(as_of.year, 1, 1), min(as_of, date(as_of.year, 12, 31))]
    params = [*bounds, *scope_params, as_of, *bounds, *scope_params, as_of, as_of]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {_as_date(day): ledger_sql.fen(total) for day, total in rows if total}


def daily_due(community: Community, year: int) -> dict[date, Decimal]:
    """{due date: Σ charges falling due that day} over year ``year`` (every charge posted so far)."""
    rows = (
        Charge.objects.filter(
            household__community=community, due_date__gte=date(year, 1, 1), due_date__lte=date(year, 12, 31)
        )
        .order_by()
        .values("due_date")
        .annotate(total=Sum("amount"))
        .values_list("due_date", "total")
    )
    return {_as_date(day): total for day, total in rows if total}


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _by_due_date(community: Community, as_of: date) -> dict[date, Decimal]:
    """{due date: principal still unpaid on ``as_of``} over the charges due before ``as_of`` (arrears.ledger_sql)."""
    sums = ledger_sql.window_sums(
        community.households.all(),
        group="due_date",
        # A charge settled in full by then adds nothing: the scan passes over it.
        where=f"b.due_date < %s AND NOT {ledger_sql.settled_by(as_of)}",
        where_params=[as_of],
        columns={"due": ("1 = 1", ledger_sql.AMOUNT), "paid": ("1 = 1", (None, as_of))},
    )
    return {_as_date(day): ledger_sql.fen(row["due"] - row["paid"]) for day, row in sums.items()}


def aging(community: Community, as_of: date) -> list[Decimal]:
    """Overdue principal by aging bucket (DOMAIN.md, by days past the due date)."""
    buckets = [ZERO] * len(AGING_BUCKETS)
    for due_date, amount in _by_due_date(community, as_of).items():
        index = aging_bucket(due_date, as_of)
        if index is not None:
            buckets[index] += amount
    return buckets


def buildings(community: Community, owing: dict[int, Decimal]) -> list[dict]:
    """Overdue principal and households in arrears by building, in natural order of the building's name.

    ``owing`` is ``arrears.positions.owing`` (household id → overdue principal, only those that owe).
    """
    totals: dict[str, list] = {}
    for household_id, name in (
        Household.objects.filter(community=community).order_by().values_list("id", "building__name")
    ):
        owed = owing.get(household_id)
        if owed:
            row = totals.setdefault(name, [ZERO, 0])
            row[0] += owed
            row[1] += 1
    names = sorted(totals, key=natural_key)
    return [{"building": name, "principal": _money(totals[name][0]), "households": totals[name][1]} for name in names]


def series(community: Community, as_of: date) -> dict:
    """The snapshot's day-by-day and aging figures: 当期实收 and 当期应收 by day, overdue principal by bucket."""
    return {
        "collected_daily": {d.isoformat(): _money(v) for d, v in sorted(daily_collected(community, as_of).items())},
        "due_daily": {d.isoformat(): _money(v) for d, v in sorted(daily_due(community, as_of.year).items())},
        "aging": [_money(value) for value in aging(community, as_of)],
    }


def ledger_figures(community: Community, as_of: date, *, with_late_fee: bool = True) -> tuple[dict, dict[int, Decimal]]:
    """The snapshot's ledger part for one community as of a day, and the {household id: overdue} it used.

    The reads run side by side (core.lanes), in two rounds: the rates with who owes beside the series; then the
    违约金 of those who owe beside the buildings. A caller with reads of its own that need none of these (the
    snapshot's league) runs them beside this whole function.
    """
    (rates, owing), day_by_day = side_by_side(
        lambda: rates_and_owing(community, year=as_of.year, as_of=as_of),
        lambda: series(community, as_of),
    )

    def late_fee() -> Decimal | None:
        if not with_late_fee:
            return None
        standing = positions(community.households.all(), as_of, owing_only=True, known_owing=owing)
        return sum((row.late_fee for row in standing.values()), ZERO)

    fee, by_building = side_by_side(late_fee, lambda: buildings(community, owing))
    totals = rates.totals
    principal = sum(owing.values(), ZERO)
    figures = {
        "community": community.code,
        "community_name": community.name,
        "target": str(community.annual_target),
        "as_of": as_of.isoformat(),
        "year": as_of.year,
        "totals": {
            "current_due": _money(totals.current_due),
            "current_collected": _money(totals.current_collected),
            "arrears_at_year_start": _money(totals.arrears_at_year_start),
            "arrears_recovered": _money(totals.arrears_recovered),
            "households_clear": totals.households_clear,
            "households_with_due": totals.households_with_due,
            "principal": _money(principal),
            "late_fee": _money(fee) if with_late_fee else None,
            "households_in_arrears": len(owing),
        },
        **day_by_day,
        "buildings": by_building,
    }
    return figures, owing
