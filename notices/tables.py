"""django-tables2 tables of the notices list and the limitation-risk list."""

from datetime import date

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from arrears.masking import mask_name
from arrears.models import Charge
from arrears.models.households import OwnerKind
from arrears.templatetags.arrears_format import format_money

from .models import DeliveryMethod, Notice
from .selectors import limitation_date

HOUSEHOLD_ORDER = ("household__community__code", "household__building__name", "household__unit", "household__room")
_NUM = {"th": {"class": "num"}, "td": {"class": "num amount"}}
_METHOD_LABELS = dict(DeliveryMethod.choices)


class NoticeTable(tables.Table):
    """Notices with their delivery status; the addressee is always masked."""

    number = tables.Column(_("编号"), attrs={"td": {"class": "title"}}, order_by=("year", "sequence"))
    community = tables.Column(_("小区"), accessor="community__name", order_by=("community__code",))
    household = tables.Column(_("房屋"), accessor="household__label", order_by=HOUSEHOLD_ORDER)
    level = tables.Column(_("级别"))
    as_of = tables.DateColumn(format="Y-m-d", verbose_name=_("通知日期"))
    deadline = tables.DateColumn(format="Y-m-d", verbose_name=_("缴费期限"))
    addressee = tables.Column(_("收件人"), orderable=False)
    total = tables.Column(_("合计(元)"), attrs=_NUM)
    delivered_on = tables.Column(_("送达"), empty_values=(), order_by=("delivered_on", "year", "sequence"))

    class Meta:
        model = Notice
        fields = ()
        sequence = (
            "number",
            "community",
            "household",
            "level",
            "as_of",
            "deadline",
            "addressee",
            "total",
            "delivered_on",
        )
        order_by = ("-number",)
        order_by_field = "sort"
        template_name = "table.html"
        attrs = {"class": "table stack notices"}
        empty_text = _("没有符合条件的通知书")

    def render_number(self, record: Notice):
        return format_html('<a href="{}">{}</a>', reverse("notice_detail", args=[record.pk]), record.number)

    def render_addressee(self, value, record: Notice):
        owner = record.household.owner
        return mask_name(value, organisation=owner is not None and owner.kind == OwnerKind.ORGANISATION)

    def render_total(self, value):
        return format_money(value)

    def render_delivered_on(self, value, record: Notice):
        if value is None:
            return format_html('<span class="badge status-pending">{}</span>', _("未送达"))
        method = _METHOD_LABELS.get(record.delivery_method, record.delivery_method)
        return format_html('<span class="badge status-verified">{}</span> {} {}', _("已送达"), value, method)


class LimitationRiskTable(tables.Table):
    """Charges whose limitation period is running out, oldest first (the order is the selector's)."""

    household = tables.Column(_("房屋"), accessor="household__label", attrs={"td": {"class": "title"}})
    community = tables.Column(_("小区"), accessor="household__community__name")
    fee_item = tables.Column(_("费用项目"), accessor="fee_item__name")
    period = tables.Column(_("所属期"), empty_values=())
    due_date = tables.DateColumn(format="Y-m-d", verbose_name=_("应缴日期"))
    outstanding = tables.Column(_("未缴本金(元)"), attrs=_NUM)
    limitation = tables.Column(_("时效届满日"), empty_values=())
    days_left = tables.Column(_("剩余天数"), empty_values=(), attrs={"th": {"class": "num"}, "td": {"class": "num"}})
    last_delivery = tables.Column(_("最近送达"), empty_values=())

    class Meta:
        model = Charge
        fields = ()
        sequence = (
            "household",
            "community",
            "fee_item",
            "period",
            "due_date",
            "outstanding",
            "limitation",
            "days_left",
            "last_delivery",
        )
        orderable = False
        template_name = "table.html"
        attrs = {"class": "table stack limitation"}
        empty_text = _("没有临近诉讼时效的欠费")

    def __init__(self, *args, as_of: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.as_of = as_of

    def render_household(self, record: Charge):
        household = record.household
        return format_html('<a href="{}">{}</a>', reverse("household_detail", args=[household.pk]), household.label)

    def render_period(self, record: Charge):
        return f"{record.period_start:%Y-%m-%d} ~ {record.period_end:%Y-%m-%d}"

    def render_outstanding(self, value):
        return format_money(value)

    def render_limitation(self, record: Charge):
        return f"{limitation_date(record):%Y-%m-%d}"

    def render_days_left(self, record: Charge):
        days = (limitation_date(record) - self.as_of).days
        if days < 0:
            return format_html('<span class="badge danger">{}</span>', _("已届满 %(days)s 天") % {"days": -days})
        return days

    def render_last_delivery(self, value, record: Charge):
        if value is None:
            return "—"
        if value < record.due_date:
            return format_html('{} <span class="muted small">{}</span>', value, _("(早于应缴日期,不计)"))
        return f"{value:%Y-%m-%d}"
