"""Benchmark of ``arrears_report --json`` over a whole community of 100,000 households on PostgreSQL.

    .venv/bin/python bench/report.py [--runs 3]

Reads the database ``bench/dashboard.py`` seeded (BENCH_DASH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/wuye_bench_dash: 100,000 households, 24 months of charges, 30% in arrears; run
that benchmark first). In one process it times ``SELECT SUM(amount) FROM arrears_charge`` (the yardstick of the
machine's speed in this run), then ``arrears_report --as-of TODAY --json`` through ``call_command`` with its output
discarded (every household in arrears with its principal, late fee and oldest due date, and the collection rates),
and prints each figure beside the 5 s limit, the ratio to the yardstick, the load and the process's peak memory.
"""

import argparse
import io
import os
import resource
import statistics
import sys
import time

from common import ROOT

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/wuye_bench_dash"
REPORT_LIMIT_S = 5.0  # goal: the whole community of 100,000 households in under 5 s


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ.update(
        DATABASE_URL=os.environ.get("BENCH_DASH_DATABASE_URL", DEFAULT_URL),
        DJANGO_DEBUG="1",
        CELERY_BROKER_URL="",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from arrears.models import Community, Household

    community = Community.objects.order_by("pk").first()
    if community is None:
        raise SystemExit("no community: run bench/dashboard.py first")
    today = timezone.localdate().isoformat()
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute("SELECT SUM(amount) FROM arrears_charge")
        cursor.fetchone()
        yardstick = time.perf_counter() - started
    households = Household.objects.filter(community=community).count()
    print(
        f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}; {households} households; "
        f"SELECT SUM(amount) of the charges {yardstick:.2f} s"
    )
    samples = []
    size = 0
    for _run in range(args.runs):
        out = io.StringIO()
        started = time.perf_counter()
        call_command("arrears_report", as_of=today, community=community.code, json=True, stdout=out)
        samples.append(time.perf_counter() - started)
        size = len(out.getvalue())
    seconds = statistics.median(samples)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"arrears_report --json, median of {args.runs}: {seconds:.2f} s (min {min(samples):.2f}) — limit "
        f"{REPORT_LIMIT_S:.0f} s ({seconds / REPORT_LIMIT_S:.2f} of it); {seconds / yardstick:.1f}× the SUM; "
        f"{size / 1024 / 1024:.1f} MB of JSON; peak memory {peak_mb:.0f} MB; load {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main()
