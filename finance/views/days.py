"""Daily close (日结) per community: the day's figures, closing it, its printable and .xlsx report."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_tables2.views import SingleTableView

from arrears.models import Community, DayClose, DayReopen
from core.access import AllowedMixin, allowed_only
from core.dates import DateInputError, parse_date
from core.exports import TableExportMixin
from core.roles import MANAGER, has_role

from ..day_export import day_workbook
from ..forms import DayForm
from ..permissions import can_act, can_read_queue
from ..selectors import DayReport, day_close_of, day_payments, day_report, day_reversals, person_name
from ..services import day_close, day_reopen
from ..tables import DayCloseTable
from .access import error_text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def can_reopen_day(user) -> bool:
    """A manager opens a closed day again (with a reason); finance closes days."""
    return has_role(user, MANAGER)


class DayCloseListView(AllowedMixin, TableExportMixin, SingleTableView):
    """Closed days, and the form that opens a community's day (finance acts, managers read and reopen)."""

    allowed = staticmethod(can_read_queue)
    table_class = DayCloseTable
    table_pagination = {"per_page": 30}
    template_name = "finance/days.html"
    export_name = gettext_lazy("日结记录")

    def get_queryset(self):
        return DayClose.objects.select_related("community", "closed_by__staff")

    def get(self, request, *args, **kwargs):
        if "community" in request.GET:
            form = DayForm(request.GET)
            if form.is_valid():
                return redirect(
                    "finance:day", form.cleaned_data["community"].code, form.cleaned_data["day"].isoformat()
                )
            self.day_form = form
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["day_form"] = getattr(self, "day_form", None) or DayForm(initial={"day": timezone.localdate()})
        return context


def _day_of(code: str, day: str) -> tuple[Community, date]:
    community = get_object_or_404(Community, code=code)
    try:
        return community, parse_date(day, latest=timezone.localdate())
    except DateInputError as exc:
        raise Http404 from exc


def _day_rows(community: Community, day: date) -> tuple[list, list]:
    payments = list(
        day_payments(community, day)
        .select_related("household__building", "collected_by__staff")
        .order_by("receipt_no", "pk")
    )
    for payment in payments:
        payment.collector_name = person_name(payment.collected_by)
    reversals = list(
        day_reversals(community, day).select_related("payment__household__building", "reversed_by").order_by("pk")
    )
    return payments, reversals


def _report(community: Community, day: date, closed: DayClose | None) -> DayReport:
    """A closed day shows what was closed; an open day its figures now."""
    if closed is not None:
        return DayReport.from_dict(closed.totals)
    return day_report(community, day)


@allowed_only(can_read_queue)
def day_detail(request, code: str, day: str):
    community, day = _day_of(code, day)
    closed = day_close_of(community, day)
    reopens = DayReopen.objects.filter(community=community, day=day).select_related("reopened_by", "closed_by")
    report = _report(community, day, closed)
    payments, reversals = _day_rows(community, day)
    return render(
        request,
        "finance/day.html",
        {
            "community": community,
            "day": day,
            "report": report,
            "closed": closed,
            "payments": payments,
            "reversals": reversals,
            "reopens": reopens,
            "can_close": can_act(request.user)
            and closed is None
            and not report.pending_up_to
            and day <= timezone.localdate(),
            "can_reopen": closed is not None and can_reopen_day(request.user),
            "is_future": day > timezone.localdate(),
        },
    )


@require_POST
@allowed_only(can_act)
def day_close_view(request, code: str, day: str):
    community, day = _day_of(code, day)
    if request.POST.get("confirm") != "1":
        messages.error(request, _("请勾选「已核对当天的收款和冲正」后再确认日结"))
        return redirect("finance:day", community.code, day.isoformat())
    try:
        day_close(community=community, day=day, closed_by=request.user)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("%(day)s 已日结,当天的收款已锁定") % {"day": day.isoformat()})
    return redirect("finance:day", community.code, day.isoformat())


@require_POST
@allowed_only(can_reopen_day)
def day_reopen_view(request, code: str, day: str):
    community, day = _day_of(code, day)
    try:
        day_reopen(community=community, day=day, reason=request.POST.get("reason", ""), reopened_by=request.user)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("%(day)s 已重新打开,当天的收款可以再复核、驳回或冲正") % {"day": day.isoformat()})
    return redirect("finance:day", community.code, day.isoformat())


@allowed_only(can_read_queue)
def day_export(request, code: str, day: str):
    community, day = _day_of(code, day)
    closed = day_close_of(community, day)
    report = _report(community, day, closed)
    payments, reversals = _day_rows(community, day)
    if closed is not None:
        state = _("已日结:%(user)s %(time)s") % {
            "user": person_name(closed.closed_by),
            "time": f"{timezone.localtime(closed.closed_at):%Y-%m-%d %H:%M}",
        }
    else:
        state = _("未日结(导出时的数字)")
    content = day_workbook(
        community_name=community.name, report=report, payments=payments, reversals=reversals, closed=state
    )
    response = HttpResponse(content, content_type=XLSX)
    filename = f"{_('日结')}-{community.code}-{day:%Y%m%d}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
