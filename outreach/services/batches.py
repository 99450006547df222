"""Writes of the SMS batches: choosing households (the notices' batch filter), the job that sends, cancelling.

``sms_batch_create`` freezes the chosen households and queues the job on commit, or for 08:00 when it is night.
``sms_batch_send`` (the job) takes the households a chunk at a time: it checks each again (legal track, opt-out,
a mobile number, a number already used in the batch, still owing), writes its message with today's figures, sends
the chunk and records the results. It is safe to run twice: a household keeps its one message in the batch.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from arrears.models import Household
from arrears.money import ZERO
from arrears.positions import positions
from notices.models import NoticeLevel
from notices.services import BatchCriteria, select_households

from .. import clock
from ..backends import SmsBackend, get_backend
from ..compose import sms_values
from ..links import owner_url
from ..models import MessageStatus, SkipReason, SmsBatch, SmsBatchStatus, SmsLevel, SmsMessage, SmsOptOut
from ..phones import first_mobile
from ..quiet_hours import next_send_time
from ..sms_text import SmsWording, render, segments, used_placeholders, wording_for
from ..throttle import Pacer
from .links import owner_links_for
from .sending import Sender, messages_abandon

logger = logging.getLogger(__name__)

HOUSEHOLD_CHUNK = 200
STALE = timedelta(minutes=10)  # a job silent this long has died


def _criteria(criteria: BatchCriteria) -> BatchCriteria:
    """The notices' filter at a level that leaves out the legal track (an SMS is never part of the legal case)."""
    return BatchCriteria(
        community=criteria.community,
        level=NoticeLevel.REMINDER,
        as_of=criteria.as_of,
        building_id=criteria.building_id,
        min_arrears=criteria.min_arrears,
        min_months=criteria.min_months,
        segment=criteria.segment,
        household_id=criteria.household_id,
    )


def check_wording(wording: SmsWording, backend: SmsBackend | None = None) -> None:
    """Refuse a text that cannot go out: switched off, no vendor code for a vendor, a link with no site address."""
    backend = backend or get_backend()
    if not wording.enabled:
        raise ValidationError(_("该短信模板已停用,请先在短信模板中启用"))
    if backend.needs_template_code and not wording.vendor_code:
        raise ValidationError(_("请先在短信模板中填写服务商模板编号"))
    if "链接" in used_placeholders(wording.text) and not settings.PUBLIC_BASE_URL:
        raise ValidationError(_("未设置 PUBLIC_BASE_URL,无法生成查账链接;请设置后再发送,或从模板中去掉 {链接}"))


@dataclass(frozen=True)
class SmsPreview:
    count: int
    principal: Decimal
    late_fee: Decimal
    sample_label: str = ""
    sample_text: str = ""
    sample_segments: int = 0

    @property
    def total(self) -> Decimal:
        return self.principal + self.late_fee


def sms_batch_preview(*, criteria: BatchCriteria, level: str) -> SmsPreview:
    """How many households the choice gives, what they owe, and the first one's message with its real figures."""
    rows = select_households(_criteria(criteria))
    preview = SmsPreview(
        count=len(rows),
        principal=sum((r.principal for r in rows), start=ZERO),
        late_fee=sum((r.late_fee for r in rows), start=ZERO),
    )
    if not rows:
        return preview
    wording = wording_for(criteria.community, level)
    household = Household.objects.select_related("community", "building", "owner").get(pk=rows[0].household_id)
    link = settings.PUBLIC_BASE_URL + "/o/…/" if settings.PUBLIC_BASE_URL else ""
    text, _params = render(wording.text, sms_values(household, rows[0], criteria.as_of, link=link))
    return SmsPreview(
        count=preview.count,
        principal=preview.principal,
        late_fee=preview.late_fee,
        sample_label=household.label,
        sample_text=text,
        sample_segments=segments(text, settings.SMS_SIGN_NAME),
    )


def sms_batch_create(
    *, criteria: BatchCriteria, level: str, user=None, now: datetime | None = None, enqueue: bool = True
) -> SmsBatch:
    """Freeze the chosen households on a new batch; its job starts once committed, or at 08:00 after a night."""
    if level not in (SmsLevel.REMINDER, SmsLevel.DEMAND):
        raise ValidationError(_("批量短信只能是温馨提示或催费提醒"))
    now = now or clock.now()
    with transaction.atomic():
        check_wording(wording_for(criteria.community, level))
        rows = select_households(_criteria(criteria))
        if not rows:
            raise ValidationError(_("没有符合条件的欠费房屋,未创建批次"))
        scheduled = next_send_time(now)
        send_now = enqueue and scheduled <= now
        batch = SmsBatch.objects.create(
            community=criteria.community,
            level=level,
            criteria=criteria.as_json(),
            household_ids=[r.household_id for r in rows],
            total=len(rows),
            # Empty while its job is on the way; otherwise when the dispatch (every minute) starts it.
            scheduled_for=None if send_now else scheduled,
            created_by=user,
        )
        if send_now:
            batch_enqueue(batch)
    return batch


