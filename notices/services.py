"""Writes of the notices app: wording, batches of letters and their rendering.

``batch_create`` freezes the chosen households on a NoticeBatch and enqueues its job on commit; ``batch_render``
(the job, also called synchronously by ``render_notices``) gives each household a numbered Notice and its PDF,
then merges the letters into one PDF to print. Rendering is safe to run again: a household already holding a
notice of the batch keeps it and its number; one whose PDF is missing is rendered again under the same number.
"""

import logging
import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from arrears.models import Charge, Community, Household
from arrears.money import MAX_AMOUNT, ZERO
from arrears.positions import Position, in_arrears

from .letters import addressee_name, build_letter, letter_amounts, render_letter_pdf
from .models import BatchStatus, Notice, NoticeBatch, NoticeLevel, NoticeWording
from .numbering import next_notice_number
from .owner_links import owner_url_for
from .pdf import in_document_language
from .pdf_merge import merge_pdfs
from .wording import validate_text, wording_for

logger = logging.getLogger(__name__)

CHUNK = 50  # letters rendered between progress updates; bounds the rows held in memory at once


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


def batch_create(
    *, criteria: BatchCriteria, deadline: date | None = None, user=None, enqueue: bool = True
) -> NoticeBatch:
    """Freeze the chosen households on a new batch and (by default) enqueue its rendering once committed."""
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
    """Queue a failed batch again: it resumes where it stopped."""
    with transaction.atomic():
        updated = NoticeBatch.objects.filter(pk=batch.pk, status=BatchStatus.FAILED).update(status=BatchStatus.QUEUED)
        if not updated:
            raise ValidationError(_("只有失败的批次可以重新生成"))
        batch_enqueue(batch)


def _mark_failed(batch_id: int, message: str) -> None:
    batch = NoticeBatch.objects.get(pk=batch_id)
    batch.errors = [*batch.errors, {"household": None, "message": message}]
    batch.status = BatchStatus.FAILED
    batch.finished_at = timezone.now()
    batch.save(update_fields=["errors", "status", "finished_at"])


def batch_mark_failed(*, batch_id: int, message: str) -> None:
    """Record the job's final failure on its row (what the batch page shows)."""
    _mark_failed(batch_id, message)


def _notice_for(batch: NoticeBatch, household: Household, amounts, addressee: str) -> Notice:
    """The batch's notice of this household: the existing one, or a new one under the next number."""
    existing = Notice.objects.filter(batch=batch, household=household).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            sequence, number = next_notice_number(
                community_id=batch.community_id, community_code=batch.community.code, year=batch.as_of.year
            )
            return Notice.objects.create(
                community_id=batch.community_id,
                household=household,
                batch=batch,
                level=batch.level,
                year=batch.as_of.year,
                sequence=sequence,
                number=number,
                as_of=batch.as_of,
                deadline=batch.deadline,
                addressee=addressee,
                principal=amounts.principal,
                late_fee=amounts.late_fee,
                late_fee_waived=amounts.waived,
                total=amounts.total,
                first_unpaid=amounts.first_unpaid,
                created_by=batch.created_by,
            )
    except IntegrityError:
        # Another run of the same batch wrote it first; the rollback gave our number back.
        return Notice.objects.get(batch=batch, household=household)


def _store(field_file, name: str, content: bytes | File) -> str:
    """Write a file under a fixed name, replacing an earlier one (a re-run overwrites, never adds a copy)."""
    storage = field_file.storage
    path = field_file.field.generate_filename(field_file.instance, name)
    if storage.exists(path):
        storage.delete(path)
    return storage.save(path, content if isinstance(content, File) else ContentFile(content))


@in_document_language
def notice_render(*, notice: Notice, household: Household, wording=None, amounts=None) -> Notice:
    """Render one notice's PDF from its household's ledger as of the notice's date and store it."""
    letter = build_letter(
        household,
        as_of=notice.as_of,
        level=notice.level,
        deadline=notice.deadline,
        number=notice.number,
        wording=wording,
        amounts=amounts,
        owner_url=owner_url_for(household),
    )
    name = _store(notice.pdf, f"{notice.number}.pdf", render_letter_pdf(letter))
    Notice.objects.filter(pk=notice.pk).update(pdf=name)
    notice.pdf.name = name
    return notice


@in_document_language
def batch_render(*, batch_id: int, chunk_size: int = CHUNK) -> NoticeBatch:
    """Render every letter of a batch that has no PDF yet, then the combined PDF; safe to run again.

    Marks the batch failed (with the error) on an unexpected exception and re-raises it.
    """
    claimed = (
        NoticeBatch.objects.filter(pk=batch_id)
        .exclude(status=BatchStatus.DONE)
        .update(status=BatchStatus.RUNNING, started_at=timezone.now(), finished_at=None)
    )
    batch = NoticeBatch.objects.select_related("community").get(pk=batch_id)
    if not claimed:
        return batch  # already done: a second delivery of the job changes nothing
    try:
        _render_letters(batch, chunk_size)
        _render_combined(batch)
    except Exception as exc:
        from .tasks import TEMPORARY_ERRORS

        if not isinstance(exc, TEMPORARY_ERRORS):
            logger.exception("notice batch %s failed", batch_id)
            _mark_failed(batch_id, _("生成失败:%(error)s") % {"error": exc})
        raise
    batch.refresh_from_db()
    return batch


def _render_letters(batch: NoticeBatch, chunk_size: int) -> None:
    wording = wording_for(batch.community, batch.level)
    ids = list(batch.household_ids)
    skipped: list[dict] = []
    for start in range(0, len(ids), chunk_size):
        chunk = ids[start : start + chunk_size]
        rendered = set(
            Notice.objects.filter(batch=batch, household_id__in=chunk)
            .exclude(pdf="")
            .values_list("household_id", flat=True)
        )
        households = Household.objects.select_related("community", "building", "owner", "late_fee_override").in_bulk(
            [pk for pk in chunk if pk not in rendered]
        )
        for pk in chunk:
            household = households.get(pk)
            if household is None:
                continue
            amounts = letter_amounts(household, batch.as_of)
            existing = Notice.objects.filter(batch=batch, household=household).exists()
            if amounts.principal <= ZERO and not existing:
                skipped.append({"household": household.label, "message": _("计算截止日已无欠费,未生成")})
                continue
            notice = _notice_for(batch, household, amounts, addressee_name(household))
            notice_render(notice=notice, household=household, wording=wording, amounts=amounts)
        done = Notice.objects.filter(batch=batch).exclude(pdf="").count() + len(skipped)
        NoticeBatch.objects.filter(pk=batch.pk).update(done=done, errors=skipped)


def _render_combined(batch: NoticeBatch) -> None:
    """Merge the batch's single PDFs, in the batch's household order, into the one file to print.

    The merge holds one letter in memory at a time (``notices.pdf_merge``), so memory does not grow with the batch.
    """
    order = {pk: index for index, pk in enumerate(batch.household_ids)}
    notices = sorted(
        Notice.objects.filter(batch=batch).exclude(pdf="").only("pk", "household_id", "pdf"),
        key=lambda n: order.get(n.household_id, len(order)),
    )

    def letters():
        for notice in notices:
            with notice.pdf.open("rb") as source:
                yield source

    with tempfile.TemporaryFile() as out:
        merge_pdfs(letters(), out)
        out.seek(0)
        name = _store(batch.combined_pdf, f"batch-{batch.pk}.pdf", File(out))
    NoticeBatch.objects.filter(pk=batch.pk).update(
        combined_pdf=name, status=BatchStatus.DONE, finished_at=timezone.now()
    )
