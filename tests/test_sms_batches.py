"""SMS batches: who gets one, what it says, quiet hours, opt-out, no duplicate, the legal track, retries, the rate."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from arrears.models import Household, OwnerSegment
from arrears.models.households import Segment
from arrears.positions import in_arrears
from arrears.templatetags.arrears_format import format_money
from assignments.models import Contact, ContactChannel, Outcome
from notices.models import NoticeLevel
from notices.services import BatchCriteria
from outreach.backends import AccountSmsError, BlacklistedSmsError, PermanentSmsError, TemporarySmsError
from outreach.links import key_from_token
from outreach.models import (
    MessageStatus,
    OptOutSource,
    OwnerLink,
    SkipReason,
    SmsBatch,
    SmsBatchStatus,
    SmsLevel,
    SmsMessage,
    SmsOptOut,
)
from outreach.services.batches import (
    sms_batch_cancel,
    sms_batch_create,
    sms_batch_preview,
    sms_batch_retry,
    sms_batch_send,
    sms_batches_dispatch,
)
from outreach.services.sending import Sender
from outreach.services.templates import sms_template_save
from outreach.throttle import Pacer, slots_reserve
from tests.factories_notices import AS_OF, household_in_arrears, letter_community
from tests.sms_support import Clock, RecordingBackend, china

pytestmark = pytest.mark.django_db

MORNING = china(2026, 4, 30, 10, 0)  # AS_OF, in working hours


@pytest.fixture
def community():
    return letter_community()


@pytest.fixture
def households(community):
    """3-2-101, 3-2-102 (a 钉子户), 5-1-101 (6 months), and 3-2-103 on the legal track."""
    a = household_in_arrears(community, room="101")
    b = household_in_arrears(community, room="102", months=1, paid_late=False, start=(2026, 3))
    OwnerSegment.objects.create(owner=b.owner, segment=Segment.HARD_REFUSER)
    c = household_in_arrears(community, building="5", unit="1", room="101", months=6, paid_late=False, start=(2025, 10))
    legal = household_in_arrears(community, room="103", paid_late=False)
    legal.on_legal_track = True
    legal.save()
    return a, b, c, legal


def criteria(community, **kwargs):
    return BatchCriteria(community=community, level=NoticeLevel.REMINDER, as_of=AS_OF, **kwargs)


def make_batch(community, level=SmsLevel.REMINDER, now=MORNING, **kwargs):
    return sms_batch_create(criteria=criteria(community, **kwargs), level=level, now=now, enqueue=False)


def send(batch, backend, clock=None, pacer=None):
    clock = clock or Clock(MORNING)
    return sms_batch_send(batch_id=batch.pk, backend=backend, now=clock, pacer=pacer or Pacer(0, now=clock))


# Choosing and writing ------------------------------------------------------------------------------------------


def test_the_batch_chooses_like_a_notice_batch_and_never_the_legal_track(community, households):
    a, b, c, legal = households
    batch = make_batch(community)
    assert sorted(batch.household_ids) == sorted([a.pk, b.pk, c.pk])
    assert legal.pk not in batch.household_ids
    segment = make_batch(community, segment=Segment.HARD_REFUSER)
    assert segment.household_ids == [b.pk]
    months = make_batch(community, min_months=5)
    assert months.household_ids == [c.pk]


def test_each_household_gets_its_figures_of_the_sending_day_as_the_report_has_them(community, households):
    a, b, c, _legal = households
    backend = RecordingBackend()
    batch = send(make_batch(community), backend)
    assert batch.status == SmsBatchStatus.DONE
    assert (batch.sent, batch.failed, batch.skipped, batch.processed) == (3, 0, 0, 3)
    report = {row.household_id: row for row in in_arrears(Household.objects.filter(community=community), AS_OF)}
    by_phone = {m.phone: m for m in backend.sent}
    for household in (a, b, c):
        message = by_phone[household.owner.phone]
        row = report[household.pk]
        assert message.params["room"] == household.label
        assert message.params["total"] == format_money(row.total)
        assert message.params["late_fee"] == format_money(row.late_fee)
        assert message.params["principal"] == format_money(row.principal)
        assert f"{format_money(row.total)}元" in message.text
        assert "王小明" not in message.text  # the default texts name nobody


def test_the_link_in_the_message_opens_that_household_only(community, households):
    a, *_rest = households
    backend = RecordingBackend()
    send(make_batch(community), backend)
    message = next(m for m in backend.sent if m.phone == a.owner.phone)
    assert message.params["link"].startswith("https://wuye.example.com/o/")
    token = message.params["link"].rstrip("/").rsplit("/", 1)[1]
    assert OwnerLink.objects.get(key=key_from_token(token)).household == a


def test_every_message_is_on_the_households_history_with_its_status(community, households):
    a, *_rest = households
    send(make_batch(community), RecordingBackend())
    contact = Contact.objects.get(household=a)
    assert contact.channel == ContactChannel.SMS
    assert contact.outcome == Outcome.MESSAGE_SENT
    assert contact.staff is None
    assert contact.sms_message.status == MessageStatus.SENT
    assert contact.sms_message.level == SmsLevel.REMINDER
    assert "3-2-101" in contact.note


def test_a_system_message_is_not_a_follow_up_on_the_collectors_card(community, households):
    from assignments.selectors import household_cards

    a, *_rest = households
    send(make_batch(community), RecordingBackend())
    card = household_cards([a], AS_OF, full_contact=False)[0]
    assert card.last_outcome == ""
    assert card.contacted_today is False
    assert "never" in card.badge_codes


def test_the_preview_shows_the_count_and_the_first_message_with_real_figures(community, households):
    a, b, c, _legal = households
    preview = sms_batch_preview(criteria=criteria(community), level=SmsLevel.DEMAND)
    assert preview.count == 3
    first = in_arrears(Household.objects.filter(community=community), AS_OF)[0]
    assert preview.sample_label == first.label
    assert format_money(first.total) in preview.sample_text
    assert preview.sample_segments >= 1
    assert not SmsMessage.objects.exists() and not SmsBatch.objects.exists()


# The rules -----------------------------------------------------------------------------------------------------


def test_a_household_put_on_the_legal_track_after_the_batch_was_made_gets_nothing(community, households):
    a, *_rest = households
    batch = make_batch(community)
    a.on_legal_track = True
    a.save()
    backend = RecordingBackend()
    send(batch, backend)
    assert a.owner.phone not in backend.phones
    message = SmsMessage.objects.get(batch=batch, household=a)
    assert (message.status, message.skip_reason) == (MessageStatus.SKIPPED, SkipReason.LEGAL)
    assert not Contact.objects.filter(household=a).exists()


def test_a_number_that_opted_out_gets_nothing(community, households):
    a, b, *_rest = households
    SmsOptOut.objects.create(phone=a.owner.phone, source=OptOutSource.DESK)
    backend = RecordingBackend()
    batch = send(make_batch(community), backend)
    assert a.owner.phone not in backend.phones and b.owner.phone in backend.phones
    assert SmsMessage.objects.get(household=a).skip_reason == SkipReason.OPTED_OUT
    assert (batch.sent, batch.skipped) == (2, 1)


def test_one_number_gets_one_message_per_batch(community, households):
    a, b, *_rest = households
    b.owner.phone = "+86 " + a.owner.phone  # the same owner's number, written differently
    b.owner.save()
    backend = RecordingBackend()
    send(make_batch(community), backend)
    assert backend.phones.count(a.owner.phone) == 1
    skipped = SmsMessage.objects.get(skip_reason=SkipReason.DUPLICATE)
    assert skipped.household in (a, b)


def test_a_landline_or_no_number_gets_nothing(community, households):
    a, b, *_rest = households
    a.owner.phone = "0571-88886666"
    a.owner.phone_alt = ""
    a.owner.save()
    b.owner.phone, b.owner.phone_alt = "", "139 0013 9000"
    b.owner.save()
    backend = RecordingBackend()
    send(make_batch(community), backend)
    assert SmsMessage.objects.get(household=a).skip_reason == SkipReason.NO_PHONE
    assert "13900139000" in backend.phones


def test_running_the_job_twice_sends_nothing_twice(community, households):
    backend = RecordingBackend()
    batch = make_batch(community)
    send(batch, backend)
    SmsBatch.objects.filter(pk=batch.pk).update(status=SmsBatchStatus.QUEUED)  # as if delivered again
    send(batch, backend)
    assert len(backend.sent) == 3
    assert SmsMessage.objects.filter(batch=batch).count() == 3
    assert Contact.objects.filter(outcome=Outcome.MESSAGE_SENT).count() == 3


def test_a_second_delivery_of_the_job_while_it_runs_does_nothing(community, households):
    batch = make_batch(community)
    SmsBatch.objects.filter(pk=batch.pk).update(status=SmsBatchStatus.SENDING)
    backend = RecordingBackend()
    send(batch, backend)
    assert backend.sent == []


def test_a_household_that_paid_before_the_job_ran_gets_nothing(community, households):
    from arrears.models import Allocation, Charge, Payment
    from arrears.models.ledger import PaymentStatus

    _a, b, *_rest = households
    batch = make_batch(community)
    charge = Charge.objects.get(household=b)
    payment = Payment.objects.create(
        household=b,
        community=community,
        paid_on=AS_OF,
        amount=charge.amount,
        channel="cash",
        status=PaymentStatus.VERIFIED,
    )
    Allocation.objects.create(payment=payment, charge=charge, amount=charge.amount, applied_on=AS_OF)
    send(batch, RecordingBackend())
    assert SmsMessage.objects.get(household=b).skip_reason == SkipReason.CLEARED


# Quiet hours ---------------------------------------------------------------------------------------------------


def test_a_batch_made_at_night_waits_for_8_in_the_morning(community, households):
    night = china(2026, 4, 29, 22, 30)
    batch = make_batch(community, now=night)
    assert batch.scheduled_for == china(2026, 4, 30, 8, 0)
    backend = RecordingBackend()
    # The job delivered early (or run by hand) does not start before its time.
    send(batch, backend, clock=Clock(night))
    assert backend.sent == [] and SmsBatch.objects.get(pk=batch.pk).status == SmsBatchStatus.QUEUED
    assert sms_batches_dispatch(now=china(2026, 4, 30, 7, 59)) == []
    batch.refresh_from_db()
    assert batch.status == SmsBatchStatus.QUEUED


def test_the_morning_dispatch_starts_it(community, households, django_capture_on_commit_callbacks, monkeypatch):
    batch = make_batch(community, now=china(2026, 4, 29, 22, 30))
    started = []
    monkeypatch.setattr("outreach.tasks.send_batch.delay", lambda pk: started.append(pk) or type("R", (), {"id": "t"}))
    with django_capture_on_commit_callbacks(execute=True):
        assert sms_batches_dispatch(now=china(2026, 4, 30, 8, 0)) == [batch.pk]
    assert started == [batch.pk]
    # The next minute's dispatch does not queue it again.
    with django_capture_on_commit_callbacks(execute=True):
        assert sms_batches_dispatch(now=china(2026, 4, 30, 8, 1)) == []
    backend = RecordingBackend()
    send(batch, backend, clock=Clock(china(2026, 4, 30, 8, 1)))
    assert len(backend.sent) == 3


def test_a_batch_still_sending_at_21_stops_and_goes_on_at_8(community, households):
    clock = Clock(china(2026, 4, 30, 20, 59, 59))
    backend = RecordingBackend()
    batch = make_batch(community, now=clock())
    # One message a second: the first goes at 20:59:59, the second slot is 21:00:00.
    batch = send(batch, backend, clock=clock, pacer=Pacer(Decimal(1), now=clock, sleep=clock.sleep))
    assert len(backend.sent) == 1
    assert batch.status == SmsBatchStatus.QUEUED
    assert batch.scheduled_for == china(2026, 5, 1, 8, 0)
    assert SmsMessage.objects.filter(batch=batch, status=MessageStatus.QUEUED).count() == 2
    # In the morning it goes on where it stopped, with nothing sent twice.
    morning = Clock(china(2026, 5, 1, 8, 0))
    batch = send(batch, backend, clock=morning)
    assert batch.status == SmsBatchStatus.DONE
    assert sorted(backend.phones) == sorted(set(backend.phones)) and len(backend.sent) == 3


# Retries and errors --------------------------------------------------------------------------------------------


def test_a_temporary_error_is_retried_later_then_given_up(community, households, settings):
    settings.SMS_MAX_ATTEMPTS = 2
    a, *_rest = households
    phone = a.owner.phone
    backend = RecordingBackend(fail={phone: [TemporarySmsError("busy", "isp.SYSTEM_ERROR")] * 2})
    clock = Clock(MORNING)
    batch = send(make_batch(community), backend, clock=clock)
    message = SmsMessage.objects.get(household=a)
    assert (message.status, message.attempts) == (MessageStatus.QUEUED, 1)
    assert message.next_attempt_at == MORNING + timedelta(minutes=1)
    assert batch.status == SmsBatchStatus.QUEUED and batch.scheduled_for == MORNING + timedelta(minutes=1)
    assert not Contact.objects.filter(household=a).exists()
    clock.advance(minutes=1)
    batch = send(batch, backend, clock=clock)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 2)
    assert batch.status == SmsBatchStatus.DONE and batch.failed == 1
    # A failed message is on the history too, so the collector knows the number may be wrong.
    assert Contact.objects.get(household=a).sms_message.status == MessageStatus.FAILED


def test_a_temporary_error_then_success(community, households):
    a, *_rest = households
    backend = RecordingBackend(fail={a.owner.phone: [TemporarySmsError("timeout")]})
    clock = Clock(MORNING)
    batch = send(make_batch(community), backend, clock=clock)
    clock.advance(minutes=2)
    batch = send(batch, backend, clock=clock)
    assert batch.status == SmsBatchStatus.DONE and batch.sent == 3
    assert SmsMessage.objects.get(household=a).attempts == 2


def test_a_bad_number_fails_at_once_and_a_blacklisted_one_opts_out(community, households):
    a, b, *_rest = households
    backend = RecordingBackend(
        fail={
            a.owner.phone: [PermanentSmsError("bad number", "isv.MOBILE_NUMBER_ILLEGAL")],
            b.owner.phone: [BlacklistedSmsError("blacklist", "FailedOperation.PhoneNumberInBlacklist")],
        }
    )
    batch = send(make_batch(community), backend)
    assert batch.status == SmsBatchStatus.DONE and (batch.sent, batch.failed) == (1, 2)
    assert SmsMessage.objects.get(household=a).error.startswith("isv.MOBILE_NUMBER_ILLEGAL")
    assert SmsOptOut.objects.get(phone=b.owner.phone).source == OptOutSource.VENDOR
    assert not SmsOptOut.objects.filter(phone=a.owner.phone).exists()


def test_an_account_error_stops_the_batch_and_a_retry_goes_on(community, households):
    backend = RecordingBackend()
    first = min(households[:3], key=lambda h: h.label)
    backend.fail = {first.owner.phone: [AccountSmsError("余额不足", "isv.AMOUNT_NOT_ENOUGH")]}
    batch = send(make_batch(community), backend)
    assert batch.status == SmsBatchStatus.FAILED and "isv.AMOUNT_NOT_ENOUGH" in batch.error
    assert backend.sent == []
    assert SmsMessage.objects.filter(batch=batch, status=MessageStatus.QUEUED).count() == 3  # nothing lost
    sms_batch_retry(batch=batch, now=MORNING)
    batch = send(batch, backend)
    assert batch.status == SmsBatchStatus.DONE and batch.sent == 3


def test_a_job_that_died_is_taken_over_without_resending_what_it_may_have_sent(community, households):
    batch = make_batch(community)
    send(batch, RecordingBackend())
    message = SmsMessage.objects.filter(batch=batch).first()
    SmsMessage.objects.filter(pk=message.pk).update(status=MessageStatus.SENDING)
    SmsBatch.objects.filter(pk=batch.pk).update(status=SmsBatchStatus.SENDING, heartbeat_at=MORNING)
    sms_batches_dispatch(now=MORNING + timedelta(minutes=11))
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and "未重发" in message.error


def test_cancel_stops_what_was_not_sent(community, households):
    batch = make_batch(community, now=china(2026, 4, 29, 22, 0))
    sms_batch_cancel(batch=batch)
    backend = RecordingBackend()
    send(batch, backend, clock=Clock(china(2026, 4, 30, 9, 0)))
    assert backend.sent == []
    assert SmsBatch.objects.get(pk=batch.pk).status == SmsBatchStatus.CANCELLED
    with pytest.raises(ValidationError, match="已完成或已取消"):
        sms_batch_cancel(batch=batch)


# What can be sent ----------------------------------------------------------------------------------------------


def test_a_disabled_text_or_a_vendor_without_its_template_code_is_refused(community, households, monkeypatch):
    sms_template_save(
        community=community, level=SmsLevel.DEMAND, text="{房号}欠费{合计}元", vendor_code="", enabled=False
    )
    with pytest.raises(ValidationError, match="已停用"):
        make_batch(community, level=SmsLevel.DEMAND)
    sms_template_save(
        community=community, level=SmsLevel.DEMAND, text="{房号}欠费{合计}元", vendor_code="", enabled=True
    )
    monkeypatch.setattr(RecordingBackend, "needs_template_code", True)
    monkeypatch.setattr("outreach.services.batches.get_backend", lambda: RecordingBackend())
    with pytest.raises(ValidationError, match="服务商模板编号"):
        make_batch(community, level=SmsLevel.DEMAND)


def test_a_link_needs_the_sites_address(community, households, settings):
    settings.PUBLIC_BASE_URL = ""
    with pytest.raises(ValidationError, match="PUBLIC_BASE_URL"):
        make_batch(community)


def test_only_reminder_and_demand_are_sent_in_batches(community, households):
    with pytest.raises(ValidationError):
        make_batch(community, level=SmsLevel.PROMISE)


def test_no_household_no_batch(community):
    with pytest.raises(ValidationError, match="没有符合条件"):
        make_batch(community)


# The rate limit ------------------------------------------------------------------------------------------------


def test_the_pacer_keeps_to_the_rate(community, households):
    clock = Clock(MORNING)
    pacer = Pacer(Decimal(5), block=2, now=clock, sleep=clock.sleep)
    send(make_batch(community), RecordingBackend(), clock=clock, pacer=pacer)
    # Three messages at 5 a second: the second 0.2 s after the first, the third 0.2 s after that.
    assert clock.at - MORNING == timedelta(seconds=0.4)


def test_slots_are_shared_by_every_worker(db):
    now = MORNING
    first = slots_reserve(count=10, rate=Decimal(10), now=now)
    second = slots_reserve(count=10, rate=Decimal(10), now=now)  # another worker, the same moment
    assert first == now
    assert second == now + timedelta(seconds=1)
    later = now + timedelta(seconds=5)
    assert slots_reserve(count=1, rate=Decimal(10), now=later) == later  # idle slots are not saved up


def test_a_sender_without_a_rate_does_not_wait(community, households):
    clock = Clock(MORNING)
    sender = Sender(RecordingBackend(), pacer=Pacer(0, now=clock, sleep=clock.sleep), now=clock)
    assert sender.send([]).sent == 0
    assert clock.slept == []
