"""Background entry points of the SMS: a batch's job, the minute's dispatch, the 09:00 reminders, the reports."""

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from .models import SmsBatch

logger = logging.getLogger(__name__)

# The database or the broker away for a moment: worth another try of the whole job (it resumes).
TEMPORARY_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


@shared_task(
    name="outreach.send_batch",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TEMPORARY_ERRORS,
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=5,
)
def send_batch(batch_id: int) -> dict:
    """Send one SMS batch. Safe to run twice: the batch is claimed, and a household has one message in it."""
    from .services.batches import sms_batch_send

    try:
        batch = sms_batch_send(batch_id=batch_id)
    except SmsBatch.DoesNotExist:
        logger.warning("SMS batch %s does not exist", batch_id)
        return {"batch": batch_id, "status": "missing"}
    except TEMPORARY_ERRORS:
        raise
    except Exception:
        return {"batch": batch_id, "status": "failed"}  # recorded on the batch
    return {"batch": batch.pk, "status": batch.status, "sent": batch.sent}


@shared_task(name="outreach.dispatch_due")
def dispatch_due() -> dict:
    """Every minute: start the batches whose time has come, and send reminders left waiting."""
    from . import clock
    from .quiet_hours import in_quiet_hours
    from .services.batches import sms_batches_dispatch
    from .services.reminders import reminders_resume

    started = sms_batches_dispatch()
    reminders = None if in_quiet_hours(clock.now()) else reminders_resume()
    return {"batches": started, "reminders": reminders.sent if reminders else 0}


@shared_task(name="outreach.promise_reminders", acks_late=True)
def promise_reminders() -> dict:
    """At 09:00: the reminder SMS for tomorrow's promises."""
    from .services.reminders import promise_reminders_send

    run = promise_reminders_send()
    return {"sent": run.sent, "failed": run.failed}


@shared_task(name="outreach.pull_reports")
def pull_reports() -> dict:
    """Delivery reports and 退订 replies from the vendor (nothing to read for the console backend)."""
    from .services.optouts import sms_reports_pull

    return sms_reports_pull()
