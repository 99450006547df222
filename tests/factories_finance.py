"""Helpers for the finance tests: a community with households, and payments in each state."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from arrears.models.ledger import PaymentChannel
from arrears.services import payment_record, payment_verify
from tests.factories import BuildingFactory, ChargeFactory, CommunityFactory, HouseholdFactory, StaffFactory


def yesterday() -> date:
    return timezone.localdate() - timedelta(days=1)


def community_with_households(code="HY", rooms=("101", "102", "103")):
    """A community, building 3, unit 2, the given rooms, each owing one 300.00 charge due 60 days ago."""
    community = CommunityFactory(code=code, name=f"{code}小区")
    building = BuildingFactory(community=community, name="3")
    due = timezone.localdate() - timedelta(days=60)
    households = []
    for room in rooms:
        household = HouseholdFactory(community=community, building=building, unit="2", room=room)
        ChargeFactory(household=household, amount=Decimal("300.00"), due_date=due, period_start=due, period_end=due)
        households.append(household)
    return community, households


def collector(username="alice", name="李丽"):
    return StaffFactory(user__username=username, name=name)


def pending(household, amount="100.00", *, day=None, channel=PaymentChannel.CASH, by=None, reference=""):
    return payment_record(
        household=household,
        amount=Decimal(amount),
        paid_on=day or yesterday(),
        channel=channel,
        collected_by=by,
        reference=reference,
    )


def verified(
    household, amount="100.00", *, day=None, channel=PaymentChannel.CASH, by=None, reference="", verifier=None
):
    payment = pending(household, amount, day=day, channel=channel, by=by, reference=reference)
    return payment_verify(payment_id=payment.pk, verified_by=verifier)
