"""seed_demo: the counts asked for, exactly the delinquent households in arrears, a sound ledger, the same
data for the same seed and day, and nothing done when the database already has data."""

import hashlib
import random
from collections import defaultdict
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.db.models import Count

from arrears.checks import ledger_problems
from arrears.models import (
    Allocation,
    Building,
    Charge,
    Community,
    Household,
    Owner,
    OwnerSegment,
    Payment,
    ReceiptCounter,
)
from arrears.models.households import HouseholdKind, Occupancy, Segment
from arrears.reports import arrears_report
from assignments.models import Department, Staff
from demo.behaviour import (
    ABSENTEE,
    DELINQUENT_MIX,
    HARD_REFUSER,
    KEY_PERSON,
    ON_TIME,
    QUARTERLY,
    RECENT,
    SWING,
    VACANT,
    month_window,
    plan_household,
    shares,
)
from demo.layout import plan_layout
from demo.ledger import monthly_fee
from demo.seed import DELINQUENT_SHARE, default_delinquent
from demo.staff import DEMO_PASSWORD, SEED_DEPARTMENTS, department_sizes

TODAY = date(2026, 11, 28)
SMALL = {"households": 120, "delinquent": 36, "staff": 12, "seed": 7}


def seed(**options) -> str:
    out = StringIO()
    arguments = {**SMALL, "today": TODAY.isoformat(), **options}
    call_command("seed_demo", **arguments, stdout=out)
    return out.getvalue()


def wipe() -> None:
    """Delete everything the seed made, children first."""
    for model in (Allocation, Payment, Charge, ReceiptCounter, Household, OwnerSegment, Owner, Building, Community):
        model.objects.all().delete()
    Department.objects.update(head=None)
    Staff.objects.all().delete()
    Department.objects.all().delete()
    User.objects.all().delete()


def digest() -> str:
    """A fingerprint of the data by natural keys: no ids, no creation timestamps."""
    rows = []
    rows += Community.objects.values_list(
        "code", "name", "company_name", "late_fee_daily_rate", "late_fee_grace_days", "late_fee_cap_ratio"
    )
    key = ("building__name", "unit", "room")
    rows += Household.objects.values_list(
        *key, "floor_area", "kind", "occupancy", "owner__name", "owner__kind", "owner__phone", "owner__address"
    )
    rows += OwnerSegment.objects.values_list("owner__households__room", "owner__name", "segment")
    rows += Charge.objects.values_list(*(f"household__{k}" for k in key), "period_start", "amount", "due_date")
    rows += Payment.objects.values_list(
        *(f"household__{k}" for k in key),
        "paid_on",
        "amount",
        "channel",
        "status",
        "receipt_no",
        "collected_by__username",
        "verified_by__username",
    )
    rows += Allocation.objects.values_list("payment__receipt_no", "charge__period_start", "amount", "applied_on")
    rows += ReceiptCounter.objects.values_list("year", "last_number")
    rows += Staff.objects.values_list("user__username", "name", "department__name", "seniority", "phone")
    rows += User.objects.values_list("username", "first_name", "groups__name")
    rows += Department.objects.values_list("name", "head__user__username")
    return hashlib.sha256("\n".join(sorted(map(repr, rows))).encode()).hexdigest()


def test_counts_and_exact_arrears(db):
    output = seed()
    community = Community.objects.get()
    assert (community.code, community.annual_target) == ("CHY", Decimal("0.8000"))
    assert Household.objects.count() == 120
    assert Charge.objects.count() == 120 * 24
    assert Staff.objects.count() == User.objects.count() == 12
    report = arrears_report(community, TODAY)
    assert report["totals"]["households_in_arrears"] == 36
    assert "房屋 120 户" in output and "欠费 36 户" in output and "demo1234" in output


@pytest.mark.parametrize("today", [date(2026, 11, 30), date(2026, 12, 1), date(2027, 1, 1), date(2027, 3, 15)])
def test_in_arrears_is_exactly_the_delinquent_count_on_any_day(db, today):
    seed(today=today.isoformat(), delinquent=40, seed=3)
    assert arrears_report(Community.objects.get(), today)["totals"]["households_in_arrears"] == 40


