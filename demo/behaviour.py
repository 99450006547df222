"""How each demo household pays: its profile, its payments and how they are allocated. Pure.

The plan is exact by construction: a paying household has paid every charge due before ``today``, and a
household in arrears still owes part of at least one, so ``arrears_report`` counts exactly the delinquent ones.
"""

import calendar
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from arrears.allocation import allocate
from arrears.models.households import Occupancy, Segment
from arrears.models.ledger import PaymentChannel
from arrears.money import ZERO

# Households that are up to date, by how they pay.
ON_TIME = "on_time"  # every month, before the due date
LATE = "late"  # every month, usually a few days after the due date (inside the grace period)
QUARTERLY = "quarterly"  # a quarter at once, in the quarter's first month
PAYING_MIX = ((ON_TIME, 0.6), (LATE, 0.2), (QUARTERLY, 0.2))

# Households in arrears, by why (DOMAIN.md's segments and the seed's causes), with their share.
RECENT = "recent"  # a month or two behind
SWING = "swing"  # 摇摆户: pays in irregular lumps, now 2–6 months behind
ABSENTEE = "absentee"  # 长期外出: pays when back, now 3–12 months behind
VACANT = "vacant"  # 空置: sees no reason to pay for an empty flat, 6–18 months behind
HARD_REFUSER = "hard_refuser"  # 钉子户: stopped paying 12–24 months ago
KEY_PERSON = "key_person"  # 关键人物: an opinion leader who stopped paying, 3–9 months behind
DELINQUENT_MIX = (
    (RECENT, 0.42),
    (SWING, 0.18),
    (ABSENTEE, 0.13),
    (VACANT, 0.12),
    (HARD_REFUSER, 0.12),
    (KEY_PERSON, 0.03),
)

_SEGMENTS = {
    SWING: (Segment.SWING,),
    ABSENTEE: (Segment.ABSENTEE,),
    HARD_REFUSER: (Segment.HARD_REFUSER,),
    KEY_PERSON: (Segment.KEY_PERSON,),
}
_CHANNELS_LOCAL = (
    (PaymentChannel.WECHAT, 45),
    (PaymentChannel.ALIPAY, 22),
    (PaymentChannel.DIRECT_DEBIT, 10),
    (PaymentChannel.CASH, 9),
    (PaymentChannel.POS, 8),
    (PaymentChannel.BANK, 6),
)
_CHANNELS_AWAY = ((PaymentChannel.BANK, 50), (PaymentChannel.DIRECT_DEBIT, 20), (PaymentChannel.WECHAT, 30))
FIELD_CHANNELS = frozenset({PaymentChannel.CASH, PaymentChannel.POS})  # taken by a collector in person


class PlanError(AssertionError):
    """A generated household broke the plan's promise (a bug in this module, never bad input)."""


@dataclass(frozen=True, slots=True)
class Month:
    """One billing month: the calendar month, due on its last day."""

    start: date
    end: date

    @property
    def due(self) -> date:
        return self.end


@dataclass(slots=True)
class PlannedPayment:
    """A verified payment and the (month index, amount) parts it pays, oldest due first."""

    paid_on: date
    amount: Decimal
    channel: str
    parts: list[tuple[int, Decimal]] = field(default_factory=list)


@dataclass(slots=True)
class HouseholdPlan:
    """What one household is like and everything it paid."""

    profile: str
    occupancy: str
    segments: tuple[str, ...]
    away: bool  # lives elsewhere: a distant mailing address
    payments: list[PlannedPayment]


def month_window(today: date, count: int) -> list[Month]:
    """``count`` calendar months ending with the month of ``today``, oldest first."""
    months = []
    year, month = today.year, today.month
    for _ in range(count):
        last = calendar.monthrange(year, month)[1]
        months.append(Month(date(year, month, 1), date(year, month, last)))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def shares(total: int, mix) -> list[tuple[str, int]]:
    """Split ``total`` over the named shares by largest remainder (ties go to the earlier name)."""
    raw = [(name, total * share) for name, share in mix]
    counts = {name: int(value) for name, value in raw}
    left = total - sum(counts.values())
    by_remainder = sorted(range(len(raw)), key=lambda i: (-(raw[i][1] - int(raw[i][1])), i))
    for i in by_remainder[:left]:
        counts[raw[i][0]] += 1
    return [(name, counts[name]) for name, _share in mix]


def _pick(rng: random.Random, weighted) -> str:
    names, weights = zip(*weighted, strict=True)
    return rng.choices(names, weights=weights)[0]


def _monthly(months, stop, today, rng, *, late: bool) -> list[tuple[date, list[int]]]:
    events = []
    for index in range(stop):
        month = months[index]
        paid_on = None
        if late and rng.random() < 0.7:
            paid_on = month.due + timedelta(days=rng.randint(1, 12))
        if paid_on is None or paid_on > today:
            paid_on = max(month.start, month.due - timedelta(days=rng.randint(0, 20)))
        if paid_on > today:  # this month is not due yet and not paid yet
            break
        events.append((paid_on, [index]))
    return events


