"""A collector's second thoughts: editing or withdrawing their own contact (a promise included) the same day.

Each change keeps what the contact said before as a ContactRevision, shown in the household's history. A withdrawn
contact stays in the history, struck through, and counts nowhere else (``Contact.objects`` leaves it out). A contact
that took money (已缴费: the payment is finance's now) or raised an issue (需解决问题: routed to a department) is not
changed here: finance rejects the payment, the department closes the issue.
"""

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assignments.models import Contact, ContactRevision, Outcome, RevisionKind, Staff
from core.changes import figures_changed

from .contacts import NOT_REACHED, WITH_OBJECTION, contact_errors

# Outcomes that bring along a record owned by someone else: never edited into or out of.
FIXED_OUTCOMES = frozenset({Outcome.PAID, Outcome.ISSUE})
EDITABLE_FIELDS = (
    "channel",
    "reached",
    "outcome",
    "objection",
    "promised_date",
    "promised_amount",
    "callback_at",
    "note",
)


def contact_change_refusal(contact: Contact, *, staff: Staff | None, today: date) -> str:
    """Why ``staff`` may not edit or withdraw ``contact`` today (an empty string when they may). Pure."""
    if staff is None or contact.staff_id != staff.pk:
        return _("只能修改自己记录的跟进")
    if contact.withdrawn_at is not None:
        return _("这条跟进记录已撤回")
    if timezone.localdate(contact.created_at) != today:
        return _("只能在记录当天修改或撤回")
    if contact.outcome == Outcome.PAID:
        return _("已缴费的记录已登记收款,不能修改;如有错误请联系财务驳回")
    if contact.outcome == Outcome.ISSUE:
        return _("需解决问题的记录已转给处理部门,不能修改;请联系处理部门")
    return ""


def contact_values(contact: Contact) -> dict:
    """The editable values of a contact, as JSON (the revision's ``before``)."""
    return {
        "channel": contact.channel,
        "reached": contact.reached,
        "outcome": contact.outcome,
        "objection": contact.objection,
        "promised_date": contact.promised_date.isoformat() if contact.promised_date else None,
        "promised_amount": f"{contact.promised_amount:.2f}" if contact.promised_amount is not None else None,
        "callback_at": contact.callback_at.isoformat() if contact.callback_at else None,
        "note": contact.note,
    }


def _locked(contact_id: int, staff: Staff | None) -> Contact:
    contact = Contact.all_objects.select_for_update().get(pk=contact_id)
    refusal = contact_change_refusal(contact, staff=staff, today=timezone.localdate())
    if refusal:
        raise ValidationError(refusal)
    return contact


@transaction.atomic
def contact_edit(
    *,
    contact_id: int,
    staff: Staff | None,
    channel: str,
    outcome: str,
    reached: bool = True,
    objection: str = "",
    promised_date: date | None = None,
    promised_amount: Decimal | None = None,
    callback_at: datetime | None = None,
    note: str = "",
) -> Contact:
    """Change a contact recorded today by ``staff``; the outcome rules are contact_record's (contact_errors).
    Saving it unchanged writes nothing. Raises ValidationError keyed by field."""
    contact = _locked(contact_id, staff)
    if outcome in FIXED_OUTCOMES:
        raise ValidationError(
            {"outcome": _("修改时不能改成「%(outcome)s」,请另记一条") % {"outcome": Outcome(outcome).label}}
        )
    objection, note = (objection or "").strip(), (note or "").strip()
    if callback_at is not None and timezone.is_naive(callback_at):
        callback_at = timezone.make_aware(callback_at)
    errors = contact_errors(
        today=timezone.localdate(),
        channel=channel,
        outcome=outcome,
        reached=reached,
        objection=objection,
        promised_date=promised_date,
        promised_amount=promised_amount,
        callback_at=callback_at,
        payment_amount=None,
        payment_channel=None,
        payment_reference="",
        issue_department=None,
        issue_description="",
        issue_deadline=None,
    )
    if errors:
        raise ValidationError(errors)
    before = contact_values(contact)
    promised = outcome == Outcome.PROMISED
    contact.channel = channel
    contact.reached = False if outcome in NOT_REACHED else reached
    contact.outcome = outcome
    contact.objection = objection if outcome in WITH_OBJECTION else ""
    contact.promised_date = promised_date if promised else None
    contact.promised_amount = promised_amount if promised else None
    contact.callback_at = callback_at if outcome == Outcome.CALLBACK else None
    contact.note = note
    if contact_values(contact) == before:
        return contact
    contact.updated_at = timezone.now()
    contact.save(update_fields=[*EDITABLE_FIELDS, "updated_at"])
    ContactRevision.objects.create(contact=contact, kind=RevisionKind.EDITED, changed_by=staff, before=before)
    figures_changed(community_ids=[contact.household.community_id])
    return contact


@transaction.atomic
def contact_withdraw(*, contact_id: int, staff: Staff | None, reason: str = "") -> Contact:
    """Withdraw a contact recorded today by ``staff`` (recorded by mistake, or for the wrong household)."""
    contact = _locked(contact_id, staff)
    contact.withdrawn_at = timezone.now()
    contact.save(update_fields=["withdrawn_at"])
    ContactRevision.objects.create(
        contact=contact,
        kind=RevisionKind.WITHDRAWN,
        changed_by=staff,
        before=contact_values(contact),
        reason=(reason or "").strip()[:300],
    )
    figures_changed(community_ids=[contact.household.community_id])
    return contact
