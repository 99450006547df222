"""Where ``arrears_report`` spends its time: each SQL statement's duration, then cProfile's top functions.

DATABASE_URL=postgres://…/wuye_bench .venv/bin/python bench/profile_report.py 2026-11-28 [out.prof]
"""

import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from datetime import date

    from django.db import connection

    from arrears.models import Community
    from arrears.reports import arrears_report

    timings: list[tuple[float, str]] = []

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings.append((time.perf_counter() - started, sql))

    as_of = date.fromisoformat(sys.argv[1])
    community = Community.objects.get()
    profile = cProfile.Profile()
    started = time.perf_counter()
    with connection.execute_wrapper(timed):
        profile.enable()
        report = arrears_report(community, as_of)
        profile.disable()
    total = time.perf_counter() - started
    print(f"arrears_report: {total:.1f} s, {report['totals']['households_in_arrears']} households in arrears")
    print(f"SQL: {sum(t for t, _ in timings):.1f} s in {len(timings)} statements; slowest:")
    for seconds, sql in sorted(timings, reverse=True)[:6]:
        print(f"  {seconds:6.1f} s  {sql[:300]}")
    if len(sys.argv) > 2:
        profile.dump_stats(sys.argv[2])
    pstats.Stats(profile).sort_stats("cumulative").print_stats(r"arrears/(selectors|reports|late_fee)", 12)


if __name__ == "__main__":
    main()
