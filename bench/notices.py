"""Benchmark of the demand letters: 600 letters rendered as one batch and one at a time, against plain WeasyPrint.

    .venv/bin/python bench/notices.py [--households 600] [--reuse]

Drops and recreates its own database (BENCH_NOTICES_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/wuye_bench_notices), seeds N households all in arrears with seed_demo, then in
one process (after one warm-up letter, so the fonts are loaded once):

1. the batch: ``batch_create`` + ``batch_render`` for every household in arrears (numbering, amounts from the
   ledger, HTML, PDF, storing each file, and the combined PDF merged from the single ones);
2. one at a time: ``notice_render`` for each notice of the batch again (amounts, HTML, PDF, store);
3. plain WeasyPrint: ``HTML(string=html).write_pdf()`` on the SAME HTML each letter of step 2 produced.

Prints milliseconds per letter for each, the product's overhead over plain WeasyPrint, and peak memory
(``ru_maxrss`` of this process) after each step. Generated files go to a temporary MEDIA_ROOT.
"""

import argparse
import functools
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, manage, recreate

print = functools.partial(print, flush=True)  # noqa: A001  (figures appear as they are measured)
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/wuye_bench_notices"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=600)
    parser.add_argument("--reuse", action="store_true", help="keep the database a previous run seeded")
    args = parser.parse_args()
    url = os.environ.get("BENCH_NOTICES_DATABASE_URL", DEFAULT_URL)
    media = tempfile.mkdtemp(prefix="bench-notices-")
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_DEBUG": "1", "CELERY_BROKER_URL": "", "MEDIA_ROOT": media}
    if not args.reuse:
        recreate(url)
        manage("migrate", "-v0", env=env)
        started = time.perf_counter()
        manage("seed_demo", f"--households={args.households}", f"--delinquent={args.households}", "-v0", env=env)
        print(f"seed_demo {args.households} households, all in arrears: {time.perf_counter() - started:.1f} s")

    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import logging

    logging.getLogger("weasyprint").setLevel(logging.WARNING)  # its per-page progress is logged at INFO
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone
    from weasyprint import HTML

    from arrears.models import Community, Household
    from notices.letters import build_letter, letter_amounts, render_letter_html
    from notices.models import NoticeLevel
    from notices.pdf import html_to_pdf
    from notices.services import BatchCriteria, batch_create, batch_render, notice_render

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    community = Community.objects.order_by("pk").first()
    as_of = timezone.localdate()
    print(f"machine: {os.cpu_count()} cores; database: PostgreSQL {connection.cursor().connection.info.server_version}")

    # Warm-up: the first letter loads and indexes the Noto Sans CJK faces.
    first = Household.objects.filter(community=community).select_related("community", "building", "owner").first()
    started = time.perf_counter()
    html_to_pdf(
        render_letter_html(build_letter(first, as_of=as_of, level=NoticeLevel.DEMAND, deadline=as_of, number="WARM-UP"))
    )
    print(f"first letter (fonts loaded): {(time.perf_counter() - started) * 1000:.0f} ms; peak {peak_mb():.0f} MB")

    # 1. The batch.
    started = time.perf_counter()
    batch = batch_create(
        criteria=BatchCriteria(community=community, level=NoticeLevel.DEMAND, as_of=as_of), enqueue=False
    )
    batch = batch_render(batch_id=batch.pk)
    batch_seconds = time.perf_counter() - started
    count = batch.notices.count()
    combined = Path(settings.MEDIA_ROOT, batch.combined_pdf.name)
    print(
        f"batch of {count} letters ({batch.status}): {batch_seconds:.1f} s, "
        f"{batch_seconds * 1000 / count:.1f} ms/letter incl. numbering and the combined PDF "
        f"({combined.stat().st_size / 1e6:.1f} MB); peak {peak_mb():.0f} MB"
    )

    # 2. One at a time through the product, keeping each letter's HTML for step 3.
    notices = list(batch.notices.order_by("sequence"))
    households = Household.objects.select_related("community", "building", "owner", "late_fee_override").in_bulk(
        [n.household_id for n in notices]
    )
    single_ms, rows = [], []
    htmls = []
    for notice in notices:
        household = households[notice.household_id]
        started = time.perf_counter()
        notice_render(notice=notice, household=household)
        single_ms.append((time.perf_counter() - started) * 1000)
        amounts = letter_amounts(household, as_of)
        rows.append(len(amounts.lines))
        htmls.append(
            render_letter_html(
                build_letter(
                    household,
                    as_of=as_of,
                    level=notice.level,
                    deadline=notice.deadline,
                    number=notice.number,
                    amounts=amounts,
                )
            )
        )
    print(
        f"one at a time (notice_render): {statistics.mean(single_ms):.1f} ms/letter "
        f"(median {statistics.median(single_ms):.1f}); {statistics.mean(rows):.1f} unpaid periods a letter on average; "
        f"peak {peak_mb():.0f} MB"
    )

    # 3. Plain WeasyPrint on the same HTML.
    base_url = str(settings.BASE_DIR / "static")
    plain_ms = []
    for html in htmls:
        started = time.perf_counter()
        HTML(string=html, base_url=base_url).write_pdf()
        plain_ms.append((time.perf_counter() - started) * 1000)
    plain = statistics.mean(plain_ms)
    print(
        f"plain WeasyPrint, same HTML: {plain:.1f} ms/letter (median {statistics.median(plain_ms):.1f}); "
        f"peak {peak_mb():.0f} MB"
    )
    print(
        f"product over plain: one at a time {statistics.mean(single_ms) / plain - 1:+.0%}, "
        f"batch {batch_seconds * 1000 / count / plain - 1:+.0%}"
    )


if __name__ == "__main__":
    main()
