"""Filter sets of the notices list and the limitation-risk list."""

import django_filters
from django.db.models import CharField, Q, Value
from django.db.models.functions import Concat
from django.utils.translation import gettext_lazy as _

from arrears.filters import BuildingFilter
from arrears.models import Building, Charge, Community
from core.widgets import DateInput

from .models import Notice, NoticeLevel
from .selectors import delivered

DELIVERED = "delivered"
NOT_DELIVERED = "not_delivered"


def _communities(request):
    return Community.objects.order_by("code")


def _buildings(request):
    return Building.objects.select_related("community").order_by("community__code", "name")


def _household_label_filter(queryset, text: str, prefix: str = ""):
    """Match ``楼栋-单元-房号`` (or ``楼栋-房号``, or any part of it) of the household at ``prefix``."""
    label = Concat(
        f"{prefix}building__name", Value("-"), f"{prefix}unit", Value("-"), f"{prefix}room", output_field=CharField()
    )
    short = Concat(f"{prefix}building__name", Value("-"), f"{prefix}room", output_field=CharField())
    return queryset.annotate(search_label=label, search_short=short), Q(search_label__icontains=text) | Q(
        **{f"{prefix}unit": ""}, search_short__icontains=text
    )


class NoticeFilter(django_filters.FilterSet):
    """Filters of the notices list."""

    q = django_filters.CharFilter(label=_("编号或房号"), method="filter_text")
    community = django_filters.ModelChoiceFilter(label=_("小区"), queryset=_communities, empty_label=_("全部小区"))
    building = BuildingFilter(
        label=_("楼栋"), field_name="household__building", queryset=_buildings, empty_label=_("全部楼栋")
    )
    level = django_filters.ChoiceFilter(label=_("通知级别"), choices=NoticeLevel.choices, empty_label=_("全部"))
    delivery = django_filters.ChoiceFilter(
        label=_("送达情况"),
        choices=[(NOT_DELIVERED, _("未送达")), (DELIVERED, _("已送达"))],
        empty_label=_("全部"),
        method="filter_delivery",
    )
    date_from = django_filters.DateFilter(
        label=_("通知日期从"), field_name="as_of", lookup_expr="gte", widget=DateInput()
    )
    date_to = django_filters.DateFilter(
        label=_("通知日期到"), field_name="as_of", lookup_expr="lte", widget=DateInput()
    )

    class Meta:
        model = Notice
        fields = ["q", "community", "building", "level", "delivery", "date_from", "date_to"]

    def filter_text(self, queryset, name, value):
        text = value.strip()
        if not text:
            return queryset
        queryset, by_label = _household_label_filter(queryset, text, prefix="household__")
        return queryset.filter(Q(number__icontains=text) | by_label)

    def filter_delivery(self, queryset, name, value):
        if value == DELIVERED:
            return delivered(queryset, yes=True)
        if value == NOT_DELIVERED:
            return delivered(queryset, yes=False)
        return queryset


class LimitationRiskFilter(django_filters.FilterSet):
    """Filters of the limitation-risk list (a queryset of charges)."""

    community = django_filters.ModelChoiceFilter(
        label=_("小区"), field_name="household__community", queryset=_communities, empty_label=_("全部小区")
    )
    building = BuildingFilter(
        label=_("楼栋"), field_name="household__building", queryset=_buildings, empty_label=_("全部楼栋")
    )

    class Meta:
        model = Charge
        fields = ["community", "building"]
