"""Writing the demo estate and ledger in bulk: a few thousand households at a time, never a query per row."""

import random
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from arrears.models import (
    Allocation,
    Building,
    Charge,
    Community,
    FeeItem,
    Household,
    Owner,
    OwnerSegment,
    Payment,
    ReceiptCounter,
)
from arrears.models.households import HouseholdKind, OwnerKind
from arrears.models.ledger import PaymentStatus
from arrears.money import round_money

from .behaviour import ABSENTEE, FIELD_CHANNELS, KEY_PERSON, HouseholdPlan, Month, plan_household
from .layout import Spot
from .names import company_name, distant_address, mobile_phone, person_name
from .rows import RowSink, analyze, reset_sequences
from .staff import DemoStaff

UNIT_PRICES = {  # 元/m²/月
    HouseholdKind.RESIDENCE: Decimal("2.20"),
    HouseholdKind.SHOP: Decimal("4.50"),
    HouseholdKind.PARKING: Decimal("0.00"),
}
ORGANISATION_SHOP_SHARE = 0.4
CHUNK = 2500  # households planned and written together
BATCH = 5000  # rows per INSERT
VERIFIED_AT = time(17, 30)  # finance closes the day at half past five


@dataclass(frozen=True)
class Estate:
    """Everything fixed before the households are written."""

    community: Community
    fee_item: FeeItem
    spots: list[Spot]
    profiles: list[str]
    months: list[Month]
    today: date
    seed: int


@dataclass
class Written:
    """Rows written, for the summary."""

    households: int = 0
    charges: int = 0
    payments: int = 0
    allocations: int = 0


def monthly_fee(spot: Spot) -> Decimal:
    """物业费 of a month: floor area × unit price, rounded half-up to the fen."""
    return round_money(spot.floor_area * UNIT_PRICES[spot.kind])


def _plans(estate: Estate, start: int, stop: int) -> Iterator[tuple[int, HouseholdPlan]]:
    """Each household's plan from its own random stream, so any chunk can be (re)made alone."""
    for index in range(start, stop):
        rng = random.Random(f"{estate.seed}:pay:{index}")
        plan = plan_household(
            profile=estate.profiles[index],
            months=estate.months,
            monthly=monthly_fee(estate.spots[index]),
            today=estate.today,
            rng=rng,
        )
        yield index, plan


def receipt_starts(estate: Estate) -> dict[date, int]:
    """The first receipt number of each payment date: numbers run gapless per year in date order."""
    per_day: Counter[date] = Counter()
    for _index, plan in _plans(estate, 0, len(estate.spots)):
        per_day.update(payment.paid_on for payment in plan.payments)
    starts: dict[date, int] = {}
    used: Counter[int] = Counter()
    for day in sorted(per_day):
        starts[day] = used[day.year] + 1
        used[day.year] += per_day[day]
    return starts


def write_receipt_counters(community: Community, starts: dict[date, int], issued: Counter[date]) -> None:
    last: dict[int, int] = {}
    for day, first in starts.items():
        last[day.year] = max(last.get(day.year, 0), first + issued[day] - 1)
    ReceiptCounter.objects.bulk_create(
        ReceiptCounter(community=community, year=year, last_number=number) for year, number in sorted(last.items())
    )


def write_buildings(community: Community, names: list[str]) -> dict[str, int]:
    buildings = Building.objects.bulk_create(
        (Building(community=community, name=name) for name in names), batch_size=BATCH
    )
    return {building.name: building.pk for building in buildings}


def write_households(
    estate: Estate,
    staff: DemoStaff,
    building_ids: dict[str, int],
    starts: dict[date, int],
    progress: Callable[[int], None] | None = None,
) -> tuple[Written, Counter[date]]:
    """Owners, households, charges, verified payments and their allocations, chunk by chunk."""
    sinks = _Sinks()
    issued: Counter[date] = Counter()
    now = timezone.now()
    zone = ZoneInfo(settings.TIME_ZONE)
    community_id, fee_item_id = estate.community.pk, estate.fee_item.pk
    months = estate.months
    for start in range(0, len(estate.spots), CHUNK):
        stop = min(start + CHUNK, len(estate.spots))
        plans = list(_plans(estate, start, stop))
        owner_rows, segments = _owners(estate, plans, sinks.owners.take_ids(len(plans)))
        sinks.owners.write(owner_rows)
        sinks.segments.write(
            (segment_id, owner_id, segment)
            for segment_id, (owner_id, segment) in zip(sinks.segments.take_ids(len(segments)), segments, strict=True)
        )
        household_ids = sinks.households.take_ids(len(plans))
        sinks.households.write(
            (
                household_id,
                community_id,
                building_ids[spot.building],
                spot.unit,
                spot.room,
                spot.floor_area,
                spot.kind,
                plan.occupancy,
                owner_row[0],
                False,
            )
            for household_id, (index, plan), owner_row in zip(household_ids, plans, owner_rows, strict=True)
            for spot in (estate.spots[index],)
        )
        charge_ids = sinks.charges.take_ids(len(plans) * len(months))
        sinks.charges.write(
            (
                charge_ids[offset * len(months) + m],
                household_id,
                fee_item_id,
                month.start,
                month.end,
                fee,
                month.due,
                now,
            )
            for offset, ((index, _plan), household_id) in enumerate(zip(plans, household_ids, strict=True))
            for fee in (monthly_fee(estate.spots[index]),)
            for m, month in enumerate(months)
        )
        payment_rows, allocation_rows = _payments(
            estate, staff, plans, household_ids, charge_ids, starts, issued, sinks, zone
        )
        sinks.payments.write(payment_rows)
        sinks.allocations.write(allocation_rows)
        if progress:
            progress(stop)
    written_models = (Owner, OwnerSegment, Household, Charge, Payment, Allocation)
    reset_sequences(*written_models)
    analyze(*written_models)
    written = Written(
        households=sinks.households.written,
        charges=sinks.charges.written,
        payments=sinks.payments.written,
        allocations=sinks.allocations.written,
    )
    return written, issued


