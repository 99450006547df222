"""Reads for late-fee waivers (减免): a household's waivers, cancelled ones included.

What a waiver takes off a household's 违约金 on a date is part of its position (arrears.positions).
"""

from django.db.models import QuerySet

from arrears.models import Household, LateFeeWaiver


def waivers_of(household: Household) -> QuerySet[LateFeeWaiver]:
    """Every waiver of a household, cancelled ones included, newest first."""
    return household.late_fee_waivers.select_related("approved_by", "cancelled_by").order_by("-waived_on", "-id")
