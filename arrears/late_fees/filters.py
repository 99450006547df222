"""Filter sets of the late-fee override and waiver lists."""

import django_filters
from django.utils.translation import gettext_lazy as _

from arrears.models import Community, LateFeeOverride, LateFeeWaiver

WAIVER_STATES = (("active", _("有效")), ("cancelled", _("已撤销")))


class OverrideFilter(django_filters.FilterSet):
    community = django_filters.ModelChoiceFilter(
        label=_("小区"),
        field_name="household__community",
        queryset=Community.objects.order_by("code"),
        empty_label=_("全部小区"),
    )

    class Meta:
        model = LateFeeOverride
        fields = ["community"]


class WaiverFilter(django_filters.FilterSet):
    community = django_filters.ModelChoiceFilter(
        label=_("小区"),
        field_name="household__community",
        queryset=Community.objects.order_by("code"),
        empty_label=_("全部小区"),
    )
    state = django_filters.ChoiceFilter(
        label=_("状态"), choices=WAIVER_STATES, method="filter_state", empty_label=_("全部")
    )

    class Meta:
        model = LateFeeWaiver
        fields = ["community", "state"]

    def filter_state(self, queryset, name, value):
        if value == "active":
            return queryset.filter(cancelled_at__isnull=True)
        if value == "cancelled":
            return queryset.filter(cancelled_at__isnull=False)
        return queryset
