"""The sending rate (``SMS_RATE_PER_SECOND``), held across every worker and batch.

A job reserves a run of sending slots at a time on one shared row (``SmsThrottle``, locked while it moves the next
free slot on), then sends each message at its slot. Two jobs running at once therefore take turns rather than
doubling the rate.
"""

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction

from . import clock
from .models import SmsThrottle

KEY = "sms"


def slots_reserve(*, count: int, rate: Decimal, now: datetime) -> datetime:
    """Reserve ``count`` slots at ``rate`` per second; returns the first slot's time (now or later)."""
    if rate <= 0 or count <= 0:
        return now
    span = timedelta(seconds=float(Decimal(count) / rate))
    for _attempt in range(2):
        try:
            with transaction.atomic():
                row = SmsThrottle.objects.select_for_update().filter(key=KEY).first()
                if row is None:
                    SmsThrottle.objects.create(key=KEY, next_slot=now + span)
                    return now
                start = max(now, row.next_slot)
                row.next_slot = start + span
                row.save(update_fields=["next_slot"])
                return start
        except IntegrityError:  # another worker created the row first: lock it this time
            continue
    raise RuntimeError("could not reserve SMS slots")


class Pacer:
    """Hands out the moment each message may go, reserving slots ``block`` at a time, and waits for it."""

    def __init__(
        self,
        rate: Decimal,
        *,
        block: int = 20,
        now: Callable[[], datetime] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.rate = Decimal(rate)
        self.block = block
        self.now = now or clock.now
        self.sleep = sleep
        self._slots: list[datetime] = []

    def next_slot(self) -> datetime:
        """When the next message may go (reserving another block when this one is used up)."""
        if self.rate <= 0:
            return self.now()
        if not self._slots:
            start = slots_reserve(count=self.block, rate=self.rate, now=self.now())
            step = timedelta(seconds=float(1 / self.rate))
            self._slots = [start + step * index for index in range(self.block)]
        return self._slots[0]

    def take(self) -> None:
        """Wait until the next slot, and use it."""
        if self.rate <= 0:
            return
        slot = self.next_slot()
        delay = (slot - self.now()).total_seconds()
        if delay > 0:
            self.sleep(delay)
        self._slots.pop(0)
