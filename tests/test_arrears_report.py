"""The arrears report and collection rates against a small hand-computed ledger."""

import json
import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from arrears.models import Allocation, Charge
from arrears.rates import ChargeFacts, collection_totals
from arrears.reports import arrears_report
from arrears.selectors import collection_rates
from arrears.services import payment_reverse, payment_verify
from tests.factories import (
    BuildingFactory,
    ChargeFactory,
    CommunityFactory,
    HouseholdFactory,
    PaymentFactory,
)

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 3, 31)


def charge(household, start, amount, due):
    return ChargeFactory(
        household=household,
        period_start=start,
        period_end=start + timedelta(days=27),
        amount=Decimal(amount),
        due_date=due,
    )


def pay(household, amount, paid_on, charge=None):
    payment = PaymentFactory(household=household, amount=Decimal(amount), paid_on=paid_on)
    payment_verify(payment_id=payment.pk, verified_by=None, charge_id=charge.pk if charge else None)
    return payment


@pytest.fixture
def ledger():
    community = CommunityFactory(code="HY")
    b1 = BuildingFactory(community=community, name="1")
    b2 = BuildingFactory(community=community, name="2")
    a = HouseholdFactory(community=community, building=b1, unit="1", room="101")
    b = HouseholdFactory(community=community, building=b2, unit="", room="301")
    c = HouseholdFactory(community=community, building=b1, unit="2", room="102")
    charge(a, date(2025, 12, 1), "300.00", date(2025, 12, 31))
    jan = charge(a, date(2026, 1, 1), "300.00", date(2026, 1, 31))
    feb = charge(a, date(2026, 2, 1), "300.00", date(2026, 2, 28))
    charge(a, date(2026, 3, 1), "300.00", date(2026, 3, 31))
    pay(a, "100.00", date(2026, 3, 2), jan)
    pay(a, "300.00", date(2026, 2, 20), feb)
    charge(b, date(2025, 11, 1), "200.00", date(2025, 11, 30))
    charge(b, date(2026, 1, 1), "200.00", date(2026, 1, 31))
    pay(b, "200.00", date(2026, 1, 10))
    pay(b, "200.00", date(2026, 1, 25))
    charge(c, date(2026, 1, 1), "100.00", date(2026, 1, 31))
    pay(c, "100.00", date(2026, 4, 5))  # after T: ignored as of T
    return community


def test_report_matches_hand_computation(ledger):
    report = arrears_report(ledger, AS_OF)
    assert report["as_of"] == "2026-03-31"
    assert report["community"] == "HY"
    assert report["households"] == [
        # Dec 300 unpaid: 90 days × 0.15 = 13.50; Jan: DOMAIN.md's worked example 7.35.
        {"household": "1-1-101", "principal": "500.00", "late_fee": "20.85", "total": "520.85",
         "oldest_due": "2025-12-31"},
        # Jan 100 unpaid, Feb 1 – Mar 31 = 59 days × 0.05.
        {"household": "1-2-102", "principal": "100.00", "late_fee": "2.95", "total": "102.95",
         "oldest_due": "2026-01-31"},
    ]  # fmt: skip
    assert report["totals"] == {
        "principal": "600.00",
        "late_fee": "23.80",
        "total": "623.80",
        "households_in_arrears": 2,
    }
    assert report["rates"] == {
        "year": 2026,
        "current_due": "1200.00",
        "current_collected": "600.00",
        "collection_rate": "0.5000",
        "arrears_at_year_start": "500.00",
        "arrears_recovered": "200.00",
        "recovery_rate": "0.4000",
        "overall_rate": "0.4706",
        "household_rate": "0.3333",
    }


def test_report_before_any_due_date_is_empty_with_null_rates(ledger):
    report = arrears_report(ledger, date(2025, 10, 1))
    assert report["households"] == []
    assert report["totals"]["households_in_arrears"] == 0
    assert report["rates"]["collection_rate"] is None
    assert report["rates"]["recovery_rate"] is None
    assert report["rates"]["household_rate"] is None


def test_reversal_counts_from_its_date(ledger):
    b_payment = ledger.payments.get(household__room="301", paid_on=date(2026, 1, 25))
    payment_reverse(payment_id=b_payment.pk, reversed_by=None, reason="银行退票", reversed_on=date(2026, 3, 10))
    before = arrears_report(ledger, date(2026, 3, 9))
    assert "2-301" not in [h["household"] for h in before["households"]]
    after = arrears_report(ledger, AS_OF)
    row = next(h for h in after["households"] if h["household"] == "2-301")
    # Jan 200 paid Jan 25 (before due), reversed Mar 10: accrues Mar 10 – Mar 31 = 22 days × 0.10 = 2.20;
    # plus the 4.00 the Nov charge accrued before it was paid on Jan 10 (Dec 1 – Jan 9, 40 days × 0.10).
    assert row == {
        "household": "2-301",
        "principal": "200.00",
        "late_fee": "6.20",
        "total": "206.20",
        "oldest_due": "2026-01-31",
    }


def test_household_late_fee_includes_charges_paid_late(ledger):
    # As of Jan 20, B's Nov charge was paid on Jan 10: Dec 1 – Jan 9 = 40 days × 0.10 = 4.00 stays owed;
    # A owes Dec (Jan 1 – Jan 20 = 20 × 0.15 = 3.00). B is not listed: it has no overdue principal.
    report = arrears_report(ledger, date(2026, 1, 20))
    assert [h["household"] for h in report["households"]] == ["1-1-101"]
    assert report["households"][0]["late_fee"] == "3.00"


