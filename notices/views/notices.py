"""The notices list, a notice's page with its deliveries and the delivery form, and the files behind them."""

import mimetypes
from pathlib import PurePath

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from arrears.masking import mask_name
from arrears.models.households import OwnerKind
from core.access import add_service_errors, allowed_only
from core.lists import ListPage

from ..deliveries import delivery_record
from ..filters import NoticeFilter
from ..forms import PHOTO_TYPES, DeliveryForm
from ..models import Delivery
from ..selectors import can_keep_notices, can_read_notices, notices_visible_to, with_delivery
from ..tables import NoticeTable
from .batches import can_make_batches

FILTER_FIELDS = ("community", "building", "level", "delivery", "date_from", "date_to")


class NoticeListView(ListPage):
    """Every notice with its delivery status, filtered and sorted; htmx gets the table only."""

    export_name = gettext_lazy("催费通知")

    allowed = staticmethod(can_read_notices)
    table_class = NoticeTable
    filterset_class = NoticeFilter
    template_name = "notices/notice_list.html"
    results_template_name = "notices/notice_list_results.html"
    filter_fields = FILTER_FIELDS

    def get_queryset(self):
        notices = notices_visible_to(self.request.user).select_related(
            "community", "household__building", "household__owner"
        )
        return with_delivery(notices)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_keep"] = can_keep_notices(self.request.user)
        context["can_make_batches"] = can_make_batches(self.request.user)
        return context


def _notice_for(request, pk: int):
    return get_object_or_404(
        notices_visible_to(request.user).select_related(
            "community", "household__building", "household__owner", "created_by"
        ),
        pk=pk,
    )


def _render_notice(request, notice, form: DeliveryForm | None = None, status: int = 200):
    keeper = can_keep_notices(request.user)
    if keeper:
        addressee = notice.addressee
    else:
        owner = notice.household.owner
        addressee = mask_name(notice.addressee, organisation=owner is not None and owner.kind == OwnerKind.ORGANISATION)
    deliveries = notice.deliveries.select_related("recorded_by").order_by("-delivered_on", "-id")
    if keeper and form is None:
        form = DeliveryForm(notice=notice)
    return render(
        request,
        "notices/notice_detail.html",
        {
            "notice": notice,
            "addressee": addressee,
            "deliveries": deliveries,
            "can_keep": keeper,
            "can_make_batches": can_make_batches(request.user),
            "form": form if keeper else None,
        },
        status=status,
    )


@allowed_only(can_read_notices)
def notice_detail(request, pk: int):
    """A notice: its amounts, its household, the letter, its deliveries; POST records a delivery."""
    notice = _notice_for(request, pk)
    if request.method != "POST":
        return _render_notice(request, notice)
    if not can_keep_notices(request.user):
        raise PermissionDenied
    form = DeliveryForm(request.POST, request.FILES, notice=notice)
    if form.is_valid():
        data = form.cleaned_data
        try:
            delivery_record(
                notice=notice,
                method=data["method"],
                delivered_on=data["delivered_on"],
                tracking_no=data["tracking_no"],
                signed_by=data["signed_by"],
                note=data["note"],
                photo=data["photo"],
                recorded_by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("送达记录已保存"))
            return redirect("notice_detail", pk=notice.pk)
    return _render_notice(request, notice, form=form, status=400)


def _stream(field, filename: str, content_type: str) -> FileResponse:
    """The stored file through Django (never served directly from MEDIA_ROOT); 404 when it is missing."""
    if not field:
        raise Http404(_("文件不存在"))
    try:
        handle = field.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404(_("文件不存在")) from exc
    response = FileResponse(handle, content_type=content_type, filename=filename)
    # Uploaded files are evidence to look at, never a page to run: no scripts, no sniffing.
    response["Content-Security-Policy"] = "sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@allowed_only(can_keep_notices)
def notice_pdf(request, pk: int):
    """The rendered letter (PDF); 404 until it has been rendered."""
    notice = get_object_or_404(notices_visible_to(request.user), pk=pk)
    return _stream(notice.pdf, f"{notice.number}.pdf", "application/pdf")


@allowed_only(can_keep_notices)
def delivery_photo(request, pk: int):
    """The photo or receipt of a delivery."""
    delivery = get_object_or_404(
        Delivery.objects.filter(notice__in=notices_visible_to(request.user)).select_related("notice"), pk=pk
    )
    suffix = PurePath(delivery.photo.name or "").suffix.lower()
    content_type = PHOTO_TYPES.get(suffix) or mimetypes.guess_type(delivery.photo.name or "")[0]
    filename = f"{delivery.notice.number}-{delivery.pk}{suffix}"
    return _stream(delivery.photo, filename, content_type or "application/octet-stream")
