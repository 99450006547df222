"""Background entry point of the import: one uploaded file, checked or written."""

import uuid

from celery import shared_task


@shared_task(
    name="imports.run_import",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=2 * 60 * 60,
    time_limit=2 * 60 * 60 + 120,
)
def run_import(token: str, dry_run: bool, user_id: int | None, kind: str = "ledger") -> str:
    """Check (``dry_run``) or import an uploaded file of ``kind`` (a template workbook, or a file from another
    system); progress and outcome are recorded with the upload, so a delivery twice finds the work done. Not
    retried: an import is all or nothing, and the page offers it again."""
    from .jobs import import_run, upload_of

    status = import_run(stored=upload_of(kind, uuid.UUID(token)), dry_run=dry_run, user_id=user_id)
    return status.get("state", "")
