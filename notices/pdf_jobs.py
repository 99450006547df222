"""PDFs made as jobs with progress: the 公示 of one building, or of every building of a community in one file.

``pdf_job_create`` saves the request and queues ``notices.render_pdf_job`` on commit (without a broker it runs at
once, in the request, as every job does then); ``pdf_job_run`` lays out each building's list alone (its own page
numbers and heading), reporting progress per building, and writes them as one PDF with the fonts embedded once.
The rooms are chosen with the scope of the person who asked (``households_visible_to``), as the page would.
"""

import logging
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from arrears.models import Building, Community
from arrears.permissions import households_visible_to

from .failures import TEMPORARY_ERRORS, failure_reason
from .models import BatchStatus, PdfJob, PdfJobKind
from .pdf import in_document_language, layout_document, write_documents
from .publicity import buildings_in_arrears, publicity_for, publicity_html
from .rendering import store_file

logger = logging.getLogger(__name__)


def pdf_job_create(*, community: Community, as_of: date, user, building: Building | None = None) -> PdfJob:
    """Save a 公示 job (one building, or the whole community without ``building``) and queue it once committed."""
    from .tasks import render_pdf_job

    job = PdfJob.objects.create(
        kind=PdfJobKind.PUBLICITY_BUILDING if building else PdfJobKind.PUBLICITY_COMMUNITY,
        community=community,
        building=building,
        as_of=as_of,
        created_by=user,
    )
    transaction.on_commit(lambda: render_pdf_job.delay(job.pk))
    return job


def _progress(job: PdfJob, **fields) -> None:
    PdfJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now(), **fields)


@in_document_language
def pdf_job_run(*, job_id: int) -> PdfJob:
    """Make the job's PDF; a done job is left as it is. An error is recorded on the job in Chinese and re-raised."""
    claimed = (
        PdfJob.objects.filter(pk=job_id)
        .exclude(status=BatchStatus.DONE)
        .update(status=BatchStatus.RUNNING, heartbeat_at=timezone.now(), error="")
    )
    job = PdfJob.objects.select_related("community", "building__community", "created_by").get(pk=job_id)
    if not claimed:
        return job
    try:
        scope = households_visible_to(job.created_by)
        if job.building is not None:
            buildings = [job.building]
        else:
            buildings = [item.building for item in buildings_in_arrears(job.community, job.as_of, scope)]
        _progress(job, total=len(buildings) + 1, done=0)
        documents = []
        for index, building in enumerate(buildings, start=1):
            documents.append(layout_document(publicity_html(publicity_for(building, job.as_of, scope))))
            _progress(job, done=index)
        if not documents:  # nothing owed on the date: the list says so
            documents.append(layout_document(publicity_html(_empty(job))))
        name = store_file(job.pdf, f"job-{job.pk}.pdf", write_documents(documents))
        now = timezone.now()
        PdfJob.objects.filter(pk=job.pk).update(
            pdf=name, status=BatchStatus.DONE, done=len(buildings) + 1, finished_at=now, heartbeat_at=now
        )
    except Exception as exc:
        if not isinstance(exc, TEMPORARY_ERRORS):
            logger.exception("PDF job %s failed", job_id)
            PdfJob.objects.filter(pk=job_id).update(
                status=BatchStatus.FAILED, error=failure_reason(exc)[:300], finished_at=timezone.now()
            )
        raise
    job.refresh_from_db()
    return job


def _empty(job: PdfJob):
    from .publicity import Publicity

    return Publicity(
        community_name=job.community.name,
        company_name=job.community.company_name,
        contact_phone=job.community.contact_phone,
        building_name=_("全部楼栋"),
        as_of=job.as_of,
        rows=[],
    )
