"""Files from other systems in the browser (finance and managers, as the template import): upload, the community's
rules and the column mapping, a preview of what was recognised and skipped and of the dry run, then confirm.

The conversion with its dry run, and the import, run as the template import's background job
(imports.tasks.run_import); the page shows their progress, then the preview or what the import did.
"""

import time
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from arrears.models import Community
from core.roles import FINANCE, MANAGER, has_role

from ..models import SourceSettings
from ..views import claim_and_import, progress_context, progress_fragment, start_job
from .forms import MappingForm, Source, SourceSettingsForm, SourceUploadForm
from .freeform import Layout, freeform_layout, mapping_problems
from .jobs import mapping_save, rules_of, upload_mapping
from .settings import source_settings_update
from .sheet import SourceError
from .uploads import SourceUpload

_RUNNING = ("queued", "running")
# A job that has not reported for this long is taken to be lost (a worker that died): the page lets finance on.
STALE_JOB_SECONDS = 15 * 60
_URLS = {"page": "import_other_preview", "status": "import_other_status"}


def _require_importer(user) -> None:
    if not has_role(user, FINANCE, MANAGER):
        raise PermissionDenied


def _busy(stored: SourceUpload, status: dict) -> bool:
    """A job is checking or importing the file (and has reported lately)."""
    if stored.claimed():
        return True
    return status.get("state") in _RUNNING and time.time() - status.get("updated_at", 0) < STALE_JOB_SECONDS


def _layout(stored: SourceUpload) -> tuple[Layout | None, str]:
    if stored.meta["source"] != Source.FREEFORM:
        return None, ""
    try:
        return freeform_layout(stored.path), ""
    except SourceError as exc:
        return None, str(exc)


def _check(request, stored: SourceUpload, layout: Layout | None) -> None:
    """Start the conversion and dry run, unless the file cannot be read or its mapping is incomplete (the page
    says so)."""
    if stored.meta["source"] == Source.FREEFORM and (layout is None or mapping_problems(stored.mapping or {})):
        return
    start_job(request, stored, dry_run=True)


@login_required
@require_http_methods(["GET", "POST"])
def source_upload(request):
    """Which system the file comes from, for which community; a valid file is stored and its check starts."""
    _require_importer(request.user)
    form = SourceUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        meta = {
            "source": data["source"],
            "community": data["community"].pk,
            "channel": data["channel"],
            "fee_item": data["fee_item"].strip(),
        }
        stored = SourceUpload.save(data["file"], meta=meta)
        layout, _error = _layout(stored)
        if layout is not None:
            # Fixed now, so that the file is imported as it was previewed.
            stored.set_mapping(upload_mapping(stored, layout, data["community"]))
        _check(request, stored, layout)
        return redirect("import_other_preview", token=stored.token)
    return render(request, "imports/other/upload.html", {"form": form})


def _stored(token) -> tuple[SourceUpload, Community]:
    stored = SourceUpload(token)
    if not stored.exists():
        raise Http404
    community = Community.objects.filter(pk=stored.meta.get("community")).first()
    if community is None:
        raise Http404
    return stored, community


@login_required
@require_GET
def source_status(request, token):
    """The progress fragment the page polls; once the job has finished, htmx reloads the page for the outcome."""
    _require_importer(request.user)
    stored, _community = _stored(token)
    return progress_fragment(request, stored, **_URLS)


