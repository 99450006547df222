"""Reads side by side (core.lanes): on PostgreSQL, outside a transaction, each read runs on a connection of its own;
inside one, or on SQLite, in turn on this connection. The dashboard's snapshot is the same either way."""

import threading

import pytest
from django.db import connection

from core import lanes
from dashboard.services import snapshot_compute
from tests.factories_dashboard import AS_OF, hand_league, hand_ledger

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent reads need PostgreSQL")


def _backend() -> tuple[int, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()" if connection.vendor == "postgresql" else "SELECT 0")
        return threading.get_ident(), cursor.fetchone()[0]


def test_inside_a_transaction_the_reads_run_in_turn_on_this_connection(db):
    assert connection.in_atomic_block
    assert not lanes.concurrent()
    results = lanes.side_by_side(lambda: 1, _backend, lambda: "three")
    assert results[0] == 1 and results[2] == "three"
    assert results[1] == _backend()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_each_read_has_its_own_thread_and_connection():
    assert lanes.concurrent()
    mine = _backend()
    found = lanes.side_by_side(_backend, _backend, _backend)
    assert len({thread for thread, _pid in found}) == 3
    assert len({pid for _thread, pid in found}) == 3
    assert mine not in found and mine[1] not in {pid for _thread, pid in found}
    assert _backend() == mine  # this thread's connection is untouched


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_an_error_in_one_read_is_raised_once_the_others_are_done():
    finished = []

    def slow():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(0.2)")
        finished.append("slow")

    def broken():
        raise ValueError("读取失败")

    with pytest.raises(ValueError, match="读取失败"):
        lanes.side_by_side(broken, slow)
    assert finished == ["slow"]


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_snapshot_read_side_by_side_equals_the_one_read_in_turn(monkeypatch):
    ledger = hand_ledger()
    hand_league(ledger)
    together = snapshot_compute(community=ledger["community"], as_of=AS_OF)
    monkeypatch.setattr(lanes, "concurrent", lambda: False)
    in_turn = snapshot_compute(community=ledger["community"], as_of=AS_OF)
    assert together == in_turn
    assert together["totals"]["households_in_arrears"] == 2  # A and C (B has paid all that is due)
    assert together["league"]["staff"]
