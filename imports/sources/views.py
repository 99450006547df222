"""Files from other systems in the browser (finance and managers, as the template import): upload, the community's
rules and the column mapping, a preview of what was recognised and skipped and of the dry run, then confirm."""

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from arrears.models import Community
from core.roles import FINANCE, MANAGER, has_role

from ..models import SourceSettings
from .convert import Conversion, conversion_import
from .forms import MappingForm, Source, SourceSettingsForm, SourceUploadForm
from .freeform import Layout, freeform_convert, freeform_layout, mapping_problems
from .hc import hc_convert
from .report import skipped_summary
from .settings import source_settings_update
from .sheet import SourceError
from .uploads import SourceUpload


def _require_importer(user) -> None:
    if not has_role(user, FINANCE, MANAGER):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def source_upload(request):
    """Which system the file comes from, for which community; a valid file is stored and previewed."""
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


def _layout(stored: SourceUpload) -> tuple[Layout | None, str]:
    if stored.meta["source"] != Source.FREEFORM:
        return None, ""
    try:
        return freeform_layout(stored.path), ""
    except SourceError as exc:
        return None, str(exc)


def _mapping(stored: SourceUpload, layout: Layout, community: Community) -> dict[int, str]:
    """The upload's mapping as last chosen, else the community's saved one, else as recognised."""
    if stored.mapping is not None:
        return stored.mapping
    saved = SourceSettings.objects.filter(community=community).values_list("column_mapping", flat=True).first()
    return layout.initial(saved or {})


def _convert(stored: SourceUpload, community: Community, layout: Layout | None) -> Conversion:
    meta = stored.meta
    if meta["source"] == Source.HC:
        return hc_convert(path=stored.path, community=community, channel=meta["channel"])
    return freeform_convert(
        path=stored.path,
        community=community,
        mapping=_mapping(stored, layout, community),
        fee_item=meta["fee_item"] or "物业费",
        channel=meta["channel"],
    )


@login_required
@require_http_methods(["GET", "POST"])
def source_preview(request, token):
    """GET: the rules, the mapping and the dry run. POST: save the rules or the mapping, or import (once)."""
    _require_importer(request.user)
    stored, community = _stored(token)
    recorded = stored.recorded()
    layout, layout_error = _layout(stored)
    settings = SourceSettings.objects.filter(community=community).first() or SourceSettings(community=community)
    settings_form = SourceSettingsForm(instance=settings)
    mapping_form = None
    if layout is not None:
        if stored.mapping is None and recorded is None:
            # Fixed at the first preview, so that the file is imported as it was previewed.
            stored.set_mapping(_mapping(stored, layout, community))
        mapping_form = MappingForm(layout=layout, initial_mapping=_mapping(stored, layout, community))
    if request.method == "POST" and recorded is None:
        action = request.POST.get("action")
        if action == "settings":
            settings_form = SourceSettingsForm(request.POST, instance=settings)
            if settings_form.is_valid():
                source_settings_update(community=community, user=request.user, **settings_form.cleaned_data)
                messages.success(request, _("已保存该小区的应缴日期规则。"))
                return redirect("import_other_preview", token=token)
        elif action == "mapping" and layout is not None:
            mapping_form = MappingForm(request.POST, layout=layout, initial_mapping={})
            if mapping_form.is_valid():
                _save_mapping(stored, layout, mapping_form.mapping(), community, request.user)
                messages.success(request, _("已保存列对应,下个月同样表头的文件会自动使用。"))
                return redirect("import_other_preview", token=token)
        elif action == "confirm":
            return _confirm(request, stored, community, layout)
    elif request.method == "POST":
        messages.info(request, _("该文件已导入,没有重复导入。"))
        return redirect("import_other_preview", token=token)
    context = {
        "token": token,
        "stored": stored,
        "community": community,
        "source_label": Source(stored.meta["source"]).label,
        "settings_form": settings_form,
        "mapping_form": mapping_form,
        "layout": layout,
        "recorded": recorded,
    }
    if recorded:
        context["imported_at"] = datetime.fromisoformat(recorded["imported_at"])
    elif layout_error:
        context["file_error"] = layout_error
    elif mapping_form is not None and not mapping_form.is_bound and mapping_problems(stored.mapping):
        context["mapping_problems"] = mapping_problems(stored.mapping)
    elif mapping_form is None or not mapping_form.is_bound or mapping_form.is_valid():
        conversion = _convert(stored, community, layout)
        result = conversion_import(conversion=conversion, dry_run=True, user=request.user)
        context.update(_report(conversion, result))
    return render(request, "imports/other/preview.html", context)


def _report(conversion: Conversion, result) -> dict:
    return {
        "conversion": conversion,
        "skipped": skipped_summary(conversion.skipped),
        "result": result,
        "summary": result.as_dict() if result.ok else None,
    }


def _save_mapping(stored: SourceUpload, layout: Layout, mapping: dict[int, str], community, user) -> None:
    stored.set_mapping(mapping)
    by_header = {column.key: mapping.get(column.index, "") for column in layout.columns}
    source_settings_update(community=community, user=user, column_mapping=by_header)


def _confirm(request, stored: SourceUpload, community: Community, layout: Layout | None):
    if not stored.claim():
        messages.info(request, _("该文件正在导入,没有重复导入。"))
        return redirect("import_other_preview", token=stored.token)
    if SourceUpload(stored.token).recorded() is not None:  # imported by a request that held the claim before
        stored.release()
        messages.info(request, _("该文件已导入,没有重复导入。"))
        return redirect("import_other_preview", token=stored.token)
    try:
        conversion = _convert(stored, community, layout)
        result = conversion_import(conversion=conversion, dry_run=False, user=request.user)
        if result.written:
            if layout is not None:
                _save_mapping(stored, layout, _mapping(stored, layout, community), community, request.user)
            stored.record(result.as_dict(), user=request.user)
    finally:
        stored.release()
    if not result.written:  # the ledger changed since the preview
        context = {
            "token": stored.token,
            "stored": stored,
            "community": community,
            "source_label": Source(stored.meta["source"]).label,
            **_report(conversion, result),
        }
        return render(request, "imports/other/preview.html", context)
    messages.success(request, _("导入成功。"))
    return redirect("import_other_preview", token=stored.token)
