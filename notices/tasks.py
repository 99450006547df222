"""Background entry point of the notices app: rendering one batch of letters."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext as _

from .models import NoticeBatch

logger = logging.getLogger(__name__)

# Errors worth another try: the database or the broker away for a moment, a full disk being cleared.
TEMPORARY_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


@shared_task(
    name="notices.render_batch",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TEMPORARY_ERRORS,
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=60 * 60,
    time_limit=60 * 60 + 120,
)
def render_batch(self, batch_id: int) -> dict:
    """Render a batch's letters and its combined PDF. Safe to run twice: a done batch is left as it is, and a
    batch stopped half-way resumes without new numbers for the letters it had already numbered."""
    from .services import batch_mark_failed, batch_render

    try:
        batch = batch_render(batch_id=batch_id)
    except NoticeBatch.DoesNotExist:
        logger.warning("notice batch %s does not exist", batch_id)
        return {"batch": batch_id, "status": "missing"}
    except SoftTimeLimitExceeded:
        batch_mark_failed(batch_id=batch_id, message=_("生成超时,请重新生成(已生成的通知书会保留)"))
        return {"batch": batch_id, "status": "failed"}
    except TEMPORARY_ERRORS as exc:
        if self.request.retries >= self.max_retries:
            try:
                batch_mark_failed(batch_id=batch_id, message=_("生成失败:%(error)s") % {"error": exc})
            except Exception:  # the database may still be away; the log keeps the cause
                logger.exception("could not record the failure of notice batch %s", batch_id)
        raise
    except Exception:
        # Recorded on the batch by batch_render; another try would fail the same way.
        return {"batch": batch_id, "status": "failed"}
    return {"batch": batch.pk, "status": batch.status, "done": batch.done}
