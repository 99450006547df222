"""Background entry points of the dashboard."""

from datetime import date

from celery import shared_task

from .services import snapshots_refresh


@shared_task(name="dashboard.refresh_snapshots")
def refresh_snapshots(day: str | None = None) -> dict[str, int]:
    """Refresh every community's snapshot for ``day`` (YYYY-MM-DD, default today); overwrites, so safe to repeat.

    Returns {community code: snapshot id}.
    """
    as_of = date.fromisoformat(day) if day else None
    return {snapshot.community.code: snapshot.pk for snapshot in snapshots_refresh(as_of=as_of)}
