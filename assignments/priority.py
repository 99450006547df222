"""The order of a collector's list for the day, and whether a promise was kept. Pure.

DOMAIN.md: promises due today or tomorrow, callbacks and resolved issues due, broken promises, never contacted,
then by amount owed.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import IntEnum


class Tier(IntEnum):
    PROMISE_DUE = 0  # 承诺今明两天缴费
    FOLLOW_UP = 1  # 约定回访到期 / 问题已解决,请回访
    BROKEN_PROMISE = 2  # 承诺未兑现
    NEVER_CONTACTED = 3  # 从未联系
    OTHER = 4


PROMISE_GRACE = timedelta(days=1)


@dataclass(frozen=True)
class Promise:
    """A promise to pay by a date, optionally of an amount."""

    made_on: date
    promised_date: date
    amount: Decimal | None


def promise_kept(promise: Promise, payments: list[tuple[date, Decimal]], balance_after: Decimal | None) -> bool:
    """Kept when verified payments from the day it was made to the promised date (plus a day's grace) reach the
    promised amount, or, with no amount, when the balance was cleared (``balance_after`` ≤ 0)."""
    window_end = promise.promised_date + PROMISE_GRACE
    paid = sum((amount for when, amount in payments if promise.made_on <= when <= window_end), Decimal(0))
    if promise.amount is not None:
        return paid >= promise.amount
    return paid > 0 and balance_after is not None and balance_after <= 0


def promise_state(promise: Promise, *, kept: bool, today: date) -> str:
    """'kept', 'broken' (the grace day has passed without it being kept) or 'pending'."""
    if kept:
        return "kept"
    if today > promise.promised_date + PROMISE_GRACE:
        return "broken"
    return "pending"


@dataclass(frozen=True)
class TaskFacts:
    """What the ordering reads of one household on the day."""

    key: str
    arrears: Decimal
    contacted: bool = False
    open_promise_date: date | None = None  # a promise not yet kept
    promise_broken: bool = False
    callback_due: date | None = None  # the local date of an agreed callback
    issue_resolved: bool = False  # an issue closed since the last contact


def tier(facts: TaskFacts, today: date) -> Tier:
    if facts.open_promise_date is not None and today <= facts.open_promise_date <= today + timedelta(days=1):
        return Tier.PROMISE_DUE
    if facts.issue_resolved or (facts.callback_due is not None and facts.callback_due <= today):
        return Tier.FOLLOW_UP
    if facts.promise_broken:
        return Tier.BROKEN_PROMISE
    if not facts.contacted:
        return Tier.NEVER_CONTACTED
    return Tier.OTHER


def order_tasks(tasks: list[TaskFacts], today: date) -> list[TaskFacts]:
    """A collector's households in the day's order: by tier, then largest arrears, then key."""
    return sorted(tasks, key=lambda t: (tier(t, today), -t.arrears, t.key))
