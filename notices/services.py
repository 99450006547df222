"""Writes of the notices app: wording, batches of letters, queueing and resuming their rendering.

``batch_create`` freezes the chosen households on a NoticeBatch and enqueues its job on commit; the job
(``notices.tasks``, or ``batch_render`` in this process for ``render_notices``) numbers, renders and merges the
letters: see ``notices.rendering``. Rendering is safe to run again: a household already holding a notice of the
batch keeps it and its number; a part whose PDF is missing is rendered again under the same numbers.
"""

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from arrears.models import Charge, Community, Household
from arrears.money import MAX_AMOUNT, ZERO
from arrears.positions import Position, in_arrears

from .models import BatchStatus, NoticeBatch, NoticeLevel, NoticeWording
from .rendering import batch_mark_failed, batch_render
from .wording import validate_text, wording_for

__all__ = ["batch_mark_failed", "batch_render"]  # the rendering's entry points, where callers have found them

logger = logging.getLogger(__name__)

# Wording ---------------------------------------------------------------------------------------------------------


@transaction.atomic
def wording_save(
    *, community: Community, level: str, title: str, opening: str, closing: str, deadline_days: int, user=None
) -> NoticeWording:
    """Save a community's wording of a level (creating the row on first edit); placeholders are checked first."""
    errors = {}
    for name, text in (("title", title), ("opening", opening), ("closing", closing)):
        try:
            validate_text(text)
        except ValidationError as exc:
            errors[name] = exc.messages
    if errors:
        raise ValidationError(errors)
    wording, _created = NoticeWording.objects.update_or_create(
        community=community,
        level=level,
        defaults={
            "title": title.strip(),
            "opening": opening.strip(),
            "closing": closing.strip(),
            "deadline_days": deadline_days,
            "updated_by": user,
        },
    )
    return wording


# Choosing households ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchCriteria:
    """Which households of a community get a letter of a level, as of a date."""

    community: Community
    level: str
    as_of: date
    building_id: int | None = None
    min_arrears: Decimal | None = None
    min_months: int | None = None
    segment: str | None = None
    household_id: int | None = None

    def as_json(self) -> dict:
        return {
            "building": self.building_id,
            "min_arrears": None if self.min_arrears is None else str(self.min_arrears),
            "min_months": self.min_months,
            "segment": self.segment or None,
            "household": self.household_id,
        }


def implausible_households(criteria: BatchCriteria):
    """The community's households holding a charge above MAX_AMOUNT (ids, a subquery): only a ledger written before
    amounts were bounded has one. They get no letter (the sums would not be believed, nor fit) until corrected."""
    return Charge.objects.filter(household__community=criteria.community, amount__gt=MAX_AMOUNT).values("household_id")


def select_households(criteria: BatchCriteria) -> list[Position]:
    """The households in arrears matching the criteria, in building/unit/room order, with their report amounts.

    Households on the legal track (已转法务) get no 温馨提示 or 催费通知书 (their case is with 综合部 and the
    lawyers: a reminder would contradict it); a 律师函 batch includes them, as they are the ones it is for.
    """
    households = Household.objects.filter(community=criteria.community).exclude(pk__in=implausible_households(criteria))
    if criteria.level != NoticeLevel.LAWYER:
        households = households.filter(on_legal_track=False)
    if criteria.building_id:
        households = households.filter(building_id=criteria.building_id)
    if criteria.segment:
        households = households.filter(owner__segment_tags__segment=criteria.segment)
    if criteria.household_id:
        households = households.filter(pk=criteria.household_id)
    return [
        row
        for row in in_arrears(households, criteria.as_of)
        if (criteria.min_arrears is None or row.total >= criteria.min_arrears)
        and (criteria.min_months is None or row.months_overdue >= criteria.min_months)
    ]


@dataclass(frozen=True)
class BatchPreview:
    count: int
    principal: Decimal
    late_fee: Decimal
    implausible: int = 0  # households left out for a charge above MAX_AMOUNT

    @property
    def total(self) -> Decimal:
        return self.principal + self.late_fee


