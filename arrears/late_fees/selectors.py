"""Reads for late-fee waivers (减免): a household's 违约金 before and after them, and the waiver lists."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet

from arrears.models import Household, LateFeeWaiver
from arrears.money import ZERO
from arrears.selectors import charge_arrears, net_late_fee, waived_by_household


@dataclass(frozen=True)
class LateFeeAfterWaivers:
    """A household's 违约金 on a date: accrued (gross), waived (the part of the waivers used) and what is owed."""

    gross: Decimal
    waived: Decimal
    net: Decimal


def household_late_fee(household: Household, as_of: date) -> LateFeeAfterWaivers:
    """The household's 违约金 as of ``as_of``, less the waivers dated on or before it that are not cancelled.

    The same rule as ``community_arrears``: the sum over the charges due before ``as_of``, waivers never below zero.
    """
    gross = sum((row.late_fee for row in charge_arrears(household, as_of)), ZERO)
    return late_fee_after_waivers(household, gross, as_of)


def late_fee_after_waivers(household: Household, gross: Decimal, as_of: date) -> LateFeeAfterWaivers:
    """Apply the household's waivers as of ``as_of`` to an accrued 违约金 the caller has computed already."""
    waived = waived_by_household([household.pk], as_of).get(household.pk, ZERO)
    net, used = net_late_fee(gross, waived)
    return LateFeeAfterWaivers(gross=gross, waived=used, net=net)


def late_fee_after_listed_waivers(gross: Decimal, waivers, as_of: date) -> LateFeeAfterWaivers:
    """The same as ``late_fee_after_waivers`` from a household's waivers already loaded (``waivers_of``), so the
    household page shows them and applies them with one query: those not cancelled and dated on or before ``as_of``
    count, as in ``waived_by_household``."""
    waived = sum((w.amount for w in waivers if w.cancelled_at is None and w.waived_on <= as_of), ZERO)
    net, used = net_late_fee(gross, waived)
    return LateFeeAfterWaivers(gross=gross, waived=used, net=net)


def waivers_of(household: Household) -> QuerySet[LateFeeWaiver]:
    """Every waiver of a household, cancelled ones included, newest first."""
    return household.late_fee_waivers.select_related("approved_by", "cancelled_by").order_by("-waived_on", "-id")
