"""The dashboard's snapshot follows the day: a verified payment or a recorded contact refreshes its community's
snapshot soon after, at most once per interval, as a job queued on commit (eager without a broker)."""

import ast
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from assignments.models import Outcome
from assignments.services import contact_record
from config.celery import app
from dashboard.models import DashboardSnapshot, SnapshotRefresh
from dashboard.services import LOST_JOB_SECONDS, snapshot_refresh_soon
from dashboard.tasks import refresh_community
from tests.factories import CommunityFactory
from tests.factories_finance import collector, community_with_households, pending

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager():
    """Jobs run in-process, as without a broker (the suite may run against Redis)."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def broker():
    """Jobs go to a broker (the suite may run without one)."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def sent(monkeypatch, broker):
    """The jobs queued to the broker, as (community id, countdown), instead of sending them."""
    jobs = []
    monkeypatch.setattr(
        "dashboard.tasks.refresh_community.apply_async",
        lambda args, countdown=None: jobs.append((args[0], countdown)),
    )
    return jobs


def _today_snapshot(community):
    return DashboardSnapshot.objects.filter(community=community, as_of=timezone.localdate()).first()


def test_verifying_a_payment_refreshes_its_communitys_snapshot(
    client, user_with_role, eager, django_capture_on_commit_callbacks
):
    community, households = community_with_households()
    payment = pending(households[0], "120.00", day=timezone.localdate())
    client.force_login(user_with_role("finance"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("finance:verify", args=[payment.pk]))
    assert response.status_code == 302
    snapshot = _today_snapshot(community)
    assert snapshot is not None
    assert snapshot.data["totals"]["principal"] == "780.00"  # three times 300.00, less 120.00


def test_recording_a_contact_refreshes_the_league(eager, django_capture_on_commit_callbacks):
    community, households = community_with_households()
    staff = collector()
    with django_capture_on_commit_callbacks(execute=True):
        contact_record(household=households[0], staff=staff, channel="visit", outcome=Outcome.NO_ANSWER)
    snapshot = _today_snapshot(community)
    assert snapshot is not None
    assert snapshot.data["league"]["staff"][str(staff.pk)]["contacted_7d"] == 1


def test_a_burst_of_changes_queues_one_job_per_community(sent, django_capture_on_commit_callbacks):
    one, _households = community_with_households("HY")
    two = CommunityFactory(code="LY")
    with django_capture_on_commit_callbacks(execute=True):
        assert snapshot_refresh_soon(community_ids=[one.pk, two.pk, one.pk]) == sorted([one.pk, two.pk])
        assert snapshot_refresh_soon(community_ids=[one.pk]) == []
    with django_capture_on_commit_callbacks(execute=True):
        assert snapshot_refresh_soon(community_ids=[two.pk]) == []  # still queued
    assert sorted(sent) == sorted([(one.pk, None), (two.pk, None)])


def test_the_next_job_waits_out_the_interval_after_the_last_one_started(sent, django_capture_on_commit_callbacks):
    community, _households = community_with_households()
    started = timezone.now() - timedelta(seconds=20)
    SnapshotRefresh.objects.create(community=community, started_at=started)
    with django_capture_on_commit_callbacks(execute=True):
        snapshot_refresh_soon(community_ids=[community.pk])
    ((pk, countdown),) = sent
    assert (
        pk == community.pk
        and settings.DASHBOARD_REFRESH_SECONDS - 21 <= countdown <= settings.DASHBOARD_REFRESH_SECONDS - 19
    )


def test_nothing_is_queued_when_the_change_rolls_back(sent, django_capture_on_commit_callbacks):
    from django.db import transaction

    community, _households = community_with_households()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        snapshot_refresh_soon(community_ids=[community.pk])
        raise RuntimeError("the payment was refused")
    assert sent == []
    assert not SnapshotRefresh.objects.filter(community=community, requested_at__isnull=False).exists()


def test_a_job_delivered_twice_refreshes_once(sent, django_capture_on_commit_callbacks):
    community, _households = community_with_households()
    with django_capture_on_commit_callbacks(execute=True):
        snapshot_refresh_soon(community_ids=[community.pk])
    first = refresh_community(community.pk)
    assert first == _today_snapshot(community).pk
    assert refresh_community(community.pk) is None
    row = SnapshotRefresh.objects.get(community=community)
    assert row.requested_at is None and row.started_at is not None


def test_a_lost_job_is_queued_again(sent, django_capture_on_commit_callbacks):
    community, _households = community_with_households()
    long_ago = timezone.now() - timedelta(seconds=settings.DASHBOARD_REFRESH_SECONDS + LOST_JOB_SECONDS + 1)
    SnapshotRefresh.objects.create(community=community, requested_at=long_ago)
    with django_capture_on_commit_callbacks(execute=True):
        assert snapshot_refresh_soon(community_ids=[community.pk]) == [community.pk]
    assert len(sent) == 1


def test_a_broker_away_does_not_undo_the_verification(
    client, user_with_role, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    def broker_away(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr("dashboard.tasks.refresh_community.apply_async", broker_away)
    community, households = community_with_households()
    payment = pending(households[0], "80.00", day=timezone.localdate())
    client.force_login(user_with_role("finance"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("finance:verify", args=[payment.pk]))
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.status == "verified" and payment.amount == Decimal("80.00")
    assert "redis is down" in caplog.text


def test_the_ledger_app_never_imports_the_dashboard():
    """arrears is the bottom layer: the apps above it (finance, assignments) ask for the refresh."""
    root = Path(__file__).resolve().parent.parent / "arrears"
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not any(name.split(".")[0] == "dashboard" for name in names), path


def test_finance_and_assignments_announce_changes_through_core(sent, django_capture_on_commit_callbacks):
    """They sit below the dashboard: core.changes carries the news up to the refresh the dashboard registered."""
    from core.changes import figures_changed

    community, _households = community_with_households()
    with django_capture_on_commit_callbacks(execute=True):
        figures_changed(community_ids=[community.pk, community.pk, None])
    assert sent == [(community.pk, None)]


def test_without_a_broker_a_burst_refreshes_once_and_the_page_catches_up(
    client, user_with_role, eager, django_capture_on_commit_callbacks
):
    community, households = community_with_households()
    staff = collector()
    with django_capture_on_commit_callbacks(execute=True):
        contact_record(household=households[0], staff=staff, channel="visit", outcome=Outcome.NO_ANSWER)
    first = _today_snapshot(community)
    assert first.data["league"]["staff"][str(staff.pk)]["contacted_7d"] == 1
    with django_capture_on_commit_callbacks(execute=True):  # within the interval: left pending, not run
        contact_record(household=households[1], staff=staff, channel="visit", outcome=Outcome.NO_ANSWER)
    assert _today_snapshot(community).computed_at == first.computed_at
    assert SnapshotRefresh.objects.get(community=community).requested_at is not None

    client.force_login(user_with_role("manager"))
    client.get(reverse("dashboard"))  # the interval has not passed: the page shows the snapshot as it is
    assert _today_snapshot(community).computed_at == first.computed_at
    SnapshotRefresh.objects.filter(community=community).update(
        started_at=timezone.now() - timedelta(seconds=settings.DASHBOARD_REFRESH_SECONDS + 1)
    )
    client.get(reverse("dashboard"))  # now due: refreshed before the page reads it
    latest = _today_snapshot(community)
    assert latest.computed_at > first.computed_at
    assert latest.data["league"]["staff"][str(staff.pk)]["contacted_7d"] == 2
    assert SnapshotRefresh.objects.get(community=community).requested_at is None


def test_without_a_broker_a_pending_refresh_runs_with_the_next_change_after_the_interval(
    eager, django_capture_on_commit_callbacks
):
    community, _households = community_with_households()
    recently = timezone.now() - timedelta(seconds=5)
    SnapshotRefresh.objects.create(community=community, started_at=recently)
    with django_capture_on_commit_callbacks(execute=True):
        assert snapshot_refresh_soon(community_ids=[community.pk]) == []
    assert _today_snapshot(community) is None
    SnapshotRefresh.objects.filter(community=community).update(
        started_at=timezone.now() - timedelta(seconds=settings.DASHBOARD_REFRESH_SECONDS + 1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert snapshot_refresh_soon(community_ids=[community.pk]) == [community.pk]
    assert _today_snapshot(community) is not None


def test_with_a_broker_the_page_never_refreshes_itself(client, user_with_role, sent):
    community, _households = community_with_households()
    SnapshotRefresh.objects.create(community=community, requested_at=timezone.now())
    client.force_login(user_with_role("manager"))
    client.get(reverse("dashboard"))
    assert _today_snapshot(community) is None and sent == []
