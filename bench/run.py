"""The benchmark: seed, report, export and import a ledger of N households on PostgreSQL, and time each step.

    .venv/bin/python bench/run.py [--sizes 10000,100000] [--today 2026-11-28]

For each size it drops and recreates the benchmark database (DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/wuye_bench; its name must contain "bench"), migrates, and runs each step
as its own process, timed from start to exit (so each figure includes about half a second of Django start):

1. ``seed_demo --households N`` (30% of them in arrears),
2. ``arrears_report --as-of TODAY --json`` for the whole community,
3. the ledger export (``write_ledger_workbook``) to an .xlsx,
4. ``bench/raw_read.py``: the same workbook read with python-calamine and all its rows COPYed as text into one
   temporary table: the floor the import is measured against, in the same run;
5. ``import_ledger`` of that workbook into a new empty database (printed with its ratio to step 4), ANALYZE,
   then the report again, which must agree with the first;
6. (``--formats`` with csv, the default) the same sheets saved as CSV files (``bench/xlsx_to_csv.py``), then steps
   4 and 5 again on them: the raw read with Python's csv module row by row, and ``import_ledger`` of the files.
   An Excel sheet holds 1,048,576 rows; the 100,000-household ledger (2.4 million 应收 rows) only fits in CSV.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/wuye_bench"
LOG = ROOT / "var" / "bench" / "bench.log"  # the steps' stderr (progress, errors)
IMPORT_COMMAND = ROOT / "imports" / "management" / "commands" / "import_ledger.py"


@dataclass
class Step:
    name: str
    seconds: float
    peak_mb: float
    note: str = ""


class _Steps(list):
    """The steps of one size, each printed as soon as it is recorded (a long run shows its progress)."""

    def append(self, step: Step) -> None:
        super().append(step)
        print(f"  {step.name}: {step.seconds:.1f} s, peak {step.peak_mb:.0f} MB  {step.note}", flush=True)


@dataclass
class SizeResult:
    households: int
    steps: list[Step] = field(default_factory=_Steps)
    facts: dict = field(default_factory=dict)


class BenchError(RuntimeError):
    pass


def run_step(name: str, args: list[str], env: dict, *, log: Path, timeout: float | None = None) -> tuple[Step, str]:
    """Run one step as a child process: its wall time and peak memory (the kernel's rusage of that child).

    A step still running after ``timeout`` seconds is stopped and raises StepStopped.
    """
    started = time.perf_counter()
    with open(log, "a", encoding="utf-8") as err, tempfile.TemporaryFile("w+", encoding="utf-8") as out:
        err.write(f"\n$ {' '.join(args)}\n")
        err.flush()
        process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=err)
        stopped = False
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if timeout is not None and time.perf_counter() - started > timeout and not stopped:
                process.terminate()
                stopped = True
            time.sleep(0.05)
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        out.seek(0)
        output = out.read()
    step = Step(name, seconds, usage.ru_maxrss / 1024)
    if stopped:
        step.note = f"stopped after {seconds:.0f} s, not finished"
        raise StepStopped(step)
    if process.returncode != 0:
        raise BenchError(f"{name} failed (exit {process.returncode}); see {log}\n{output[-2000:]}")
    return step, output


class StepStopped(Exception):
    def __init__(self, step: Step):
        super().__init__(step.note)
        self.step = step


def manage(*args: str) -> list[str]:
    return [PYTHON, str(ROOT / "manage.py"), *args]


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def recreate_database(url: str) -> None:
    import psycopg

    name = database_name(url)
    maintenance = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def analyze(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("ANALYZE")


def postgres_version(url: str) -> str:
    import psycopg

    with psycopg.connect(url) as connection:
        return connection.execute("select version()").fetchone()[0]


def machine() -> dict:
    cpu = "unknown"
    memory_gb = 0.0
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory_gb = int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    import django

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(memory_gb, 1),
        "python": platform.python_version(),
        "django": django.get_version(),
        "load": os.getloadavg()[0],
    }


def bench_size(
    households: int,
    *,
    url: str,
    today: str,
    seed: int,
    workdir: Path,
    log: Path,
    import_timeout: float,
    formats: tuple[str, ...] = ("xlsx", "csv"),
) -> SizeResult:
    result = SizeResult(households)
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SECRET_KEY": "bench-only", "DJANGO_DEBUG": "0"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    recreate_database(url)
    step, _ = run_step("migrate", manage("migrate", "-v0"), env, log=log)
    result.steps.append(step)

    seed_args = manage("seed_demo", f"--households={households}", f"--today={today}", f"--seed={seed}", "-v2")
    step, output = run_step("seed_demo", seed_args, env, log=log)
    step.note = output.strip().splitlines()[-1].split("  用时")[0]
    result.steps.append(step)

    report_args = manage("arrears_report", f"--as-of={today}", "--json")
    step, output = run_step("arrears_report", report_args, env, log=log)
    totals = json.loads(output)["totals"]
    step.note = f"{totals['households_in_arrears']} 户欠费, 本金 {totals['principal']}, 违约金 {totals['late_fee']}"
    result.steps.append(step)
    result.facts["report"] = totals
    result.facts["today"] = today

    workbook = workdir / f"ledger-{households}.xlsx"
    step, output = run_step(
        "export (write_ledger_workbook)",
        [PYTHON, str(ROOT / "bench" / "export_ledger.py"), str(workbook)],
        env,
        log=log,
    )
    exported = json.loads(output)
    size_mb = workbook.stat().st_size / 1024 / 1024
    step.note = f"{exported['charges']} 应收 + {exported['payments']} 实收 rows, {size_mb:.0f} MB"
    if not exported["fits_excel"]:
        step.note += " (more rows than an Excel sheet holds)"
    result.steps.append(step)

    if not IMPORT_COMMAND.exists():
        result.steps.append(Step("import_ledger", float("nan"), 0, "not timed: the import command is not there yet"))
        return result
    for form in formats:
        if form == "csv":
            folder = workdir / f"ledger-{households}-csv"
            step, output = run_step(
                "xlsx → one CSV file a sheet",
                [PYTHON, str(ROOT / "bench" / "xlsx_to_csv.py"), str(workbook), str(folder)],
                env,
                log=log,
            )
            result.steps.append(step)
            source, files = folder, sorted(str(path) for path in folder.glob("*.csv"))
        else:
            source, files = workbook, [str(workbook)]
        if not import_round(result, form, source, files, url=url, env=env, log=log, timeout=import_timeout):
            break
    return result


def import_round(
    result: SizeResult, form: str, source: Path, files: list[str], *, url: str, env: dict, log: Path, timeout: float
) -> bool:
    """Into a new empty database: the raw read of ``source`` (a workbook, or a folder of CSV files), then
    ``import_ledger`` of ``files``, ANALYZE and the report, whose totals must be those seeded. False when the
    import was stopped."""
    label = "" if form == "xlsx" else " (CSV)"
    recreate_database(url)
    step, _ = run_step(f"migrate (empty database){label}", manage("migrate", "-v0"), env, log=log)
    result.steps.append(step)
    raw, output = run_step(
        "raw read (calamine) + one COPY" if form == "xlsx" else "raw read (csv, row by row) + one COPY",
        [PYTHON, str(ROOT / "bench" / "raw_read.py"), str(source), url],
        env,
        log=log,
    )
    figures = json.loads(output)
    raw.note = f"{figures['rows']} rows; read {figures['read_seconds']:.1f} s; load {os.getloadavg()[0]:.2f}"
    result.steps.append(raw)
    try:
        step, output = run_step(f"import_ledger{label}", manage("import_ledger", *files), env, log=log, timeout=timeout)
    except StepStopped as stopped:
        result.steps.append(stopped.step)
        return False
    ratio = step.seconds / raw.seconds
    limit = "limit 3×" if form == "xlsx" else "the 3× limit is the .xlsx's"
    step.note = f"{ratio:.1f}× the raw read ({limit}); load {os.getloadavg()[0]:.2f}; " + " ".join(output.split())[:100]
    result.facts["import_to_raw_ratio" if form == "xlsx" else f"import_to_raw_ratio_{form}"] = round(ratio, 2)
    result.steps.append(step)
    # A bulk load leaves the planner's statistics describing empty tables until autovacuum comes round;
    # seed_demo analyzes its tables, so the comparison is fair only after the same here.
    started = time.perf_counter()
    analyze(url)
    result.steps.append(Step(f"ANALYZE (after import){label}", time.perf_counter() - started, 0))
    report_args = manage("arrears_report", f"--as-of={result.facts['today']}", "--json")
    step, output = run_step(f"arrears_report (imported){label}", report_args, env, log=log)
    imported = json.loads(output)["totals"]
    same = imported == result.facts["report"]
    step.note = "same totals as before the export" if same else f"DIFFERENT totals: {imported}"
    result.steps.append(step)
    result.facts["round_trip_same" if form == "xlsx" else f"round_trip_same_{form}"] = same
    return True


def table(results: list[SizeResult]) -> str:
    lines = ["| households | step | seconds | peak MB | notes |", "|---:|---|---:|---:|---|"]
    for result in results:
        for step in result.steps:
            seconds = "—" if step.seconds != step.seconds else f"{step.seconds:.1f}"
            peak = f"{step.peak_mb:.0f}" if step.peak_mb else "—"
            lines.append(f"| {result.households:,} | {step.name} | {seconds} | {peak} | {step.note} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000", help="comma-separated household counts, e.g. 10000,100000")
    parser.add_argument("--today", default=_today(), help="the ledger's today (default: today in Asia/Shanghai)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL") or DEFAULT_URL)
    parser.add_argument("--workdir", type=Path, help="where the workbooks go (default: a temporary directory)")
    parser.add_argument(
        "--import-timeout", type=float, default=1800, help="stop the import after this many seconds (default 1800)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures as JSON to this file")
    parser.add_argument(
        "--formats",
        default="xlsx,csv",
        help="what the import reads, in turn: the exported .xlsx, its sheets as CSV files, or both (default)",
    )
    options = parser.parse_args(argv)
    url = options.database_url
    if not url.startswith(("postgres://", "postgresql://")) or "bench" not in database_name(url):
        parser.error(f"the database is dropped and recreated: give a PostgreSQL database named *bench*, not {url}")
    sizes = [int(size.replace("_", "")) for size in options.sizes.split(",") if size.strip()]
    formats = tuple(form.strip() for form in options.formats.split(",") if form.strip())
    if not formats or set(formats) - {"xlsx", "csv"}:
        parser.error("--formats takes xlsx, csv or both")

    info = {**machine(), "postgres": postgres_version(_maintenance(url)), "today": options.today}
    print(f"machine: {info['cpu']}, {info['cores']} cores, {info['memory_gb']} GB RAM (load {info['load']:.2f})")
    print(f"database: {info['postgres']}")
    print(f"Python {info['python']}, Django {info['django']}; ledger as of {info['today']}, seed {options.seed}")
    results = []
    LOG.parent.mkdir(parents=True, exist_ok=True)
    LOG.write_text("")
    with tempfile.TemporaryDirectory(prefix="wuye-bench-") as scratch:
        workdir = options.workdir or Path(scratch)
        workdir.mkdir(parents=True, exist_ok=True)
        log = LOG
        for households in sizes:
            print(f"\n{households:,} households …", flush=True)
            started = time.perf_counter()
            result = bench_size(
                households,
                url=url,
                today=options.today,
                seed=options.seed,
                workdir=workdir,
                log=log,
                import_timeout=options.import_timeout,
                formats=formats,
            )
            result.facts["total_seconds"] = round(time.perf_counter() - started, 1)
            results.append(result)
            print(table([result]), flush=True)
            print(f"total for {households:,}: {result.facts['total_seconds']:.0f} s", flush=True)
    print("\n" + table(results))
    if options.json:
        payload = {
            "machine": info,
            "results": [
                {"households": r.households, "facts": r.facts, "steps": [vars(s) for s in r.steps]} for r in results
            ],
        }
        options.json.write_text(json.dumps(payload, ensure_ascii=False, indent=2, default=str))
    return 0


def _today() -> str:
    return datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()


def _maintenance(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/postgres"))


if __name__ == "__main__":
    sys.exit(main())
