"""django-tables2 tables of the arrears pages."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .masking import mask_name, mask_phone
from .models import Household
from .models.households import OwnerKind, Segment
from .templatetags.arrears_format import format_money

LABEL_ORDER = ("community__code", "building__name", "unit", "room")
# Chinese lists use the enumeration comma; English a comma and space.
LIST_SEPARATOR = _("、")
SEGMENT_ORDER = {code: index for index, code in enumerate(Segment.values)}


class HouseholdTable(tables.Table):
    """Households with their overdue principal; names and phones masked unless ``full_contact`` (managers)."""

    label = tables.Column(_("房屋"), empty_values=(), order_by=LABEL_ORDER, attrs={"td": {"class": "title"}})
    community = tables.Column(_("小区"), accessor="community__name", order_by=("community__code",))
    owner = tables.Column(_("业主"), accessor="owner__name", orderable=False)
    phone = tables.Column(_("电话"), accessor="owner__phone", orderable=False)
    occupancy = tables.Column(_("入住状态"))
    segments = tables.Column(_("分类"), empty_values=(), orderable=False)
    overdue = tables.Column(
        _("欠费本金(元)"),
        order_by=("overdue", *LABEL_ORDER),
        attrs={"th": {"class": "num"}, "td": {"class": "num amount"}},
    )

    class Meta:
        model = Household
        fields = ()
        sequence = ("label", "community", "owner", "phone", "occupancy", "segments", "overdue")
        order_by = ("-overdue",)
        order_by_field = "sort"
        template_name = "arrears/household_table.html"
        attrs = {"class": "table households"}
        empty_text = _("没有符合条件的房屋")

    def __init__(self, *args, full_contact: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.full_contact = full_contact

    def render_label(self, record: Household):
        return format_html('<a href="{}">{}</a>', reverse("household_detail", args=[record.pk]), record.label)

    def render_owner(self, value, record: Household):
        if self.full_contact:
            return value
        return mask_name(value, organisation=record.owner.kind == OwnerKind.ORGANISATION)

    def render_phone(self, value):
        return value if self.full_contact else mask_phone(value)

    def render_segments(self, record: Household):
        if record.owner is None:
            return "—"
        tags = sorted(record.owner.segment_tags.all(), key=lambda tag: SEGMENT_ORDER.get(tag.segment, 99))
        return str(LIST_SEPARATOR).join(str(tag.get_segment_display()) for tag in tags) or "—"

    def render_overdue(self, value):
        return format_money(value)
