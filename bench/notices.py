"""Benchmark of the demand letters: a batch of 600 against plain WeasyPrint, and 2,000 letters on one and two workers.

    .venv/bin/python bench/notices.py [--households 600] [--chunk 100] [--parallel 2000] [--parallel-chunk 200]
        [--workers 1,2] [--skip-batch] [--reuse]

Part 1, in this process (BENCH_NOTICES_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/wuye_bench_notices,
dropped and seeded with ``--households`` households all in arrears unless ``--reuse``), after one warm-up letter:

1. the product: ``batch_create`` + ``batch_render`` of a 催费通知书 batch for every household (numbering, amounts
   from the ledger, HTML, the parts' PDFs, each letter's file cut out of its part, the combined PDF), with the time
   spent in each step;
2. plain WeasyPrint: the SAME letters' HTML (the bodies one after the other, a page break between them, under the
   letters' own stylesheet) as ONE document, ``HTML(string=...).write_pdf()``, in a child process of its own (so its
   memory is its own), fonts loaded there once.

Printed beside the goals: total time < 30 s and ≤ 1.3 × plain, combined PDF < 30 KB a letter, peak memory < 500 MB
(``ru_maxrss`` of this process, which also did the warm-up). Both of these use one core.

3. the same batch queued again as the web page queues it, rendered by each count of ``--workers`` real worker
   processes (as in part 2; the deployed worker, ``--concurrency=2``, is two such processes), from queued to done,
   beside the 30 s goal.

Part 2 (skipped with ``--parallel 0``): a database of ``--parallel`` households (same URL with ``_2000`` appended to
the name), and for each count of ``--workers`` real Celery worker processes (``--pool=solo``, one job at a time each)
against Redis (``CELERY_BROKER_URL``, default redis://127.0.0.1:6379/3): the batch is queued as the web page queues
it and timed until it is done; then its letters are deleted for the next run.
"""

import argparse
import functools
import os
import resource
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from common import ROOT, manage, recreate

print = functools.partial(print, flush=True)  # noqa: A001  (figures appear as they are measured)
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/wuye_bench_notices"
DEFAULT_BROKER = "redis://127.0.0.1:6379/3"
BASE_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "bench-only",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    "PUBLIC_BASE_URL": "http://127.0.0.1:8000",
}

PLAIN = textwrap.dedent(
    """
    import resource, sys, time
    from weasyprint import HTML
    html = open(sys.argv[1], encoding="utf-8").read()
    started, cpu = time.perf_counter(), time.process_time()
    pdf = HTML(string=html, base_url=sys.argv[2]).write_pdf()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(seconds, len(pdf), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, cpu)
    """
)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def verdict(value: float, limit: float, unit: str, fmt: str = ".1f") -> str:
    return f"{value:{fmt}} {unit} (limit {limit:{fmt}} {unit}: {'met' if value < limit else 'NOT met'})"


def seed(url: str, households: int, env: dict) -> None:
    recreate(url)
    manage("migrate", "-v0", env=env)
    started = time.perf_counter()
    manage("seed_demo", f"--households={households}", f"--delinquent={households}", "-v0", env=env)
    print(f"seed_demo {households} households, all in arrears: {time.perf_counter() - started:.1f} s")


class Timers:
    """Seconds spent in named functions of the product, by wrapping them for the run."""

    def __init__(self):
        self.seconds: dict[str, float] = {}

    def wrap(self, module, name: str, label: str) -> None:
        original = getattr(module, name)

        @functools.wraps(original)
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[label] = self.seconds.get(label, 0.0) + time.perf_counter() - started

        setattr(module, name, timed)


def one_document(htmls: list[str], stylesheet: str) -> str:
    """The letters' bodies in one HTML document under the first letter's head, which links the letters' stylesheet
    (parsed once, as the product parses it once per process), a page break between letters."""
    head = htmls[0].split("<body>", 1)[0].replace("</head>", f'<link rel="stylesheet" href="{stylesheet}">\n</head>')
    bodies = [html.split("<body>", 1)[1].rsplit("</body>", 1)[0] for html in htmls]
    pages = "".join(f'<div style="break-before: page">{body}</div>' for body in bodies)
    return f"{head}<body>{pages}</body></html>"


