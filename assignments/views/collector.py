"""The collector's phone: today's list, recording an outcome, a household's history, the printable task sheet.

Every household these pages touch comes through arrears.permissions.households_visible_to; recording and the
history are further narrowed to the collector holding the household today; managers see all, supervisors the
households of their departments' people and of the issues routed to them (assignments.permissions), and the
history shows a supervisor only the issues their departments handle.
"""

import logging
import uuid
from urllib.parse import urlparse

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_htmx.http import reswap, retarget

from arrears.models import Household, Payment
from arrears.money import round_money
from arrears.permissions import can_see_full_contact, households_visible_to
from arrears.selectors import recently_rejected
from assignments.forms import ContactForm
from assignments.models import Assignment, Contact, Outcome, Staff
from assignments.permissions import issues_readable_in_history, sheet_staff_visible_to, supervised_households
from assignments.selectors import HOUSEHOLD_RELATED, household_cards, household_history, tasks_for
from assignments.services import contact_record
from assignments.services.contact_changes import FIXED_OUTCOMES, contact_change_refusal
from core.dates import date_param
from core.roles import MANAGER, SERVICE, STAFF, SUPERVISOR, has_role

from .collector_changes import revision_summary

logger = logging.getLogger(__name__)

# Who may open the record and history pages beyond their own (managers: any; supervisors: their departments').
OVERSEERS = (MANAGER, SUPERVISOR)
# Who may print another person's task sheet (supervisors: their departments' people's; sheet_staff_visible_to).
SHEET_PRINTERS = (MANAGER, SUPERVISOR, SERVICE)
FORM_FIELDS = tuple(ContactForm.base_fields)


def _staff_of(user) -> Staff | None:
    return getattr(user, "staff", None)


