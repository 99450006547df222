"""The import as a background job: check (a dry run) or write an uploaded file, record its progress for the page,
then refresh the dashboard of the communities it changed and delete the file."""

import logging
import time

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from arrears.importer.state import Progress
from dashboard.services import snapshots_refresh

from .uploads import StoredUpload
from .workbook_import import ledger_import

logger = logging.getLogger(__name__)

# The page polls every second or two; writing the status more often than this costs the import for nothing.
STATUS_EVERY_SECONDS = 0.5


def import_queue(*, stored: StoredUpload, dry_run: bool) -> None:
    """Note the job as queued (the page shows it until a worker starts it)."""
    stored.set_status(state="queued", dry_run=dry_run, **vars(Progress(phase="queued")))


def import_run(*, stored: StoredUpload, dry_run: bool, user_id: int | None) -> dict:
    """Check (``dry_run``) or import the stored file, recording progress and the outcome on ``stored``.

    Safe to run twice: a finished import is not run again (its claim or its summary stops it), and a preview
    only reads. Returns the recorded status.
    """
    if not dry_run and stored.recorded() is not None:
        return stored.status() or {}
    path = stored.path
    if not path.is_file():
        status = stored.status() or {}
        if status.get("state") in ("done", "failed"):
            return status
        stored.set_status(state="failed", dry_run=dry_run, message=_("上传的文件已不存在,请重新上传。"))
        return stored.status()
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    last = 0.0

    def progress(done: Progress) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= STATUS_EVERY_SECONDS or done.phase == "done":
            last = now
            stored.set_status(state="running", dry_run=dry_run, **vars(done))

    stored.set_status(state="running", dry_run=dry_run, **vars(Progress()))
    try:
        result = ledger_import(path=path, dry_run=dry_run, user=user, progress=progress)
    except Exception:
        logger.exception("import of %s failed", stored.token)
        stored.set_status(
            state="failed", dry_run=dry_run, message=_("导入时出错,没有写入任何数据。请稍后重试,或联系管理员。")
        )
        if not dry_run:
            stored.release()
        return stored.status()
    final = {**vars(progress_of(stored)), "phase": "done"}
    if result.written:
        stored.record(result, user=user)
        stored.delete_file()
        if result.communities:
            snapshots_refresh(community_codes=result.communities)
    elif not result.ok:
        stored.delete_file()  # it has to be corrected and uploaded again
    if not dry_run and not result.written:
        stored.release()
    stored.set_status(state="done", dry_run=dry_run, result=result.as_report(), **final)
    return stored.status()


def progress_of(stored: StoredUpload) -> Progress:
    status = stored.status() or {}
    return Progress(**{name: status[name] for name in vars(Progress()) if name in status})
