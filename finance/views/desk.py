"""The service desk's payment entry (客服前台收款): a payment recorded for a household, pending finance."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from arrears.models import Payment
from arrears.services import payment_record
from core.access import add_service_errors, allowed_only

from ..forms import DeskPaymentForm
from ..permissions import can_record_at_desk

RECENT = 10


@require_http_methods(["GET", "POST"])
@allowed_only(can_record_at_desk)
def desk_payment(request):
    form = DeskPaymentForm(request.POST or None, initial={"community": request.GET.get("community")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            payment = payment_record(
                household=data["household_obj"],
                amount=data["amount"],
                paid_on=data["paid_on"],
                channel=data["channel"],
                collected_by=request.user,
                reference=data["reference"].strip(),
                note=data["note"].strip(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("已登记 %(household)s 收款 %(amount)s 元,待财务复核")
                % {"household": payment.household.label, "amount": f"{payment.amount:,.2f}"},
            )
            return redirect(f"{request.path}?community={payment.community_id}")
    recent = (
        Payment.objects.filter(collected_by=request.user)
        .select_related("household__building", "community")
        .order_by("-created_at", "-pk")[:RECENT]
    )
    status = 400 if request.method == "POST" else 200
    return render(request, "finance/desk.html", {"form": form, "recent": recent}, status=status)
