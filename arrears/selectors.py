"""Reads of the ledger beyond a household's position (arrears.positions): collection rates, rejected payments."""

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import DecimalField, QuerySet, Sum
from django.utils import timezone

from .models import Allocation, Charge, Community, Payment
from .models.ledger import PaymentStatus
from .money import ZERO
from .positions import owing as owing_of
from .rates import CollectionRates, CollectionTotals, period_bounds, rates_from_totals

_MONEY = DecimalField(max_digits=14, decimal_places=2)


def _total(queryset: QuerySet, field: str = "amount") -> Decimal:
    return queryset.aggregate(total=Sum(field))["total"] or ZERO


def collection_rates(
    community: Community, *, year: int, as_of: date, owing: dict[int, Decimal] | None = None
) -> CollectionRates:
    """收费率, 清欠率, 综合收缴率 and 户收费率 of a community for a year as of a date (DOMAIN.md).

    ``owing`` is ``arrears.positions.owing`` of the community's households when the caller has it already.
    """
    start, end = period_bounds(year, as_of)
    prior_year_end = start - timedelta(days=1)
    charges = Charge.objects.filter(household__community=community)
    current = charges.filter(due_date__gte=start, due_date__lte=end)
    prior = charges.filter(due_date__lt=start)
    allocations = Allocation.objects.filter(charge__household__community=community)
    current_due = _total(current)
    current_collected = _total(
        allocations.filter(charge__due_date__gte=start, charge__due_date__lte=end, applied_on__lte=as_of)
    )
    arrears_at_year_start = _total(prior) - _total(
        allocations.filter(charge__due_date__lt=start, applied_on__lte=prior_year_end)
    )
    recovered = _total(allocations.filter(charge__due_date__lt=start, applied_on__gte=start, applied_on__lte=as_of))
    with_due = set(current.order_by().values_list("household_id", flat=True).distinct())
    owing = owing_of(community.households.all(), as_of) if owing is None else owing
    households_with_due = len(with_due)
    households_owing = sum(1 for household_id in with_due if household_id in owing)
    return rates_from_totals(
        CollectionTotals(
            year=year,
            current_due=current_due,
            current_collected=current_collected,
            arrears_at_year_start=arrears_at_year_start,
            arrears_recovered=recovered,
            households_clear=households_with_due - households_owing,
            households_with_due=households_with_due,
        )
    )


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
