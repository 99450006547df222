"""The campaign list and the campaign form (managers create and edit; supervisors read)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assignments.filters import CampaignFilter
from assignments.forms_manage import CampaignForm
from assignments.models import SplitRun
from assignments.permissions import campaigns_visible_to, can_manage_campaigns, can_open_campaigns
from assignments.services.campaigns import campaign_create, campaign_update
from assignments.tables import CampaignTable
from core.access import add_service_errors, allowed_only
from core.lists import ListPage

PAGE_SIZE = 25
FORM_RENAMES = {"target": "target_percent"}


class CampaignListView(ListPage):
    """Campaigns with their state and whether today's split exists; htmx gets the table only."""

    allowed = staticmethod(can_open_campaigns)
    table_class = CampaignTable
    export_name = gettext_lazy("集中催费行动")
    filterset_class = CampaignFilter
    table_pagination = {"per_page": PAGE_SIZE}
    template_name = "assignments/manage/campaign_list.html"
    results_template_name = "assignments/manage/campaign_list_results.html"

    def get_queryset(self):
        today_run = SplitRun.objects.filter(campaign=OuterRef("pk"), day=timezone.localdate())
        return (
            campaigns_visible_to(self.request.user)
            .prefetch_related("communities")
            .annotate(split_today=Exists(today_run))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_manage"] = can_manage_campaigns(self.request.user)
        return context


@allowed_only(can_manage_campaigns)
def campaign_create_view(request):
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = campaign_create(**form.service_kwargs(), created_by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc, FORM_RENAMES)
        else:
            messages.success(request, _("已创建集中催费行动“%(name)s”") % {"name": campaign.name})
            return redirect("campaign_detail", pk=campaign.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "assignments/manage/campaign_form.html", {"form": form, "campaign": None}, status=status)


@allowed_only(can_manage_campaigns)
def campaign_edit_view(request, pk: int):
    campaign = get_object_or_404(campaigns_visible_to(request.user), pk=pk)
    form = CampaignForm(request.POST or None, initial=CampaignForm.initial_for(campaign))
    if request.method == "POST" and form.is_valid():
        try:
            campaign_update(campaign=campaign, **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc, FORM_RENAMES)
        else:
            messages.success(request, _("已保存"))
            return redirect("campaign_detail", pk=campaign.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "assignments/manage/campaign_form.html", {"form": form, "campaign": campaign}, status=status)
