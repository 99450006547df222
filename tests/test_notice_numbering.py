"""Notice numbers: <CODE>-TZ-<YEAR>-<00001>, gapless per community and year, also under concurrency."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from notices.models import NoticeCounter
from notices.numbering import next_notice_number
from tests.factories import CommunityFactory


@pytest.mark.django_db
def test_numbers_run_per_community_and_year():
    hy, gd = CommunityFactory(code="HY"), CommunityFactory(code="GD")
    taken = [
        next_notice_number(community_id=hy.pk, community_code="HY", year=2026),
        next_notice_number(community_id=hy.pk, community_code="HY", year=2026),
        next_notice_number(community_id=gd.pk, community_code="GD", year=2026),
        next_notice_number(community_id=hy.pk, community_code="HY", year=2027),
    ]
    assert taken == [(1, "HY-TZ-2026-00001"), (2, "HY-TZ-2026-00002"), (1, "GD-TZ-2026-00001"), (1, "HY-TZ-2027-00001")]


@pytest.mark.django_db
def test_a_rolled_back_number_is_given_again():
    community = CommunityFactory(code="RB")
    with pytest.raises(RuntimeError), transaction.atomic():
        next_notice_number(community_id=community.pk, community_code="RB", year=2026)
        raise RuntimeError
    assert next_notice_number(community_id=community.pk, community_code="RB", year=2026)[1] == "RB-TZ-2026-00001"


THREADS = 8
PER_THREAD = 8


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are only meaningful on PostgreSQL")
def test_concurrent_numbering_is_distinct_and_gapless(monkeypatch):
    community = CommunityFactory(code="NC")
    original_save = NoticeCounter.save

    def slow_save(self, *args, **kwargs):
        time.sleep(0.005)  # widen the read-to-write window so a missing lock would show
        return original_save(self, *args, **kwargs)

    monkeypatch.setattr(NoticeCounter, "save", slow_save)
    taken: list[str] = []
    errors: list[Exception] = []
    barrier = threading.Barrier(THREADS)

    def work():
        try:
            barrier.wait()
            for _ in range(PER_THREAD):
                with transaction.atomic():
                    taken.append(next_notice_number(community_id=community.pk, community_code="NC", year=2026)[1])
        except Exception as exc:  # surfaced by the assert below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(taken) == [f"NC-TZ-2026-{n:05d}" for n in range(1, THREADS * PER_THREAD + 1)]
