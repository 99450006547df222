"""Late-fee waivers (减免): the form for one household, cancelling one, and the list. Managers only."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from arrears.filters_policy import WaiverFilter
from arrears.forms_policy import WaiverForm
from arrears.models import LateFeeWaiver
from arrears.permissions import households_visible_to
from arrears.selectors_waivers import household_late_fee, waivers_of
from arrears.services.waivers import waiver_cancel, waiver_grant
from arrears.tables_policy import WaiverTable
from core.access import add_service_errors, allowed_only
from core.lists import ListPage

from .policy import can_manage_late_fees


@allowed_only(can_manage_late_fees)
def waiver_create(request, pk: int):
    """Waive part of one household's 违约金; the page shows what it is today and the waivers so far."""
    household = get_object_or_404(
        households_visible_to(request.user).select_related("community", "building", "late_fee_override"), pk=pk
    )
    form = WaiverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            waiver = waiver_grant(
                household=household,
                amount=data["amount"],
                waived_on=data["waived_on"],
                reason=data["reason"],
                approved_by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("已减免 %(label)s 的违约金 %(amount)s 元") % {"label": household.label, "amount": waiver.amount},
            )
            return redirect("household_detail", pk=household.pk)
    today = timezone.localdate()
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "arrears/waiver_form.html",
        {
            "household": household,
            "form": form,
            "today": today,
            "late_fee": household_late_fee(household, today),
            "waivers": waivers_of(household),
        },
        status=status,
    )


@allowed_only(can_manage_late_fees)
@require_POST
def waiver_cancel_view(request, pk: int):
    """Cancel a waiver, then go back where the button was (the household page or the waiver list)."""
    waiver = get_object_or_404(
        LateFeeWaiver.objects.filter(household__in=households_visible_to(request.user)).select_related(
            "household__building"
        ),
        pk=pk,
    )
    try:
        waiver_cancel(waiver=waiver, cancelled_by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("已撤销 %(label)s 的违约金减免 %(amount)s 元")
            % {"label": waiver.household.label, "amount": waiver.amount},
        )
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect("household_detail", pk=waiver.household_id)


class WaiverListView(ListPage):
    """Every waiver, newest first, filtered by community and state; htmx gets the table only."""

    export_name = gettext_lazy("违约金减免")

    allowed = staticmethod(can_manage_late_fees)
    table_class = WaiverTable
    filterset_class = WaiverFilter
    template_name = "arrears/waiver_list.html"
    results_template_name = "arrears/waiver_list_results.html"

    def get_queryset(self):
        return LateFeeWaiver.objects.filter(household__in=households_visible_to(self.request.user)).select_related(
            "household__community", "household__building", "approved_by", "cancelled_by"
        )
