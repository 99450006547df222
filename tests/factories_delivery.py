"""Factories of notices and their deliveries, written directly (no rendering)."""

from datetime import date
from decimal import Decimal

import factory

from notices.models import Delivery, DeliveryMethod, Notice, NoticeLevel
from tests.factories import HouseholdFactory


class NoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notice

    household = factory.SubFactory(HouseholdFactory)
    community = factory.SelfAttribute("household.community")
    level = NoticeLevel.DEMAND
    year = 2026
    sequence = factory.Sequence(lambda n: n + 1)
    number = factory.LazyAttribute(lambda o: f"{o.community.code}-{o.year}-{o.sequence:06d}")
    as_of = date(2026, 3, 1)
    deadline = date(2026, 3, 16)
    addressee = factory.LazyAttribute(lambda o: o.household.owner.name if o.household.owner else "业主")
    principal = Decimal("300.00")
    late_fee = Decimal("4.35")
    total = Decimal("304.35")
    first_unpaid = date(2026, 1, 31)


class DeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delivery

    notice = factory.SubFactory(NoticeFactory)
    method = DeliveryMethod.POSTED
    delivered_on = date(2026, 3, 2)
