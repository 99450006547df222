"""Customer service's SMS pages: batches (choose, preview, send, follow), the opt-out list."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from core.access import add_service_errors, allowed_only
from core.exports import table_export

from ..forms import OptOutForm, SmsBatchForm
from ..models import MessageStatus, OptOutSource, SmsBatch, SmsOptOut
from ..selectors import can_edit_sms_templates, can_send_sms
from ..services.batches import sms_batch_cancel, sms_batch_create, sms_batch_preview, sms_batch_retry
from ..services.optouts import sms_opt_in, sms_opt_out
from ..tables import OptOutTable, SmsBatchTable, SmsMessageTable

PAGE_SIZE = 50


@allowed_only(can_send_sms)
def batch_list(request):
    table = SmsBatchTable(SmsBatch.objects.select_related("community", "created_by"))
    RequestConfig(request, paginate={"per_page": PAGE_SIZE}).configure(table)
    if export := table_export(request, table, _("短信批次")):
        return export
    context = {"table": table, "can_edit_templates": can_edit_sms_templates(request.user)}
    return render(request, "outreach/batch_list.html", context)


@allowed_only(can_send_sms)
def batch_new(request):
    form = SmsBatchForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                batch = sms_batch_create(criteria=form.criteria(), level=form.cleaned_data["level"], user=request.user)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if batch.scheduled_for:
                    messages.success(request, _("批次已创建;夜间(21:00–08:00)不发送短信,将于早上 8:00 开始发送"))
                else:
                    messages.success(request, _("批次已创建,正在发送"))
                return redirect("sms_batch_detail", pk=batch.pk)
        status = 400
    return render(request, "outreach/batch_new.html", {"form": form}, status=status)


@allowed_only(can_send_sms)
def batch_preview(request):
    """htmx: how many households, what they owe, and the first one's message with its real figures."""
    form = SmsBatchForm(request.GET)
    preview = None
    if form.is_valid():
        preview = sms_batch_preview(criteria=form.criteria(), level=form.cleaned_data["level"])
    return render(request, "outreach/batch_preview.html", {"form": form, "preview": preview})


def _batch(pk: int) -> SmsBatch:
    return get_object_or_404(SmsBatch.objects.select_related("community", "created_by"), pk=pk)


@allowed_only(can_send_sms)
def batch_detail(request, pk: int):
    batch = _batch(pk)
    status = request.GET.get("status", "")
    rows = batch.messages.select_related("household__building").order_by("pk")
    if status in MessageStatus.values:
        rows = rows.filter(status=status)
    table = SmsMessageTable(rows)
    RequestConfig(request, paginate={"per_page": PAGE_SIZE}).configure(table)
    if export := table_export(request, table, _("批次短信")):
        return export
    context = {"batch": batch, "table": table, "statuses": MessageStatus.choices, "status": status}
    return render(request, "outreach/batch_detail.html", context)


@allowed_only(can_send_sms)
def batch_progress(request, pk: int):
    return render(request, "outreach/batch_progress.html", {"batch": _batch(pk)})


@allowed_only(can_send_sms)
@require_POST
def batch_cancel(request, pk: int):
    batch = _batch(pk)
    try:
        sms_batch_cancel(batch=batch)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("批次已取消,未发送的短信不再发送"))
    return redirect("sms_batch_detail", pk=batch.pk)


@allowed_only(can_send_sms)
@require_POST
def batch_retry(request, pk: int):
    batch = _batch(pk)
    try:
        sms_batch_retry(batch=batch)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已重新排队,已发送的短信不会重发"))
    return redirect("sms_batch_detail", pk=batch.pk)


@allowed_only(can_send_sms)
def optout_list(request):
    form = OptOutForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                sms_opt_out(
                    phone=form.cleaned_data["phone"],
                    source=OptOutSource.DESK,
                    user=request.user,
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已登记退订,该号码不再接收催费短信"))
                return redirect("sms_optout_list")
        status = 400
    table = OptOutTable(SmsOptOut.objects.all())
    RequestConfig(request, paginate={"per_page": PAGE_SIZE}).configure(table)
    if export := table_export(request, table, _("短信退订")):
        return export
    return render(request, "outreach/optout_list.html", {"form": form, "table": table}, status=status)


@allowed_only(can_send_sms)
@require_POST
def optout_remove(request, pk: int):
    entry = get_object_or_404(SmsOptOut, pk=pk)
    sms_opt_in(entry=entry)
    messages.success(request, _("已恢复接收短信"))
    return redirect("sms_optout_list")
