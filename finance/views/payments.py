"""One payment for finance: its ledger entries, and the reversal (冲正) that corrects a verified one."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from arrears.models import Allocation, Payment
from arrears.models.ledger import PaymentStatus
from arrears.services import payment_reverse
from core.access import add_service_errors, allowed_only
from core.changes import figures_changed

from ..forms import ReversalForm
from ..permissions import can_act
from ..selectors import person_name


@require_http_methods(["GET", "POST"])
@allowed_only(can_act)
def payment_detail(request, pk: int):
    """GET: the payment; POST: reverse it (a reason, dated on an open day, today by default)."""
    payment = get_object_or_404(
        Payment.objects.select_related(
            "community", "household__building", "collected_by__staff", "verified_by", "reversal__reversed_by"
        ).prefetch_related(
            Prefetch("allocations", queryset=Allocation.objects.select_related("charge__fee_item").order_by("pk"))
        ),
        pk=pk,
    )
    form = None
    if payment.status == PaymentStatus.VERIFIED:
        form = ReversalForm(request.POST or None, initial={"reversed_on": timezone.localdate()})
        if request.method == "POST" and form.is_valid():
            try:
                payment_reverse(
                    payment_id=payment.pk,
                    reversed_by=request.user,
                    reason=form.cleaned_data["reason"],
                    reversed_on=form.cleaned_data["reversed_on"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                figures_changed(community_ids=[payment.community_id])
                messages.success(request, _("已冲正,收据号 %(receipt)s 保留不再使用") % {"receipt": payment.receipt_no})
                return redirect("finance:payment", pk=payment.pk)
    elif request.method == "POST":
        messages.error(
            request,
            _("该笔收款状态为「%(status)s」,只有已复核的收款可以冲正") % {"status": payment.get_status_display()},
        )
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "finance/payment.html",
        {
            "payment": payment,
            "collector": person_name(payment.collected_by),
            "reversal": getattr(payment, "reversal", None),
            "form": form,
        },
        status=status,
    )