def test_same_seed_and_day_give_the_same_data_and_another_seed_does_not(db):
    seed()
    first = digest()
    wipe()
    seed()
    assert digest() == first
    wipe()
    seed(seed=8)
    assert digest() != first


def test_second_run_changes_nothing_and_says_so(db):
    seed()
    before = digest()
    assert seed(households=50) == "数据库中已有数据,未做任何更改\n"
    assert digest() == before


def test_logins_and_roles(db):
    seed()
    expected = {
        "manager": {"manager", "staff"},
        "finance": {"finance", "supervisor", "staff"},
        "service": {"service", "supervisor", "staff"},
        "legal": {"legal", "supervisor", "staff"},
    }
    for username, groups in expected.items():
        user = User.objects.get(username=username)
        assert set(user.groups.values_list("name", flat=True)) == groups
        assert user.check_password(DEMO_PASSWORD)
    assert User.objects.exclude(groups__name="staff").count() == 0
    assert User.objects.filter(username__regex=r"^s\d{3}$").count() == 8
    for department in Department.objects.select_related("head__user"):
        assert department.head.department == department and department.head.seniority == 3
        assert department.head.user.groups.filter(name__in=["supervisor", "manager"]).exists()
    sizes = dict(Department.objects.annotate(n=Count("staff")).values_list("name", "n"))
    assert sizes == dict(department_sizes(12))
    assert all(user.first_name for user in User.objects.all())


def test_department_shares_follow_the_seed():
    assert department_sizes(58) == list(SEED_DEPARTMENTS)
    assert sum(n for name, n in department_sizes(58) if name in ("保安部", "保洁部")) / 58 == pytest.approx(
        0.655, abs=0.001
    )
    for total in (7, 12, 30, 116, 500):
        sizes = department_sizes(total)
        assert sum(n for _name, n in sizes) == total and min(n for _name, n in sizes) >= 1
    assert dict(department_sizes(116))["保安部"] == 44


def test_ledger_is_sound_and_allocated_oldest_first(db):
    seed()
    payments = {p.pk: p for p in Payment.objects.all()}
    charges = {c.pk: c for c in Charge.objects.all()}
    by_payment = defaultdict(Decimal)
    by_charge = defaultdict(Decimal)
    for allocation in Allocation.objects.all():
        assert allocation.amount > 0 and allocation.applied_on == payments[allocation.payment_id].paid_on
        assert charges[allocation.charge_id].household_id == payments[allocation.payment_id].household_id
        by_payment[allocation.payment_id] += allocation.amount
        by_charge[allocation.charge_id] += allocation.amount
    assert all(by_payment[pk] == payment.amount for pk, payment in payments.items())
    assert all(by_charge[pk] <= charge.amount for pk, charge in charges.items())
    households = defaultdict(list)
    for charge in sorted(charges.values(), key=lambda c: c.due_date):
        households[charge.household_id].append(by_charge[charge.pk] == charge.amount)
    # Oldest due first: the charges paid in full come before every charge that is not.
    assert all(paid == sorted(paid, reverse=True) for paid in households.values())
    per_year = defaultdict(list)
    for payment in payments.values():
        assert payment.status == "verified" and payment.paid_on <= TODAY
        code, year, number = payment.receipt_no.split("-")
        per_year[int(year)].append((payment.paid_on, int(number)))
    counters = dict(ReceiptCounter.objects.values_list("year", "last_number"))
    for year, numbers in per_year.items():
        assert sorted(n for _d, n in numbers) == list(range(1, len(numbers) + 1)) == list(range(1, counters[year] + 1))
        assert [n for _d, n in sorted(numbers)] == sorted(n for _d, n in numbers)  # numbered in date order
    if connection.vendor == "postgresql":  # SQLite sums decimals as floats in SQL
        assert ledger_problems() == []


