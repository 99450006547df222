"""Benchmark of the public arrears list (欠费公示) on PostgreSQL: the picker's sums and one building's PDF.

    .venv/bin/python bench/publicity.py [--buildings 40] [--rooms 300] [--months 24] [--runs 5]

Drops and recreates its own database (BENCH_PUBLICITY_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/wuye_bench_publicity), migrates it, and writes one community of ``--buildings``
buildings of ``--rooms`` rooms, each with ``--months`` monthly charges of which the latest few (0–12, random,
seeded) are unpaid. Then it times, as the median of ``--runs``:

1. ``buildings_in_arrears`` for the community (the picker page's work);
2. ``publicity_for`` of one building (the rows: principal and months overdue);
3. ``publicity_pdf`` of that building (HTML to A4 PDF with WeasyPrint and Noto Sans CJK), with its page count.
"""

import argparse
import io
import os
import random
import statistics
import sys
import time
from datetime import date
from decimal import Decimal

from common import ROOT, recreate

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/wuye_bench_publicity"
AS_OF = date(2026, 3, 31)


def month_end(year: int, month: int) -> date:
    import calendar

    return date(year, month, calendar.monthrange(year, month)[1])


def seed(buildings: int, rooms: int, months: int) -> None:
    from arrears.models import Allocation, Building, Charge, Community, FeeItem, Household, Payment
    from arrears.models.ledger import PaymentChannel, PaymentStatus

    rng = random.Random(7)
    community = Community.objects.create(code="BP", name="基准小区", company_name="基准物业服务有限公司")
    fee = FeeItem.objects.get_or_create(name="物业费")[0]
    periods = []
    year, month = AS_OF.year, AS_OF.month
    for _ in range(months):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        periods.append((date(year, month, 1), month_end(year, month)))
    periods.reverse()
    for number in range(1, buildings + 1):
        building = Building.objects.create(community=community, name=str(number))
        households = Household.objects.bulk_create(
            Household(
                community=community,
                building=building,
                unit=str(1 + index % 4),
                room=str(101 + index),
                floor_area=Decimal("100.00"),
            )
            for index in range(rooms)
        )
        charges = Charge.objects.bulk_create(
            Charge(
                household=h, fee_item=fee, period_start=start, period_end=end, amount=Decimal("250.00"), due_date=end
            )
            for h in households
            for start, end in periods
        )
        by_household: dict[int, list[Charge]] = {}
        for charge in charges:
            by_household.setdefault(charge.household_id, []).append(charge)
        payments, allocations = [], []
        for household in households:
            paid = by_household[household.pk][: max(0, months - rng.randint(0, 12))]
            if not paid:
                continue
            payment = Payment(
                community=community,
                household=household,
                paid_on=paid[-1].due_date,
                amount=sum((c.amount for c in paid), Decimal("0.00")),
                channel=PaymentChannel.CASH,
                status=PaymentStatus.VERIFIED,
            )
            payments.append((payment, paid))
        Payment.objects.bulk_create(p for p, _ in payments)
        for payment, paid in payments:
            allocations += [
                Allocation(payment=payment, charge=c, amount=c.amount, applied_on=payment.paid_on) for c in paid
            ]
        Allocation.objects.bulk_create(allocations, batch_size=5000)


def median_seconds(work, runs: int):
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buildings", type=int, default=40)
    parser.add_argument("--rooms", type=int, default=300)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    url = os.environ.get("BENCH_PUBLICITY_DATABASE_URL", DEFAULT_URL)
    recreate(url)
    os.environ.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="config.settings_test")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    seed(args.buildings, args.rooms, args.months)
    print(
        f"seeded {args.buildings} buildings × {args.rooms} rooms × {args.months} months in "
        f"{time.perf_counter() - start:.1f} s"
    )

    from pypdf import PdfReader

    from arrears.models import Building, Community, Household
    from notices.publicity import buildings_in_arrears, publicity_for, publicity_pdf

    community = Community.objects.get(code="BP")
    households = Household.objects.all()
    seconds, listed = median_seconds(lambda: buildings_in_arrears(community, AS_OF, households), args.runs)
    owing = sum(item.households for item in listed)
    print(f"picker (buildings_in_arrears): {seconds * 1000:.0f} ms for {len(listed)} buildings, {owing} rooms owing")
    building = Building.objects.select_related("community").get(community=community, name="1")
    seconds, publicity = median_seconds(lambda: publicity_for(building, AS_OF, households), args.runs)
    print(f"rows (publicity_for): {seconds * 1000:.0f} ms for {len(publicity.rows)} rooms")
    publicity_pdf(publicity)  # loads the fonts once, as a running worker has
    seconds, pdf = median_seconds(lambda: publicity_pdf(publicity), args.runs)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    print(f"PDF (publicity_pdf): {seconds * 1000:.0f} ms, {pages} pages, {len(pdf) // 1024} KiB")


if __name__ == "__main__":
    main()
