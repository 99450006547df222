"""Every place that shows a household's arrears shows the same figures, to the fen, waivers included, and promises
are judged on local dates everywhere."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from arrears.late_fees.services import waiver_grant
from arrears.models import Allocation
from arrears.reports import arrears_report
from arrears.services import payment_record, payment_verify
from assignments.models import Assignment, Campaign, Contact, Outcome
from assignments.promises import BROKEN, KEPT, PENDING, Promise, judge_all
from assignments.services.split import task_facts
from notices.letters import letter_amounts
from tests.factories import (
    BuildingFactory,
    ChargeFactory,
    CommunityFactory,
    HouseholdFactory,
    PaymentFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_card_sheet_household_page_letter_and_report_agree_after_a_waiver(client, user_with_role):
    today = timezone.localdate()
    community = CommunityFactory(late_fee_daily_rate=Decimal("0.0005"), late_fee_grace_days=0)
    household = HouseholdFactory(community=community, building=BuildingFactory(community=community, name="3"))
    for months in (5, 4, 3):
        due = today - timedelta(days=30 * months)
        ChargeFactory(household=household, amount=Decimal("333.33"), due_date=due, period_start=due, period_end=due)
    payment = payment_record(household=household, amount=Decimal("400.00"), paid_on=today - timedelta(days=70),
                             channel="cash")  # fmt: skip
    payment_verify(payment_id=payment.pk, verified_by=None)
    waiver_grant(household=household, amount=Decimal("7.77"), waived_on=today, reason="经理批准",
                 approved_by=user_with_role("manager"))  # fmt: skip
    staff = StaffFactory()
    campaign = Campaign.objects.create(name="行动", start_date=today - timedelta(days=1), end_date=today)
    campaign.communities.add(community)
    Assignment.objects.create(campaign=campaign, day=today, household=household, staff=staff, position=1)

    row = arrears_report(community, today)["households"][0]
    report = (Decimal(row["principal"]), Decimal(row["late_fee"]))
    assert report[1] > 0

    client.force_login(staff.user)
    card = client.get(reverse("tasks_today")).context["tasks"].cards[0]
    sheet = client.get(reverse("task_sheet")).context["tasks"].cards[0]
    client.force_login(user_with_role("manager"))
    page = client.get(reverse("household_detail", args=[household.pk])).context
    letter = letter_amounts(household, today)

    assert (card.overdue, card.late_fee) == report
    assert (sheet.overdue, sheet.late_fee) == report
    assert (page["principal"], page["late_fee"]) == report
    assert (letter.principal, letter.late_fee) == report
    assert letter.waived == page["late_fee_waived"] == Decimal("7.77")


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def test_a_promise_made_after_midnight_local_counts_payments_from_that_local_day():
    """00:30 in Shanghai is still the previous day in UTC: a payment of that previous day does not keep it."""
    household = HouseholdFactory()
    ChargeFactory(household=household, amount=Decimal("100.00"), due_date=date(2026, 2, 28))
    made_at = local(date(2026, 3, 11), 0, 30)
    assert made_at.astimezone(ZoneInfo("UTC")).date() == date(2026, 3, 10)
    payment = PaymentFactory(household=household, amount=Decimal("100.00"), paid_on=date(2026, 3, 10))
    payment_verify(payment_id=payment.pk, verified_by=None)
    promise = Promise.from_contact(household.pk, made_at, date(2026, 3, 12), Decimal("100.00"))

    assert promise.made_on == date(2026, 3, 11)
    assert judge_all([promise], date(2026, 3, 12)) == [PENDING]
    assert judge_all([promise], date(2026, 3, 14)) == [BROKEN]

    contact = Contact.objects.create(household=household, staff=StaffFactory(), channel="visit",
                                     outcome=Outcome.PROMISED, promised_date=date(2026, 3, 12),
                                     promised_amount=Decimal("100.00"))  # fmt: skip
    Contact.objects.filter(pk=contact.pk).update(created_at=made_at)
    facts = task_facts([household.pk], {household.pk: Decimal("0.00")}, date(2026, 3, 14), [household.community])
    assert facts[household.pk].promise_broken  # the split judges it as the card does


def test_a_promise_without_an_amount_is_kept_when_the_balance_is_cleared_by_the_window_end():
    household = HouseholdFactory()
    charge = ChargeFactory(household=household, amount=Decimal("100.00"), due_date=date(2026, 2, 28))
    promise = Promise(household.pk, date(2026, 3, 1), date(2026, 3, 10), None)
    payment = PaymentFactory(household=household, amount=Decimal("60.00"), paid_on=date(2026, 3, 5))
    payment_verify(payment_id=payment.pk, verified_by=None)
    assert judge_all([promise], date(2026, 3, 20)) == [BROKEN]  # 40.00 still owed on 03-11

    late = PaymentFactory(household=household, amount=Decimal("40.00"), paid_on=date(2026, 3, 11))
    payment_verify(payment_id=late.pk, verified_by=UserFactory())
    assert Allocation.objects.filter(charge=charge).count() == 2
    assert judge_all([promise], date(2026, 3, 20)) == [KEPT]  # cleared within the day's grace
