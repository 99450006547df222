"""Reads for the collector's pages: the day's task cards, one household's history.

The pure part (badges, phones) comes first; the loaders below fetch everything a list needs in a fixed number of
queries, whatever its length: the assignments with their households, the households' positions (arrears.positions,
the figures every page and letter shows), contacts, payments, issues and the promises' states (assignments.promises).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arrears.masking import mask_name, mask_phone
from arrears.models import Household, Payment
from arrears.models.households import OwnerKind
from arrears.models.ledger import PaymentStatus
from arrears.money import ZERO
from arrears.positions import Position
from arrears.positions import positions as positions_of
from assignments.models import Assignment, Contact, ContactChannel, IssueRaised, IssueStatus, Outcome, Staff
from assignments.promises import BROKEN, PENDING, Promise, judge_all
from core.roles import FULL_CONTACT_READERS, has_role

# Pure ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Badge:
    """A short flag on a card: its code (for tests and CSS), its label and its tone."""

    code: str
    label: str
    tone: str = ""


@dataclass(frozen=True)
class Phone:
    """A number as shown; ``dial`` is empty when it is masked (no tap-to-call)."""

    display: str
    dial: str = ""


@dataclass
class TaskCard:
    """One household on a collector's list for a day."""

    household_id: int
    label: str
    community: str
    position: int | None
    owner_name: str
    phones: list[Phone]
    full_contact: bool
    overdue: Decimal
    late_fee: Decimal  # after waivers, as the letter and the report
    months_overdue: int  # whole months (arrears.months), as the letter, the 公示 and the batch filter
    oldest_due: date | None
    last_outcome: str = ""
    last_contact_at: datetime | None = None
    contacted_today: bool = False
    promise_date: date | None = None  # the last promise, while it is pending
    promise_amount: Decimal | None = None
    promise_broken: bool = False
    promise_self_service: bool = False  # the pending promise was made by the owner on their page (业主自助)
    promise_reminded: bool = False  # the owner got the reminder SMS of the pending promise
    callback_at: datetime | None = None
    callback_due: bool = False
    callback_requested: bool = False  # the owner asked on their page to be called back
    issue_resolved: bool = False
    open_issues: int = 0
    pending_payments: Decimal = ZERO
    day: date | None = None
    badges: list[Badge] = field(default_factory=list)

    @property
    def last_outcome_label(self) -> str:
        return Outcome(self.last_outcome).label if self.last_outcome else ""

    @property
    def total(self) -> Decimal:
        return self.overdue + self.late_fee

    @property
    def promise_due(self) -> str:
        """'today' or 'tomorrow' when the pending promise falls then, 'past' in its grace day, else ''."""
        if self.promise_date is None or self.day is None:
            return ""
        if self.promise_date == self.day:
            return "today"
        if self.promise_date == self.day + timedelta(days=1):
            return "tomorrow"
        return "past" if self.promise_date < self.day else ""

    @property
    def badge_codes(self) -> list[str]:
        return [badge.code for badge in self.badges]


def card_badges(card: TaskCard) -> list[Badge]:
    """The flags a card shows, most urgent first (the order of assignments.priority's tiers)."""
    badges = []
    due = card.promise_due
    if due == "today":
        badges.append(Badge("promise-today", _("今天承诺缴费"), "warn"))
    elif due == "tomorrow":
        badges.append(Badge("promise-tomorrow", _("明天承诺缴费"), "warn"))
    elif due == "past":
        badges.append(Badge("promise-grace", _("承诺日已过,待核实"), "warn"))
    if card.promise_date is not None and card.promise_self_service:
        badges.append(Badge("promise-self-service", _("业主自助"), "info"))
    if card.promise_reminded:
        badges.append(Badge("promise-reminded", _("已发承诺提醒短信"), "ok"))
    if card.callback_due:
        badges.append(Badge("callback-due", _("回访到期"), "warn"))
    if card.callback_requested:
        badges.append(Badge("callback-requested", _("业主请求回电"), "info"))
    if card.issue_resolved:
        badges.append(Badge("issue-resolved", _("问题已解决,请回访"), "ok"))
    if card.promise_broken:
        badges.append(Badge("promise-broken", _("承诺未兑现"), "danger"))
    if card.last_contact_at is None:
        badges.append(Badge("never", _("未联系"), "info"))
    if card.open_issues:
        badges.append(Badge("issue-open", _("问题处理中")))
    if card.pending_payments > ZERO:
        badges.append(Badge("payment-pending", _("收款待复核")))
    if card.overdue <= ZERO:
        badges.append(Badge("cleared", _("已结清"), "ok"))
    if card.contacted_today:
        badges.append(Badge("done-today", _("今日已跟进"), "ok"))
    return badges


