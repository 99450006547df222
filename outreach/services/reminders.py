"""Promise reminders (承诺提醒): the day before a promised date, at 09:00, the owner gets an SMS.

Only for communities whose 承诺提醒 template is enabled, only for the household's latest promise while it is
still pending (not yet kept, something still owed), never to the legal track or a number that opted out. One
reminder per promise (``SmsMessage.promise`` is unique), however often the job runs. The reminder is on the
household's history, and the collector's card shows 已发承诺提醒短信.
"""

from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from arrears.models import Household
from arrears.positions import positions
from assignments.models import Contact, Outcome
from assignments.promises import KEPT, Promise, judge_all

from .. import clock
from ..backends import SmsBackend, get_backend
from ..compose import sms_values
from ..links import owner_url
from ..models import MessageStatus, SkipReason, SmsLevel, SmsMessage, SmsOptOut
from ..phones import first_mobile
from ..sms_text import render, used_placeholders, wording_for
from ..throttle import Pacer
from .batches import check_wording
from .links import owner_links_for
from .sending import Sender, SendRun


def promises_due(tomorrow: date) -> list[Contact]:
    """The latest promise of each household, when it falls on ``tomorrow`` and no reminder was made for it."""
    candidates = Contact.objects.follow_ups().filter(outcome=Outcome.PROMISED, promised_date=tomorrow)
    households = candidates.values("household_id")
    latest: dict[int, Contact] = {}
    for contact in (
        Contact.objects.follow_ups()
        .filter(outcome=Outcome.PROMISED, household_id__in=households)
        .order_by("created_at", "pk")
    ):
        latest[contact.household_id] = contact
    return [
        c for c in latest.values() if c.promised_date == tomorrow and not SmsMessage.objects.filter(promise=c).exists()
    ]


@transaction.atomic
def _queue(promises: list[Contact], day: date, backend: SmsBackend) -> list[int]:
    """Write a reminder (queued, or skipped with its reason) for each promise; the ids of the queued ones."""
    households = Household.objects.select_related("community", "building", "owner").in_bulk(
        [p.household_id for p in promises]
    )
    by_community: dict[int, list[Contact]] = defaultdict(list)
    for promise in promises:
        by_community[households[promise.household_id].community_id].append(promise)
    messages = []
    for promises_here in by_community.values():
        community = households[promises_here[0].household_id].community
        wording = wording_for(community, SmsLevel.PROMISE)
        try:
            check_wording(wording, backend)
        except ValidationError:  # not enabled (or not sendable) in this community: no reminders, nothing recorded
            continue
        ids = [p.household_id for p in promises_here]
        rows = positions(Household.objects.filter(pk__in=ids), day, owing_only=True)
        states = judge_all(
            [
                Promise.from_contact(p.household_id, p.created_at, p.promised_date, p.promised_amount)
                for p in promises_here
            ],
            day,
        )
        kept = {p.pk for p, state in zip(promises_here, states, strict=True) if state == KEPT}
        phones = {
            pk: first_mobile(households[pk].owner.phone, households[pk].owner.phone_alt)
            if households[pk].owner_id
            else None
            for pk in ids
        }
        opted = set(
            SmsOptOut.objects.filter(phone__in=[p for p in phones.values() if p]).values_list("phone", flat=True)
        )
        with_link = "链接" in used_placeholders(wording.text)
        links = owner_links_for(households=[households[pk] for pk in ids if pk in rows]) if with_link else {}
        for promise in promises_here:
            pk = promise.household_id
            household = households[pk]
            row = rows.get(pk)
            phone = phones.get(pk) or ""
            reason = ""
            if household.on_legal_track:
                reason = SkipReason.LEGAL
            elif row is None or promise.pk in kept:
                reason = SkipReason.CLEARED
            elif not phone:
                reason = SkipReason.NO_PHONE
            elif phone in opted:
                reason = SkipReason.OPTED_OUT
            message = SmsMessage(household=household, level=SmsLevel.PROMISE, phone=phone, promise=promise)
            if reason:
                message.status, message.skip_reason = MessageStatus.SKIPPED, reason
            else:
                values = sms_values(
                    household,
                    row,
                    day,
                    link=owner_url(links[pk].key) if with_link else "",
                    promised_date=promise.promised_date,
                    promised_amount=promise.promised_amount,
                )
                message.text, message.params = render(wording.text, values)
                message.template_code = wording.vendor_code
            messages.append(message)
    created = SmsMessage.objects.bulk_create(messages)
    return [m.pk for m in created if m.status == MessageStatus.QUEUED]


def promise_reminders_send(
    *,
    day: date | None = None,
    backend: SmsBackend | None = None,
    pacer: Pacer | None = None,
    now: Callable[[], datetime] | None = None,
) -> SendRun:
    """Remind the owners whose promise falls tomorrow. Safe to run again the same day: a promise gets one
    reminder."""
    now = now or clock.now
    day = day or timezone.localdate(now())
    backend = backend or get_backend()
    queued = _queue(promises_due(day + timedelta(days=1)), day, backend)
    return Sender(backend, pacer=pacer, now=now).send(queued)


def reminders_resume(
    *, backend: SmsBackend | None = None, pacer: Pacer | None = None, now: Callable[[], datetime] | None = None
) -> SendRun | None:
    """Send the reminders left queued (waiting to retry, or stopped by the night) whose promised date is still
    ahead; a reminder whose date has come is dropped. None when there was nothing to send."""
    now = now or clock.now
    moment = now()
    waiting = SmsMessage.objects.filter(batch__isnull=True, status=MessageStatus.QUEUED)
    waiting.filter(promise__promised_date__lte=timezone.localdate(moment)).update(
        status=MessageStatus.CANCELLED, error=_("承诺日期已到,提醒不再发送")
    )
    due = list(
        waiting.filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=moment))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not due:
        return None
    return Sender(backend or get_backend(), pacer=pacer, now=now).send(due)
