"""The ledger import in the browser (finance and managers): upload, preview as a dry run, confirm.

Who imports matters to the 员工 sheet: only a manager gives or changes roles (assignments.staff_import).
"""

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from arrears.importer import ImportResult
from core.roles import FINANCE, MANAGER, has_role

from .template import template_workbook
from .uploads import StoredUpload, UploadForm
from .workbook_import import ledger_import

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_importer(user) -> None:
    if not has_role(user, FINANCE, MANAGER):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    """The upload form; a valid file is stored and previewed."""
    _require_importer(request.user)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            stored = StoredUpload.save(form.cleaned_data["file"])
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
    """GET: a dry run of the uploaded file, or what its import did. POST: the import itself, once per file."""
    _require_importer(request.user)
    stored = StoredUpload(token)
    if not stored.exists():
        raise Http404
    if request.method == "POST":
        return _confirm(request, stored)
    recorded = stored.recorded()
    if recorded is not None:
        return _page(request, stored, recorded=recorded)
    return _page(request, stored, result=ledger_import(path=stored.path, dry_run=True, user=request.user))


def _page(request, stored: StoredUpload, *, result: ImportResult | None = None, recorded: dict | None = None):
    summary = recorded or (result.as_dict() if result.ok else None)
    context = {"token": stored.token, "result": result, "recorded": recorded, "summary": summary}
    if recorded and recorded.get("imported_at"):
        # Stored as ISO 8601 in UTC; an aware datetime is shown in the local time zone.
        context["imported_at"] = datetime.fromisoformat(recorded["imported_at"])
    return render(request, "imports/preview.html", context)


def _confirm(request, stored: StoredUpload):
    if stored.recorded() is not None or not stored.claim():
        messages.info(request, _("该文件已导入(或正在导入),没有重复导入。"))
        return redirect("import_preview", token=stored.token)
    written = False
    try:
        result = ledger_import(path=stored.path, user=request.user)
        if result.written:
            stored.record(result, user=request.user)
            written = True
    finally:
        if not written:
            stored.release()
    if not written:  # the database changed since the preview
        return _page(request, stored, result=result)
    messages.success(request, _("导入成功。"))
    return redirect("import_preview", token=stored.token)
