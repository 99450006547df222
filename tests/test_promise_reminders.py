"""Promise reminders: the day before the promised date, at 09:00, once, only where the community enabled them."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from arrears.models import Allocation, Charge, Payment
from arrears.models.ledger import PaymentStatus
from assignments.models import Contact, ContactChannel, Outcome
from assignments.selectors import household_cards
from assignments.services import contact_record
from outreach.models import MessageStatus, OptOutSource, SkipReason, SmsLevel, SmsMessage, SmsOptOut
from outreach.quiet_hours import CHINA
from outreach.services.reminders import promise_reminders_send, reminders_resume
from outreach.services.templates import sms_template_save
from outreach.sms_text import DEFAULTS
from outreach.throttle import Pacer
from tests.factories import StaffFactory
from tests.factories_notices import household_in_arrears, letter_community
from tests.sms_support import Clock, RecordingBackend

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def clock(today):
    return Clock(datetime.combine(today, time(9, 0), tzinfo=CHINA))


@pytest.fixture
def community():
    community = letter_community()
    sms_template_save(
        community=community, level=SmsLevel.PROMISE, text=DEFAULTS[SmsLevel.PROMISE].text, vendor_code="", enabled=True
    )
    return community


@pytest.fixture
def household(community):
    return household_in_arrears(community, room="101")


@pytest.fixture
def staff():
    return StaffFactory()


def promise(household, staff, day, amount=None):
    return contact_record(
        household=household,
        staff=staff,
        channel=ContactChannel.PHONE,
        outcome=Outcome.PROMISED,
        promised_date=day,
        promised_amount=amount,
    )


def run(clock, today, backend=None):
    backend = backend or RecordingBackend()
    result = promise_reminders_send(day=today, backend=backend, now=clock, pacer=Pacer(0, now=clock))
    return backend, result


def test_the_owner_is_reminded_the_day_before_and_the_collector_sees_it(community, household, staff, clock, today):
    promised = promise(household, staff, today + timedelta(days=1), Decimal("600.00"))
    backend, result = run(clock, today)
    assert result.sent == 1
    message = backend.sent[0]
    assert message.phone == household.owner.phone
    assert message.params["promise_amount"] == "600.00"
    tomorrow = today + timedelta(days=1)
    assert message.params["promise_date"] == f"{tomorrow.year}年{tomorrow.month}月{tomorrow.day}日"
    reminder = SmsMessage.objects.get(promise=promised)
    assert reminder.level == SmsLevel.PROMISE and reminder.status == MessageStatus.SENT
    history = reminder.contact
    assert (history.channel, history.outcome, history.promised_date) == (
        ContactChannel.SMS,
        Outcome.MESSAGE_SENT,
        tomorrow,
    )
    card = household_cards([household], today, full_contact=False)[0]
    assert "promise-reminded" in card.badge_codes
    assert card.last_outcome == Outcome.PROMISED  # the reminder is not the collector's last contact


def test_a_reminder_goes_once_however_often_the_job_runs(community, household, staff, clock, today):
    promise(household, staff, today + timedelta(days=1))
    backend, _result = run(clock, today)
    run(clock, today, backend)
    assert len(backend.sent) == 1


def test_no_reminder_where_the_community_did_not_enable_it(household, staff, clock, today):
    promise(household, staff, today + timedelta(days=1))
    sms_template_save(
        community=household.community, level=SmsLevel.PROMISE, text="{承诺日期}请缴费", vendor_code="", enabled=False
    )
    backend, _result = run(clock, today)
    assert backend.sent == [] and not SmsMessage.objects.exists()


def test_by_default_reminders_are_off(staff, clock, today):
    household = household_in_arrears(letter_community("QT"), room="101")
    promise(household, staff, today + timedelta(days=1))
    backend, _result = run(clock, today)
    assert backend.sent == []


def test_only_the_latest_promise_and_only_tomorrows(community, household, staff, clock, today):
    promise(household, staff, today + timedelta(days=1))
    promise(household, staff, today + timedelta(days=5))  # changed their mind: the new date stands
    other = household_in_arrears(community, room="102")
    promise(other, staff, today + timedelta(days=2))
    backend, _result = run(clock, today)
    assert backend.sent == []


def test_no_reminder_for_a_promise_already_kept(community, household, staff, clock, today):
    promise(household, staff, today + timedelta(days=1), Decimal("300.00"))
    charge = Charge.objects.filter(household=household).order_by("due_date").last()
    payment = Payment.objects.create(
        household=household,
        community=community,
        paid_on=today,
        amount=Decimal("300.00"),
        channel="cash",
        status=PaymentStatus.VERIFIED,
    )
    Allocation.objects.create(payment=payment, charge=charge, amount=payment.amount, applied_on=today)
    backend, _result = run(clock, today)
    assert backend.sent == []
    assert SmsMessage.objects.get().skip_reason == SkipReason.CLEARED


def test_no_reminder_to_the_legal_track_or_an_opted_out_number(community, household, staff, clock, today):
    promise(household, staff, today + timedelta(days=1))
    other = household_in_arrears(community, room="102")
    promise(other, staff, today + timedelta(days=1))
    household.on_legal_track = True
    household.save()
    SmsOptOut.objects.create(phone=other.owner.phone, source=OptOutSource.OWNER_PAGE)
    backend, _result = run(clock, today)
    assert backend.sent == []
    reasons = dict(SmsMessage.objects.values_list("household_id", "skip_reason"))
    assert reasons == {household.pk: SkipReason.LEGAL, other.pk: SkipReason.OPTED_OUT}


def test_a_reminder_waiting_to_retry_is_dropped_once_the_date_has_come(community, household, staff, clock, today):
    from outreach.backends import TemporarySmsError

    promise(household, staff, today + timedelta(days=1))
    backend = RecordingBackend(fail={household.owner.phone: [TemporarySmsError("busy")]})
    run(clock, today, backend)
    assert SmsMessage.objects.get().status == MessageStatus.QUEUED
    clock.advance(minutes=5)
    assert reminders_resume(backend=backend, now=clock, pacer=Pacer(0, now=clock)).sent == 1
    # Had it still been waiting on the promised day, it would have been dropped rather than sent late.
    SmsMessage.objects.update(status=MessageStatus.QUEUED)
    clock.advance(days=1)
    assert reminders_resume(backend=backend, now=clock, pacer=Pacer(0, now=clock)) is None
    assert SmsMessage.objects.get().status == MessageStatus.CANCELLED


def test_a_promise_made_on_the_owners_page_is_reminded_too(community, household, clock, today):
    Contact.objects.create(
        household=household,
        staff=None,
        channel=ContactChannel.SELF_SERVICE,
        outcome=Outcome.PROMISED,
        promised_date=today + timedelta(days=1),
    )
    backend, _result = run(clock, today)
    assert len(backend.sent) == 1