class _Sinks:
    def __init__(self):
        self.owners = RowSink(Owner, ["id", "community", "name", "kind", "phone", "phone_alt", "address"])
        self.segments = RowSink(OwnerSegment, ["id", "owner", "segment"])
        self.households = RowSink(
            Household,
            [
                "id",
                "community",
                "building",
                "unit",
                "room",
                "floor_area",
                "kind",
                "occupancy",
                "owner",
                "on_legal_track",
            ],
        )
        self.charges = RowSink(
            Charge, ["id", "household", "fee_item", "period_start", "period_end", "amount", "due_date", "posted_at"]
        )
        self.payments = RowSink(
            Payment,
            [
                "id",
                "community",
                "household",
                "paid_on",
                "amount",
                "channel",
                "reference",
                "note",
                "collected_by",
                "status",
                "receipt_no",
                "verified_by",
                "verified_at",
                "rejection_reason",
                "imported",
                "created_at",
            ],
        )
        self.allocations = RowSink(Allocation, ["id", "payment", "charge", "amount", "applied_on", "reversal"])


def _owners(estate: Estate, plans: list[tuple[int, HouseholdPlan]], ids: range):
    """Owner rows, and (owner id, segment) of their segment tags."""
    owners = []
    segments = []
    community_id = estate.community.pk
    name = estate.community.name
    for owner_id, (index, plan) in zip(ids, plans, strict=True):
        spot = estate.spots[index]
        rng = random.Random(f"{estate.seed}:owner:{index}")
        organisation = (
            spot.kind == HouseholdKind.SHOP
            and plan.profile not in (ABSENTEE, KEY_PERSON)
            and rng.random() < ORGANISATION_SHOP_SHARE
        )
        if organisation:
            owner = (owner_id, community_id, company_name(rng), OwnerKind.ORGANISATION, mobile_phone(rng), "")
            owner += (distant_address(rng),)
        else:
            person = person_name(rng)
            phone = mobile_phone(rng)
            phone_alt = mobile_phone(rng) if rng.random() < 0.25 else ""
            address = distant_address(rng) if plan.away else f"{name}{spot.building}栋{spot.unit}单元{spot.room}室"
            owner = (owner_id, community_id, person, OwnerKind.PERSON, phone, phone_alt, address)
        owners.append(owner)
        segments.extend((owner_id, segment) for segment in plan.segments)
    return owners, segments


def _payments(estate, staff, plans, household_ids, charge_ids, starts, issued, sinks, zone):
    """Payment rows with their receipt numbers, and the rows of their allocations."""
    payments = []
    allocations = []
    code = estate.community.code
    community_id = estate.community.pk
    per_household = len(estate.months)
    for offset, ((index, plan), household_id) in enumerate(zip(plans, household_ids, strict=True)):
        rng = random.Random(f"{estate.seed}:collector:{index}")
        first_charge = offset * per_household
        for planned, payment_id in zip(plan.payments, sinks.payments.take_ids(len(plan.payments)), strict=True):
            day = planned.paid_on
            number = starts[day] + issued[day]
            issued[day] += 1
            collector = rng.choice(staff.collector_ids) if planned.channel in FIELD_CHANNELS else None
            verified_at = datetime.combine(day, VERIFIED_AT, tzinfo=zone)
            payments.append(
                (
                    payment_id,
                    community_id,
                    household_id,
                    day,
                    planned.amount,
                    planned.channel,
                    "",
                    "",
                    collector,
                    PaymentStatus.VERIFIED,
                    f"{code}-{day.year}-{number:06d}",
                    staff.verifier_id,
                    verified_at,
                    "",
                    False,
                    verified_at,  # recorded the day it was paid, not when the demo was seeded
                )
            )
            allocation_ids = sinks.allocations.take_ids(len(planned.parts))
            allocations.extend(
                (allocation_id, payment_id, charge_ids[first_charge + month_index], amount, day, None)
                for allocation_id, (month_index, amount) in zip(allocation_ids, planned.parts, strict=True)
            )
    return payments, allocations
