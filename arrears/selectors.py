"""Reads of the ledger: arrears, late fees and collection rates, computed by the database where it can."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import DecimalField, F, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.sorting import natural_key

from .late_fee import LateFeePolicy, late_fee, outstanding
from .models import Allocation, Charge, Community, Household, LateFeeOverride, LateFeeWaiver, Payment
from .models.households import household_label
from .models.ledger import PaymentStatus
from .money import ZERO, round_money
from .rates import CollectionRates, CollectionTotals, period_bounds, rates_from_totals

_MONEY = DecimalField(max_digits=14, decimal_places=2)


def _sum_subquery(queryset: QuerySet, field: str) -> Coalesce:
    summed = queryset.order_by().values("household_id").annotate(total=Sum(field)).values("total")
    return Coalesce(Subquery(summed, output_field=_MONEY), Value(ZERO), output_field=_MONEY)


def with_overdue(households: QuerySet, as_of: date) -> QuerySet:
    """Annotate ``overdue``: principal of charges due before ``as_of`` still unpaid on ``as_of``."""
    due = _sum_subquery(Charge.objects.filter(household_id=OuterRef("pk"), due_date__lt=as_of), "amount")
    paid = _sum_subquery(
        Allocation.objects.filter(
            charge__household_id=OuterRef("pk"), charge__due_date__lt=as_of, applied_on__lte=as_of
        ).annotate(household_id=F("charge__household_id")),
        "amount",
    )
    return households.annotate(overdue=due - paid)


@dataclass(frozen=True)
class ChargeArrears:
    """One charge of a household as of a date: what is unpaid and its late fee."""

    charge_id: int
    fee_item: str
    period_start: date
    period_end: date
    amount: Decimal
    due_date: date
    outstanding: Decimal
    late_fee: Decimal


@dataclass(frozen=True)
class HouseholdArrears:
    """A household in arrears as of a date."""

    household_id: int
    label: str
    principal: Decimal
    late_fee: Decimal
    oldest_due: date | None
    late_fee_waived: Decimal = ZERO  # already taken off ``late_fee``

    @property
    def total(self) -> Decimal:
        return self.principal + self.late_fee


def policies_for(community: Community, household_ids) -> dict[int, LateFeePolicy]:
    """The late-fee policy of each household that overrides its community's."""
    overrides = LateFeeOverride.objects.filter(household__community=community)
    if household_ids is not None:
        overrides = overrides.filter(household_id__in=household_ids)
    return {o.household_id: o.policy for o in overrides}


def waived_by_household(household_ids, as_of: date) -> dict[int, Decimal]:
    """{household id: 违约金 waived on or before ``as_of``} over the waivers not cancelled."""
    return dict(
        LateFeeWaiver.objects.filter(household_id__in=household_ids, waived_on__lte=as_of, cancelled_at__isnull=True)
        .order_by()
        .values("household_id")
        .annotate(total=Sum("amount"))
        .values_list("household_id", "total")
    )


def net_late_fee(gross: Decimal, waived: Decimal) -> tuple[Decimal, Decimal]:
    """(late fee after the waiver, the part of the waiver actually used): a waiver never makes it negative."""
    used = min(gross, waived)
    return gross - used, used


def charge_arrears(household: Household, as_of: date) -> list[ChargeArrears]:
    """Every charge of one household due before ``as_of``, with its outstanding principal and late fee."""
    policy = household.late_fee_policy
    charges = list(
        Charge.objects.filter(household=household, due_date__lt=as_of)
        .select_related("fee_item")
        .order_by("due_date", "period_start", "id")
    )
    allocations: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    for charge_id, applied_on, amount in Allocation.objects.filter(
        charge__in=charges, applied_on__lte=as_of
    ).values_list("charge_id", "applied_on", "amount"):
        allocations[charge_id].append((applied_on, amount))
    result = []
    for charge in charges:
        entries = allocations.get(charge.pk, [])
        result.append(
            ChargeArrears(
                charge_id=charge.pk,
                fee_item=charge.fee_item.name,
                period_start=charge.period_start,
                period_end=charge.period_end,
                amount=charge.amount,
                due_date=charge.due_date,
                outstanding=outstanding(amount=charge.amount, allocations=entries, as_of=as_of),
                late_fee=late_fee(
                    amount=charge.amount,
                    due_date=charge.due_date,
                    allocations=entries,
                    as_of=as_of,
                    policy=policy,
                ),
            )
        )
    return result


