"""Issues raised (问题工单): the list for customer service and department heads, and closing one."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from assignments.filters import IssueFilter
from assignments.forms_manage import IssueCloseForm
from assignments.models import Assignment, IssueRaised, IssueStatus
from assignments.permissions import can_open_issues, issues_visible_to
from assignments.services.issues import issue_close
from assignments.tables import IssueTable
from core.access import add_service_errors, allowed_only
from core.lists import ListPage

PAGE_SIZE = 30
FILTER_FIELDS = ("status", "department", "overdue")


class IssueListView(ListPage):
    """Issues the user may see, open ones first by deadline, overdue ones highlighted; htmx gets the table only."""

    allowed = staticmethod(can_open_issues)
    table_class = IssueTable
    export_name = gettext_lazy("问题工单")
    filterset_class = IssueFilter
    table_pagination = {"per_page": PAGE_SIZE}
    template_name = "assignments/manage/issue_list.html"
    results_template_name = "assignments/manage/issue_list_results.html"
    filter_fields = FILTER_FIELDS

    def get_queryset(self):
        return issues_visible_to(self.request.user).select_related(
            "household__building", "household__community", "department", "raised_by"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["today"] = timezone.localdate()
        return context


def _issue_for(request, pk: int) -> IssueRaised:
    return get_object_or_404(
        issues_visible_to(request.user).select_related(
            "household__building",
            "household__community",
            "department",
            "raised_by__department",
            "contact__staff",
            "closed_by",
        ),
        pk=pk,
    )


def _render_issue(request, issue: IssueRaised, form: IssueCloseForm | None = None, status: int = 200):
    today = timezone.localdate()
    holder = (
        Assignment.objects.filter(household_id=issue.household_id, day=today)
        .select_related("staff__department")
        .order_by("campaign_id")
        .first()
    )
    is_open = issue.status == IssueStatus.OPEN
    return render(
        request,
        "assignments/manage/issue_detail.html",
        {
            "issue": issue,
            "today": today,
            "holder": holder,
            "is_open": is_open,
            "overdue": is_open and issue.deadline < today,
            "form": form if form is not None else (IssueCloseForm() if is_open else None),
        },
        status=status,
    )


@allowed_only(can_open_issues)
def issue_detail(request, pk: int):
    return _render_issue(request, _issue_for(request, pk))


@require_POST
@allowed_only(can_open_issues)
def issue_close_view(request, pk: int):
    """Close with a resolution; the household goes to the top of its collector's list for today."""
    issue = _issue_for(request, pk)
    form = IssueCloseForm(request.POST)
    if form.is_valid():
        try:
            issue_close(issue=issue, closed_by=request.user, resolution=form.cleaned_data["resolution"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("工单已关闭;该户已排到催缴员今日清单第一位:问题已解决,请回访"))
            return redirect("issue_detail", pk=issue.pk)
    return _render_issue(request, issue, form=form, status=400)