def batch_enqueue(batch: SmsBatch) -> None:
    """Send the batch's job to the workers once the surrounding transaction commits."""
    from ..tasks import send_batch

    def send():
        result = send_batch.delay(batch.pk)
        SmsBatch.objects.filter(pk=batch.pk).update(task_id=result.id or "")

    transaction.on_commit(send)


@transaction.atomic
def sms_batch_cancel(*, batch: SmsBatch) -> SmsBatch:
    """Stop a batch that is queued or sending: what was not sent yet is never sent."""
    updated = SmsBatch.objects.filter(
        pk=batch.pk, status__in=[SmsBatchStatus.QUEUED, SmsBatchStatus.SENDING, SmsBatchStatus.FAILED]
    ).update(status=SmsBatchStatus.CANCELLED, finished_at=timezone.now())
    if not updated:
        raise ValidationError(_("该批次已完成或已取消"))
    batch.messages.filter(status=MessageStatus.QUEUED).update(status=MessageStatus.CANCELLED)
    _count(batch.pk)
    batch.refresh_from_db()
    return batch


def sms_batch_retry(*, batch: SmsBatch, now: datetime | None = None) -> SmsBatch:
    """Queue a failed batch again (after the account was fixed): it goes on where it stopped."""
    now = now or clock.now()
    with transaction.atomic():
        scheduled = next_send_time(now)
        updated = SmsBatch.objects.filter(pk=batch.pk, status=SmsBatchStatus.FAILED).update(
            status=SmsBatchStatus.QUEUED, scheduled_for=None if scheduled <= now else scheduled, error=""
        )
        if not updated:
            raise ValidationError(_("只有失败的批次可以重新发送"))
        if scheduled <= now:
            batch_enqueue(batch)
    batch.refresh_from_db()
    return batch


def sms_batches_dispatch(*, now: datetime | None = None) -> list[int]:
    """Start the batches whose time has come (the morning after a night, a retry due), and take over the ones
    whose job died: what it left SENDING is failed as unknown, the rest goes on. Returns the batches started."""
    now = now or clock.now()
    for batch_id in SmsBatch.objects.filter(status=SmsBatchStatus.SENDING, heartbeat_at__lt=now - STALE).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            if SmsBatch.objects.filter(pk=batch_id, status=SmsBatchStatus.SENDING, heartbeat_at__lt=now - STALE).update(
                status=SmsBatchStatus.QUEUED, scheduled_for=now
            ):
                messages_abandon(queryset=SmsMessage.objects.filter(batch_id=batch_id))
    due = SmsBatch.objects.filter(status=SmsBatchStatus.QUEUED).filter(
        Q(scheduled_for__lte=now) | Q(scheduled_for__isnull=True, created_at__lt=now - STALE)
    )
    started = []
    for batch in due:
        # scheduled_for cleared: the next minute's dispatch does not queue the same job again.
        with transaction.atomic():
            if SmsBatch.objects.filter(
                pk=batch.pk, status=SmsBatchStatus.QUEUED, scheduled_for=batch.scheduled_for
            ).update(scheduled_for=None):
                batch_enqueue(batch)
                started.append(batch.pk)
    return started


# The job ------------------------------------------------------------------------------------------------------


def sms_batch_send(
    *,
    batch_id: int,
    backend: SmsBackend | None = None,
    pacer: Pacer | None = None,
    now: Callable[[], datetime] | None = None,
) -> SmsBatch:
    """Send a batch (see the module's docstring). Claims it first: a second delivery of the job does nothing."""
    now = now or clock.now
    moment = now()
    claimed = (
        SmsBatch.objects.filter(pk=batch_id, status=SmsBatchStatus.QUEUED)
        .filter(Q(scheduled_for__isnull=True) | Q(scheduled_for__lte=moment))
        .update(status=SmsBatchStatus.SENDING, started_at=moment, heartbeat_at=moment, scheduled_for=None)
    )
    batch = SmsBatch.objects.select_related("community").get(pk=batch_id)
    if not claimed:
        return batch
    sender = Sender(backend or get_backend(), pacer=pacer, now=now)
    try:
        # What an earlier run left queued (stopped by the night, or waiting to retry) goes first.
        sender.send(_due_messages(batch_id, now()))
        _send_new(batch, sender, now)
    except Exception as exc:
        logger.exception("SMS batch %s failed", batch_id)
        _finish(batch_id, now(), error=_("发送失败:%(error)s") % {"error": exc})
        raise
    _finish(batch_id, now(), deferred_until=sender.run.deferred_until, error=sender.run.account_error)
    batch.refresh_from_db()
    return batch