@login_required
@require_http_methods(["GET", "POST"])
def source_preview(request, token):
    """GET: the rules, the mapping, the job's progress and the dry run. POST: save the rules or the mapping (and
    check again), or import (once)."""
    _require_importer(request.user)
    stored, community = _stored(token)
    recorded = stored.recorded()
    if request.method == "POST" and recorded is not None:
        messages.info(request, _("该文件已导入,没有重复导入。"))
        return redirect("import_other_preview", token=token)
    if recorded is not None:
        return _imported(request, stored, community, recorded)
    layout, layout_error = _layout(stored)
    settings = SourceSettings.objects.filter(community=community).first() or SourceSettings(community=community)
    settings_form = SourceSettingsForm(instance=settings)
    mapping_form = None
    if layout is not None:
        if stored.mapping is None:
            stored.set_mapping(upload_mapping(stored, layout, community))
        mapping_form = MappingForm(layout=layout, initial_mapping=upload_mapping(stored, layout, community))
    status = stored.status() or {}
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "confirm":
            return _confirm(request, stored, community, status)
        if action in ("settings", "mapping") and _busy(stored, status):
            messages.error(request, _("正在生成预览或导入,请等它完成后再修改。"))
            return redirect("import_other_preview", token=token)
        if action == "settings":
            settings_form = SourceSettingsForm(request.POST, instance=settings)
            if settings_form.is_valid():
                source_settings_update(community=community, user=request.user, **settings_form.cleaned_data)
                _check(request, stored, layout)
                messages.success(request, _("已保存该小区的应缴日期规则。"))
                return redirect("import_other_preview", token=token)
        elif action == "mapping" and layout is not None:
            mapping_form = MappingForm(request.POST, layout=layout, initial_mapping={})
            if mapping_form.is_valid():
                mapping_save(
                    stored=stored, layout=layout, mapping=mapping_form.mapping(), community=community, user=request.user
                )
                _check(request, stored, layout)
                messages.success(request, _("已保存列对应,下个月同样表头的文件会自动使用。"))
                return redirect("import_other_preview", token=token)
    elif not _busy(stored, status) and (not status or _out_of_date(status, community)):
        # Stored before the check ran as a job, or checked under a due-date rule changed since.
        _check(request, stored, layout)
        status = stored.status() or {}
    context = {
        **_base_context(stored, community),
        **progress_context(stored, **_URLS),
        "settings_form": settings_form,
        "mapping_form": mapping_form,
        "layout": layout,
        "running": status.get("state") in _RUNNING,
        "busy": _busy(stored, status),
        "failed": status.get("state") == "failed",
    }
    if layout_error:
        context["file_error"] = layout_error
    elif mapping_form is not None and not mapping_form.is_bound and mapping_problems(stored.mapping or {}):
        context["mapping_problems"] = mapping_problems(stored.mapping or {})
    elif mapping_form is None or not mapping_form.is_bound or mapping_form.is_valid():
        context.update(_report(stored, context["status"]))
    return render(request, "imports/other/preview.html", context)


def _base_context(stored: SourceUpload, community: Community) -> dict:
    return {
        "token": stored.token,
        "stored": stored,
        "community": community,
        "source_label": Source(stored.meta["source"]).label,
    }


def _imported(request, stored: SourceUpload, community: Community, recorded: dict):
    context = {
        **_base_context(stored, community),
        "recorded": recorded,
        "imported_at": datetime.fromisoformat(recorded["imported_at"]),
    }
    return render(request, "imports/other/preview.html", context)


def _out_of_date(status: dict, community: Community) -> bool:
    return status.get("state") == "done" and status.get("rules") != rules_of(community)


def _report(stored: SourceUpload, status: dict) -> dict:
    """The finished job's outcome: what the converter recognised and skipped, and the dry run's counts or the
    errors in the original sheet's rows and columns (also those of an import that found the ledger changed)."""
    result = status.get("result") if status.get("state") == "done" else None
    if result is None:
        return {}
    conversion = status.get("conversion") or {}
    return {
        "conversion": conversion,
        "skipped": conversion.get("skipped", []),
        "result": result,
        "summary": result if result["ok"] and result["dry_run"] and stored.path.is_file() else None,
    }


def _confirm(request, stored: SourceUpload, community: Community, status: dict):
    if stored.claimed():
        messages.info(request, _("该文件已导入(或正在导入),没有重复导入。"))
        return redirect("import_other_preview", token=stored.token)
    result = status.get("result") if status.get("state") == "done" else None
    if not (result and result["ok"] and result["dry_run"] and stored.path.is_file()):
        messages.error(request, _("预览未通过或尚未完成,不能导入。"))
        return redirect("import_other_preview", token=stored.token)
    if _out_of_date(status, community):
        _check(request, stored, _layout(stored)[0])
        messages.warning(request, _("该小区的应缴日期规则已修改,已按新规则重新预览,请核对后再确认导入。"))
        return redirect("import_other_preview", token=stored.token)
    return claim_and_import(request, stored, "import_other_preview")
