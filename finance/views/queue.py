"""The pending-payment queue (待复核): verify or reject one by one (htmx swaps the row), or verify in bulk.

Every action calls the arrears services, each in its own transaction: a payment someone else handled meanwhile
is refused by the service (its status is no longer 待复核) and the page says so.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from arrears.models import Payment
from arrears.models.ledger import PaymentStatus
from arrears.money import ZERO
from arrears.services import payment_reject, payment_verify
from core.access import allowed_only, wants_fragment
from core.changes import figures_changed
from core.lists import ListPage

from ..filters import PendingPaymentFilter
from ..forms import RejectForm
from ..permissions import can_act, can_read_queue
from ..selectors import pending_payments
from ..tables import BULK_FORM_ID, PendingPaymentTable
from .access import back_to, error_text

FILTER_FIELDS = ("community", "collected_by", "channel", "paid_from", "paid_to")
BULK_LIMIT = 200


class PendingQueueView(ListPage):
    """Pending payments from collectors and the service desk, oldest first; htmx gets the table only."""

    allowed = staticmethod(can_read_queue)
    table_class = PendingPaymentTable
    filterset_class = PendingPaymentFilter
    template_name = "finance/queue.html"
    results_template_name = "finance/queue_results.html"
    filter_fields = FILTER_FIELDS
    export_name = gettext_lazy("待复核收款")

    def get_queryset(self):
        return pending_payments()

    def get_table_kwargs(self):
        return {"can_act": can_act(self.request.user)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_act"] = can_act(self.request.user)
        context["bulk_form_id"] = BULK_FORM_ID
        return context


def _row(request, payment: Payment, *, message: str, tone: str) -> HttpResponse:
    """The table row after an action: the outcome in place of the buttons."""
    return render(
        request,
        "finance/_queue_row_done.html",
        {"payment": payment, "message": message, "tone": tone, "columns": len(PendingPaymentTable.base_columns)},
    )


def _row_again(request, payment: Payment, error: str) -> HttpResponse:
    """The same pending row, with the error next to its buttons (e.g. a missing reason)."""
    table = PendingPaymentTable([payment], can_act=True, row_errors={payment.pk: error})
    table.request = request
    return render(request, "finance/_queue_row.html", {"row": table.rows[0]})


def _done(request, payment: Payment, *, message: str, tone: str):
    if wants_fragment(request):
        return _row(request, payment, message=message, tone=tone)
    (messages.success if tone == "ok" else messages.error)(request, message)
    return back_to(request, "finance:queue")


def _payment(pk: int) -> Payment:
    return get_object_or_404(
        Payment.objects.select_related("community", "household__building", "collected_by__staff"), pk=pk
    )


@require_POST
@allowed_only(can_act)
def payment_verify_view(request, pk: int):
    payment = _payment(pk)
    try:
        payment = payment_verify(payment_id=payment.pk, verified_by=request.user)
    except ValidationError as exc:
        return _done(request, payment, message=_handled_message(payment, exc), tone="error")
    figures_changed(community_ids=[payment.community_id])
    message = _("已复核,收据号 %(receipt)s") % {"receipt": payment.receipt_no}
    return _done(request, payment, message=message, tone="ok")


@require_POST
@allowed_only(can_act)
def payment_reject_view(request, pk: int):
    payment = _payment(pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        error = error_text(ValidationError(form.errors["reason"]))
        if wants_fragment(request):
            return _row_again(request, payment, error)
        messages.error(request, error)
        return back_to(request, "finance:queue")
    try:
        payment = payment_reject(payment_id=payment.pk, rejected_by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        return _done(request, payment, message=_handled_message(payment, exc), tone="error")
    message = _("已驳回:%(reason)s") % {"reason": payment.rejection_reason}
    return _done(request, payment, message=message, tone="ok")


def _handled_message(payment: Payment, exc: ValidationError) -> str:
    """The service's refusal; when another user handled the payment first, say who."""
    payment.refresh_from_db()
    if payment.verified_by_id is not None and payment.status != PaymentStatus.PENDING:
        who = payment.verified_by.get_username()
        return _("该笔收款已由 %(user)s 处理(%(status)s),无需再操作") % {
            "user": who,
            "status": payment.get_status_display(),
        }
    return error_text(exc)


@require_POST
@allowed_only(can_act)
def payment_bulk_verify_view(request):
    """Verify the ticked payments, each in its own transaction; those refused are listed with the reason."""
    ids = [int(value) for value in request.POST.getlist("ids") if value.isdigit()][:BULK_LIMIT]
    if not ids:
        messages.error(request, _("请先勾选要复核的收款"))
        return back_to(request, "finance:queue")
    if request.POST.get("confirm") != "1":
        return _bulk_confirm_page(request, ids)
    verified, refused, communities = 0, [], set()
    for payment in Payment.objects.filter(pk__in=ids).select_related("household__building").order_by("paid_on", "id"):
        try:
            payment_verify(payment_id=payment.pk, verified_by=request.user)
            verified += 1
            communities.add(payment.community_id)
        except ValidationError as exc:
            refused.append(f"{payment.household.label} {payment.amount}:{_handled_message(payment, exc)}")
    figures_changed(community_ids=communities)
    if verified:
        messages.success(request, _("已复核 %(count)s 笔收款,收据号已生成") % {"count": verified})
    for line in refused:
        messages.error(request, line)
    return back_to(request, "finance:queue")


def _bulk_confirm_page(request, ids: list[int]):
    """The confirmation step of a bulk verification: the ticked payments, their count and total, and one button."""
    payments = list(
        pending_payments().filter(pk__in=ids).select_related("household__building", "community", "collected_by__staff")
    )
    return render(
        request,
        "finance/bulk_confirm.html",
        {
            "payments": payments,
            "total": sum((payment.amount for payment in payments), ZERO),
            "next": request.POST.get("next", ""),
        },
    )