def phones_of(phone: str, phone_alt: str, *, full: bool) -> list[Phone]:
    """The owner's numbers: each in full with a number to dial, or one masked line."""
    if not full:
        masked = mask_phone(phone)
        return [Phone(masked)] if masked else []
    phones = []
    for raw in (phone, phone_alt):
        for part in _split_phones(raw):
            dial = "".join(ch for ch in part if ch.isdigit() or ch == "+")
            if dial:
                phones.append(Phone(part, dial))
    return phones


def _split_phones(raw: str) -> list[str]:
    for separator in ",;/、，；":
        raw = (raw or "").replace(separator, ",")
    return [part.strip() for part in raw.split(",") if part.strip()]


# Loading ------------------------------------------------------------------------------------------------------


@dataclass
class TaskList:
    """A collector's cards for a day, with the counts shown at the top."""

    staff: Staff
    day: date
    cards: list[TaskCard]
    full_contact: bool

    @property
    def assigned(self) -> int:
        return len(self.cards)

    @property
    def contacted_today(self) -> int:
        return sum(1 for card in self.cards if card.contacted_today)

    @property
    def remaining(self) -> int:
        return self.assigned - self.contacted_today

    @property
    def overdue(self) -> Decimal:
        return sum((card.overdue for card in self.cards), ZERO)


HOUSEHOLD_RELATED = ("building", "community", "owner", "late_fee_override")


def shows_full_contact(viewer, staff: Staff, day: date) -> bool:
    """Whether ``viewer`` sees the owners' full names and numbers on ``staff``'s list for ``day``: the collector
    themselves on the day itself, and managers (arrears.permissions.can_see_full_contact, for a whole list)."""
    if viewer is None:
        return False
    if has_role(viewer, *FULL_CONTACT_READERS):
        return True
    return viewer.pk == staff.user_id and day == timezone.localdate()


def tasks_for(staff: Staff, day: date, *, viewer=None, visible: QuerySet | None = None) -> TaskList:
    """``staff``'s households for ``day`` in the split's order (Assignment.position), as cards.

    ``visible`` is the viewer's household scope (arrears.permissions.households_visible_to); ``viewer`` decides
    the masking. Six queries whatever the length of the list (only the first when it is empty).
    """
    assignments = (
        Assignment.objects.filter(staff=staff, day=day)
        .select_related(*(f"household__{name}" for name in HOUSEHOLD_RELATED))
        .order_by("position", "pk")
    )
    if visible is not None:
        assignments = assignments.filter(household__in=visible)
    households: dict[int, tuple[Household, int]] = {}
    for assignment in assignments:
        households.setdefault(assignment.household_id, (assignment.household, assignment.position))
    full = shows_full_contact(viewer, staff, day)
    cards = household_cards(
        [household for household, _position in households.values()],
        day,
        full_contact=full,
        positions={pk: position for pk, (_household, position) in households.items()},
    )
    return TaskList(staff=staff, day=day, cards=cards, full_contact=full)


def household_cards(
    households: list[Household], day: date, *, full_contact: bool, positions: dict[int, int] | None = None
) -> list[TaskCard]:
    """Cards for households (loaded with HOUSEHOLD_RELATED), in the given order: a fixed number of queries."""
    if not households:
        return []
    ids = [household.pk for household in households]
    standing = positions_of(Household.objects.filter(pk__in=ids), day)
    contacts: dict[int, list[tuple]] = defaultdict(list)
    for household_id, *row in (
        Contact.objects.filter(household_id__in=ids, created_at__date__lte=day)
        .order_by("created_at", "pk")
        .values_list(
            "household_id", "created_at", "outcome", "promised_date", "promised_amount", "callback_at", "channel"
        )
    ):
        contacts[household_id].append(tuple(row))
    promises = {}
    promise_channels = {}
    for household_id, rows in contacts.items():
        for created_at, outcome, promised_date, promised_amount, _callback_at, channel in rows:
            if outcome == Outcome.PROMISED and promised_date is not None:
                promises[household_id] = Promise.from_contact(household_id, created_at, promised_date, promised_amount)
                promise_channels[household_id] = channel
    states = dict(zip(promises, judge_all(list(promises.values()), day), strict=True))
    pending: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for household_id, amount in Payment.objects.filter(household_id__in=ids, status=PaymentStatus.PENDING).values_list(
        "household_id", "amount"
    ):
        pending[household_id] += amount
    last_closed: dict[int, datetime] = {}
    open_issues: dict[int, int] = defaultdict(int)
    for household_id, status, closed_at in (
        IssueRaised.objects.filter(household_id__in=ids).order_by().values_list("household_id", "status", "closed_at")
    ):
        if status == IssueStatus.OPEN:
            open_issues[household_id] += 1
        elif closed_at is not None and (household_id not in last_closed or closed_at > last_closed[household_id]):
            last_closed[household_id] = closed_at

    positions = positions or {}
    cards = []
    for household in households:
        pk = household.pk
        card = _card(
            household,
            day,
            full_contact=full_contact,
            position=positions.get(pk),
            standing=standing.get(pk) or Position(pk, day, ZERO, ZERO, ZERO, None),
            contacts=contacts.get(pk, []),
            promise=promises.get(pk),
            promise_state=states.get(pk, ""),
            promise_channel=promise_channels.get(pk, ""),
        )
        card.pending_payments = pending.get(pk, ZERO)
        card.open_issues = open_issues.get(pk, 0)
        closed_at = last_closed.get(pk)
        card.issue_resolved = closed_at is not None and (
            card.last_contact_at is None or closed_at > card.last_contact_at
        )
        card.badges = card_badges(card)
        cards.append(card)
    return cards


