"""The one promise judge: whether a promise to pay (承诺缴费) was kept, is still pending, or was broken.

DOMAIN.md: a promise is kept when verified payments on or before the promised date (plus one day's grace) reach the
promised amount, or, when no amount was given, clear the balance. Payments count from the local day the promise was
made; the balance is the household's overdue principal at the end of that window (or today, when the window has not
ended yet). The split, the collector's card and history, the team page and the dashboard's league all ask here.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from arrears.ledger_sql import ids_scope
from arrears.models import Household, Payment
from arrears.models.ledger import PaymentStatus
from arrears.positions import owing_on

PROMISE_GRACE = timedelta(days=1)
KEPT, BROKEN, PENDING = "kept", "broken", "pending"


@dataclass(frozen=True)
class Promise:
    """A household's promise to pay by a date, optionally of an amount, made on a local day."""

    household_id: int
    made_on: date
    promised_date: date
    amount: Decimal | None

    @classmethod
    def from_contact(cls, household_id: int, created_at: datetime, promised_date: date, amount: Decimal | None):
        """The promise of a contact recorded at ``created_at``: made on that instant's local date."""
        return cls(household_id, timezone.localdate(created_at), promised_date, amount)

    @property
    def window_end(self) -> date:
        return self.promised_date + PROMISE_GRACE

    def judged_on(self, today: date) -> date:
        """The day whose balance decides a promise without an amount."""
        return min(today, self.window_end)


def judge(promise: Promise, payments: Sequence[tuple[date, Decimal]], balance: Decimal | None, today: date) -> str:
    """KEPT, BROKEN (the grace day has passed without it being kept) or PENDING. Pure.

    ``payments`` are the household's verified payments (paid on, amount); ``balance`` its overdue principal on
    ``promise.judged_on(today)`` (only read for a promise without an amount).
    """
    if _kept(promise, paid_within(promise, payments), balance):
        return KEPT
    return BROKEN if today > promise.window_end else PENDING


def paid_within(promise: Promise, payments: Sequence[tuple[date, Decimal]]) -> Decimal:
    """What the household paid from the day the promise was made to the end of its window."""
    return sum((amount for when, amount in payments if promise.made_on <= when <= promise.window_end), Decimal(0))


def _kept(promise: Promise, paid: Decimal, balance: Decimal | None) -> bool:
    if promise.amount is not None:
        return paid >= promise.amount
    return paid > 0 and balance is not None and balance <= 0


def judge_all(promises: Sequence[Promise], today: date) -> list[str]:
    """The state of each promise on ``today``: two queries whatever their number (payments, then balances, which
    only a promise without an amount and with something paid in its window needs)."""
    if not promises:
        return []
    households = {p.household_id for p in promises}
    payments: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    for household_id, paid_on, amount in Payment.objects.filter(
        household__in=ids_scope(Household, households),  # one array parameter, however many (the league: 30,000)
        status=PaymentStatus.VERIFIED,
        paid_on__gte=min(p.made_on for p in promises),
        paid_on__lte=max(p.window_end for p in promises),
    ).values_list("household_id", "paid_on", "amount"):
        payments[household_id].append((paid_on, amount))
    balances = owing_on(
        (p.household_id, p.judged_on(today))
        for p in promises
        if p.amount is None and paid_within(p, payments.get(p.household_id, ())) > 0
    )
    return [
        judge(p, payments.get(p.household_id, ()), balances.get((p.household_id, p.judged_on(today))), today)
        for p in promises
    ]
