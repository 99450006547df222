"""Filter sets of the arrears lists."""

import re
from itertools import groupby

import django_filters
from django import forms
from django.db.models import CharField, Q, Value
from django.db.models.functions import Concat, Replace
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField

from core.sorting import natural_key

from .models import Building, Household
from .models.households import Occupancy, Segment
from .permissions import households_visible_to, sees_every_full_contact

# What a phone number may hold besides digits: 138 1234 5678, 0571-88886666, +86 …
PHONE_JUNK = re.compile(r"[\s()+\-]")


class BuildingChoiceIterator(ModelChoiceIterator):
    """Buildings in natural order (2 before 10), under their community's name when there are several."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        buildings = sorted(
            self.queryset.select_related("community"), key=lambda b: (b.community.code, natural_key(b.name))
        )
        groups = [(community, list(items)) for community, items in groupby(buildings, key=lambda b: b.community)]
        if len(groups) == 1:
            yield from (self.choice(building) for building in groups[0][1])
            return
        for community, items in groups:
            yield (community.name, [self.choice(building) for building in items])


class BuildingChoiceField(ModelChoiceField):
    """A building picker: names in natural order, grouped by community, since names repeat across communities."""

    iterator = BuildingChoiceIterator

    def label_from_instance(self, obj: Building) -> str:
        return obj.name


class BuildingFilter(django_filters.ModelChoiceFilter):
    """A building filter whose choices name the community too."""

    field_class = BuildingChoiceField


def visible_buildings(request):
    """Buildings holding at least one household the user may see."""
    if request is None:
        return Building.objects.none()
    visible = households_visible_to(request.user).values("building_id")
    return Building.objects.filter(pk__in=visible).select_related("community").order_by("community__code", "name")


class HouseholdFilter(django_filters.FilterSet):
    """Filters of the household list; the queryset must be annotated with ``overdue``."""

    # The list page renders this field by hand, to add the htmx search-as-you-type attributes.
    q = django_filters.CharFilter(label=_("房号"), method="filter_label")
    building = BuildingFilter(label=_("楼栋"), queryset=visible_buildings, empty_label=_("全部楼栋"))
    occupancy = django_filters.ChoiceFilter(label=_("入住状态"), choices=Occupancy.choices, empty_label=_("全部"))
    segment = django_filters.ChoiceFilter(
        label=_("分类"),
        field_name="owner__segment_tags__segment",
        choices=Segment.choices,
        empty_label=_("全部"),
    )
    min_overdue = django_filters.NumberFilter(
        label=_("欠费本金不少于"),
        field_name="overdue",
        lookup_expr="gte",
        min_value=0,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
    )

    class Meta:
        model = Household
        fields = ["q", "building", "occupancy", "segment", "min_overdue"]

    def filter_label(self, queryset, name, value):
        """Match the label 楼栋-单元-房号 (or any part of it, such as the room alone); for a user who sees full
        names and phones (arrears.permissions.sees_every_full_contact), the owner's name or phone too."""
        text = value.strip()
        if not text:
            return queryset
        label = Concat("building__name", Value("-"), "unit", Value("-"), "room", output_field=CharField())
        short = Concat("building__name", Value("-"), "room", output_field=CharField())
        matches = Q(search_label__icontains=text) | Q(unit="", search_short__icontains=text)
        if self.request is not None and sees_every_full_contact(self.request.user):
            matches |= Q(owner__name__icontains=text)
            digits = "".join(ch for ch in text if ch.isdigit())
            if len(digits) >= 4 and not PHONE_JUNK.sub("", text).strip("0123456789"):
                queryset = queryset.annotate(
                    search_phone=_digits_of("owner__phone"), search_phone_alt=_digits_of("owner__phone_alt")
                )
                matches |= Q(search_phone__contains=digits) | Q(search_phone_alt__contains=digits)
        return queryset.annotate(search_label=label, search_short=short).filter(matches)


def _digits_of(field: str):
    """A phone column without the spaces and dashes people type in it (0571-8888 6666 → 057188886666)."""
    return Replace(Replace(field, Value("-"), Value("")), Value(" "), Value(""))
