"""Moving a household onto or off the legal track, from its page (综合部 and managers)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from arrears.permissions import can_move_legal_track, households_visible_to
from arrears.services.legal import household_legal_track_set
from core.access import allowed_only


class LegalTrackForm(forms.Form):
    """The reason for moving a household onto or off the legal track."""

    reason = forms.CharField(
        label=gettext_lazy("原因"),
        max_length=300,
        error_messages={"required": gettext_lazy("请填写原因")},
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("如:多次催缴拒不缴费,准备起诉")}),
    )


@require_POST
@allowed_only(can_move_legal_track)
def household_legal_track(request, pk: int):
    """POST ``on_track`` (1 or 0) and a reason; back to the household's page with the outcome."""
    household = get_object_or_404(households_visible_to(request.user), pk=pk)
    form = LegalTrackForm(request.POST)
    on_track = request.POST.get("on_track") == "1"
    if not form.is_valid():
        messages.error(request, _("请填写原因"))
        return redirect(f"{household_url(household)}#legal")
    try:
        household_legal_track_set(
            household=household, on_track=on_track, reason=form.cleaned_data["reason"], changed_by=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if on_track:
            messages.success(request, _("已转法务:不再参加每日分包,也不再生成温馨提示和催费通知书"))
        else:
            messages.success(request, _("已撤出法务,从下一次分包起重新参加催缴"))
    return redirect(f"{household_url(household)}#legal")


def household_url(household) -> str:
    return reverse("household_detail", args=[household.pk])
