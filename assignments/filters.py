"""Filter sets of the campaign, team and issue lists. Choices come from the same scopes as the lists."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arrears.models import Community

from .models import Campaign, Department, IssueRaised, IssueStatus, Staff
from .permissions import issue_departments_visible_to, supervised_departments


def _team_departments(request):
    if request is None:
        return Department.objects.none()
    return supervised_departments(request.user).order_by("name")


def _issue_departments(request):
    if request is None:
        return Department.objects.none()
    return issue_departments_visible_to(request.user).order_by("name")


CAMPAIGN_STATES = (("running", _("进行中")), ("upcoming", _("未开始")), ("ended", _("已结束")))


class CampaignFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        label=_("状态"), choices=CAMPAIGN_STATES, method="filter_state", empty_label=_("全部")
    )
    community = django_filters.ModelChoiceFilter(
        label=_("小区"),
        field_name="communities",
        queryset=Community.objects.order_by("code"),
        empty_label=_("全部小区"),
    )

    class Meta:
        model = Campaign
        fields = ["state", "community"]

    def filter_state(self, queryset, name, value):
        today = timezone.localdate()
        if value == "running":
            return queryset.filter(start_date__lte=today, end_date__gte=today)
        if value == "upcoming":
            return queryset.filter(start_date__gt=today)
        if value == "ended":
            return queryset.filter(end_date__lt=today)
        return queryset


class TeamFilter(django_filters.FilterSet):
    """Department (only those the user supervises are offered, so another department is not a valid choice)."""

    department = django_filters.ModelChoiceFilter(
        label=_("部门"), queryset=_team_departments, empty_label=_("全部部门")
    )
    not_started = django_filters.ChoiceFilter(
        label=_("进度"), choices=(("1", _("只看未开始")),), method="filter_not_started", empty_label=_("全部")
    )

    class Meta:
        model = Staff
        fields = ["department", "not_started"]

    def filter_not_started(self, queryset, name, value):
        if value == "1":
            return queryset.filter(not_started=True)
        return queryset


class IssueFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=IssueStatus.choices, empty_label=_("全部"))
    department = django_filters.ModelChoiceFilter(
        label=_("处理部门"), queryset=_issue_departments, empty_label=_("全部部门")
    )
    overdue = django_filters.ChoiceFilter(
        label=_("期限"),
        choices=(("yes", _("已逾期")), ("no", _("未逾期"))),
        method="filter_overdue",
        empty_label=_("全部"),
    )

    class Meta:
        model = IssueRaised
        fields = ["status", "department", "overdue"]

    def filter_overdue(self, queryset, name, value):
        overdue = Q(status=IssueStatus.OPEN, deadline__lt=timezone.localdate())
        if value == "yes":
            return queryset.filter(overdue)
        if value == "no":
            return queryset.exclude(overdue)
        return queryset
