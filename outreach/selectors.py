"""Reads of the outreach app: who may do what, and what the owner's page shows."""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from arrears.models import Household
from assignments.models import Contact, ContactChannel, IssueRaised, IssueStatus, Outcome
from core.roles import MANAGER, SERVICE, has_role
from notices.letters import LetterAmounts, letter_amounts

from .links import key_from_token
from .models import OwnerLink


def can_send_sms(user) -> bool:
    """Customer service sends the SMS batches and keeps the opt-out list; managers oversee them."""
    return has_role(user, SERVICE, MANAGER)


def can_edit_sms_templates(user) -> bool:
    return has_role(user, MANAGER)


def can_manage_owner_links(user) -> bool:
    return has_role(user, SERVICE, MANAGER)


def link_for_token(token: str, now: datetime | None = None) -> OwnerLink | None:
    """The valid link a token names: well signed, known, not expired, not revoked, and for the household's
    current owner. None for anything else (the page answers 404 alike, so nothing tells them apart)."""
    key = key_from_token(token)
    if key is None:
        return None
    link = (
        OwnerLink.objects.select_related(
            "household__community", "household__building", "household__owner", "household__late_fee_override"
        )
        .filter(key=key)
        .first()
    )
    now = now or timezone.now()
    if link is None or link.revoked_at is not None or link.expires_at <= now:
        return None
    if link.household.owner_id != link.owner_id:
        return None  # the household changed hands: the old owner's link shows nothing of the new one
    return link


@dataclass(frozen=True)
class OwnerPage:
    """What the owner's page shows: one household only, no names, nothing of how it is being collected."""

    household: Household
    today: date
    amounts: LetterAmounts
    payment_channels: list[str]
    contact_phone: str
    promise_date: date | None
    promise_amount: object
    callback_at: datetime | None
    open_issues: list[IssueRaised]

    @property
    def room(self) -> str:
        return self.household.label

    @property
    def community_name(self) -> str:
        return self.household.community.name


def owner_page(link: OwnerLink, today: date | None = None) -> OwnerPage:
    """The household's page as of today: the letter's figures for today (the same as ``arrears_report``)."""
    household = link.household
    today = today or timezone.localdate()
    amounts = letter_amounts(household, today)
    follow_ups = list(
        Contact.objects.follow_ups()
        .filter(household=household, outcome__in=[Outcome.PROMISED, Outcome.CALLBACK])
        .order_by("-created_at", "-pk")
        .values_list("outcome", "channel", "promised_date", "promised_amount", "callback_at")[:20]
    )
    promise = next((row for row in follow_ups if row[0] == Outcome.PROMISED), None)
    callback = next(
        (row for row in follow_ups if row[0] == Outcome.CALLBACK and row[1] == ContactChannel.SELF_SERVICE), None
    )
    shows_promise = promise is not None and promise[2] is not None and promise[2] >= today and amounts.total > 0
    callback_at = callback[4] if callback and callback[4] and timezone.localdate(callback[4]) >= today else None
    issues = list(
        IssueRaised.objects.filter(
            household=household, status=IssueStatus.OPEN, contact__channel=ContactChannel.SELF_SERVICE
        ).order_by("-created_at")[:5]
    )
    community = household.community
    return OwnerPage(
        household=household,
        today=today,
        amounts=amounts,
        payment_channels=[line.strip() for line in community.payment_channels.splitlines() if line.strip()],
        contact_phone=community.contact_phone.strip(),
        promise_date=promise[2] if shows_promise else None,
        promise_amount=promise[3] if shows_promise else None,
        callback_at=callback_at,
        open_issues=issues,
    )


def valid_links(household: Household, now: datetime | None = None):
    now = now or timezone.now()
    return OwnerLink.objects.filter(household=household, revoked_at__isnull=True, expires_at__gt=now)
