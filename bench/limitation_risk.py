"""Benchmark of the limitation-risk list and the notices list on a large ledger.

    .venv/bin/python bench/limitation_risk.py [--households 100000] [--reuse]

Drops and recreates its own database (BENCH_LIMITATION_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/wuye_bench_limitation; its name must contain "bench"), migrates, and writes with
COPY: one community of N households in buildings of 200, a yearly 物业费 charge due each 31 January of 2020–2026
(7 per household), every charge paid in the year it fell due except for one household in ten (which owes
everything from a random year on), a notice for one household in five, delivered for three in four of those on a
date spread over 2020–2026. Then, as of 2026-03-31, it times what the pages run: the count and the first and a
late page of the limitation-risk list (its ids in one query, whole community and one building, then a page
of rows by id), and the count and first page of the notices
list filtered to 未送达. Each figure is the best of three runs.
"""

import argparse
import os
import random
import subprocess
import sys
import time
from datetime import date, timedelta
from decimal import Decimal

from common import ROOT, recreate

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/wuye_bench_limitation"
AS_OF = date(2026, 3, 31)
YEARS = range(2020, 2027)


def seed(households: int) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from arrears.bulk import copy_rows
    from arrears.models import Allocation, Building, Charge, Community, FeeItem, Household, Payment
    from notices.models import Delivery, Notice

    rng = random.Random(1)
    now = timezone.now()
    amount = Decimal("1200.00")
    with transaction.atomic():
        community = Community.objects.create(code="BENCH", name="基准小区", company_name="基准物业")
        fee_item = FeeItem.objects.create(name="物业费")
        buildings = Building.objects.bulk_create(
            Building(community=community, name=str(n + 1)) for n in range((households + 199) // 200)
        )
        copy_rows(
            Household,
            ["community_id", "building_id", "unit", "room", "floor_area", "kind", "occupancy", "on_legal_track"],
            (
                (
                    community.pk,
                    buildings[n // 200].pk,
                    "1",
                    str(n % 200 + 101),
                    "100.00",
                    "residence",
                    "occupied",
                    False,
                )
                for n in range(households)
            ),
        )
        household_ids = list(Household.objects.order_by("pk").values_list("pk", flat=True))
        copy_rows(
            Charge,
            ["household_id", "fee_item_id", "period_start", "period_end", "amount", "due_date", "posted_at"],
            (
                (pk, fee_item.pk, date(year, 1, 1), date(year, 12, 31), amount, date(year, 1, 31), now)
                for pk in household_ids
                for year in YEARS
            ),
        )
        # Delinquent households owe every charge from a random year on; the others paid each in its year.
        owes_from = {pk: rng.choice(list(YEARS)) for pk in household_ids if rng.random() < 0.1}
        copy_rows(
            Payment,
            [
                "community_id",
                "household_id",
                "paid_on",
                "amount",
                "channel",
                "reference",
                "note",
                "status",
                "rejection_reason",
                "imported",
                "created_at",
            ],
            (
                (community.pk, pk, date(2020, 2, 1), amount, "cash", "", "", "verified", "", True, now)
                for pk in household_ids
            ),
        )
        payment_of = dict(Payment.objects.values_list("household_id", "pk"))
        # Read in full first: the connection cannot fetch from a cursor while a COPY is in progress.
        charges = list(Charge.objects.order_by().values_list("pk", "household_id", "due_date"))
        copy_rows(
            Allocation,
            ["payment_id", "charge_id", "amount", "applied_on"],
            (
                (payment_of[household_id], pk, amount, due + timedelta(days=rng.randrange(0, 300)))
                for pk, household_id, due in charges
                if due.year < owes_from.get(household_id, 9999)
            ),
        )
        noticed = [pk for pk in household_ids if rng.random() < 0.2]
        copy_rows(
            Notice,
            [
                "community_id",
                "household_id",
                "level",
                "year",
                "sequence",
                "number",
                "as_of",
                "deadline",
                "addressee",
                "principal",
                "late_fee",
                "late_fee_waived",
                "total",
                "pdf",
                "created_at",
            ],
            (
                (community.pk, pk, "demand", 2026, n + 1, f"BENCH-2026-{n + 1:06d}", date(2026, 1, 1))
                + (date(2026, 1, 16), "业主", amount, Decimal("0.00"), Decimal("0.00"), amount, "", now)
                for n, pk in enumerate(noticed)
            ),
        )
        span = (date(2026, 3, 1) - date(2020, 1, 1)).days
        copy_rows(
            Delivery,
            ["notice_id", "method", "delivered_on", "tracking_no", "signed_by", "photo", "note", "recorded_at"],
            (
                (pk, "posted", date(2020, 1, 1) + timedelta(days=rng.randrange(span)), "", "", "", "", now)
                for pk in list(Notice.objects.order_by("pk").values_list("pk", flat=True))
                if rng.random() < 0.75
            ),
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def best_of(runs: int, action) -> tuple[float, object]:
    best, result = None, None
    for _ in range(runs):
        started = time.perf_counter()
        result = action()
        seconds = time.perf_counter() - started
        best = seconds if best is None else min(best, seconds)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--reuse", action="store_true", help="keep the database a previous run seeded")
    args = parser.parse_args()
    url = os.environ.get("BENCH_LIMITATION_DATABASE_URL", DEFAULT_URL)
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_DEBUG": "1", "CELERY_BROKER_URL": ""}
    if not args.reuse:
        recreate(url)
        subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"], check=True, env=env, cwd=ROOT)
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    from arrears.models import Allocation, Building, Charge
    from notices.filters import NOT_DELIVERED
    from notices.models import Delivery, Notice
    from notices.selectors import delivered, limitation_risk, with_delivery
    from notices.selectors import limitation_risk_ids as risk_ids

    if not args.reuse:
        started = time.perf_counter()
        seed(args.households)
        print(f"seed {args.households} households: {time.perf_counter() - started:.1f} s")
    print(
        f"machine: {os.cpu_count()} cores; PostgreSQL {connection.cursor().connection.info.server_version}; "
        f"charges {Charge.objects.count()}, allocations {Allocation.objects.count()}, "
        f"notices {Notice.objects.count()}, deliveries {Delivery.objects.count()}"
    )

    building = Building.objects.order_by("pk")[len(Building.objects.all()) // 2]
    in_building = Charge.objects.filter(household__building=building)
    risk = limitation_risk(as_of=AS_OF)
    cases = [
        ("limitation_risk_ids, whole community (the page's one heavy query)", lambda: len(risk_ids(as_of=AS_OF))),
        ("limitation_risk_rows, first page of 50", lambda: len(risk[:50])),
        ("limitation_risk_rows, page 100 of 50", lambda: len(risk[4950:5000])),
        ("limitation_risk_ids, one building", lambda: len(risk_ids(as_of=AS_OF, charges=in_building))),
    ]
    notices = with_delivery(Notice.objects.select_related("community", "household__building", "household__owner"))
    undelivered = delivered(notices, yes=False)
    cases += [
        (f"notices list 未送达 ({NOT_DELIVERED}): count", lambda: undelivered.count()),
        ("notices list 未送达: first page of 50", lambda: len(list(undelivered[:50]))),
        ("notices list: first page of 50, all", lambda: len(list(notices[:50]))),
    ]
    for label, action in cases:
        seconds, result = best_of(3, action)
        print(f"{label}: {seconds * 1000:.0f} ms ({result})")


if __name__ == "__main__":
    main()
