"""Writes of the dashboard: computing and saving the snapshots."""

import time
from datetime import date

from django.db import transaction
from django.utils import timezone

from arrears.models import Community

from .league import league_figures, objections_weekly
from .models import DashboardSnapshot
from .snapshot import ledger_figures


def snapshot_compute(*, community: Community, as_of: date) -> dict:
    """Everything a snapshot holds for one community as of a day; the league and objections run from 1 January."""
    figures, owing = ledger_figures(community, as_of)
    year_start = date(as_of.year, 1, 1)
    figures["league"] = league_figures(community, year_start, as_of, owing)
    figures["objections"] = objections_weekly(community, year_start, as_of)
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
