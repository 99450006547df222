"""Background entry points of the dashboard."""

from datetime import date

from celery import shared_task

from .services import snapshot_refresh_claimed, snapshots_refresh


@shared_task(name="dashboard.refresh_snapshots")
def refresh_snapshots(day: str | None = None) -> dict[str, int]:
    """Refresh every community's snapshot for ``day`` (YYYY-MM-DD, default today); overwrites, so safe to repeat.

    Returns {community code: snapshot id}.
    """
    as_of = date.fromisoformat(day) if day else None
    return {snapshot.community.code: snapshot.pk for snapshot in snapshots_refresh(as_of=as_of)}


@shared_task(name="dashboard.refresh_community", acks_late=True, ignore_result=True)
def refresh_community(community_id: int) -> int | None:
    """Refresh one community's snapshot for today, as asked by dashboard.services.snapshot_refresh_soon; a job
    delivered twice refreshes once. Returns the snapshot's id (None when another job had done it)."""
    snapshot = snapshot_refresh_claimed(community_id=community_id)
    return snapshot.pk if snapshot is not None else None
