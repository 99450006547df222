"""django-tables2 tables of the campaign, team and issue pages."""

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from arrears.models.households import household_label
from arrears.tables import LIST_SEPARATOR
from arrears.templatetags.arrears_format import format_money, percent

from .models import Campaign, IssueRaised, IssueStatus, Staff
from .permissions import is_manager

TABLE_TEMPLATE = "table.html"
NUM = {"th": {"class": "num"}, "td": {"class": "num"}}
AMOUNT = {"th": {"class": "num"}, "td": {"class": "num amount"}}


def campaign_status(campaign: Campaign, today) -> tuple[str, str]:
    """(css class, label) of a campaign's state on a day."""
    if today < campaign.start_date:
        return "status-pending", str(_("未开始"))
    if today > campaign.end_date:
        return "", str(_("已结束"))
    return "status-verified", str(_("进行中"))


class CampaignTable(tables.Table):
    """Campaigns, newest first; the queryset is annotated with ``split_today``."""

    name = tables.Column(_("名称"), attrs={"td": {"class": "title"}})
    communities = tables.Column(_("小区"), empty_values=(), orderable=False)
    start_date = tables.Column(_("执行期"), order_by=("start_date", "end_date"))
    status = tables.Column(_("状态"), empty_values=(), orderable=False)
    target = tables.Column(_("收费率目标"), attrs=NUM)
    threshold = tables.Column(_("起催金额(元)"), attrs=NUM)
    split_today = tables.Column(_("今日分包"), orderable=False)

    class Meta:
        model = Campaign
        fields = ()
        sequence = ("name", "communities", "start_date", "status", "target", "threshold", "split_today")
        order_by = ("-start_date",)
        order_by_field = "sort"
        template_name = TABLE_TEMPLATE
        attrs = {"class": "table stack"}
        empty_text = _("还没有集中催费行动")

    def render_name(self, record: Campaign):
        return format_html('<a href="{}">{}</a>', reverse("campaign_detail", args=[record.pk]), record.name)

    def render_communities(self, record: Campaign):
        return str(LIST_SEPARATOR).join(c.name for c in record.communities.all())

    def render_start_date(self, record: Campaign):
        return f"{record.start_date:%Y-%m-%d} — {record.end_date:%Y-%m-%d}"

    def render_status(self, record: Campaign):
        css, label = campaign_status(record, timezone.localdate())
        return format_html('<span class="badge {}">{}</span>', css, label)

    def render_target(self, value):
        return percent(value, 2)

    def render_threshold(self, value):
        return format_money(value)

    def render_split_today(self, value):
        return _("已生成") if value else "—"


