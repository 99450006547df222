"""Editing or withdrawing one's own contact the same day (assignments.services.contact_changes)."""

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from arrears.permissions import households_visible_to
from assignments.forms import ContactEditForm
from assignments.models import Contact, ContactChannel, Outcome
from assignments.services import contact_edit, contact_withdraw
from assignments.services.contact_changes import contact_change_refusal
from scripts_faq.choices import ObjectionCategory


def _own_contact(request: HttpRequest, contact_id: int) -> Contact:
    """A contact the user recorded, of a household they may see; a 404 otherwise (no guessing)."""
    staff = getattr(request.user, "staff", None)
    if staff is None:
        raise Http404
    contacts = Contact.all_objects.filter(staff=staff, household__in=households_visible_to(request.user))
    return get_object_or_404(contacts.select_related("household__building", "household__community"), pk=contact_id)


def _label(choices, value) -> str:
    return str(dict(choices).get(value, value or ""))


def revision_summary(before: dict) -> str:
    """What a contact said before a change, in a line: 承诺缴费 · 2026-12-05 · 500.00 · 备注."""
    parts = [_label(Outcome.choices, before.get("outcome")), _label(ContactChannel.choices, before.get("channel"))]
    if before.get("objection"):
        parts.append(_label(ObjectionCategory.choices, before["objection"]))
    if before.get("promised_date"):
        parts.append(before["promised_date"])
    if before.get("promised_amount"):
        parts.append(before["promised_amount"])
    if before.get("callback_at"):
        parts.append(date_format(timezone.localtime(datetime.fromisoformat(before["callback_at"])), "Y-m-d H:i"))
    if before.get("note"):
        parts.append(before["note"])
    return " · ".join(part for part in parts if part)


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit_view(request: HttpRequest, contact_id: int) -> HttpResponse:
    """修改或撤回: the contact's form, saved as a revision; or withdrawn (a second form on the same page)."""
    contact = _own_contact(request, contact_id)
    staff = request.user.staff
    refusal = contact_change_refusal(contact, staff=staff, today=timezone.localdate())
    history = redirect("household_history", household_id=contact.household_id)
    form = ContactEditForm(initial=ContactEditForm.initial_for(contact))
    status = 200
    if request.method == "POST" and not refusal:
        if request.POST.get("withdraw"):
            contact_withdraw(contact_id=contact.pk, staff=staff, reason=request.POST.get("reason", ""))
            messages.success(request, _("已撤回这条跟进记录,记录保留在跟进记录中"))
            return history
        form = ContactEditForm(request.POST)
        if form.is_valid():
            try:
                contact_edit(contact_id=contact.pk, staff=staff, **form.service_kwargs())
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, _("已修改,修改前的内容保留在跟进记录中"))
                return history
        status = 400
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "assignments/collector/contact_edit.html",
        {"contact": contact, "household": contact.household, "form": form, "refusal": refusal},
        status=status,
    )
