"""The order of a collector's list for the day. Pure (whether a promise was kept: assignments.promises).

DOMAIN.md: promises due today or tomorrow, callbacks and resolved issues due, broken promises, never contacted,
then by amount owed.
"""

from datetime import date, timedelta
from decimal import Decimal
from enum import IntEnum
from typing import NamedTuple


class Tier(IntEnum):
    PROMISE_DUE = 0  # 承诺今明两天缴费
    FOLLOW_UP = 1  # 约定回访到期 / 问题已解决,请回访
    BROKEN_PROMISE = 2  # 承诺未兑现
    NEVER_CONTACTED = 3  # 从未联系
    OTHER = 4


class TaskFacts(NamedTuple):
    """What the ordering reads of one household on the day (a named tuple: one per household in the day's split)."""

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