def _card(
    household: Household,
    day: date,
    *,
    full_contact: bool,
    position: int | None,
    standing: Position,
    contacts: list[tuple],
    promise: Promise | None,
    promise_state: str,
    promise_channel: str = "",
) -> TaskCard:
    owner = household.owner
    if owner is None:
        name, phones = "", []
    else:
        organisation = owner.kind == OwnerKind.ORGANISATION
        name = owner.name if full_contact else mask_name(owner.name, organisation=organisation)
        phones = phones_of(owner.phone, owner.phone_alt, full=full_contact)
    card = TaskCard(
        household_id=household.pk,
        label=household.label,
        community=household.community.name,
        position=position,
        owner_name=name,
        phones=phones,
        full_contact=full_contact,
        overdue=standing.principal,
        late_fee=standing.late_fee,
        months_overdue=standing.months_overdue,
        oldest_due=standing.oldest_due,
        day=day,
    )
    # The system's messages are history, not follow-ups; what the owner entered counts for its promise and
    # callback, but only a collector's own contact is "last outcome" or "done today".
    reminders = {row[2] for row in contacts if row[1] == Outcome.MESSAGE_SENT and row[2] is not None}
    follow_ups = [row for row in contacts if row[1] != Outcome.MESSAGE_SENT]
    staff_contacts = [row for row in follow_ups if row[5] != ContactChannel.SELF_SERVICE]
    if staff_contacts:
        created_at, outcome, *_rest = staff_contacts[-1]
        card.last_outcome = outcome
        card.last_contact_at = created_at
        card.contacted_today = timezone.localdate(created_at) == day
    if follow_ups:
        _created_at, outcome, _date, _amount, callback_at, channel = follow_ups[-1]
        if outcome == Outcome.CALLBACK and callback_at is not None:
            card.callback_at = callback_at
            card.callback_due = timezone.localdate(callback_at) <= day
            card.callback_requested = channel == ContactChannel.SELF_SERVICE
    if promise is not None:
        if promise_state == PENDING:
            card.promise_date, card.promise_amount = promise.promised_date, promise.amount
            card.promise_self_service = promise_channel == ContactChannel.SELF_SERVICE
            card.promise_reminded = promise.promised_date in reminders
        card.promise_broken = promise_state == BROKEN
    return card


# One household's history ------------------------------------------------------------------------------------


@dataclass
class HistoryEntry:
    """One line of a household's history: a contact (with its promise, payment, issue) or an issue event."""

    kind: str  # "contact", "issue_raised", "issue_closed"
    at: datetime
    contact: Contact | None = None
    issue: IssueRaised | None = None  # for the issue events; a contact's own issue is ``contact_issue``
    promise_state: str = ""
    editable: bool = False  # the viewer may still edit or withdraw this contact (set by the view)
    issue_hidden: bool = False  # the contact's issue is routed to a department the viewer does not follow (view)

    @property
    def contact_issue(self) -> IssueRaised | None:
        return getattr(self.contact, "issue", None) if self.contact is not None else None


def household_history(household: Household, today: date) -> list[HistoryEntry]:
    """Every contact (withdrawn ones included), promise (with its state), field payment and issue of a household,
    newest first."""
    # Withdrawn contacts too: the history shows them struck through, with every change.
    contacts = list(
        Contact.all_objects.filter(household=household)
        .select_related("staff", "payment", "issue__department", "sms_message")
        .prefetch_related("revisions__changed_by")
        .order_by("-created_at", "-pk")
    )
    issues = list(
        IssueRaised.objects.filter(household=household).select_related("department", "raised_by", "closed_by")
    )
    promised = [c for c in contacts if c.outcome == Outcome.PROMISED and c.promised_date and c.withdrawn_at is None]
    promises = [Promise.from_contact(household.pk, c.created_at, c.promised_date, c.promised_amount) for c in promised]
    states = {c.pk: state for c, state in zip(promised, judge_all(promises, today), strict=True)}
    history = [
        HistoryEntry("contact", contact.created_at, contact=contact, promise_state=states.get(contact.pk, ""))
        for contact in contacts
    ]
    for issue in issues:
        if issue.contact_id is None:
            history.append(HistoryEntry("issue_raised", issue.created_at, issue=issue))
        if issue.status == IssueStatus.CLOSED and issue.closed_at is not None:
            history.append(HistoryEntry("issue_closed", issue.closed_at, issue=issue))
    history.sort(key=lambda entry: entry.at, reverse=True)
    return history
