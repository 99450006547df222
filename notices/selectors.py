"""Reads of the notices: who may see them, their delivery status, and the charges at risk of limitation."""

import calendar
from collections.abc import Sequence
from datetime import date

from django.db.models import DecimalField, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from arrears.models import Allocation, Charge
from arrears.money import ZERO
from core.roles import NOTICE_KEEPERS, NOTICE_READERS, has_role

from .models import Delivery, Notice

_MONEY = DecimalField(max_digits=14, decimal_places=2)

# The limitation period (诉讼时效) is 3 years; a charge is at risk once its period is more than 2.5 years old.
LIMITATION_YEARS = 3
RISK_MONTHS = 30


def can_read_notices(user) -> bool:
    """Whether the user may open the notices list and a notice's page."""
    return has_role(user, *NOTICE_READERS)


def can_keep_notices(user) -> bool:
    """Whether the user may download letters, see delivery evidence and record deliveries."""
    return has_role(user, *NOTICE_KEEPERS)


def can_read_limitation_risk(user) -> bool:
    return has_role(user, *NOTICE_KEEPERS)


def notices_visible_to(user) -> QuerySet[Notice]:
    """Notices the user may see: all of them for the notice roles (they work company-wide), none otherwise."""
    if can_read_notices(user):
        return Notice.objects.all()
    return Notice.objects.none()


def with_delivery(notices: QuerySet[Notice]) -> QuerySet[Notice]:
    """Annotate ``delivered_on`` and ``delivery_method``: the latest delivery's, or None when not delivered."""
    latest = Delivery.objects.filter(notice_id=OuterRef("pk")).order_by("-delivered_on", "-id")
    return notices.annotate(
        delivered_on=Subquery(latest.values("delivered_on")[:1]),
        delivery_method=Subquery(latest.values("method")[:1]),
    )


def delivered(notices: QuerySet[Notice], *, yes: bool) -> QuerySet[Notice]:
    """Notices with (``yes``) or without a delivery record."""
    has_delivery = Exists(Delivery.objects.filter(notice_id=OuterRef("pk")))
    return notices.filter(has_delivery if yes else ~has_delivery)


def months_before(day: date, months: int) -> date:
    """The same day ``months`` months earlier, or the month's last day when it is shorter (08-31 → 02-28)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def years_after(day: date, years: int) -> date:
    """The same day ``years`` years later; 29 February becomes 28 February."""
    return months_before(day, -12 * years)


def risk_cutoff(as_of: date) -> date:
    """Charges due (or last demanded) before this day are more than 2.5 years old on ``as_of``."""
    return months_before(as_of, RISK_MONTHS)


_RISK_ORDER = (
    "due_date",
    "household__community__code",
    "household__building__name",
    "household__unit",
    "household__room",
    "fee_item__name",
    "id",
)


def limitation_risk_ids(*, as_of: date, charges: QuerySet[Charge] | None = None) -> list[int]:
    """Ids of the charges whose 3-year limitation period ends within half a year of ``as_of`` (or has ended),
    oldest due date first.

    A charge is listed when it was due before ``risk_cutoff(as_of)``, still has principal outstanding on
    ``as_of``, and no notice of its household was delivered between the cutoff and ``as_of``. A delivery
    restarts the period (民法典 195), so one delivered on or after the due date but itself more than 2.5 years
    ago no longer protects the charge; one delivered before the due date never did.

    One query: the old charges joined to their allocations and summed (a hash or merge join, linear in the
    ledger), then an anti-join on the recent deliveries. ``charges`` narrows the ledger first (a community,
    a building), so a filtered list reads only that part.
    """
    cutoff = risk_cutoff(as_of)
    charges = Charge.objects.all() if charges is None else charges
    unpaid = (
        charges.filter(due_date__lt=cutoff)
        .order_by()
        .values("pk")
        .annotate(
            paid=Coalesce(
                Sum("allocations__amount", filter=Q(allocations__applied_on__lte=as_of)),
                Value(ZERO),
                output_field=_MONEY,
            )
        )
        .filter(amount__gt=F("paid"))
        .values("pk")
    )
    recently_delivered = Delivery.objects.filter(
        notice__household_id=OuterRef("household_id"), delivered_on__gte=cutoff, delivered_on__lte=as_of
    )
    return list(
        Charge.objects.filter(pk__in=unpaid)
        .filter(~Exists(recently_delivered))
        .order_by(*_RISK_ORDER)
        .values_list("pk", flat=True)
    )


def limitation_risk_rows(*, as_of: date, ids: list[int]) -> list[Charge]:
    """The charges ``ids`` (a page of ``limitation_risk_ids``) in that order, with their household, fee item,
    ``outstanding`` on ``as_of`` and ``last_delivery``: the household's latest delivery up to ``as_of``."""
    if not ids:
        return []
    paid = (
        Allocation.objects.filter(charge_id=OuterRef("pk"), applied_on__lte=as_of)
        .order_by()
        .values("charge_id")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    last_delivery = (
        Delivery.objects.filter(notice__household_id=OuterRef("household_id"), delivered_on__lte=as_of)
        .order_by("-delivered_on")
        .values("delivered_on")[:1]
    )
    rows = (
        Charge.objects.filter(pk__in=ids)
        .annotate(
            outstanding=F("amount") - Coalesce(Subquery(paid, output_field=_MONEY), Value(ZERO), output_field=_MONEY),
            last_delivery=Subquery(last_delivery),
        )
        .select_related("fee_item", "household__community", "household__building")
    )
    by_id = {row.pk: row for row in rows}
    return [by_id[pk] for pk in ids if pk in by_id]


class LimitationRisk(Sequence):
    """The limitation-risk list as a sequence for a table: its length is known without a count query, and a
    slice (a page) is read with one query by primary key."""

    _CHUNK = 500

    def __init__(self, *, as_of: date, charges: QuerySet[Charge] | None = None):
        self.as_of = as_of
        self.ids = limitation_risk_ids(as_of=as_of, charges=charges)

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return limitation_risk_rows(as_of=self.as_of, ids=self.ids[index])
        return limitation_risk_rows(as_of=self.as_of, ids=[self.ids[index]])[0]

    def __iter__(self):
        for start in range(0, len(self.ids), self._CHUNK):
            yield from limitation_risk_rows(as_of=self.as_of, ids=self.ids[start : start + self._CHUNK])


def limitation_risk(*, as_of: date, charges: QuerySet[Charge] | None = None) -> LimitationRisk:
    """The charges at risk of limitation on ``as_of`` (see ``limitation_risk_ids``), oldest first."""
    return LimitationRisk(as_of=as_of, charges=charges)


def limitation_date(charge: Charge) -> date:
    """When the charge's limitation period ends: 3 years from its due date, or from a later delivery."""
    start = charge.due_date
    last = getattr(charge, "last_delivery", None)
    if last is not None and last >= start:
        start = last
    return years_after(start, LIMITATION_YEARS)
