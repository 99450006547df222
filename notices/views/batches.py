"""Customer service chooses households, previews the count and total, creates a batch and downloads its PDFs."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from core.access import add_service_errors, allowed_only
from core.exports import table_export
from core.roles import MANAGER, SERVICE, has_role

from ..forms_letters import BatchForm
from ..models import BatchStatus, NoticeBatch
from ..services import batch_create, batch_preview, batch_retry
from ..tables_letters import BatchNoticeTable, BatchTable
from .wording import can_edit_wording

PAGE_SIZE = 50


def can_make_batches(user) -> bool:
    """Customer service prints the letters; managers oversee them."""
    return has_role(user, SERVICE, MANAGER)


@allowed_only(can_make_batches)
def batch_list(request):
    table = BatchTable(NoticeBatch.objects.select_related("community", "created_by"))
    RequestConfig(request, paginate={"per_page": PAGE_SIZE}).configure(table)
    if export := table_export(request, table, _("通知书批次")):
        return export
    context = {"table": table, "can_edit_wording": can_edit_wording(request.user)}
    return render(request, "notices/batch_list.html", context)


@allowed_only(can_make_batches)
def batch_new(request):
    """The choice of households; POST creates the batch and queues its rendering."""
    form = BatchForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                batch = batch_create(
                    criteria=form.criteria(), deadline=form.cleaned_data.get("deadline"), user=request.user
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("批次已创建,正在生成通知书"))
                return redirect("notice_batch_detail", pk=batch.pk)
        status = 400
    return render(request, "notices/batch_new.html", {"form": form}, status=status)


@allowed_only(can_make_batches)
def batch_preview_view(request):
    """htmx: how many households the current choice gives, and what they owe."""
    form = BatchForm(request.GET)
    preview = batch_preview(form.criteria()) if form.is_valid() else None
    return render(request, "notices/batch_preview.html", {"form": form, "preview": preview})


def _batch(pk: int) -> NoticeBatch:
    return get_object_or_404(NoticeBatch.objects.select_related("community", "created_by"), pk=pk)


@allowed_only(can_make_batches)
def batch_detail(request, pk: int):
    batch = _batch(pk)
    notices = batch.notices.select_related("household__building").order_by("sequence")
    table = BatchNoticeTable(notices)
    RequestConfig(request, paginate={"per_page": PAGE_SIZE}).configure(table)
    if export := table_export(request, table, _("批次通知书")):
        return export
    return render(request, "notices/batch_detail.html", {"batch": batch, "table": table})


@allowed_only(can_make_batches)
def batch_progress(request, pk: int):
    """htmx: the progress bar, polled while the job runs."""
    return render(request, "notices/batch_progress.html", {"batch": _batch(pk)})


@allowed_only(can_make_batches)
@require_POST
def batch_retry_view(request, pk: int):
    batch = _batch(pk)
    try:
        batch_retry(batch=batch)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已重新排队生成,已生成的通知书保留原编号"))
    return redirect("notice_batch_detail", pk=batch.pk)


def _stream(field, filename: str) -> FileResponse:
    """A stored PDF through Django (MEDIA_ROOT is never served directly); 404 while it does not exist."""
    if not field:
        raise Http404(_("文件尚未生成"))
    try:
        handle = field.open("rb")
    except OSError as exc:
        raise Http404(_("文件不存在")) from exc
    response = FileResponse(handle, content_type="application/pdf", filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@allowed_only(can_make_batches)
def batch_pdf(request, pk: int):
    """All the batch's letters in one PDF, in building/unit/room order, to print."""
    batch = _batch(pk)
    if batch.status != BatchStatus.DONE:
        raise Http404(_("批次尚未生成完成"))
    return _stream(batch.combined_pdf, f"{batch.community.code}-{batch.level}-{batch.as_of:%Y%m%d}-{batch.pk}.pdf")


@allowed_only(can_make_batches)
def batch_letter_pdf(request, pk: int, notice_pk: int):
    """One letter of the batch."""
    notice = get_object_or_404(_batch(pk).notices, pk=notice_pk)
    return _stream(notice.pdf, f"{notice.number}.pdf")
