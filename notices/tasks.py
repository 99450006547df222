"""Background entry points of the notices app: rendering a batch of letters, in parts that workers share.

``render_batch`` numbers the batch's letters and cuts them into parts (``notices.rendering``); a batch of one part is
rendered right there, a larger one is handed out as one ``render_part`` job per part, so several workers render it
in parallel. The job that stores the last part merges the combined PDF. Every job stops well within the broker's
visibility timeout (``CELERY_VISIBILITY_TIMEOUT``), so Redis never hands a running job to a second worker, and a job
of a worker killed mid-way comes back after it (or when an operator resumes the batch).
"""

import logging

from celery import shared_task

from .failures import TEMPORARY_ERRORS, failure_reason
from .models import NoticeBatch, NoticeBatchPart

logger = logging.getLogger(__name__)

# Soft and hard limits of one job, in seconds: a part of NOTICE_CHUNK_SIZE letters takes well under a minute.
SOFT_TIME_LIMIT = 10 * 60
TIME_LIMIT = SOFT_TIME_LIMIT + 60

JOB_OPTIONS = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": TEMPORARY_ERRORS,
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
    "soft_time_limit": SOFT_TIME_LIMIT,
    "time_limit": TIME_LIMIT,
}


def _give_up_if_last_try(task, batch_id: int, exc: Exception) -> None:
    """A temporary error is retried; after the last try the batch is marked failed (if the database is back)."""
    from .rendering import batch_mark_failed

    if task.request.retries >= task.max_retries:
        try:
            batch_mark_failed(batch_id=batch_id, message=failure_reason(exc))
        except Exception:  # the database may still be away; the log keeps the cause
            logger.exception("could not record the failure of notice batch %s", batch_id)


@shared_task(name="notices.render_batch", **JOB_OPTIONS)
def render_batch(self, batch_id: int) -> dict:
    """Number a batch's letters and render them (here, or one job per part). Safe to run twice: a done batch is left
    as it is, and a batch stopped half-way resumes without new numbers for the letters it had already numbered."""
    from .rendering import batch_finish, batch_start, failures_recorded, part_render, pending_parts

    try:
        with failures_recorded(batch_id):
            batch = batch_start(batch_id=batch_id)
            if batch is None:
                batch = NoticeBatch.objects.get(pk=batch_id)
                return {"batch": batch.pk, "status": batch.status, "done": batch.done}
            parts = pending_parts(batch_id)
            if len(parts) > 1 and not self.app.conf.task_always_eager:
                for part_id in parts:
                    render_part.delay(part_id)
                return {"batch": batch_id, "status": "running", "parts": len(parts)}
            for part_id in parts:
                part_render(part_id=part_id)
            batch = batch_finish(batch_id=batch_id) or batch
    except NoticeBatch.DoesNotExist:
        logger.warning("notice batch %s does not exist", batch_id)
        return {"batch": batch_id, "status": "missing"}
    except TEMPORARY_ERRORS as exc:
        _give_up_if_last_try(self, batch_id, exc)
        raise
    except Exception:
        return {"batch": batch_id, "status": "failed"}  # recorded on the batch; another try would fail the same way
    return {"batch": batch.pk, "status": batch.status, "done": batch.done}


@shared_task(name="notices.render_part", **JOB_OPTIONS)
def render_part(self, part_id: int) -> dict:
    """Render one part of a batch; the job that stores the last part merges the combined PDF."""
    from .rendering import batch_finish, failures_recorded, part_render

    try:
        batch_id = NoticeBatchPart.objects.values_list("batch_id", flat=True).get(pk=part_id)
    except NoticeBatchPart.DoesNotExist:
        return {"part": part_id, "status": "missing"}
    try:
        with failures_recorded(batch_id):
            part_render(part_id=part_id)
            batch = batch_finish(batch_id=batch_id)
    except TEMPORARY_ERRORS as exc:
        _give_up_if_last_try(self, batch_id, exc)
        raise
    except Exception:
        return {"part": part_id, "status": "failed"}
    return {"part": part_id, "batch": batch_id, "status": batch.status if batch else "running"}


@shared_task(name="notices.render_pdf_job", **JOB_OPTIONS)
def render_pdf_job(self, job_id: int) -> dict:
    """Make a PDF job's file (the 公示 of a building or a community); safe to run twice."""
    from .models import PdfJob
    from .pdf_jobs import pdf_job_run

    try:
        job = pdf_job_run(job_id=job_id)
    except PdfJob.DoesNotExist:
        return {"job": job_id, "status": "missing"}
    except TEMPORARY_ERRORS as exc:
        if self.request.retries >= self.max_retries:
            PdfJob.objects.filter(pk=job_id).update(status="failed", error=failure_reason(exc)[:300])
        raise
    except Exception:
        return {"job": job_id, "status": "failed"}  # recorded on the job
    return {"job": job.pk, "status": job.status}