def _due_messages(batch_id: int, moment: datetime) -> list[int]:
    return list(
        SmsMessage.objects.filter(batch_id=batch_id, status=MessageStatus.QUEUED)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=moment))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _send_new(batch: SmsBatch, sender: Sender, now: Callable[[], datetime]) -> None:
    handled = set(SmsMessage.objects.filter(batch=batch).values_list("household_id", flat=True))
    pending = [pk for pk in batch.household_ids if pk not in handled]
    if not pending:
        return
    day = timezone.localdate(now())
    wording = wording_for(batch.community, batch.level)
    used = set(
        SmsMessage.objects.filter(batch=batch).exclude(status=MessageStatus.SKIPPED).values_list("phone", flat=True)
    )
    # The figures of the sending day (the households' positions, as the letters and the report have them), in one
    # set-based pass over the community.
    rows = positions(Household.objects.filter(community=batch.community), day, owing_only=True)
    for start in range(0, len(pending), HOUSEHOLD_CHUNK):
        if sender.run.stopped or _cancelled(batch.pk):
            return
        chunk = pending[start : start + HOUSEHOLD_CHUNK]
        ids = _queue_chunk(batch, chunk, day=day, wording=wording, rows=rows, used=used)
        sender.send(ids)
        _count(batch.pk, heartbeat=now())


def _cancelled(batch_id: int) -> bool:
    return SmsBatch.objects.filter(pk=batch_id, status=SmsBatchStatus.CANCELLED).exists()


def _queue_chunk(
    batch: SmsBatch, chunk: list[int], *, day: date, wording: SmsWording, rows: dict, used: set[str]
) -> list[int]:
    """Write the chunk's messages (queued, or skipped with the reason); return the ids of the queued ones.
    ``rows`` holds the positions of the households that still owe (``arrears.positions``)."""
    households = Household.objects.select_related("community", "building", "owner").in_bulk(chunk)
    phones = {
        pk: first_mobile(h.owner.phone, h.owner.phone_alt) if h.owner_id else None for pk, h in households.items()
    }
    opted = set(SmsOptOut.objects.filter(phone__in=[p for p in phones.values() if p]).values_list("phone", flat=True))
    with_link = "链接" in used_placeholders(wording.text)
    links = (
        owner_links_for(households=[households[pk] for pk in chunk if pk in households and pk in rows])
        if with_link
        else {}
    )
    messages = []
    for pk in chunk:
        household = households.get(pk)
        if household is None:
            continue
        phone = phones.get(pk) or ""
        reason = ""
        if household.on_legal_track:
            reason = SkipReason.LEGAL
        elif pk not in rows:
            reason = SkipReason.CLEARED
        elif not phone:
            reason = SkipReason.NO_PHONE
        elif phone in opted:
            reason = SkipReason.OPTED_OUT
        elif phone in used:
            reason = SkipReason.DUPLICATE
        message = SmsMessage(batch=batch, household=household, level=batch.level, phone=phone)
        if reason:
            message.status, message.skip_reason = MessageStatus.SKIPPED, reason
        else:
            link = owner_url(links[pk].key) if with_link else ""
            message.text, message.params = render(wording.text, sms_values(household, rows[pk], day, link=link))
            message.template_code = wording.vendor_code
            used.add(phone)
        messages.append(message)
    created = SmsMessage.objects.bulk_create(messages)
    return [m.pk for m in created if m.status == MessageStatus.QUEUED]


def _count(batch_id: int, *, heartbeat: datetime | None = None) -> None:
    """The batch's counters from its messages (what the progress bar shows)."""
    counts = SmsMessage.objects.filter(batch_id=batch_id).aggregate(
        sent=Count("pk", filter=Q(status__in=[MessageStatus.SENT, MessageStatus.DELIVERED])),
        failed=Count("pk", filter=Q(status=MessageStatus.FAILED)),
        skipped=Count("pk", filter=Q(status__in=[MessageStatus.SKIPPED, MessageStatus.CANCELLED])),
    )
    counts["processed"] = counts["sent"] + counts["failed"] + counts["skipped"]
    if heartbeat is not None:
        counts["heartbeat_at"] = heartbeat
    SmsBatch.objects.filter(pk=batch_id).update(**counts)


def _finish(batch_id: int, moment: datetime, *, deferred_until: datetime | None = None, error: str = "") -> None:
    """Done, failed, or queued again: for the morning, or for the earliest retry."""
    _count(batch_id, heartbeat=moment)
    running = SmsBatch.objects.filter(pk=batch_id, status=SmsBatchStatus.SENDING)  # a cancel stays a cancel
    if error:
        running.update(status=SmsBatchStatus.FAILED, error=error[:500], finished_at=moment)
        return
    queued = SmsMessage.objects.filter(batch_id=batch_id, status=MessageStatus.QUEUED).aggregate(
        n=Count("pk"), at=Min("next_attempt_at")
    )
    waiting = deferred_until or ((queued["at"] or moment) if queued["n"] else None)
    if waiting is None and SmsMessage.objects.filter(batch_id=batch_id).count() < len(
        SmsBatch.objects.get(pk=batch_id).household_ids
    ):
        waiting = moment  # stopped between chunks: go on at the next dispatch
    if waiting is not None:
        running.update(status=SmsBatchStatus.QUEUED, scheduled_for=next_send_time(max(waiting, moment)))
    else:
        running.update(status=SmsBatchStatus.DONE, finished_at=moment)
