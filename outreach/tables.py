"""django-tables2 tables of the SMS pages; numbers are masked as on every list (PIPL)."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from arrears.masking import mask_phone

from .models import SmsBatch, SmsMessage, SmsOptOut

_NUM = {"th": {"class": "num"}, "td": {"class": "num"}}


class SmsBatchTable(tables.Table):
    id = tables.Column(_("批次"), attrs={"td": {"class": "title"}})
    community = tables.Column(_("小区"), accessor="community__name", order_by=("community__code",))
    level = tables.Column(_("短信类型"))
    total = tables.Column(_("户数"), attrs=_NUM)
    status = tables.Column(_("状态"), empty_values=())
    created_by = tables.Column(_("创建人"), accessor="created_by__username", orderable=False)
    created_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("创建时间"))

    class Meta:
        model = SmsBatch
        fields = ()
        sequence = ("id", "community", "level", "total", "status", "created_by", "created_at")
        order_by = ("-created_at",)
        order_by_field = "sort"
        template_name = "table.html"
        attrs = {"class": "table batches"}
        empty_text = _("还没有发送过短信")

    def render_id(self, value):
        return format_html('<a href="{}">#{}</a>', reverse("sms_batch_detail", args=[value]), value)

    def render_status(self, record: SmsBatch):
        return _("%(status)s · 已发送 %(sent)d,失败 %(failed)d,未发送 %(skipped)d") % {
            "status": record.get_status_display(),
            "sent": record.sent,
            "failed": record.failed,
            "skipped": record.skipped,
        }


class SmsMessageTable(tables.Table):
    household = tables.Column(_("房屋"), accessor="household__building__name", order_by=("household_id",))
    phone = tables.Column(_("手机号"), orderable=False)
    status = tables.Column(_("状态"))
    detail = tables.Column(_("说明"), empty_values=(), orderable=False)
    sent_at = tables.DateTimeColumn(format="m-d H:i", verbose_name=_("发送时间"))
    text = tables.Column(_("短信内容"), orderable=False, attrs={"td": {"class": "small"}})

    class Meta:
        model = SmsMessage
        fields = ()
        sequence = ("household", "phone", "status", "detail", "sent_at", "text")
        order_by_field = "sort"
        template_name = "table.html"
        attrs = {"class": "table sms-messages"}
        empty_text = _("还没有短信")

    def render_household(self, record: SmsMessage):
        return record.household.label

    def value_household(self, record: SmsMessage):
        return record.household.label

    def render_phone(self, value):
        return mask_phone(value) or "—"

    def value_phone(self, value):
        return mask_phone(value)

    def render_detail(self, record: SmsMessage):
        if record.skip_reason:
            return record.get_skip_reason_display()
        if record.error:
            return record.error
        if record.attempts > 1:
            return _("第 %(n)d 次发送") % {"n": record.attempts}
        return "—"


class OptOutTable(tables.Table):
    phone = tables.Column(_("手机号"))
    source = tables.Column(_("来源"))
    note = tables.Column(_("备注"))
    created_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("退订时间"))
    remove = tables.TemplateColumn(
        template_name="outreach/_optout_remove.html", verbose_name="", orderable=False, exclude_from_export=True
    )

    class Meta:
        model = SmsOptOut
        fields = ()
        sequence = ("phone", "source", "note", "created_at", "remove")
        order_by_field = "sort"
        template_name = "table.html"
        empty_text = _("没有退订的号码")

    def render_phone(self, value):
        return mask_phone(value)

    def value_phone(self, value):
        return mask_phone(value)