# The pure parts: the estate, the fee, the behaviour of each kind of household.


def test_layout_has_exactly_the_households_asked_for():
    buildings, spots = plan_layout(2000, random.Random(1))
    assert len(spots) == 2000 == len({(s.building, s.unit, s.room) for s in spots})
    assert 12 <= len(buildings) <= 25
    assert all(Decimal("35") <= s.floor_area <= Decimal("180") for s in spots)
    assert any(s.kind == HouseholdKind.SHOP and s.room in ("101", "102") for s in spots)
    assert {s.room for s in spots} >= {"101", "1201", "1802"}


def test_monthly_fee_rounds_half_up_to_the_fen():
    from demo.layout import Spot

    assert monthly_fee(Spot("1", "1", "101", Decimal("45.25"), HouseholdKind.SHOP)) == Decimal("203.63")
    assert monthly_fee(Spot("1", "1", "201", Decimal("89.37"), HouseholdKind.RESIDENCE)) == Decimal("196.61")


def test_delinquent_mix_and_default_share():
    assert dict(shares(600, DELINQUENT_MIX)) == {
        RECENT: 252,
        SWING: 108,
        ABSENTEE: 78,
        VACANT: 72,
        HARD_REFUSER: 72,
        KEY_PERSON: 18,
    }
    assert sum(n for _name, n in shares(37, DELINQUENT_MIX)) == 37
    assert default_delinquent(2000) == 600 == int(2000 * DELINQUENT_SHARE)


@pytest.mark.parametrize(
    ("profile", "owed_low", "owed_high", "occupancy", "segment"),
    [
        (RECENT, 1, 2, Occupancy.OCCUPIED, None),
        (SWING, 2, 6, Occupancy.OCCUPIED, Segment.SWING),
        (ABSENTEE, 3, 12, Occupancy.ABSENT, Segment.ABSENTEE),
        (VACANT, 6, 18, Occupancy.VACANT, None),
        (HARD_REFUSER, 12, 23, Occupancy.OCCUPIED, Segment.HARD_REFUSER),
        (KEY_PERSON, 3, 9, Occupancy.OCCUPIED, Segment.KEY_PERSON),
    ],
)
def test_each_kind_of_delinquent_owes_what_it_should(profile, owed_low, owed_high, occupancy, segment):
    months = month_window(TODAY, 24)
    fee = Decimal("200.00")
    for n in range(40):
        plan = plan_household(profile=profile, months=months, monthly=fee, today=TODAY, rng=random.Random(n))
        paid = sum(p.amount for p in plan.payments)
        owed = 23 * fee - min(paid, 23 * fee)  # 23 months are overdue on the 28th; November is not yet due
        assert 0 < owed <= owed_high * fee
        if profile not in (SWING, KEY_PERSON):  # those two may have paid part of it back
            assert owed >= owed_low * fee
        assert plan.occupancy == occupancy
        assert segment is None or segment in plan.segments


@pytest.mark.parametrize("profile", [ON_TIME, "late", QUARTERLY])
def test_paying_households_owe_nothing_overdue(profile):
    months = month_window(TODAY, 24)
    for n in range(40):
        plan = plan_household(
            profile=profile, months=months, monthly=Decimal("123.45"), today=TODAY, rng=random.Random(n)
        )
        assert sum(p.amount for p in plan.payments) >= 23 * Decimal("123.45")
        assert all(p.paid_on <= TODAY for p in plan.payments)


@pytest.mark.django_db
def test_campaign_option_starts_a_drive_and_deals_today():
    from django.core.management import call_command

    from assignments.models import Assignment, SplitRun

    out = StringIO()
    call_command(
        "seed_demo", "--households=120", "--delinquent=36", "--staff=12", "--today=2026-11-28", "--campaign", stdout=out
    )
    run = SplitRun.objects.get()
    assert run.day == date(2026, 11, 28)
    assert Assignment.objects.filter(day=run.day).count() == 36
    assert "36 户分给 12 人,每人 3–3 户" in out.getvalue()
