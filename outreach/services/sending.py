"""Sending queued messages: the one loop batches and promise reminders share.

A run claims a chunk of queued messages (QUEUED → SENDING under its own claim id, so two runs never take the same
message), sends each at its rate-limit slot, then writes the chunk's results at once: the messages' statuses and,
for each message that was sent or failed, its line on the household's history (a Contact, channel 短信). A
message is never sent twice: one left SENDING by a run that died is marked failed (result unknown), not resent.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from arrears.bulk import update_rows
from assignments.models import Contact, ContactChannel, Outcome

from .. import clock
from ..backends import (
    AccountSmsError,
    OutgoingSms,
    PermanentSmsError,
    SmsBackend,
    TemporarySmsError,
)
from ..models import MessageStatus, OptOutSource, SmsMessage, SmsOptOut
from ..quiet_hours import in_quiet_hours, next_send_time
from ..throttle import Pacer

CHUNK = 200
FINAL = (MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.FAILED)
RETRY_FIRST = timedelta(minutes=1)
RETRY_MAX = timedelta(minutes=30)
_FIELDS = ("status", "vendor_id", "sent_at", "delivered_at", "error", "attempts", "next_attempt_at", "contact")
_COLUMNS = tuple("contact_id" if field == "contact" else field for field in _FIELDS)


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4 … minutes after the n-th failed attempt, at most 30."""
    return min(RETRY_FIRST * 2 ** max(attempts - 1, 0), RETRY_MAX)


@dataclass
class SendRun:
    """What one run did, and why it stopped early if it did."""

    sent: int = 0
    failed: int = 0
    retry: int = 0
    deferred_until: datetime | None = None  # the night came: the rest waits for the morning
    account_error: str = ""  # the vendor refuses everything until the account is fixed

    @property
    def stopped(self) -> bool:
        return self.deferred_until is not None or bool(self.account_error)


class Sender:
    """Sends claimed messages through a backend at the rate limit, never in quiet hours."""

    def __init__(
        self,
        backend: SmsBackend,
        *,
        pacer: Pacer | None = None,
        now: Callable[[], datetime] | None = None,
        max_attempts: int | None = None,
    ):
        self.backend = backend
        self.now = now = now or clock.now
        self.pacer = pacer or Pacer(settings.SMS_RATE_PER_SECOND, now=now)
        self.max_attempts = max_attempts or settings.SMS_MAX_ATTEMPTS
        self.run = SendRun()

    def send(self, message_ids: list[int]) -> SendRun:
        """Send the queued messages among ``message_ids``, a chunk at a time, until done or stopped."""
        for start in range(0, len(message_ids), CHUNK):
            if self.run.stopped:
                break
            self._send_chunk(message_ids[start : start + CHUNK])
        return self.run

    def _send_chunk(self, ids: list[int]) -> None:
        claim = uuid.uuid4()
        SmsMessage.objects.filter(pk__in=ids, status=MessageStatus.QUEUED).update(
            status=MessageStatus.SENDING, claim=claim
        )
        messages = list(SmsMessage.objects.filter(claim=claim, status=MessageStatus.SENDING).order_by("pk"))
        done: list[SmsMessage] = []
        blacklisted: list[str] = []
        for index, message in enumerate(messages):
            slot = self.pacer.next_slot()
            if in_quiet_hours(slot):
                self.run.deferred_until = next_send_time(slot)
                self._release(messages[index:])
                break
            self.pacer.take()
            try:
                result = self.backend.send(
                    OutgoingSms(
                        phone=message.phone,
                        text=message.text,
                        template_code=message.template_code,
                        params=message.params,
                    )
                )
            except AccountSmsError as exc:
                self.run.account_error = str(exc)
                self._release(messages[index:])
                break
            except TemporarySmsError as exc:
                message.attempts += 1
                message.error = str(exc)[:300]
                if message.attempts >= self.max_attempts:
                    message.status = MessageStatus.FAILED
                    self.run.failed += 1
                else:
                    message.status = MessageStatus.QUEUED
                    message.next_attempt_at = self.now() + retry_delay(message.attempts)
                    self.run.retry += 1
            except PermanentSmsError as exc:
                message.attempts += 1
                message.status = MessageStatus.FAILED
                message.error = str(exc)[:300]
                self.run.failed += 1
                if exc.blacklisted:
                    blacklisted.append(message.phone)
            else:
                message.attempts += 1
                message.vendor_id = result.vendor_id
                message.sent_at = self.now()
                message.error = ""
                message.next_attempt_at = None
                if result.delivered:
                    message.status = MessageStatus.DELIVERED
                    message.delivered_at = message.sent_at
                else:
                    message.status = MessageStatus.SENT
                self.run.sent += 1
            done.append(message)
        self._write(done, blacklisted)

    def _release(self, messages: list[SmsMessage]) -> None:
        """Messages not tried this run go back to the queue as they were."""
        SmsMessage.objects.filter(pk__in=[m.pk for m in messages], status=MessageStatus.SENDING).update(
            status=MessageStatus.QUEUED, claim=None
        )

    @transaction.atomic
    def _write(self, messages: list[SmsMessage], blacklisted: list[str]) -> None:
        final = [m for m in messages if m.status in FINAL]
        # A promise reminder's line names the promised date it reminded of (the collector's card reads it).
        promised = dict(
            Contact.objects.filter(pk__in=[m.promise_id for m in final if m.promise_id]).values_list(
                "pk", "promised_date"
            )
        )
        contacts = Contact.objects.bulk_create(
            [
                Contact(
                    household_id=m.household_id,
                    staff=None,
                    channel=ContactChannel.SMS,
                    reached=False,
                    outcome=Outcome.MESSAGE_SENT,
                    promised_date=promised.get(m.promise_id),
                    note=m.text,
                )
                for m in final
            ]
        )
        for message, contact in zip(final, contacts, strict=True):
            message.contact = contact
        update_rows(SmsMessage, _FIELDS, [(m.pk, *(getattr(m, field) for field in _COLUMNS)) for m in messages])
        for phone in blacklisted:
            SmsOptOut.objects.get_or_create(
                phone=phone, defaults={"source": OptOutSource.VENDOR, "note": _("服务商拒发(号码在黑名单中)")}
            )


@transaction.atomic
def messages_abandon(*, queryset) -> int:
    """Messages a dead run left SENDING: whether they went out is unknown, so they are failed, never resent."""
    return queryset.filter(status=MessageStatus.SENDING).update(
        status=MessageStatus.FAILED, claim=None, error=_("发送结果未知(发送任务中断),为避免重复未重发")
    )