def test_grace_and_cap_from_the_community_policy(ledger):
    ledger.late_fee_grace_days = 30
    ledger.late_fee_cap_ratio = Decimal("0.02")
    ledger.save()
    row = arrears_report(ledger, AS_OF)["households"][0]
    # Dec: accrues Jan 31 – Mar 31 (60 days) × 0.15 = 9.00, capped at 6.00;
    # Jan: Mar 3 – Mar 31 at 200 (29 × 0.10 = 2.90), capped at 6.00 → 2.90.
    assert row["late_fee"] == "8.90"


def test_household_override_replaces_the_policy(ledger):
    from arrears.models import Household, LateFeeOverride

    household = Household.objects.get(room="102")
    LateFeeOverride.objects.create(household=household, daily_rate=Decimal("0.0003"), grace_days=0)
    row = next(h for h in arrears_report(ledger, AS_OF)["households"] if h["household"] == "1-2-102")
    assert row["late_fee"] == "1.77"  # 59 days × 100 × 0.0003


def test_command_json_and_table(ledger, capsys):
    call_command("arrears_report", "--as-of", "2026-03-31", "--community", "HY", "--json")
    text = capsys.readouterr().out
    data = json.loads(text)
    assert data == arrears_report(ledger, AS_OF)
    # The machine interface keeps its layout: the standard library's indented JSON, non-ASCII unescaped.
    assert text.rstrip("\n") == json.dumps(data, ensure_ascii=False, indent=2)
    call_command("arrears_report", "--as-of", "2026-03-31")
    out = capsys.readouterr().out
    assert "1-1-101" in out and "收费率: 0.5000" in out and "违约金" in out


def test_command_rejects_bad_input(ledger):
    with pytest.raises(CommandError, match="日期格式应为 YYYY-MM-DD"):
        call_command("arrears_report", "--as-of", "2026-13-01")
    with pytest.raises(CommandError, match="小区编码不存在"):
        call_command("arrears_report", "--as-of", "2026-03-31", "--community", "NOPE")
    CommunityFactory(code="ZZ")
    with pytest.raises(CommandError, match="有多个小区"):
        call_command("arrears_report", "--as-of", "2026-03-31")


def _random_ledger(seed: int, *, reversals: bool = False):
    """Six households with up to 20 monthly charges from 2025 and payments on random days (some reversed later),
    a day of 2026 to look from, and every charge as plain facts for the reference formulas."""
    rng = random.Random(seed)
    community = CommunityFactory(code=f"R{seed}")
    households = [HouseholdFactory(community=community) for _ in range(6)]
    for household in households:
        for month in range(rng.randint(0, 20)):
            start = date(2025, 1, 1) + timedelta(days=30 * month)
            charge(
                household,
                start,
                f"{rng.randint(1, 500)}.{rng.randint(0, 99):02d}",
                start + timedelta(days=29),
            )
        for _ in range(rng.randint(0, 5)):
            paid_on = date(2025, 1, 1) + timedelta(days=rng.randint(0, 650))
            payment = pay(household, f"{rng.randint(1, 900)}.00", paid_on)
            if reversals and rng.random() < 0.3:
                later = min(paid_on + timedelta(days=rng.randint(0, 200)), timezone.localdate())
                payment_reverse(payment_id=payment.pk, reversed_by=None, reason="退票", reversed_on=later)
    as_of = date(2026, 1, 1) + timedelta(days=rng.randint(0, 300))
    facts = [
        ChargeFacts(
            household=c.household_id,
            amount=c.amount,
            due_date=c.due_date,
            allocations=tuple(Allocation.objects.filter(charge=c).values_list("applied_on", "amount")),
        )
        for c in Charge.objects.filter(household__community=community)
    ]
    return community, as_of, facts


@pytest.mark.parametrize("seed", range(8))
def test_sql_rates_equal_the_reference_formulas(seed):
    """On random ledgers the database's sums equal DOMAIN.md's formulas computed charge by charge."""
    community, as_of, facts = _random_ledger(seed, reversals=seed % 2 == 1)
    assert collection_rates(community, year=2026, as_of=as_of).totals == collection_totals(
        facts, year=2026, as_of=as_of
    )


@pytest.mark.parametrize("seed", range(6))
def test_overdue_principal_by_due_date_equals_the_charges_one_by_one(seed):
    """The dashboard's aging reads (unpaid principal by due date) on random ledgers, reversals included."""
    from dashboard.snapshot import _by_due_date

    community, as_of, facts = _random_ledger(seed, reversals=True)
    expected: dict[date, Decimal] = {}
    for fact in facts:
        if fact.due_date < as_of:
            paid = sum((amount for day, amount in fact.allocations if day <= as_of), Decimal("0.00"))
            expected[fact.due_date] = expected.get(fact.due_date, Decimal("0.00")) + fact.amount - paid
    found = _by_due_date(community, as_of)
    assert {d: v for d, v in found.items() if v} == {d: v for d, v in expected.items() if v}


def test_the_json_layout_is_the_standard_librarys():
    from arrears.management.commands.arrears_report import _dumps

    report = {
        "community": "小区一",
        "households": [{"household": "1栋-2-301", "oldest_due": None}],
        "rates": {},
        "e": [],
    }
    assert _dumps(report) == json.dumps(report, ensure_ascii=False, indent=2)