def overdue_by_household(community: Community, as_of: date) -> dict[int, Decimal]:
    """{household id: overdue principal} for the households of a community that owe anything on ``as_of``.

    Two grouped sums (charges, allocations) rather than a subquery per household: linear at any scale.
    """
    due = (
        Charge.objects.filter(household__community=community, due_date__lt=as_of)
        .order_by()
        .values("household_id")
        .annotate(total=Sum("amount"))
        .values_list("household_id", "total")
    )
    paid = dict(
        Allocation.objects.filter(
            charge__household__community=community, charge__due_date__lt=as_of, applied_on__lte=as_of
        )
        .order_by()
        .values("charge__household_id")
        .annotate(total=Sum("amount"))
        .values_list("charge__household_id", "total")
    )
    owing = {}
    for household_id, total in due:
        balance = total - paid.get(household_id, ZERO)
        if balance > ZERO:
            owing[household_id] = balance
    return owing


_CHUNK = 900  # household ids per query: within every backend's limit on query parameters


def community_arrears(
    community: Community, as_of: date, owing: dict[int, Decimal] | None = None
) -> list[HouseholdArrears]:
    """Every household of a community with overdue principal on ``as_of``, in building/unit/room order.

    The late fee of a household is the sum over all its charges due before ``as_of`` (a charge paid late
    keeps the late fee it accrued while unpaid), less the waivers (减免) dated on or before ``as_of``.
    """
    owing = overdue_by_household(community, as_of) if owing is None else owing
    if not owing:
        return []
    labels = {
        pk: household_label(building, unit, room)
        for pk, building, unit, room in Household.objects.filter(community=community)
        .order_by()
        .values_list("id", "building__name", "unit", "room")
        if pk in owing
    }
    overrides = policies_for(community, None)
    default_policy = community.late_fee_policy
    ids = sorted(owing)
    result = []
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        charges_by_household: dict[int, list[tuple[int, Decimal, date]]] = defaultdict(list)
        for charge_id, household_id, amount, due_date in (
            Charge.objects.filter(household_id__in=chunk, due_date__lt=as_of)
            .order_by()
            .values_list("id", "household_id", "amount", "due_date")
        ):
            charges_by_household[household_id].append((charge_id, amount, due_date))
        allocations: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
        for charge_id, applied_on, amount in (
            Allocation.objects.filter(charge__household_id__in=chunk, charge__due_date__lt=as_of, applied_on__lte=as_of)
            .order_by()
            .values_list("charge_id", "applied_on", "amount")
        ):
            allocations[charge_id].append((applied_on, amount))
        waived = waived_by_household(chunk, as_of)
        for household_id in chunk:
            policy = overrides.get(household_id, default_policy)
            fee = ZERO
            oldest = None
            for charge_id, amount, due_date in charges_by_household[household_id]:
                entries = allocations.get(charge_id, ())
                fee += late_fee(amount=amount, due_date=due_date, allocations=entries, as_of=as_of, policy=policy)
                if (oldest is None or due_date < oldest) and outstanding(
                    amount=amount, allocations=entries, as_of=as_of
                ) > ZERO:
                    oldest = due_date
            fee, used = net_late_fee(fee, waived.get(household_id, ZERO))
            result.append(
                HouseholdArrears(
                    household_id=household_id,
                    label=labels[household_id],
                    principal=round_money(owing[household_id]),
                    late_fee=fee,
                    oldest_due=oldest,
                    late_fee_waived=used,
                )
            )
    result.sort(key=lambda h: natural_key(h.label))
    return result


def _total(queryset: QuerySet, field: str = "amount") -> Decimal:
    return queryset.aggregate(total=Sum(field))["total"] or ZERO


def collection_rates(
    community: Community, *, year: int, as_of: date, owing: dict[int, Decimal] | None = None
) -> CollectionRates:
    """收费率, 清欠率, 综合收缴率 and 户收费率 of a community for a year as of a date (DOMAIN.md).

    ``owing`` is ``overdue_by_household(community, as_of)`` when the caller has it already.
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
    owing = overdue_by_household(community, as_of) if owing is None else owing
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
