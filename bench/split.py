"""Benchmark of the daily split: N households in arrears over S staff, including the database writes.

    .venv/bin/python bench/split.py [--households 100000] [--staff 2000]

Drops and recreates its own database (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/wuye_bench_split),
seeds N households all in arrears and S staff with seed_demo, creates a campaign, then times in one process:
day 1 (everyone new: dealt from scratch), day 2 (nothing changed: everyone keeps their households) and day 3 with
one staff member in twenty on leave (their households dealt to the others). Each figure is ``split_for_day`` from
call to commit: loading arrears, contacts and yesterday's split, dealing, ordering, and writing the assignments.
"""

import argparse
import os
import sys
import time
from datetime import timedelta

from common import ROOT, manage, recreate

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/wuye_bench_split"
SPLIT_LIMIT_S = 5.0  # goal: 100,000 households over 2,000 staff, writes included, in under 5 s


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--staff", type=int, default=2_000)
    parser.add_argument("--reuse", action="store_true", help="keep the database a previous run seeded")
    args = parser.parse_args()
    url = os.environ.get("BENCH_SPLIT_DATABASE_URL", DEFAULT_URL)
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_DEBUG": "1", "CELERY_BROKER_URL": ""}
    if not args.reuse:
        recreate(url)
        manage("migrate", "-v0", env=env)
        started = time.perf_counter()
        manage(
            "seed_demo",
            f"--households={args.households}",
            f"--delinquent={args.households}",
            f"--staff={args.staff}",
            "-v0",
            env=env,
        )
        print(f"seed_demo {args.households} households, {args.staff} staff: {time.perf_counter() - started:.1f} s")

    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from arrears.models import Community
    from assignments.models import Assignment, Campaign, Staff, StaffLeave
    from assignments.services import split_for_day

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    # A new campaign far from any earlier run's days, so day 1 deals everything from scratch.
    today = timezone.localdate() + timedelta(days=40 * Campaign.objects.count())
    Campaign.objects.all().delete()
    campaign = Campaign.objects.create(name="bench", start_date=today, end_date=today + timedelta(days=30))
    campaign.communities.set(Community.objects.all())
    staff_ids = list(Staff.objects.order_by("pk").values_list("pk", flat=True))
    for pk in staff_ids[::20]:
        StaffLeave.objects.create(staff_id=pk, start_date=today + timedelta(days=2), end_date=today + timedelta(days=2))

    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute("SELECT SUM(amount) FROM arrears_charge")
        cursor.fetchone()
        yardstick = time.perf_counter() - started
    print(
        f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}; database: "
        f"{connection.cursor().connection.info.server_version}; SELECT SUM(amount) of the charges {yardstick:.2f} s"
    )
    for offset, label in ((0, "day 1, all new"), (1, "day 2, unchanged"), (2, "day 3, 5% of staff on leave")):
        day = today + timedelta(days=offset)
        started = time.perf_counter()
        run = split_for_day(campaign=campaign, day=day)
        seconds = time.perf_counter() - started
        written = Assignment.objects.filter(campaign=campaign, day=day).count()
        s = run.stats
        print(
            f"{label}: {seconds:.2f} s (limit {SPLIT_LIMIT_S:.0f} s: {seconds / SPLIT_LIMIT_S:.2f} of it; "
            f"{seconds / yardstick:.0f}× the SUM) — {written} assignments over {s['staff']} staff, "
            f"{s['min']}–{s['max']} each, moved {s['moved']}, new {s['new']}, arrears CV {s['arrears_cv']}, "
            f"buildings/person {s['buildings_per_person_mean']}"
        )


if __name__ == "__main__":
    main()
