"""Rendering a batch of letters: number them, render them part by part, merge the parts into the PDF to print.

1. ``batch_start`` claims the batch and, in one transaction, gives every household still without a letter of the
   batch its number (consecutive, gapless, in the batch's building/unit/room order) and cuts the letters into parts
   of ``NOTICE_CHUNK_SIZE``. A household that already holds a letter of the same level and date from another batch,
   or owes nothing on the date, is skipped and listed.
2. ``part_render`` lays out a part's letters (each alone, so each keeps its own 第 n / m 页) and writes them as ONE
   PDF, the Noto Sans CJK subsets embedded once; each letter's own file is cut out of it by its page range. Parts are
   independent: one worker renders them in turn, several in parallel (``notices.tasks``).
3. ``batch_finish``, once every part is stored, concatenates the parts' PDFs into the combined PDF.

Everything is safe to run again: numbered letters keep their numbers, a stored part is not rendered again, files
are overwritten under fixed names. ``batch_render`` runs the three steps in this process (the command, the demo).
"""

import logging
import tempfile
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from arrears.models import Household
from arrears.money import ZERO

from .failures import TEMPORARY_ERRORS, failure_reason
from .letters import LetterAmounts, addressee_name, build_letter, letter_amounts_for, render_letters_pdf
from .models import BatchStatus, Notice, NoticeBatch, NoticeBatchPart
from .numbering import reserve_notice_numbers
from .owner_links import owner_urls_for
from .pdf import in_document_language, split_pages
from .pdf_merge import merge_pdfs
from .wording import wording_for

logger = logging.getLogger(__name__)

# The largest amount a notice can hold (DecimalField max_digits=14, decimal_places=2).
AMOUNT_LIMIT = Decimal("1000000000000.00")


def store_file(field_file, name: str, content: bytes | File) -> str:
    """Write a file under a fixed name, replacing an earlier one (a re-run overwrites, never adds a copy)."""
    storage = field_file.storage
    path = field_file.field.generate_filename(field_file.instance, name)
    if storage.exists(path):
        storage.delete(path)
    return storage.save(path, content if isinstance(content, File) else ContentFile(content))


def _skipped(batch: NoticeBatch) -> int:
    """Households listed as skipped (a failure of the job is listed without a household)."""
    return sum(1 for error in batch.errors if error.get("household"))


def _report_progress(batch_id: int) -> None:
    """Count what is done and stamp the heartbeat (what tells an operator the job is alive)."""
    batch = NoticeBatch.objects.only("errors").get(pk=batch_id)
    done = Notice.objects.filter(batch_id=batch_id).exclude(pdf="").count() + _skipped(batch)
    NoticeBatch.objects.filter(pk=batch_id).update(done=done, heartbeat_at=timezone.now())


def batch_mark_failed(*, batch_id: int, message: str) -> None:
    """Record the job's final failure on its row (what the batch page shows)."""
    with transaction.atomic():
        batch = NoticeBatch.objects.select_for_update().get(pk=batch_id)
        if batch.status == BatchStatus.DONE:
            return
        batch.errors = [*batch.errors, {"household": None, "message": message}]
        batch.status = BatchStatus.FAILED
        batch.finished_at = timezone.now()
        batch.save(update_fields=["errors", "status", "finished_at"])


@contextmanager
def failures_recorded(batch_id: int):
    """Record an unexpected error on the batch in Chinese (the cause goes to the log) and re-raise it; a temporary
    error is left to the caller's retry."""
    try:
        yield
    except Exception as exc:
        if not isinstance(exc, TEMPORARY_ERRORS):
            logger.exception("notice batch %s failed", batch_id)
            batch_mark_failed(batch_id=batch_id, message=failure_reason(exc))
        else:  # queued again, so that the job's retry may claim it
            try:
                NoticeBatch.objects.filter(pk=batch_id, status=BatchStatus.RUNNING).update(status=BatchStatus.QUEUED)
            except Exception:  # the database may be what went away; the retry then finds the run silent
                logger.warning("could not queue notice batch %s again", batch_id)
        raise


# 1. Claim and number ------------------------------------------------------------------------------------------


