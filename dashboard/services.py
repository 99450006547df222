"""Writes of the dashboard: computing and saving the snapshots, and refreshing them soon after a change."""

import logging
import time
from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from arrears.models import Community
from core.lanes import side_by_side

from .league import league_facts, league_figures, objections_weekly
from .models import DashboardSnapshot, SnapshotRefresh
from .snapshot import ledger_figures

logger = logging.getLogger(__name__)
# A request whose job has not started after this long is taken to be lost (a broker restarted) and queued again.
LOST_JOB_SECONDS = 15 * 60


def snapshot_compute(*, community: Community, as_of: date) -> dict:
    """Everything a snapshot holds for one community as of a day; the league and objections run from 1 January."""
    year_start = date(as_of.year, 1, 1)
    # The league's reads need nothing of the ledger's until the end: they run beside it the whole time (core.lanes).
    (figures, owing), (facts, objections) = side_by_side(
        lambda: ledger_figures(community, as_of),
        lambda: (league_facts(community, year_start, as_of), objections_weekly(community, year_start, as_of)),
    )
    figures["league"] = league_figures(community, year_start, as_of, owing, facts=facts)
    figures["objections"] = objections
    return figures


def snapshot_refresh(*, community: Community, as_of: date | None = None) -> DashboardSnapshot:
    """Compute and save (or overwrite) the snapshot of a community for a day (default today); safe to run twice."""
    as_of = as_of or timezone.localdate()
    started = time.perf_counter()
    data = snapshot_compute(community=community, as_of=as_of)
    seconds = time.perf_counter() - started
    with transaction.atomic():
        snapshot, _created = DashboardSnapshot.objects.update_or_create(
            community=community,
            as_of=as_of,
            defaults={"data": data, "computed_at": timezone.now(), "seconds": round(seconds, 3)},
        )
    return snapshot


def snapshots_refresh(
    *, as_of: date | None = None, community_codes: list[str] | None = None
) -> list[DashboardSnapshot]:
    """Refresh the snapshot of every community (or of the given codes) for a day."""
    communities = Community.objects.all()
    if community_codes:
        communities = communities.filter(code__in=community_codes)
    return [snapshot_refresh(community=community, as_of=as_of) for community in communities]


def refresh_interval() -> int:
    """Seconds between two refreshes of a community's snapshot asked for by changes (settings, default 60)."""
    return int(getattr(settings, "DASHBOARD_REFRESH_SECONDS", 60))


def snapshot_refresh_soon(*, community_ids: Iterable[int]) -> list[int]:
    """Ask for today's snapshot of these communities to be refreshed soon, after the current transaction commits.

    Call it after any change the dashboard shows (a payment verified or reversed, a contact recorded, an import).
    Debounced per community: while a job is queued nothing more is queued, and a job starts no sooner than
    ``refresh_interval()`` seconds after the previous one started, so a burst of changes costs one refresh.
    Without a broker (tasks eager) the refresh runs in the request right after the commit when none ran within the
    interval; otherwise it waits, pending, for the next change after the interval or for the dashboard page
    (``snapshots_refresh_due``). A failure to queue or to refresh is logged, never raised: the change itself has
    been saved. Returns the ids whose job this call queued.
    """
    ids = sorted({int(pk) for pk in community_ids if pk is not None})
    if not ids:
        return []
    now = timezone.now()
    interval = refresh_interval()
    eager = _eager()
    SnapshotRefresh.objects.bulk_create([SnapshotRefresh(community_id=pk) for pk in ids], ignore_conflicts=True)
    idle = Q(requested_at__isnull=True) | Q(requested_at__lt=now - timedelta(seconds=interval + LOST_JOB_SECONDS))
    queued = []
    for row in SnapshotRefresh.objects.filter(community_id__in=ids).order_by("community_id"):
        wait = _wait(row, now, interval)
        # Claim: only one caller turns an idle row into a requested one.
        claimed = SnapshotRefresh.objects.filter(idle, pk=row.pk).update(requested_at=now)
        if eager and wait > 0:
            continue  # pending: no broker to hold a delayed job
        if not claimed and not (eager and row.requested_at is not None):
            continue  # a job is queued already
        transaction.on_commit(lambda pk=row.community_id, wait=wait: _enqueue(pk, wait), robust=True)
        queued.append(row.community_id)
    return queued


def snapshots_refresh_due(*, community_ids: Iterable[int]) -> list[DashboardSnapshot]:
    """Without a broker, run the refreshes still pending for these communities whose interval has passed (the
    dashboard page calls this before it reads). With a broker the queued jobs do it: nothing runs here."""
    if not _eager():
        return []
    now = timezone.now()
    interval = refresh_interval()
    pending = SnapshotRefresh.objects.filter(community_id__in=list(community_ids), requested_at__isnull=False)
    done = []
    for row in pending:
        if _wait(row, now, interval) <= 0:
            snapshot = snapshot_refresh_claimed(community_id=row.community_id)
            if snapshot is not None:
                done.append(snapshot)
    return done


def _eager() -> bool:
    from celery import current_app

    return bool(current_app.conf.task_always_eager)


def _wait(row: SnapshotRefresh, now, interval: int) -> float:
    """Seconds until a community's next refresh may start (0 when it may start now)."""
    if row.started_at is None:
        return 0.0
    return max(0.0, interval - (now - row.started_at).total_seconds())


def _enqueue(community_id: int, countdown: float) -> None:
    from .tasks import refresh_community

    refresh_community.apply_async(args=(community_id,), countdown=round(countdown, 1) or None)


def snapshot_refresh_claimed(*, community_id: int) -> DashboardSnapshot | None:
    """The queued refresh of a community, run once: claims the request (a second delivery of the job finds it
    claimed and does nothing), then refreshes today's snapshot."""
    claimed = SnapshotRefresh.objects.filter(community_id=community_id, requested_at__isnull=False).update(
        requested_at=None, started_at=timezone.now()
    )
    if not claimed:
        return None
    community = Community.objects.filter(pk=community_id).first()
    if community is None:
        return None
    return snapshot_refresh(community=community)