class CampaignPeopleTable(tables.Table):
    """Each person's part in a campaign today (rows are manage_campaign_detail.PersonRow)."""

    name = tables.Column(_("员工"), order_by=("department", "name"))
    department = tables.Column(_("部门"))
    count = tables.Column(_("今日户数"), attrs=NUM)
    arrears = tables.Column(_("欠费合计(元)"), attrs=AMOUNT)
    buildings = tables.Column(_("楼栋数"), attrs=NUM)
    pins = tables.Column(_("固定户"), attrs=NUM)
    state = tables.Column(_("今日"), empty_values=(), order_by=("eligible_today",))
    member = tables.TemplateColumn(
        template_name="assignments/manage/_member_cell.html",
        verbose_name=_("参与分包 · 权重"),
        orderable=False,
        extra_context=lambda table: {"editable": table.editable, "campaign_pk": table.campaign_pk},
    )

    class Meta:
        template_name = TABLE_TEMPLATE
        attrs = {"class": "table stack people"}
        order_by = ("name",)
        order_by_field = "sort"
        prefix = "p-"
        empty_text = _("没有员工")

    def __init__(self, *args, campaign_pk: int, editable: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign_pk = campaign_pk
        self.editable = editable

    def render_arrears(self, value):
        return format_money(value)

    def value_member(self, record):
        """In a spreadsheet: 参与 · 1.0 rather than the form."""
        weight = record.weight_override if record.weight_override is not None else record.own_weight
        return f"{_('参与') if record.member_eligible else _('不参与')} · {weight}"

    def render_state(self, record):
        if record.on_leave:
            return format_html('<span class="badge">{}</span>', _("休假"))
        if not record.eligible_today:
            return format_html('<span class="badge">{}</span>', _("不参与"))
        return format_html('<span class="badge status-verified">{}</span>', _("参与"))


class PinTable(tables.Table):
    """A campaign's pins the user may see, with a remove button where allowed."""

    household = tables.Column(_("房屋"), accessor="household__building__name", order_by=("household__building__name",))
    community = tables.Column(_("小区"), accessor="household__community__name")
    staff = tables.Column(_("固定给"), accessor="staff__name")
    department = tables.Column(_("部门"), accessor="staff__department__name")
    created = tables.Column(_("设置"), accessor="created_at", empty_values=())
    remove = tables.TemplateColumn(
        template_name="assignments/manage/_pin_remove_cell.html",
        verbose_name="",
        orderable=False,
        exclude_from_export=True,
    )

    class Meta:
        template_name = TABLE_TEMPLATE
        attrs = {"class": "table stack pins"}
        order_by = ("household",)
        order_by_field = "sort"
        prefix = "pin-"
        empty_text = _("没有固定分配的房屋")

    def render_household(self, record):
        h = record.household
        return household_label(h.building.name, h.unit, h.room)

    def render_created(self, record):
        who = record.created_by.get_username() if record.created_by else "—"
        return f"{timezone.localtime(record.created_at):%Y-%m-%d} · {who}"


class TeamTable(tables.Table):
    """Each person's day: the queryset comes from manage_team.team_queryset; promise counts are passed in."""

    name = tables.Column(_("员工"), attrs={"td": {"class": "title"}})
    department = tables.Column(_("部门"), accessor="department__name")

    def render_name(self, record, value):
        request = getattr(self, "request", None)
        if request is not None and is_manager(request.user):
            url = reverse("staff_password", args=[record.pk])
            return format_html('{} <a class="small" href="{}">{}</a>', value, url, _("设置密码"))
        return value

    def value_name(self, value):
        return value  # the export leaves out the 设置密码 link

    status = tables.Column(_("状态"), empty_values=(), order_by=("-not_started", "contacts_today", "name"))
    assigned = tables.Column(_("今日分配"), attrs=NUM)
    contacted = tables.Column(_("已联系户"), attrs=NUM)
    promises_made = tables.Column(_("今日承诺"), attrs=NUM)
    promises_due = tables.Column(_("承诺到期"), empty_values=(), orderable=False, attrs=NUM)
    promises_broken = tables.Column(_("承诺未兑现"), empty_values=(), orderable=False, attrs=NUM)
    paid_pending = tables.Column(_("今日收款·待复核"), attrs=NUM)
    paid_verified = tables.Column(_("今日收款·已复核"), attrs=NUM)

    class Meta:
        model = Staff
        fields = ()
        template_name = TABLE_TEMPLATE
        attrs = {"class": "table stack team"}
        order_by = ("status",)
        order_by_field = "sort"
        empty_text = _("没有可查看的员工")
        row_attrs = {"class": lambda record: "not-started" if record.not_started else ""}

    def __init__(self, *args, promise_counts: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.promise_counts = promise_counts or {}

    def render_status(self, record):
        if not record.assigned:
            return format_html('<span class="badge">{}</span>', _("今日无任务"))
        if record.not_started:
            return format_html('<span class="badge danger">{}</span>', _("未开始"))
        if record.contacted >= record.assigned:
            return format_html('<span class="badge status-verified">{}</span>', _("已全部联系"))
        return format_html('<span class="badge status-pending">{}</span>', _("进行中"))

    def render_promises_due(self, record):
        return self.promise_counts.get(record.pk, {}).get("due", 0)

    def render_promises_broken(self, record):
        n = self.promise_counts.get(record.pk, {}).get("broken", 0)
        return format_html('<span class="badge danger">{}</span>', n) if n else 0

    def render_paid_pending(self, value):
        return format_money(value)

    def render_paid_verified(self, value):
        return format_money(value)


class BrokenPromiseTable(tables.Table):
    """Broken promises of the people shown (rows are manage_team.PromiseRow)."""

    household = tables.Column(_("房屋"), accessor="label", attrs={"td": {"class": "title"}})
    community = tables.Column(_("小区"))
    collector = tables.Column(_("催缴员"))
    made_on = tables.Column(_("承诺日"))
    promised_date = tables.Column(_("承诺缴费日期"))
    amount = tables.Column(_("承诺金额(元)"), attrs=NUM)
    arrears = tables.Column(_("当前欠费(元)"), attrs=AMOUNT)

    class Meta:
        template_name = TABLE_TEMPLATE
        attrs = {"class": "table stack broken"}
        order_by = ("promised_date",)
        order_by_field = "bsort"
        prefix = "b-"
        empty_text = _("没有未兑现的承诺")

    def render_household(self, record):
        return format_html('<a href="{}">{}</a>', reverse("household_detail", args=[record.household_id]), record.label)

    def render_made_on(self, value):
        return f"{value:%Y-%m-%d}"

    def render_promised_date(self, value):
        return f"{value:%Y-%m-%d}"

    def render_amount(self, value):
        return format_money(value) if value is not None else _("结清欠费")

    def render_arrears(self, value):
        return format_money(value)


def _issue_row_class(record: IssueRaised) -> str:
    return "overdue" if record.status == IssueStatus.OPEN and record.deadline < timezone.localdate() else ""


class IssueTable(tables.Table):
    """Issues raised, open ones by deadline; overdue rows are highlighted."""

    id = tables.Column(_("编号"), attrs={"td": {"class": "title"}})
    household = tables.Column(
        _("房屋"), accessor="household__building__name", order_by=("household__building__name", "household__room")
    )
    department = tables.Column(_("处理部门"), accessor="department__name")
    description = tables.Column(_("问题"), orderable=False)
    raised_by = tables.Column(_("登记人"), accessor="raised_by__name", default=_("业主自助"))
    created_at = tables.Column(_("登记时间"))
    deadline = tables.Column(_("处理期限"))
    status = tables.Column(_("状态"))

    class Meta:
        model = IssueRaised
        fields = ()
        sequence = ("id", "household", "description", "department", "raised_by", "created_at", "deadline", "status")
        template_name = TABLE_TEMPLATE
        attrs = {"class": "table stack issues"}
        order_by = ("-status", "deadline")
        order_by_field = "sort"
        empty_text = _("没有符合条件的工单")
        row_attrs = {"class": _issue_row_class}

    def render_id(self, record):
        return format_html('<a href="{}">#{}</a>', reverse("issue_detail", args=[record.pk]), record.pk)

    def render_household(self, record):
        h = record.household
        return f"{h.community.name} {household_label(h.building.name, h.unit, h.room)}"

    def render_description(self, value):
        return value if len(value) <= 40 else value[:40] + "…"

    def render_created_at(self, value):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"

    def render_deadline(self, record):
        if record.status == IssueStatus.OPEN and record.deadline < timezone.localdate():
            days = (timezone.localdate() - record.deadline).days
            return format_html(
                '{} <span class="badge danger">{}</span>',
                f"{record.deadline:%Y-%m-%d}",
                _("逾期 %(days)s 天") % {"days": days},
            )
        return f"{record.deadline:%Y-%m-%d}"

    def render_status(self, record):
        css = "status-verified" if record.status == IssueStatus.CLOSED else "status-pending"
        return format_html('<span class="badge {}">{}</span>', css, record.get_status_display())