@in_document_language
def batch_start(*, batch_id: int, chunk_size: int | None = None) -> NoticeBatch | None:
    """Claim the batch, number its letters and cut them into parts (once); None when it is done already."""
    now = timezone.now()
    # Claimed only from the state a job is queued in, or from a run whose job went silent (its worker died and the
    # broker delivered the job again): never from a run another worker is carrying on, nor from done or failed.
    stale_before = now - timedelta(minutes=settings.NOTICE_JOB_STALE_MINUTES)
    silent = Q(status=BatchStatus.RUNNING) & (
        Q(heartbeat_at__lt=stale_before) | Q(heartbeat_at__isnull=True, started_at__lt=stale_before)
    )
    try:
        claimed = NoticeBatch.objects.filter(Q(status=BatchStatus.QUEUED) | silent, pk=batch_id).update(
            status=BatchStatus.RUNNING, started_at=now, finished_at=None, heartbeat_at=now
        )
    except IntegrityError as exc:  # another batch of the same community, level and date is open
        raise ValidationError(_("同一小区、同一级别、同一计算截止日已有未完成的批次")) from exc
    if not claimed:
        return None
    with transaction.atomic():
        batch = NoticeBatch.objects.select_for_update().select_related("community").get(pk=batch_id)
        if not batch.parts.exists():
            _number_letters(batch)
            _cut_parts(batch, chunk_size or settings.NOTICE_CHUNK_SIZE)
    _report_progress(batch_id)
    batch.refresh_from_db()
    return batch


def _too_large(amounts: LetterAmounts) -> bool:
    return max(amounts.principal, amounts.late_fee, amounts.total) >= AMOUNT_LIMIT


def _number_letters(batch: NoticeBatch) -> None:
    """Number the households without a letter of the batch, in the batch's order, in one locked step."""
    numbered = set(Notice.objects.filter(batch=batch).values_list("household_id", flat=True))
    todo = [pk for pk in batch.household_ids if pk not in numbered]
    if not todo:
        return
    elsewhere = dict(
        Notice.objects.filter(
            community_id=batch.community_id, level=batch.level, as_of=batch.as_of, household_id__in=todo
        )
        .exclude(batch=batch)
        .values_list("household_id", "number")
    )
    households = Household.objects.select_related("building", "owner").in_bulk(todo)
    amounts = letter_amounts_for(Household.objects.filter(pk__in=todo), batch.as_of)
    skipped, chosen = [], []
    for pk in todo:
        household = households.get(pk)
        if household is None:
            continue
        found = amounts.get(pk)
        if pk in elsewhere:
            message = _("已有同级别、同计算截止日的通知书 %(number)s,未重复生成") % {"number": elsewhere[pk]}
        elif found is None or found.principal <= ZERO:
            message = _("计算截止日已无欠费,未生成")
        elif _too_large(found):
            message = _("金额超出通知书可记载的上限,未生成:请核对该户的应收和实收")
        else:
            chosen.append((household, found))
            continue
        skipped.append({"household": household.label, "message": message})
    numbers = reserve_notice_numbers(
        community_id=batch.community_id, community_code=batch.community.code, year=batch.as_of.year, count=len(chosen)
    )
    Notice.objects.bulk_create(
        Notice(
            community_id=batch.community_id,
            household=household,
            batch=batch,
            level=batch.level,
            year=batch.as_of.year,
            sequence=sequence,
            number=number,
            as_of=batch.as_of,
            deadline=batch.deadline,
            addressee=addressee_name(household),
            principal=found.principal,
            late_fee=found.late_fee,
            late_fee_waived=found.waived,
            total=found.total,
            first_unpaid=found.first_unpaid,
            created_by=batch.created_by,
        )
        for (household, found), (sequence, number) in zip(chosen, numbers, strict=True)
    )
    batch.errors = [*batch.errors, *skipped]
    batch.save(update_fields=["errors"])


def _cut_parts(batch: NoticeBatch, chunk_size: int) -> None:
    order = {pk: index for index, pk in enumerate(batch.household_ids)}
    notices = sorted(
        Notice.objects.filter(batch=batch).values_list("pk", "household_id"),
        key=lambda row: order.get(row[1], len(order)),
    )
    ids = [pk for pk, _household in notices]
    NoticeBatchPart.objects.bulk_create(
        NoticeBatchPart(batch=batch, index=index, notice_ids=ids[start : start + chunk_size])
        for index, start in enumerate(range(0, len(ids), chunk_size))
    )


def pending_parts(batch_id: int) -> list[int]:
    """The parts of a batch not rendered yet, in order."""
    parts = NoticeBatchPart.objects.filter(batch_id=batch_id, pdf="").order_by("index")
    return list(parts.values_list("pk", flat=True))


# 2. Render a part ---------------------------------------------------------------------------------------------