def _quarterly(months, stop, today, rng) -> list[tuple[date, list[int]]]:
    events: list[tuple[date, list[int]]] = []
    index = 0
    while index < stop:
        quarter = (months[index].start.year, (months[index].start.month - 1) // 3)
        group = [index]
        while group[-1] + 1 < stop and _quarter_of(months[group[-1] + 1]) == quarter:
            group.append(group[-1] + 1)
        first = months[index]
        paid_on = first.start + timedelta(days=rng.randint(0, first.end.day - 1))
        if paid_on > today:  # the quarter's first month is not due yet: nothing of it is overdue
            break
        events.append((paid_on, group))
        index = group[-1] + 1
    return events


def _quarter_of(month: Month) -> tuple[int, int]:
    return month.start.year, (month.start.month - 1) // 3


def _lumps(months, stop, today, rng, sizes, max_delay) -> list[tuple[date, list[int]]]:
    """Several months at once, paid some time after the last of them fell due."""
    events = []
    index = 0
    while index < stop:
        group = list(range(index, min(stop, index + rng.choice(sizes))))
        paid_on = min(today, months[group[-1]].due + timedelta(days=rng.randint(0, max_delay)))
        events.append((paid_on, group))
        index = group[-1] + 1
    return events


def _history(profile: str, months, stop, today, rng) -> list[tuple[date, list[int]]]:
    """Payments covering months [0, stop), in the household's habit."""
    if profile == SWING:
        return _lumps(months, stop, today, rng, (2, 3, 4), 45)
    if profile == ABSENTEE:
        return _lumps(months, stop, today, rng, (3, 6, 6), 60)
    if profile == VACANT:
        return _lumps(months, stop, today, rng, (6, 12), 90)
    if profile == HARD_REFUSER:
        habit = LATE if rng.random() < 0.7 else ON_TIME
    elif profile == KEY_PERSON:
        habit = ON_TIME
    elif profile == RECENT:
        habit = _pick(rng, ((ON_TIME, 6), (LATE, 3), (QUARTERLY, 1)))
    else:
        habit = profile
    if habit == QUARTERLY:
        return _quarterly(months, stop, today, rng)
    return _monthly(months, stop, today, rng, late=habit == LATE)


_OWED_MONTHS = {
    RECENT: (1, 2),
    SWING: (2, 6),
    ABSENTEE: (3, 12),
    VACANT: (6, 18),
    HARD_REFUSER: (12, 24),
    KEY_PERSON: (3, 9),
}


def plan_household(
    *, profile: str, months: list[Month], monthly: Decimal, today: date, rng: random.Random
) -> HouseholdPlan:
    """The payments of one household over ``months`` (the last is the current month, not yet due)."""
    overdue = sum(1 for month in months if month.due < today)
    delinquent = profile in _OWED_MONTHS
    if delinquent:
        low, high = _OWED_MONTHS[profile]
        owed = min(overdue, rng.randint(low, high))
        events = _history(profile, months, overdue - owed, today, rng)
    else:
        events = _history(profile, months, len(months), today, rng)
    away, occupancy = _whereabouts(profile, rng)
    segments = _SEGMENTS.get(profile, ())
    if not delinquent and rng.random() < 0.005:
        segments = (Segment.KEY_PERSON,)  # an opinion leader who pays and says so
    if away and not segments and profile != VACANT:
        segments = (Segment.ABSENTEE,)
    channel = _pick(rng, _CHANNELS_AWAY if away else _CHANNELS_LOCAL)
    payments = [PlannedPayment(paid_on, monthly * len(group), _channel(channel, rng)) for paid_on, group in events]
    if delinquent and profile in (SWING, KEY_PERSON) and rng.random() < 0.35:
        payments.append(_partial(months, overdue, owed, monthly, today, rng, channel))
    left = _allocate(payments, months, monthly)
    _check(delinquent, payments, left, overdue, today)
    return HouseholdPlan(profile, occupancy, segments, away, payments)


def _whereabouts(profile: str, rng: random.Random) -> tuple[bool, str]:
    if profile == ABSENTEE:
        return True, Occupancy.ABSENT
    if profile == VACANT:
        return rng.random() < 0.6, Occupancy.VACANT
    if profile in _OWED_MONTHS:
        return False, Occupancy.OCCUPIED
    roll = rng.random()
    if roll < 0.04:
        return True, Occupancy.ABSENT
    if roll < 0.12:
        return rng.random() < 0.5, Occupancy.VACANT
    return False, Occupancy.OCCUPIED


def _channel(preferred: str, rng: random.Random) -> str:
    return preferred if rng.random() < 0.85 else _pick(rng, _CHANNELS_LOCAL)


def _partial(months, overdue, owed, monthly, today, rng, channel) -> PlannedPayment:
    """A round sum towards the arrears that leaves some still owing (先交一部分)."""
    owing = monthly * owed
    amount = max(Decimal(100), (owing * rng.randint(20, 60) / 100 // 100) * 100)
    amount = min(amount, owing - Decimal("0.01"))
    paid_on = min(today, months[overdue - 1].due + timedelta(days=rng.randint(1, 20)))
    return PlannedPayment(paid_on, amount, _channel(channel, rng))


def _allocate(payments: list[PlannedPayment], months: list[Month], monthly: Decimal) -> list[Decimal]:
    """Allocate in date order, oldest due first, as payment_verify does; return what each month still owes."""
    payments.sort(key=lambda p: p.paid_on)
    left = [monthly] * len(months)
    first_open = 0  # oldest first: every charge before this one is paid in full
    for payment in payments:
        payment.parts = allocate(payment.amount, list(enumerate(left[first_open:], first_open)))
        for index, amount in payment.parts:
            left[index] -= amount
        while first_open < len(left) and left[first_open] <= ZERO:
            first_open += 1
    return left


def _check(delinquent: bool, payments: list[PlannedPayment], left: list[Decimal], overdue: int, today: date) -> None:
    for payment in payments:
        if payment.paid_on > today or sum(amount for _index, amount in payment.parts) != payment.amount:
            raise PlanError(f"{payment} is dated after {today} or not fully allocated")
    owing = sum(left[:overdue])
    if (owing > 0) != delinquent:
        raise PlanError(f"a {'delinquent' if delinquent else 'paying'} household owes {owing} on {today}")