def _is_htmx(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


def _collector_household(request: HttpRequest, pk: int) -> Household:
    """The household, if the user holds it today or oversees collection; a 404 otherwise (no guessing)."""
    user = request.user
    if not has_role(user, STAFF, *OVERSEERS):
        raise Http404
    households = households_visible_to(user).select_related(*HOUSEHOLD_RELATED)
    if not has_role(user, MANAGER):
        held_today = Assignment.objects.filter(staff__user_id=user.pk, day=timezone.localdate())
        scope = Q(pk__in=held_today.values("household_id"))
        if has_role(user, SUPERVISOR):
            scope |= supervised_households(user)
        households = households.filter(scope)
    return get_object_or_404(households, pk=pk)


def _assignment_today(household: Household) -> Assignment | None:
    return (
        Assignment.objects.filter(household=household, day=timezone.localdate())
        .select_related("staff", "campaign")
        .order_by("pk")
        .first()
    )


def _card(request: HttpRequest, household: Household, assignment: Assignment | None):
    full = can_see_full_contact(request.user, household)
    position = {household.pk: assignment.position} if assignment is not None else None
    return household_cards([household], timezone.localdate(), full_contact=full, positions=position)[0]


def guidance(category: str) -> dict | None:
    """The FAQ answer and script tips for an objection category (scripts_faq.services.guidance_for), or None.

    Read through getattr/get so an object or a dict both do; ``legal_refs`` may be one line per reference.
    """
    if not category:
        return None
    try:
        from scripts_faq.services import guidance_for
    except ImportError:
        logger.warning("scripts_faq.services.guidance_for is not available: no objection guidance shown")
        return None
    found = guidance_for(category)
    if found is None:
        return None

    def read(name: str, default=""):
        value = found.get(name, default) if isinstance(found, dict) else getattr(found, name, default)
        return default if value is None else value

    refs = read("legal_refs", [])
    if isinstance(refs, str):
        refs = [line.strip() for line in refs.splitlines() if line.strip()]
    return {
        "title": read("answer_title"),
        "html": read("answer_html"),
        "text": read("answer_text"),
        "tips": list(read("tips", [])),
        "legal_refs": list(refs),
    }


@login_required
def tasks_today(request: HttpRequest) -> HttpResponse:
    """今日任务: the collector's households for today in the split's order, as phone-first cards."""
    if not has_role(request.user, STAFF):
        raise PermissionDenied
    staff = _staff_of(request.user)
    today = timezone.localdate()
    tasks = None
    if staff is not None:
        tasks = tasks_for(staff, today, viewer=request.user, visible=households_visible_to(request.user))
    # Payments this collector took that finance rejected lately, with the reason (one query).
    rejected = list(recently_rejected(Payment.objects.filter(collected_by=request.user), today))
    context = {"staff": staff, "today": today, "tasks": tasks, "rejected_payments": rejected}
    return render(request, "assignments/collector/tasks.html", context)


def _form_initial(data) -> dict:
    """A form re-rendered on change (htmx, or the no-JS 查看应对话术 button) keeps what was typed."""
    initial = {name: data[name] for name in FORM_FIELDS if name in data}
    if "channel" in data or "outcome" in data:
        initial["reached"] = data.get("reached") in ("on", "true", "1")
    token = initial.get("client_token")
    if token:
        try:
            initial["client_token"] = uuid.UUID(token)
        except ValueError:
            del initial["client_token"]
    return initial


def _render_form(request, household, assignment, form: ContactForm, *, status: int = 200) -> HttpResponse:
    show_all = not _is_htmx(request)
    context = {
        "household": household,
        "form": form,
        "groups": form.groups(show_all=show_all),
        "show_all": show_all,
        "can_record": _staff_of(request.user) is not None,
    }
    if form.chosen_outcome in (Outcome.REFUSED, Outcome.DISPUTED) and form.chosen_objection:
        context["guidance"] = guidance(form.chosen_objection)
        context["guidance_missing"] = context["guidance"] is None
    if show_all:
        context["card"] = _card(request, household, assignment)
        return render(request, "assignments/collector/record.html", context, status=status)
    return render(request, "assignments/collector/record_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def contact_record_view(request: HttpRequest, household_id: int) -> HttpResponse:
    """记录跟进结果: the outcome form (a fragment for htmx), and recording it through contact_record."""
    household = _collector_household(request, household_id)
    assignment = _assignment_today(household)
    if request.method == "GET":
        return _render_form(request, household, assignment, ContactForm(initial=_form_initial(request.GET)))
    if request.POST.get("guide"):
        # 查看应对话术 without JavaScript: show the answer for the chosen objection, record nothing yet.
        return _render_form(request, household, assignment, ContactForm(initial=_form_initial(request.POST)))

    staff = _staff_of(request.user)
    if staff is None:
        raise PermissionDenied(_("您的账号没有员工档案,不能记录跟进结果"))
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            contact = contact_record(
                household=household,
                staff=staff,
                campaign=assignment.campaign if assignment is not None else None,
                **form.service_kwargs(),
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return _recorded(request, household, assignment, contact)
    return _render_form(request, household, assignment, form)


def recorded_message(contact: Contact) -> str:
    """What the collector reads after saving: the outcome and what happens next."""
    text = _("已记录:%(outcome)s") % {"outcome": contact.get_outcome_display()}
    if contact.outcome == Outcome.PAID and contact.payment_id:
        text += _(",收款 %(amount)s 元已登记,待财务复核") % {"amount": f"{round_money(contact.payment.amount):,.2f}"}
    elif contact.outcome == Outcome.PROMISED and contact.promised_date:
        text += _(",承诺 %(date)s 缴费,前一天请再回访确认") % {
            "date": date_format(contact.promised_date, "SHORT_DATE_FORMAT")
        }
    elif contact.outcome == Outcome.CALLBACK and contact.callback_at:
        text += _(",回访时间 %(time)s") % {
            "time": date_format(timezone.localtime(contact.callback_at), "SHORT_DATETIME_FORMAT")
        }
    elif contact.outcome == Outcome.ISSUE:
        issue = getattr(contact, "issue", None)
        if issue is not None:
            text += _(",问题已转%(department)s,处理期限 %(date)s") % {
                "department": issue.department.name,
                "date": date_format(issue.deadline, "SHORT_DATE_FORMAT"),
            }
    return text


def _from_task_list(request: HttpRequest) -> bool:
    current = getattr(request.htmx, "current_url", None) or ""
    return urlparse(current).path == reverse("tasks_today")


def _recorded(request, household, assignment, contact: Contact) -> HttpResponse:
    """Saved: htmx swaps the household's card for the updated one; without JS, back to the list or history."""
    message = recorded_message(contact)
    holds_it = assignment is not None and assignment.staff.user_id == request.user.pk
    if not _is_htmx(request):
        messages.success(request, message)
        if holds_it:
            return redirect(reverse("tasks_today") + f"#task-{household.pk}")
        return redirect("household_history", household_id=household.pk)
    context = {"card": _card(request, household, assignment), "recorded_message": message}
    if contact.outcome not in FIXED_OUTCOMES:
        context["recorded_contact_id"] = contact.pk
    if holds_it and _from_task_list(request):
        context["tasks"] = tasks_for(
            assignment.staff,
            timezone.localdate(),
            viewer=request.user,
            visible=households_visible_to(request.user),
        )
    response = render(request, "assignments/collector/card_recorded.html", context)
    return reswap(retarget(response, f"#task-{household.pk}"), "outerHTML")


@login_required
def household_history_view(request: HttpRequest, household_id: int) -> HttpResponse:
    """跟进记录: every contact, promise, field payment and issue of a household, newest first."""
    household = _collector_household(request, household_id)
    assignment = _assignment_today(household)
    today = timezone.localdate()
    readable = set(issues_readable_in_history(request.user, household).values_list("pk", flat=True))
    entries = [
        entry
        for entry in household_history(household, today)
        if entry.issue is None or entry.issue.pk in readable  # an issue routed elsewhere stays with its department
    ]
    own = _staff_of(request.user)
    for entry in entries:
        entry.issue_hidden = entry.contact_issue is not None and entry.contact_issue.pk not in readable
        if entry.contact is not None:
            entry.editable = own is not None and not contact_change_refusal(entry.contact, staff=own, today=today)
            for revision in entry.contact.revisions.all():
                revision.summary = revision_summary(revision.before)
    return render(
        request,
        "assignments/collector/history.html",
        {
            "household": household,
            "card": _card(request, household, assignment),
            "assignment": assignment,
            "entries": entries,
            "rejected_payments": list(recently_rejected(household.payments.all(), today)),
            "holds_it": assignment is not None and assignment.staff.user_id == request.user.pk,
        },
    )


@login_required
def task_sheet(request: HttpRequest) -> HttpResponse:
    """欠费任务单: one person's list for a day, to print (客服部 prints them for everyone: ?staff=)."""
    user = request.user
    prints_for_others = has_role(user, *SHEET_PRINTERS)
    if not (prints_for_others or has_role(user, STAFF)):
        raise PermissionDenied
    today = timezone.localdate()
    day, date_error = date_param(request, "date", default=today)
    notes = [date_error] if date_error else []
    own = _staff_of(user)
    staff_id = request.GET.get("staff", "").strip()
    if staff_id:
        if not staff_id.isdigit():
            raise Http404
        if prints_for_others:
            staff = get_object_or_404(sheet_staff_visible_to(user).select_related("department"), pk=int(staff_id))
        elif own is not None and own.pk == int(staff_id):
            staff = own
        else:
            raise Http404
    else:
        staff = own
    if not prints_for_others and day != today:
        notes.append(_("只能查看今天的任务单。"))
        day = today
    tasks = None
    if staff is not None:
        tasks = tasks_for(staff, day, viewer=user, visible=households_visible_to(user))
    people = []
    if prints_for_others:
        people = list(
            sheet_staff_visible_to(user)
            .filter(assignments__day=day)
            .annotate(households=Count("assignments"))
            .select_related("department")
            .order_by("department__name", "name")
        )
    return render(
        request,
        "assignments/collector/sheet.html",
        {
            "staff": staff,
            "day": day,
            "today": today,
            "tasks": tasks,
            "notes": notes,
            "people": people,
            "prints_for_others": prints_for_others,
        },
    )
