"""Reads of the ledger beyond a household's position (arrears.positions): collection rates, rejected payments."""

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import DecimalField, QuerySet
from django.utils import timezone

from . import ledger_sql
from .models import Community, Payment
from .models.ledger import PaymentStatus
from .money import ZERO
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
    fen = ledger_sql.fen
    owing = {pk: fen(row["overdue_due"] - row["overdue_paid"]) for pk, row in rows.items()}
    owing = {pk: principal for pk, principal in owing.items() if principal > ZERO}
    with_due = [pk for pk, row in rows.items() if row["current_charges"]]
    rates = rates_from_totals(
        CollectionTotals(
            year=year,
            current_due=fen(sum(row["current_due"] for row in rows.values())),
            current_collected=fen(sum(row["current_collected"] for row in rows.values())),
            arrears_at_year_start=fen(sum(row["prior_due"] - row["prior_paid"] for row in rows.values())),
            arrears_recovered=fen(sum(row["recovered"] for row in rows.values())),
            households_clear=sum(1 for household_id in with_due if household_id not in owing),
            households_with_due=len(with_due),
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
