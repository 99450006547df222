"""Receipt numbers under concurrent verification: distinct and gapless (PostgreSQL, real row locks)."""

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction

from arrears.models import Community, Payment, ReceiptCounter
from arrears.services import payment_verify
from arrears.services.payments import next_receipt_number
from tests.factories import ChargeFactory, CommunityFactory, HouseholdFactory, PaymentFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are only meaningful on PostgreSQL"),
]

THREADS = 8
PER_THREAD = 10


def run_in_threads(work, chunks):
    barrier = threading.Barrier(len(chunks))
    errors = []

    def target(chunk):
        try:
            barrier.wait()
            work(chunk)
        except Exception as exc:  # surfaced in the main thread's assert
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(chunk,)) for chunk in chunks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_concurrent_counter_takes_distinct_gapless_numbers(monkeypatch):
    community = CommunityFactory(code="RC")
    original_save = ReceiptCounter.save

    def slow_save(self, *args, **kwargs):
        # Widen the window between reading and writing the counter, so that a missing lock shows.
        time.sleep(0.005)
        return original_save(self, *args, **kwargs)

    monkeypatch.setattr(ReceiptCounter, "save", slow_save)
    taken = []

    def work(count):
        for _ in range(count):
            with transaction.atomic():
                taken.append(next_receipt_number(community_id=community.pk, community_code="RC", year=2026))

    errors = run_in_threads(work, [PER_THREAD] * THREADS)
    assert errors == []
    assert sorted(taken) == [f"RC-2026-{n:06d}" for n in range(1, THREADS * PER_THREAD + 1)]


def test_concurrent_verification_gives_distinct_gapless_receipts():
    households = [HouseholdFactory(community__code="CC") for _ in range(THREADS * PER_THREAD // 2)]
    for household in households:
        ChargeFactory(household=household, amount=Decimal("1000.00"))
    ids = [
        PaymentFactory(household=households[i % len(households)], amount=Decimal("10.00")).pk
        for i in range(THREADS * PER_THREAD)
    ]

    def work(chunk):
        for pk in chunk:
            payment_verify(payment_id=pk, verified_by=None)

    errors = run_in_threads(work, [ids[i::THREADS] for i in range(THREADS)])
    assert errors == []
    community = Community.objects.get(code="CC")
    numbers = sorted(Payment.objects.filter(community=community).values_list("receipt_no", flat=True))
    assert [int(n.rsplit("-", 1)[1]) for n in numbers] == list(range(1, THREADS * PER_THREAD + 1))
    # Allocations never exceed a charge: two payments of 10.00 per household.
    for household in households:
        assert sum(a.amount for a in household.charges.get().allocations.all()) == Decimal("20.00")
