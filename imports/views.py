"""The ledger import in the browser (finance and managers): upload, preview as a dry run, confirm.

Both the preview and the import run as a background job (imports.tasks.run_import); the page shows their
progress and then the outcome. Who imports matters to the 员工 sheet: only a manager gives or changes roles
(assignments.staff_import).
"""

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.roles import FINANCE, MANAGER, has_role

from .jobs import import_queue, progress_bar
from .tasks import run_import
from .template import template_workbook
from .uploads import StoredUpload, UploadForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_RUNNING = ("queued", "running")


def _require_importer(user) -> None:
    if not has_role(user, FINANCE, MANAGER):
        raise PermissionDenied


def start_job(request, stored: StoredUpload, *, dry_run: bool) -> None:
    """Queue the check (``dry_run``) or the import of a stored upload of any kind."""
    import_queue(stored=stored, dry_run=dry_run)
    # The job reads the stored file (and a community's rules as saved already), not rows of this request: nothing
    # to wait for a commit of.
    run_import.delay(str(stored.token), dry_run, request.user.pk, stored.kind)


def claim_and_import(request, stored: StoredUpload, preview: str):
    """Claim a checked upload and start its import (once), then back to its page (URL name ``preview``)."""
    if not stored.claim():
        messages.info(request, _("该文件已导入(或正在导入),没有重复导入。"))
        return redirect(preview, token=stored.token)
    start_job(request, stored, dry_run=False)
    if stored.recorded() is not None:  # without a broker the job has run already
        messages.success(request, _("导入成功。"))
    return redirect(preview, token=stored.token)


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    """The upload form; a valid file is stored and its check starts as a job."""
    _require_importer(request.user)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            stored = StoredUpload.save(form.cleaned_data["file"])
            start_job(request, stored, dry_run=True)
            return redirect("import_preview", token=stored.token)
    else:
        form = UploadForm()
    return render(request, "imports/upload.html", {"form": form})


@login_required
@require_GET
def import_template(request):
    """The template workbook, with an example row on each sheet."""
    _require_importer(request.user)
    response = HttpResponse(template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, "台账导入模板.xlsx")
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request, token):
    """GET: the job's progress, then the preview (a dry run) or what the import did. POST: the import, once."""
    _require_importer(request.user)
    stored = StoredUpload(token)
    if not stored.exists():
        raise Http404
    if request.method == "POST":
        return _confirm(request, stored)
    recorded = stored.recorded()
    status = stored.status()
    if recorded is None and status is None:  # stored before the check ran as a job
        start_job(request, stored, dry_run=True)
        status = stored.status()
    return _page(request, stored, status=status or {}, recorded=recorded)


@login_required
@require_GET
def import_status(request, token):
    """The progress fragment the page polls; once the job has finished, htmx reloads the page for the outcome."""
    _require_importer(request.user)
    stored = StoredUpload(token)
    if not stored.exists():
        raise Http404
    return progress_fragment(request, stored, page="import_preview", status="import_status")


def progress_context(stored: StoredUpload, *, page: str, status: str) -> dict:
    """What imports/progress.html shows of the job on ``stored``; ``page`` and ``status`` name the URLs of the
    upload's page and of this fragment."""
    progress = stored.status() or {}
    return {
        "token": stored.token,
        "status": progress,
        "bar": progress_bar(progress),
        "stalled": stored.stalled(progress),
        "last_news": stored.last_news(),
        "page_url": reverse(page, kwargs={"token": stored.token}),
        "status_url": reverse(status, kwargs={"token": stored.token}),
    }


def progress_fragment(request, stored: StoredUpload, *, page: str, status: str):
    """The progress fragment the page polls; once the job has finished, htmx reloads the page for the outcome."""
    context = progress_context(stored, page=page, status=status)
    response = render(request, "imports/progress.html", context)
    if context["status"].get("state") not in _RUNNING:
        response["HX-Refresh"] = "true"
    return response


def _page(request, stored: StoredUpload, *, status: dict, recorded: dict | None):
    result = status.get("result") if status.get("state") == "done" else None
    summary = recorded or (result if result and result["ok"] else None)
    context = {
        **progress_context(stored, page="import_preview", status="import_status"),
        "status": status,
        "bar": progress_bar(status),
        "running": recorded is None and status.get("state") in _RUNNING,
        "failed": recorded is None and status.get("state") == "failed",
        "result": result,
        "recorded": recorded,
        "summary": summary,
        "can_confirm": bool(result and result["ok"] and result["dry_run"] and stored.path.is_file()),
    }
    if recorded and recorded.get("imported_at"):
        # Stored as ISO 8601 in UTC; an aware datetime is shown in the local time zone.
        context["imported_at"] = datetime.fromisoformat(recorded["imported_at"])
    return render(request, "imports/preview.html", context)


def _confirm(request, stored: StoredUpload):
    status = stored.status() or {}
    if stored.recorded() is not None or stored.claimed() or not status.get("dry_run", True):
        messages.info(request, _("该文件已导入(或正在导入),没有重复导入。"))
        return redirect("import_preview", token=stored.token)
    result = status.get("result") if status.get("state") == "done" else None
    if not (result and result["ok"] and stored.path.is_file()):
        messages.error(request, _("预览未通过或尚未完成,不能导入。"))
        return redirect("import_preview", token=stored.token)
    return claim_and_import(request, stored, "import_preview")