def batch_preview(criteria: BatchCriteria) -> BatchPreview:
    rows = select_households(criteria)
    return BatchPreview(
        count=len(rows),
        principal=sum((r.principal for r in rows), start=ZERO),
        late_fee=sum((r.late_fee for r in rows), start=ZERO),
        implausible=implausible_households(criteria).distinct().count(),
    )


# Batches ---------------------------------------------------------------------------------------------------------


def _open_batch_message(community_id: int, level: str, as_of: date) -> str:
    open_batch = (
        NoticeBatch.objects.filter(
            community_id=community_id, level=level, as_of=as_of, status__in=[BatchStatus.QUEUED, BatchStatus.RUNNING]
        )
        .order_by("pk")
        .first()
    )
    return _("同一小区、同一级别、同一计算截止日的批次 #%(pk)s 尚未完成:请等它完成,或在它的页面继续生成") % {
        "pk": open_batch.pk if open_batch else "—"
    }


def batch_create(
    *, criteria: BatchCriteria, deadline: date | None = None, user=None, enqueue: bool = True
) -> NoticeBatch:
    """Freeze the chosen households on a new batch and (by default) enqueue its rendering once committed.

    Refused while a batch of the same community, level and date is open (a unique constraint, so also when two
    people press 生成 at once); households already holding such a letter from an earlier batch are skipped when
    the batch is rendered."""
    key = {"community_id": criteria.community.pk, "level": criteria.level, "as_of": criteria.as_of}
    if NoticeBatch.objects.filter(**key, status__in=[BatchStatus.QUEUED, BatchStatus.RUNNING]).exists():
        raise ValidationError(_open_batch_message(**key))
    try:
        return _batch_create(criteria=criteria, deadline=deadline, user=user, enqueue=enqueue)
    except IntegrityError as exc:
        raise ValidationError(_open_batch_message(**key)) from exc


def _batch_create(*, criteria: BatchCriteria, deadline: date | None, user, enqueue: bool) -> NoticeBatch:
    with transaction.atomic():
        rows = select_households(criteria)
        if not rows:
            raise ValidationError(_("没有符合条件的欠费房屋,未创建批次"))
        if deadline is None:
            deadline = criteria.as_of + timedelta(days=wording_for(criteria.community, criteria.level).deadline_days)
        if deadline < criteria.as_of:
            raise ValidationError(_("缴费期限不能早于计算截止日"))
        batch = NoticeBatch.objects.create(
            community=criteria.community,
            level=criteria.level,
            as_of=criteria.as_of,
            deadline=deadline,
            criteria=criteria.as_json(),
            household_ids=[r.household_id for r in rows],
            total=len(rows),
            created_by=user,
        )
        if enqueue:
            batch_enqueue(batch)
    return batch


def batch_enqueue(batch: NoticeBatch) -> None:
    """Send the batch's job to the workers after the surrounding transaction commits."""
    from .tasks import render_batch

    def send():
        result = render_batch.delay(batch.pk)
        NoticeBatch.objects.filter(pk=batch.pk).update(task_id=result.id or "")

    transaction.on_commit(send)


def batch_retry(*, batch: NoticeBatch) -> None:
    """Queue a failed batch again, or one whose job has not reported for NOTICE_JOB_STALE_MINUTES (its worker died):
    it resumes where it stopped, the letters already numbered keep their numbers."""
    now = timezone.now()
    stale_before = now - timedelta(minutes=settings.NOTICE_JOB_STALE_MINUTES)
    silent = Q(heartbeat_at__lt=stale_before) | Q(heartbeat_at__isnull=True, created_at__lt=stale_before)
    resumable = Q(status=BatchStatus.FAILED) | (Q(status__in=[BatchStatus.QUEUED, BatchStatus.RUNNING]) & silent)
    try:
        with transaction.atomic():
            updated = NoticeBatch.objects.filter(resumable, pk=batch.pk).update(
                status=BatchStatus.QUEUED, heartbeat_at=now
            )
            if not updated:
                raise ValidationError(
                    _("只有失败的批次,或 %(minutes)d 分钟未报告进度的批次,可以继续生成")
                    % {"minutes": settings.NOTICE_JOB_STALE_MINUTES}
                )
            batch_enqueue(batch)
    except IntegrityError as exc:
        raise ValidationError(_open_batch_message(batch.community_id, batch.level, batch.as_of)) from exc