@in_document_language
def part_render(*, part_id: int) -> NoticeBatchPart:
    """Render a part's letters as one PDF, store it and each letter's own file; nothing when already stored."""
    part = NoticeBatchPart.objects.select_related("batch__community").get(pk=part_id)
    if part.pdf:
        return part
    batch = part.batch
    by_pk = Notice.objects.in_bulk(part.notice_ids)
    notices = [by_pk[pk] for pk in part.notice_ids if pk in by_pk]
    household_ids = [notice.household_id for notice in notices]
    households = Household.objects.select_related("community", "building", "owner", "late_fee_override").in_bulk(
        household_ids
    )
    amounts = letter_amounts_for(Household.objects.filter(pk__in=household_ids), batch.as_of)
    wording = wording_for(batch.community, batch.level)
    owner_urls = owner_urls_for([households[notice.household_id] for notice in notices])
    letters = []
    for notice in notices:
        household = households[notice.household_id]
        letter = build_letter(
            household,
            as_of=notice.as_of,
            level=notice.level,
            deadline=notice.deadline,
            number=notice.number,
            wording=wording,
            amounts=amounts.get(household.pk),
            owner_url=owner_urls.get(household.pk, ""),
        )
        # The notice states what its letter states.
        notice.principal, notice.late_fee = letter.amounts.principal, letter.amounts.late_fee
        notice.late_fee_waived, notice.total = letter.amounts.waived, letter.amounts.total
        notice.first_unpaid = letter.amounts.first_unpaid
        letters.append(letter)
    if letters:
        rendered = render_letters_pdf(letters)
        for notice, content in zip(notices, split_pages(rendered.pdf, rendered.ranges()), strict=True):
            notice.pdf.name = store_file(notice.pdf, f"{notice.number}.pdf", content)
        part_name = store_file(part.pdf, f"batch-{batch.pk}-{part.index:04d}.pdf", rendered.pdf)
        pages = sum(rendered.page_counts)
    else:
        part_name, pages = store_file(part.pdf, f"batch-{batch.pk}-{part.index:04d}.pdf", b""), 0
    with transaction.atomic():
        Notice.objects.bulk_update(
            notices, ["pdf", "principal", "late_fee", "late_fee_waived", "total", "first_unpaid"], batch_size=200
        )
        NoticeBatchPart.objects.filter(pk=part.pk).update(pdf=part_name, pages=pages, rendered_at=timezone.now())
    _report_progress(batch.pk)
    part.refresh_from_db()
    return part


# 3. Merge -----------------------------------------------------------------------------------------------------


def batch_finish(*, batch_id: int) -> NoticeBatch | None:
    """Once every part is stored, merge them into the combined PDF and mark the batch done (once, whoever asks
    first: the row is locked); None while a part is missing."""
    with transaction.atomic():
        batch = NoticeBatch.objects.select_for_update().get(pk=batch_id)
        if batch.status == BatchStatus.DONE:
            return batch
        parts = list(batch.parts.order_by("index"))
        if any(not part.pdf for part in parts):
            return None
        NoticeBatch.objects.filter(pk=batch_id).update(heartbeat_at=timezone.now())
        with_pages = [part for part in parts if part.pages]
        name = ""
        if with_pages:

            def sources():
                for part in with_pages:
                    with part.pdf.open("rb") as source:
                        yield source

            with tempfile.TemporaryFile() as out:
                merge_pdfs(sources(), out)
                out.seek(0)
                name = store_file(batch.combined_pdf, f"batch-{batch.pk}.pdf", File(out))
        done = Notice.objects.filter(batch_id=batch_id).exclude(pdf="").count() + _skipped(batch)
        now = timezone.now()
        NoticeBatch.objects.filter(pk=batch_id).update(
            combined_pdf=name, status=BatchStatus.DONE, finished_at=now, heartbeat_at=now, done=done
        )
    batch.refresh_from_db()
    return batch


def batch_render(*, batch_id: int, chunk_size: int | None = None) -> NoticeBatch:
    """Number, render and merge a whole batch in this process; safe to run again (a done batch is left as it is).

    Marks the batch failed (with a reason in Chinese) on an unexpected exception and re-raises it.
    """
    with failures_recorded(batch_id):
        if batch_start(batch_id=batch_id, chunk_size=chunk_size) is not None:
            for part_id in pending_parts(batch_id):
                part_render(part_id=part_id)
            batch_finish(batch_id=batch_id)
    return NoticeBatch.objects.select_related("community").get(pk=batch_id)
