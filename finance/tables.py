"""django-tables2 tables of the finance pages."""

import django_tables2 as tables
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from arrears.models import DayClose, Payment
from arrears.templatetags.arrears_format import format_money

from .models import StatementUpload
from .selectors import person_name

TABLE_TEMPLATE = "table.html"
NUM = {"th": {"class": "num"}, "td": {"class": "num"}}
AMOUNT = {"th": {"class": "num"}, "td": {"class": "num amount"}}
BULK_FORM_ID = "bulk-verify"


class SelectColumn(tables.CheckBoxColumn):
    """A checkbox per row for the bulk form; its header is text (the shared template uses it as a cell label)."""

    @property
    def header(self):
        return _("选择")


# Long transaction numbers and notes wrap, so that the queue fits a laptop's width.
WRAP = {"td": {"class": "wrap"}}


class PendingPaymentTable(tables.Table):
    """Pending payments, oldest first, with verify and reject for finance (managers read only)."""

    select = SelectColumn(
        accessor="pk", attrs={"input": {"form": BULK_FORM_ID, "name": "ids"}}, exclude_from_export=True
    )
    paid_on = tables.Column(_("收款日期"), order_by=("paid_on", "id"))
    community = tables.Column(_("小区"), accessor="community__name", order_by=("community__code",))
    household = tables.Column(
        _("房屋"),
        accessor="household__room",
        order_by=("household__building__name", "household__unit", "household__room"),
    )
    amount = tables.Column(_("金额(元)"), attrs=AMOUNT)
    channel = tables.Column(_("收款方式"))
    reference = tables.Column(_("交易流水号"), orderable=False, attrs=WRAP)
    collected_by = tables.Column(_("收款人"), accessor="collected_by__username", order_by=("collected_by__username",))
    created_at = tables.Column(_("登记时间"))
    note = tables.Column(_("备注"), orderable=False, attrs=WRAP)
    actions = tables.Column(_("复核"), empty_values=(), orderable=False, exclude_from_export=True)

    class Meta:
        model = Payment
        fields = ()
        sequence = (
            "select",
            "paid_on",
            "community",
            "household",
            "amount",
            "channel",
            "reference",
            "collected_by",
            "created_at",
            "note",
            "actions",
        )
        template_name = TABLE_TEMPLATE
        attrs = {"class": "table stack queue"}
        order_by = ("paid_on",)
        order_by_field = "sort"
        empty_text = _("没有待复核的收款")
        row_attrs = {"id": lambda record: f"payment-{record.pk}"}

    def __init__(self, *args, can_act: bool = False, row_errors: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.can_act = can_act
        self.row_errors = row_errors or {}
        if not can_act:
            self.columns.hide("select")

    def render_paid_on(self, value):
        return f"{value:%Y-%m-%d}"

    def render_household(self, record: Payment):
        return format_html(
            '<a href="{}">{}</a>', reverse("household_detail", args=[record.household_id]), record.household.label
        )

    def value_household(self, record: Payment):
        return record.household.label

    def render_amount(self, value):
        return format_money(value)

    def value_amount(self, value):
        return value

    def render_collected_by(self, record: Payment):
        return person_name(record.collected_by) or "—"

    def render_created_at(self, value):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"

    def render_actions(self, record: Payment):
        if not self.can_act:
            return "—"
        request = getattr(self, "request", None)
        if not hasattr(self, "_csrf_token"):
            self._csrf_token = get_token(request) if request is not None else ""
        return render_to_string(
            "finance/_queue_actions.html",
            {"payment": record, "error": self.row_errors.get(record.pk, ""), "csrf_token": self._csrf_token},
        )


class DayCloseTable(tables.Table):
    """Closed days, newest first."""

    day = tables.Column(_("日期"))
    community = tables.Column(_("小区"), accessor="community__name", order_by=("community__code",))
    received = tables.Column(_("实收(元)"), accessor="totals__received", orderable=False, attrs=AMOUNT)
    reversed = tables.Column(_("冲正(元)"), accessor="totals__reversed", orderable=False, attrs=NUM)
    closed_by = tables.Column(_("日结人"), accessor="closed_by__username")
    closed_at = tables.Column(_("日结时间"))

    class Meta:
        model = DayClose
        fields = ()
        sequence = ("day", "community", "received", "reversed", "closed_by", "closed_at")
        template_name = TABLE_TEMPLATE
        attrs = {"class": "table stack"}
        order_by = ("-day",)
        order_by_field = "sort"
        empty_text = _("还没有日结记录")

    def render_day(self, record: DayClose):
        url = reverse("finance:day", args=[record.community.code, record.day.isoformat()])
        return format_html('<a href="{}">{}</a>', url, f"{record.day:%Y-%m-%d}")

    def value_day(self, record: DayClose):
        return f"{record.day:%Y-%m-%d}"

    def render_received(self, value):
        return format_money(value)

    def render_reversed(self, value):
        return format_money(value)

    def render_closed_by(self, record: DayClose):
        return person_name(record.closed_by)

    def render_closed_at(self, value):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"


class StatementUploadTable(tables.Table):
    """Uploaded statements and their matching counts, newest first."""

    uploaded_at = tables.Column(_("上传时间"))
    community = tables.Column(_("小区"), accessor="community__name", order_by=("community__code",))
    source = tables.Column(_("来源"))
    filename = tables.Column(_("文件名"))
    period = tables.Column(_("流水日期"), empty_values=(), order_by=("date_from",))
    line_count = tables.Column(_("流水笔数"), attrs=NUM)
    matched_count = tables.Column(_("已匹配"), attrs=NUM)
    possible_count = tables.Column(_("可能匹配"), attrs=NUM)
    unmatched_line_count = tables.Column(_("未匹配流水"), attrs=NUM)
    unmatched_payment_count = tables.Column(_("未匹配收款"), attrs=NUM)
    uploaded_by = tables.Column(_("上传人"), accessor="uploaded_by__username")

    class Meta:
        model = StatementUpload
        fields = ()
        sequence = (
            "uploaded_at",
            "community",
            "source",
            "filename",
            "period",
            "line_count",
            "matched_count",
            "possible_count",
            "unmatched_line_count",
            "unmatched_payment_count",
            "uploaded_by",
        )
        template_name = TABLE_TEMPLATE
        attrs = {"class": "table stack"}
        order_by = ("-uploaded_at",)
        order_by_field = "sort"
        empty_text = _("还没有上传过流水")

    def render_uploaded_at(self, record: StatementUpload):
        url = reverse("finance:statement_detail", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, f"{timezone.localtime(record.uploaded_at):%Y-%m-%d %H:%M}")

    def value_uploaded_at(self, record: StatementUpload):
        return f"{timezone.localtime(record.uploaded_at):%Y-%m-%d %H:%M}"

    def render_period(self, record: StatementUpload):
        return f"{record.date_from:%Y-%m-%d} — {record.date_to:%Y-%m-%d}"

    def render_uploaded_by(self, record: StatementUpload):
        return person_name(record.uploaded_by)
