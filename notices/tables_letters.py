"""django-tables2 tables of the batch pages."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from arrears.templatetags.arrears_format import format_money

from .models import Notice, NoticeBatch

_NUM = {"th": {"class": "num"}, "td": {"class": "num amount"}}


class BatchTable(tables.Table):
    """Rendering batches, newest first."""

    id = tables.Column(_("批次"), attrs={"td": {"class": "title"}})
    community = tables.Column(_("小区"), accessor="community__name", order_by=("community__code",))
    level = tables.Column(_("级别"))
    as_of = tables.DateColumn(format="Y-m-d", verbose_name=_("计算截止日"))
    total = tables.Column(_("户数"), attrs=_NUM)
    status = tables.Column(_("状态"), empty_values=())
    created_by = tables.Column(_("创建人"), accessor="created_by__username", orderable=False)
    created_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("创建时间"))

    class Meta:
        model = NoticeBatch
        fields = ()
        sequence = ("id", "community", "level", "as_of", "total", "status", "created_by", "created_at")
        order_by = ("-created_at",)
        order_by_field = "sort"
        template_name = "table.html"
        attrs = {"class": "table batches"}
        empty_text = _("还没有生成过通知书")

    def render_id(self, value):
        return format_html('<a href="{}">#{}</a>', reverse("notice_batch_detail", args=[value]), value)

    def render_status(self, record: NoticeBatch):
        return f"{record.get_status_display()} {record.done}/{record.total}"


class BatchNoticeTable(tables.Table):
    """The notices of one batch, in printing order of the combined PDF."""

    number = tables.Column(_("编号"), attrs={"td": {"class": "title"}})
    household = tables.Column(_("房屋"), accessor="household__label", orderable=False)
    principal = tables.Column(_("欠费金额(元)"), attrs=_NUM)
    late_fee = tables.Column(_("违约金(元)"), attrs=_NUM)
    late_fee_waived = tables.Column(_("减免(元)"), attrs=_NUM)
    total = tables.Column(_("合计(元)"), attrs=_NUM)
    pdf = tables.Column(_("PDF"), empty_values=(), orderable=False)

    class Meta:
        model = Notice
        fields = ()
        sequence = ("number", "household", "principal", "late_fee", "late_fee_waived", "total", "pdf")
        order_by_field = "sort"
        template_name = "table.html"
        attrs = {"class": "table batch-notices"}
        empty_text = _("尚未生成通知书")

    def render_number(self, value, record: Notice):
        return format_html('<a href="{}">{}</a>', reverse("notice_detail", args=[record.pk]), value)

    def render_principal(self, value):
        return format_money(value)

    def render_late_fee(self, value):
        return format_money(value)

    def render_late_fee_waived(self, value):
        return format_money(value) if value else "—"

    def render_total(self, value):
        return format_money(value)

    def render_pdf(self, record: Notice):
        if not record.pdf:
            return "—"
        url = reverse("notice_batch_letter_pdf", args=[record.batch_id, record.pk])
        return format_html('<a href="{}">{}</a>', url, _("下载"))
