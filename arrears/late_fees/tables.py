"""django-tables2 tables of the late-fee override and waiver lists."""

import django_tables2 as tables
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from arrears.models import LateFeeOverride, LateFeeWaiver
from arrears.templatetags.arrears_format import format_money, percent

from .limits import annual_rate, is_above_threshold

HOUSEHOLD_ORDER = ("household__community__code", "household__building__name", "household__unit", "household__room")
NUM = {"th": {"class": "num"}, "td": {"class": "num"}}


def _household_link(household) -> str:
    return format_html('<a href="{}">{}</a>', reverse("household_detail", args=[household.pk]), household.label)


class OverrideTable(tables.Table):
    """Households with their own 违约金 terms."""

    household = tables.Column(_("房屋"), order_by=HOUSEHOLD_ORDER, attrs={"td": {"class": "title"}})
    community = tables.Column(_("小区"), accessor="household__community__name", order_by=HOUSEHOLD_ORDER)
    daily_rate = tables.Column(_("日违约金率"), attrs=NUM)
    annual = tables.Column(_("年化"), empty_values=(), order_by=("daily_rate",), attrs=NUM)
    grace_days = tables.Column(_("宽限天数"), attrs=NUM)
    cap_ratio = tables.Column(_("上限比例"), attrs=NUM, default="—")
    reason = tables.Column(_("原因"), orderable=False)
    actions = tables.Column(_("操作"), empty_values=(), orderable=False)

    class Meta:
        model = LateFeeOverride
        fields = ()
        sequence = ("household", "community", "daily_rate", "annual", "grace_days", "cap_ratio", "reason", "actions")
        order_by = ("household",)
        order_by_field = "sort"
        template_name = "table.html"
        attrs = {"class": "table stack overrides"}
        empty_text = _("没有房屋特别约定")

    def render_household(self, value):
        return _household_link(value)

    def render_daily_rate(self, value):
        return percent(value)

    def render_annual(self, record: LateFeeOverride):
        text = percent(annual_rate(record.daily_rate), 2)
        if is_above_threshold(record.daily_rate):
            return format_html('{} <span class="badge danger">{}</span>', text, _("偏高"))
        return text

    def render_cap_ratio(self, value):
        return percent(value)

    def render_actions(self, record: LateFeeOverride):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("late_fee_override_edit", args=[record.pk]),
            _("编辑"),
            reverse("late_fee_override_delete", args=[record.pk]),
            _("删除"),
        )


class WaiverTable(tables.Table):
    """Late-fee waivers (减免), cancelled ones included."""

    household = tables.Column(_("房屋"), order_by=HOUSEHOLD_ORDER, attrs={"td": {"class": "title"}})
    community = tables.Column(_("小区"), accessor="household__community__name", order_by=HOUSEHOLD_ORDER)
    waived_on = tables.Column(_("减免日期"))
    amount = tables.Column(_("减免金额(元)"), attrs={"th": {"class": "num"}, "td": {"class": "num amount"}})
    reason = tables.Column(_("减免原因"), orderable=False)
    approved_by = tables.Column(_("批准人"), orderable=False)
    state = tables.Column(_("状态"), empty_values=(), order_by=("cancelled_at",))
    actions = tables.Column(_("操作"), empty_values=(), orderable=False)

    class Meta:
        model = LateFeeWaiver
        fields = ()
        sequence = ("household", "community", "waived_on", "amount", "reason", "approved_by", "state", "actions")
        order_by = ("-waived_on",)
        order_by_field = "sort"
        template_name = "table.html"
        attrs = {"class": "table stack waivers"}
        empty_text = _("没有违约金减免")

    def render_household(self, value):
        return _household_link(value)

    def render_waived_on(self, value):
        return value.isoformat()

    def render_amount(self, value):
        return format_money(value)

    def render_approved_by(self, value):
        return value.get_full_name() or value.get_username()

    def render_state(self, record: LateFeeWaiver):
        if record.cancelled_at is None:
            return _("有效")
        who = record.cancelled_by.get_full_name() or record.cancelled_by.get_username() if record.cancelled_by else ""
        when = timezone.localtime(record.cancelled_at).strftime("%Y-%m-%d")
        return format_html('<span class="badge">{}</span> <span class="muted">{} {}</span>', _("已撤销"), when, who)

    def render_actions(self, record: LateFeeWaiver):
        if record.cancelled_at is not None:
            return "—"
        request = getattr(self, "request", None)
        return render_to_string(
            "arrears/waiver_cancel_button.html",
            {"waiver": record, "next": request.get_full_path() if request else ""},
            request=request,
        )
