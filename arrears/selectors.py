"""Reads of the ledger beyond a household's position (arrears.positions): collection rates, rejected payments."""

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import DecimalField, QuerySet
from django.utils import timezone

from . import ledger_sql
from .models import Community, Payment
from .models.ledger import PaymentStatus
from .rates import CollectionRates, CollectionTotals, period_bounds, rates_from_totals

_MONEY = DecimalField(max_digits=14, decimal_places=2)


def collection_rates(community: Community, *, year: int, as_of: date) -> CollectionRates:
    """收费率, 清欠率, 综合收缴率 and 户收费率 of a community for a year as of a date (DOMAIN.md)."""
    return rates_and_owing(community, year=year, as_of=as_of)[0]


def rates_and_owing(community: Community, *, year: int, as_of: date) -> tuple[CollectionRates, dict[int, Decimal]]:
    """The collection rates, and {household id: overdue principal} of the households owing on ``as_of`` (what
    户收费率 needs anyway), from one scan of the community's balances (arrears.ledger_sql.window_sums)."""
    start, end = period_bounds(year, as_of)
    eve = start - timedelta(days=1)
    literal = ledger_sql.date_literal
    current = f"b.due_date >= {literal(start)} AND b.due_date <= {literal(end)}"
    prior = f"b.due_date < {literal(start)}"
    overdue = f"b.due_date < {literal(as_of)}"
    # A charge due before the year and settled in full before it (most of a ledger's history) adds nothing to any
    # column (its arrears at the year's start, its recovery and its overdue principal are all zero): the scan
    # passes over it without working out the eight sums.
    rows = ledger_sql.window_sums(
        community.households.all(),
        group="household_id",
        where=f"b.due_date <= %s AND NOT ({prior} AND {ledger_sql.settled_by(eve)})",
        where_params=[max(end, as_of)],
        columns={
            "current_charges": (current, ledger_sql.COUNT),
            "current_due": (current, ledger_sql.AMOUNT),
            "current_collected": (current, (None, as_of)),
            "prior_due": (prior, ledger_sql.AMOUNT),
            "prior_paid": (prior, (None, eve)),
            "recovered": (prior, (start, as_of)),
            "overdue_due": (overdue, ledger_sql.AMOUNT),
            "overdue_paid": (overdue, (None, as_of)),
        },
    )
    # One pass in whole fen; only the households that owe get a Decimal (a hundred thousand rows, a third owe).
    fen = ledger_sql.fen
    owing: dict[int, Decimal] = {}
    current_due = current_collected = at_year_start = recovered = with_due = clear = 0
    for household_id, row in rows.items():
        current_due += row["current_due"]
        current_collected += row["current_collected"]
        at_year_start += row["prior_due"] - row["prior_paid"]
        recovered += row["recovered"]
        unpaid = row["overdue_due"] - row["overdue_paid"]
        if unpaid > 0:
            owing[household_id] = Decimal(unpaid).scaleb(-2)  # yuan of two places, as fen() gives them
        if row["current_charges"]:
            with_due += 1
            clear += unpaid <= 0
    rates = rates_from_totals(
        CollectionTotals(
            year=year,
            current_due=fen(current_due),
            current_collected=fen(current_collected),
            arrears_at_year_start=fen(at_year_start),
            arrears_recovered=fen(recovered),
            households_clear=clear,
            households_with_due=with_due,
        )
    )
    return rates, owing


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
