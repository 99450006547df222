"""The import as a background job: check (a dry run) or write an uploaded file, record its progress for the page,
then refresh the dashboard of the communities it changed and delete the file.

One job serves both kinds of upload: a template workbook (imports.uploads) goes to the ledger import as it is; a
file from another system (imports.sources) is converted first, and its conversion report is kept with the outcome.
"""

import contextlib
import logging
import threading
import time

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from arrears.importer.result import ImportResult
from arrears.importer.state import Progress
from dashboard.services import snapshots_refresh

from .sources.jobs import source_run
from .sources.uploads import SourceUpload
from .uploads import StoredUpload
from .workbook_import import ledger_import

logger = logging.getLogger(__name__)

# The page polls every second or two; writing the status more often than this costs the import for nothing.
STATUS_EVERY_SECONDS = 0.5
# While a job runs, its status file is touched this often even when no row moves (building indexes, committing), so
# that a job without news for uploads.STALE_STATUS_SECONDS can be told from a slow one.
HEARTBEAT_SECONDS = 60
UPLOAD_KINDS = {kind.kind: kind for kind in (StoredUpload, SourceUpload)}


def upload_of(kind: str, token) -> StoredUpload:
    """The stored upload of ``kind`` (StoredUpload.kind) with ``token``."""
    return UPLOAD_KINDS[kind](token)


def _ledger_run(*, stored: StoredUpload, dry_run: bool, user, progress) -> tuple[ImportResult, dict]:
    return ledger_import(path=stored.path, dry_run=dry_run, user=user, progress=progress), {}


_RUNNERS = {StoredUpload.kind: _ledger_run, SourceUpload.kind: source_run}


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
    phase = ""
    counters: dict[str, int] = {}  # a conversion's own, kept beside the ledger import's

    def progress(done: Progress, **more: int) -> None:
        nonlocal last, phase
        counters.update(more)
        now = time.monotonic()
        if now - last >= STATUS_EVERY_SECONDS or done.phase != phase or done.phase == "done":
            last = now
            stored.set_status(state="running", dry_run=dry_run, **vars(done), **counters)
        phase = done.phase

    stored.set_status(state="running", dry_run=dry_run, **vars(Progress()))
    try:
        with heartbeat(stored):
            result, report = _RUNNERS[stored.kind](stored=stored, dry_run=dry_run, user=user, progress=progress)
    except Exception:
        logger.exception("import of %s failed", stored.token)
        stored.set_status(
            state="failed", dry_run=dry_run, message=_("导入时出错,没有写入任何数据。请稍后重试,或联系管理员。")
        )
        if not dry_run:
            stored.release()
        return stored.status()
    final = {**vars(progress_of(stored)), **counters, "phase": "done"}
    if result.written:
        stored.record(result, user=user)
        stored.delete_file()
        if result.communities:
            snapshots_refresh(community_codes=result.communities)
    elif not result.ok and not stored.keep_file_after_errors:
        stored.delete_file()
    if not dry_run and not result.written:
        stored.release()
    stored.set_status(state="done", dry_run=dry_run, result=result.as_report(), **report, **final)
    return stored.status()


@contextlib.contextmanager
def heartbeat(stored: StoredUpload):
    """Touch the job's status every HEARTBEAT_SECONDS while the block runs, from a thread of its own."""
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(HEARTBEAT_SECONDS):
            stored.touch_status()

    thread = threading.Thread(target=beat, name=f"import-heartbeat-{stored.token}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def progress_of(stored: StoredUpload) -> Progress:
    status = stored.status() or {}
    return Progress(**{name: status[name] for name in vars(Progress()) if name in status})


def progress_bar(status: dict) -> dict:
    """The progress bar: a foreign file's rows are converted, every row is checked, then the new ones written
    (each count is known once the step before is done, so the bar may step back a little then)."""
    total = sum(status.get(name) or 0 for name in ("rows_to_convert", "rows_total", "rows_to_write"))
    done = sum(status.get(name) or 0 for name in ("rows_converted", "rows_checked", "rows_written"))
    if status.get("state") == "done":
        done = total
    return {"max": max(total, 1), "value": done, "percent": round(100 * done / total) if total else 0}
