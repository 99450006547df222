"""The late-fee pages (managers): the policy of each community, households' own terms, and waivers (减免)."""

from django.contrib import messages
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from arrears.late_fees.filters import OverrideFilter, WaiverFilter
from arrears.late_fees.forms import CommunityPolicyForm, OverrideCreateForm, OverrideForm, WaiverForm
from arrears.late_fees.limits import annual_rate, is_above_threshold, rate_warning, warn_threshold
from arrears.late_fees.selectors import waivers_of
from arrears.late_fees.services import (
    community_late_fee_update,
    late_fee_override_delete,
    late_fee_override_save,
    waiver_cancel,
    waiver_grant,
)
from arrears.late_fees.tables import OverrideTable, WaiverTable
from arrears.models import Community, LateFeeOverride, LateFeeWaiver
from arrears.permissions import households_visible_to
from arrears.positions import position
from core.access import add_service_errors, allowed_only
from core.lists import ListPage
from core.roles import MANAGER, has_role

RECENT_CHANGES = 20
COMMUNITY_RENAMES = {
    "late_fee_daily_rate": "daily_rate",
    "late_fee_grace_days": "grace_days",
    "late_fee_cap_ratio": "cap_ratio",
}


def can_manage_late_fees(user) -> bool:
    """Managers set 违约金 policies, overrides and waivers."""
    return has_role(user, MANAGER)


def _terms(cleaned: dict) -> dict:
    return {name: cleaned[name] for name in ("daily_rate", "grace_days", "cap_ratio")}


def _recent_changes():
    types = ContentType.objects.get_for_models(Community, LateFeeOverride).values()
    return (
        LogEntry.objects.filter(content_type__in=types)
        .select_related("user", "content_type")
        .order_by("-action_time", "-id")[:RECENT_CHANGES]
    )


@allowed_only(can_manage_late_fees)
def policy_home(request):
    """Every community's terms with the annualised rate and the warning, then the latest changes."""
    communities = list(Community.objects.order_by("code"))
    for community in communities:
        community.annual_rate = annual_rate(community.late_fee_daily_rate)
        community.rate_warning = rate_warning(community.late_fee_daily_rate)
        community.override_count = LateFeeOverride.objects.filter(household__community=community).count()
    return render(
        request,
        "arrears/policy_home.html",
        {"communities": communities, "threshold": warn_threshold(), "changes": _recent_changes()},
    )


@allowed_only(can_manage_late_fees)
def community_edit(request, pk: int):
    """Edit a community's 违约金 terms and its letters' contact lines."""
    community = get_object_or_404(Community, pk=pk)
    form = CommunityPolicyForm(request.POST or None, initial=CommunityPolicyForm.initial_for(community))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            changes = community_late_fee_update(
                community=community,
                user=request.user,
                **_terms(data),
                contact_phone=data["contact_phone"],
                payment_channels=data["payment_channels"],
                payment_qr_text=data["payment_qr_text"],
                payment_url=data["payment_url"],
                letter_receipt_slip=data["letter_receipt_slip"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc, COMMUNITY_RENAMES)
        else:
            if changes:
                messages.success(request, _("已保存%(name)s的违约金政策") % {"name": community.name})
            else:
                messages.info(request, _("没有改动"))
            return redirect("late_fee_policy")
    shown_rate = form.cleaned_data.get("daily_rate") if form.is_bound and form.is_valid() else None
    if shown_rate is None:
        shown_rate = community.late_fee_daily_rate
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "arrears/policy_community_form.html",
        {
            "community": community,
            "form": form,
            "annual_rate": annual_rate(shown_rate),
            "rate_warning": rate_warning(shown_rate),
            "threshold": warn_threshold(),
        },
        status=status,
    )


class OverrideListView(ListPage):
    """Households with their own 违约金 terms, filtered by community; htmx gets the table only."""

    export_name = gettext_lazy("房屋违约金特别约定")

    allowed = staticmethod(can_manage_late_fees)
    table_class = OverrideTable
    filterset_class = OverrideFilter
    template_name = "arrears/policy_override_list.html"
    results_template_name = "arrears/policy_override_results.html"

    def get_queryset(self):
        return LateFeeOverride.objects.filter(household__in=households_visible_to(self.request.user)).select_related(
            "household__community", "household__building"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["threshold"] = warn_threshold()
        return context


@allowed_only(can_manage_late_fees)
def override_create(request):
    """Give a household its own 违约金 terms, naming it by ``楼栋-单元-房号``."""
    communities = Community.objects.order_by("code")
    initial = {"grace_days": 0}
    if len(communities) == 1:
        initial["community"] = communities[0]
    form = OverrideCreateForm(request.POST or None, initial=initial, households=households_visible_to(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            override = late_fee_override_save(
                household=form.household,
                user=request.user,
                **_terms(form.cleaned_data),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已为 %(label)s 设置特别约定") % {"label": override.household.label})
            return _after_override_save(request, override)
    return _override_form(request, form, None)


@allowed_only(can_manage_late_fees)
def override_edit(request, pk: int):
    override = get_object_or_404(
        LateFeeOverride.objects.filter(household__in=households_visible_to(request.user)).select_related(
            "household__community", "household__building"
        ),
        pk=pk,
    )
    initial = {
        "daily_rate": override.daily_rate.normalize(),
        "grace_days": override.grace_days,
        "cap_ratio": override.cap_ratio,
        "reason": override.reason,
    }
    form = OverrideForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            override = late_fee_override_save(
                household=override.household,
                user=request.user,
                **_terms(form.cleaned_data),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存 %(label)s 的特别约定") % {"label": override.household.label})
            return _after_override_save(request, override)
    return _override_form(request, form, override)


def _after_override_save(request, override: LateFeeOverride):
    warning = rate_warning(override.daily_rate)
    if warning:
        messages.warning(request, warning)
    return redirect("late_fee_override_list")


def _override_form(request, form, override: LateFeeOverride | None):
    rate = form.cleaned_data.get("daily_rate") if form.is_bound and form.is_valid() else None
    if rate is None and override is not None:
        rate = override.daily_rate
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "arrears/policy_override_form.html",
        {
            "form": form,
            "override": override,
            "annual_rate": annual_rate(rate) if rate is not None else None,
            "rate_warning": rate_warning(rate),
            "rate_above": rate is not None and is_above_threshold(rate),
            "threshold": warn_threshold(),
        },
        status=status,
    )


@allowed_only(can_manage_late_fees)
@require_http_methods(["GET", "POST"])
def override_delete(request, pk: int):
    """Confirm, then remove a household's override (its community's policy applies again)."""
    override = get_object_or_404(
        LateFeeOverride.objects.filter(household__in=households_visible_to(request.user)).select_related(
            "household__community", "household__building"
        ),
        pk=pk,
    )
    if request.method == "POST":
        label = override.household.label
        late_fee_override_delete(override=override, user=request.user)
        messages.success(request, _("已删除 %(label)s 的特别约定,改按小区统一政策计算") % {"label": label})
        return redirect("late_fee_override_list")
    return render(request, "arrears/policy_override_delete.html", {"override": override})


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
            "position": position(household, today),
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