def part_one(args, url: str) -> None:
    media = tempfile.mkdtemp(prefix="bench-notices-")
    env = {**os.environ, **BASE_ENV, "DATABASE_URL": url, "CELERY_BROKER_URL": "", "MEDIA_ROOT": media}
    env["NOTICE_CHUNK_SIZE"] = str(args.chunk)
    if not args.reuse:
        seed(url, args.households, env)
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import logging

    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone, translation

    from arrears.models import Community, Household
    from notices import letters, owner_links, pdf, rendering
    from notices.models import NoticeLevel
    from notices.services import BatchCriteria, batch_create

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    community = Community.objects.order_by("pk").first()
    as_of = timezone.localdate()
    print(f"machine: {os.cpu_count()} cores; PostgreSQL {connection.cursor().connection.info.server_version}; {load()}")

    first = Household.objects.filter(community=community).select_related("community", "building", "owner").first()
    started = time.perf_counter()
    with translation.override("zh-hans"):
        pdf.html_to_pdf(
            letters.render_letter_html(
                letters.build_letter(first, as_of=as_of, level=NoticeLevel.DEMAND, deadline=as_of, number="WARM-UP")
            )
        )
    print(f"first letter (fonts loaded): {(time.perf_counter() - started) * 1000:.0f} ms; peak {peak_mb():.0f} MB")

    timers = Timers()
    timers.wrap(rendering, "letter_amounts_for", "amounts from the ledger (set-based, per part and for numbering)")
    timers.wrap(rendering, "reserve_notice_numbers", "numbers (one locked counter update)")
    timers.wrap(rendering, "build_letter", "letters' contents (wording, QR codes)")
    timers.wrap(letters, "render_letter_html", "HTML (Django template)")
    timers.wrap(pdf, "layout_document", "WeasyPrint layout, each letter alone")
    timers.wrap(pdf, "write_documents", "WeasyPrint write_pdf of each part (fonts subset once)")
    timers.wrap(rendering, "split_pages", "each letter's file cut out (pikepdf)")
    timers.wrap(rendering, "merge_pdfs", "combined PDF from the parts")
    started, cpu_started = time.perf_counter(), time.process_time()
    batch = batch_create(
        criteria=BatchCriteria(community=community, level=NoticeLevel.DEMAND, as_of=as_of), enqueue=False
    )
    chose = time.perf_counter() - started
    batch = rendering.batch_render(batch_id=batch.pk)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    product_peak = peak_mb()
    count = batch.notices.count()
    combined = Path(settings.MEDIA_ROOT, batch.combined_pdf.name).stat().st_size
    singles = [Path(settings.MEDIA_ROOT, n.pdf.name).stat().st_size for n in batch.notices.all()]
    print(
        f"batch of {count} letters ({batch.status}), parts of {args.chunk}: {seconds:.1f} s "
        f"({cpu:.1f} s of CPU in this process); {load()}"
    )
    print(f"  choosing the households (batch_create): {chose:.2f} s")
    for label, spent in timers.seconds.items():
        print(f"  {label}: {spent:.2f} s")
    print(f"  combined PDF {combined / 1e6:.2f} MB, {combined / 1024 / count:.1f} KB a letter; each letter's own file")
    print(f"  {sum(singles) / len(singles) / 1024:.0f} KB on average (it carries its part's font subsets)")

    # Plain WeasyPrint on the same HTML, in a child process.
    with translation.override("zh-hans"):
        households = Household.objects.select_related("community", "building", "owner", "late_fee_override").in_bulk(
            list(batch.notices.values_list("household_id", flat=True))
        )
        order = {pk: i for i, pk in enumerate(batch.household_ids)}
        notices = sorted(batch.notices.all(), key=lambda n: order[n.household_id])
        amounts = letters.letter_amounts_for(Household.objects.filter(pk__in=list(households)), as_of)
        htmls = [
            letters.render_letter_html(
                letters.build_letter(
                    households[n.household_id],
                    as_of=as_of,
                    level=n.level,
                    deadline=n.deadline,
                    number=n.number,
                    amounts=amounts[n.household_id],
                    owner_url=owner_links.owner_url_for(households[n.household_id]),
                )
            )
            for n in notices
        ]
    source = Path(media, "plain.html")
    source.write_text(one_document(htmls, letters.LETTER_STYLESHEET), encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-c", PLAIN, str(source), str(settings.BASE_DIR / "static")],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    plain_seconds, plain_size, plain_peak, plain_cpu = float(out[0]), int(out[1]), float(out[2]), float(out[3])
    print(
        f"plain WeasyPrint, the same {count} letters as one document: {plain_seconds:.1f} s "
        f"({plain_cpu:.1f} s of CPU), "
        f"{plain_size / 1024 / count:.1f} KB a letter, peak {plain_peak:.0f} MB (its own process); {load()}"
    )
    ratio = seconds / plain_seconds
    print("goals for the batch:")
    print(f"  total {verdict(seconds, 30, 's')}")
    print(f"  ratio to plain {ratio:.2f} × (limit 1.30 ×: {'met' if ratio <= 1.3 else 'NOT met'})")
    cpu_ratio = cpu / plain_cpu
    print(f"  ratio of CPU time {cpu_ratio:.2f} × (the machine's load weighs less on it)")
    print(f"  combined PDF {verdict(combined / 1024 / count, 30, 'KB a letter')}")
    print(f"  peak memory {verdict(product_peak, 500, 'MB', '.0f')}")
    # The next part queues the same batch again, for workers: this run's letters and numbers go.
    from notices.models import Notice, NoticeCounter

    Notice.objects.filter(batch=batch).delete()
    batch.delete()
    NoticeCounter.objects.all().delete()


def on_workers(url: str, *, households: int, chunk: int, workers: str, seed_first: bool, goal: float = 0) -> None:
    """A batch of every household queued as the web page queues it, rendered by real worker processes."""
    broker = os.environ.get("CELERY_BROKER_URL") or DEFAULT_BROKER
    media = tempfile.mkdtemp(prefix="bench-notices-workers-")
    env = {**os.environ, **BASE_ENV, "DATABASE_URL": url, "CELERY_BROKER_URL": broker, "MEDIA_ROOT": media}
    env["NOTICE_CHUNK_SIZE"] = str(chunk)
    if seed_first:
        seed(url, households, env)
    script = textwrap.dedent(
        """
        import os, sys, time
        import django
        django.setup()
        from django.db import connection
        from django.utils import timezone
        from arrears.models import Community
        from notices.models import Notice, NoticeBatch, NoticeCounter, NoticeLevel, BatchStatus
        from notices.services import BatchCriteria, batch_create
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        community = Community.objects.order_by("pk").first()
        started = time.perf_counter()
        batch = batch_create(criteria=BatchCriteria(community=community, level=NoticeLevel.DEMAND,
                             as_of=timezone.localdate()))
        while True:
            batch.refresh_from_db()
            if batch.status in (BatchStatus.DONE, BatchStatus.FAILED):
                break
            time.sleep(0.5)
        seconds = time.perf_counter() - started
        print(batch.status, batch.notices.count(), batch.parts.count(), f"{seconds:.1f}")
        Notice.objects.filter(batch=batch).delete()
        batch.delete()
        NoticeCounter.objects.all().delete()
        """
    )
    for count in [int(w) for w in workers.split(",")]:
        logs, procs = [], []
        for n in range(count):
            log = open(Path(media, f"worker-{count}-{n}.log"), "w")  # noqa: SIM115
            logs.append(log)
            procs.append(
                subprocess.Popen(
                    [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", f"-n=bench{n}@%h"]
                    + ["--without-gossip", "--without-mingle", "--loglevel=warning"],
                    cwd=ROOT,
                    env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        time.sleep(8)  # the workers connect and load Django
        before = load()
        out = subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
        peaks, cpus = [], []
        ticks = os.sysconf("SC_CLK_TCK")
        for proc in procs:
            try:
                status = Path(f"/proc/{proc.pid}/status").read_text()
                peaks.append(int(next(line for line in status.splitlines() if line.startswith("VmHWM")).split()[1]))
                fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
                cpus.append((int(fields[11]) + int(fields[12])) / ticks)
            except (OSError, StopIteration):
                peaks.append(0)
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=60)
        for log in logs:
            log.close()
        status, letters_count, parts, seconds = out[0], int(out[1]), int(out[2]), float(out[3])
        print(
            f"{count} worker(s): {letters_count} letters ({status}) in {parts} parts: {seconds:.1f} s, "
            f"{seconds * 1000 / max(letters_count, 1):.0f} ms a letter; CPU of the workers "
            f"{' + '.join(f'{c:.0f}' for c in cpus)} s; worker peak "
            f"{max(peaks) / 1024:.0f} MB; {before} before, {load()} after"
        )
        if goal:
            print(f"  from queued to done on {count} worker(s): {verdict(seconds, goal, 's')}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=600)
    parser.add_argument("--chunk", type=int, default=100)
    parser.add_argument("--parallel", type=int, default=2000, help="households of part 2; 0 skips it")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--parallel-chunk", type=int, default=200, help="letters a part in part 2")
    parser.add_argument("--skip-batch", action="store_true", help="only part 2")
    parser.add_argument("--reuse", action="store_true", help="keep the databases a previous run seeded")
    args = parser.parse_args()
    url = os.environ.get("BENCH_NOTICES_DATABASE_URL", DEFAULT_URL)
    if not args.skip_batch:
        part_one(args, url)
        print(f"the same {args.households} households' batch queued from the page, on the deployed worker's processes:")
        on_workers(url, households=args.households, chunk=args.chunk, workers=args.workers, seed_first=False, goal=30)
    if args.parallel:
        print(f"a batch of {args.parallel} letters in parts of {args.parallel_chunk}:")
        on_workers(
            f"{url}_{args.parallel}",
            households=args.parallel,
            chunk=args.parallel_chunk,
            workers=args.workers,
            seed_first=not args.reuse,
        )


if __name__ == "__main__":
    main()
