"""The read model (arrears.positions) gives, set-based, exactly what the pure functions give, charge by charge."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arrears.late_fee import LateFeePolicy, late_fee, outstanding
from arrears.models import Allocation, Charge, Household, LateFeeOverride, LateFeeWaiver, Payment
from arrears.models.ledger import PaymentStatus
from arrears.money import ZERO
from arrears.positions import charge_positions, owing, owing_on, position, positions
from arrears.rates import ChargeFacts, collection_totals
from arrears.selectors import collection_rates
from dashboard.snapshot import daily_collected
from tests.factories import CommunityFactory, FeeItemFactory, HouseholdFactory, UserFactory

pytestmark = pytest.mark.django_db

START = date(2025, 1, 1)

money = st.decimals(min_value=Decimal("0.00"), max_value=Decimal("5000.00"), places=2)
signed = st.decimals(min_value=Decimal("-800.00"), max_value=Decimal("3000.00"), places=2).filter(lambda v: v != 0)
offset = st.integers(min_value=0, max_value=720)
policies = st.builds(
    LateFeePolicy,
    daily_rate=st.sampled_from([Decimal("0.0005"), Decimal("0.0003"), Decimal("0.001"), Decimal("0.000123")]),
    grace_days=st.integers(min_value=0, max_value=40),
    cap_ratio=st.sampled_from([None, Decimal("0.3"), Decimal("0.1"), Decimal("1.5"), Decimal("0.0123")]),
)
charge_plan = st.tuples(money, offset, st.lists(st.tuples(signed, offset), max_size=4))
household_plan = st.tuples(
    st.lists(charge_plan, max_size=5),
    st.one_of(st.none(), policies),
    st.lists(st.tuples(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("90.00"), places=2), offset)),
)


# Allocations as they happen: positive, never more than the charge in all (the way most charges are paid).
regular_charge = st.integers(min_value=100, max_value=500_000).flatmap(
    lambda fen: st.tuples(
        st.just(Decimal(fen) / 100),
        offset,
        st.lists(st.tuples(st.integers(min_value=1, max_value=fen // 4), offset), max_size=4).map(
            lambda parts: [(Decimal(part) / 100, when) for part, when in parts]
        ),
    )
)
regular_household = st.tuples(st.lists(regular_charge, max_size=5), st.one_of(st.none(), policies), st.just([]))
# Paid in full, in one or two parts, on days around the due date (before, within and after the grace days).
settled_charge = st.tuples(st.integers(min_value=100, max_value=500_000), offset).flatmap(
    lambda charge: st.tuples(
        st.just(Decimal(charge[0]) / 100),
        st.just(charge[1]),
        st.tuples(
            st.integers(min_value=1, max_value=charge[0]),
            st.integers(min_value=-30, max_value=60),
            st.integers(min_value=-30, max_value=60),
        ).map(
            lambda parts, fen=charge[0], due=charge[1]: (
                [(Decimal(parts[0]) / 100, max(0, due + parts[1]))]
                + ([(Decimal(fen - parts[0]) / 100, max(0, due + parts[2]))] if fen > parts[0] else [])
            )
        ),
    )
)
mixed_household = st.tuples(
    st.lists(st.one_of(regular_charge, settled_charge), max_size=6), st.one_of(st.none(), policies), st.just([])
)


def build(plan, community_policy):
    community = CommunityFactory(
        late_fee_daily_rate=community_policy.daily_rate,
        late_fee_grace_days=community_policy.grace_days,
        late_fee_cap_ratio=community_policy.cap_ratio,
    )
    fee_item = FeeItemFactory()
    user = UserFactory()
    expected = {}
    for index, (charges, override, waivers) in enumerate(plan):
        household = HouseholdFactory(community=community, room=str(100 + index))
        policy = community_policy
        if override is not None:
            LateFeeOverride.objects.create(
                household=household,
                daily_rate=override.daily_rate,
                grace_days=override.grace_days,
                cap_ratio=override.cap_ratio,
            )
            policy = override
        payment = Payment.objects.create(
            community=community,
            household=household,
            paid_on=START,
            amount=Decimal("1.00"),
            channel="cash",
            status=PaymentStatus.VERIFIED,
        )
        rows = []
        for number, (amount, due, allocations) in enumerate(charges):
            start = START + timedelta(days=31 * number)
            charge = Charge.objects.create(
                household=household,
                fee_item=fee_item,
                period_start=start,
                period_end=start,
                amount=amount,
                due_date=START + timedelta(days=due),
            )
            entries = [(START + timedelta(days=when), part) for part, when in allocations]
            Allocation.objects.bulk_create(
                Allocation(payment=payment, charge=charge, amount=part, applied_on=when) for when, part in entries
            )
            rows.append((charge, entries))
        for amount, when in waivers:
            LateFeeWaiver.objects.create(
                household=household,
                amount=amount,
                waived_on=START + timedelta(days=when),
                reason="测试",
                approved_by=user,
            )
        expected[household.pk] = (rows, policy, [(START + timedelta(days=when), amount) for amount, when in waivers])
    return community, expected


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=st.lists(household_plan, min_size=1, max_size=4), community_policy=policies, as_of_offset=offset)
def test_positions_equal_the_pure_functions_on_random_ledgers(plan, community_policy, as_of_offset):
    check_against_pure_functions(plan, community_policy, START + timedelta(days=as_of_offset))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=st.lists(regular_household, min_size=1, max_size=4), community_policy=policies, as_of_offset=offset)
def test_positions_equal_the_pure_functions_on_regularly_paid_ledgers(plan, community_policy, as_of_offset):
    """No reversal: every charge goes the set-based ways (from its balance row, or from its allocations)."""
    check_against_pure_functions(plan, community_policy, START + timedelta(days=as_of_offset))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=st.lists(mixed_household, min_size=1, max_size=4), community_policy=policies, as_of_offset=offset)
def test_positions_equal_the_pure_functions_with_charges_paid_in_full(plan, community_policy, as_of_offset):
    """Charges settled before, within and after their grace days beside charges still open: those that add nothing
    are left out of the statement for the households in arrears, and nothing changes."""
    check_against_pure_functions(plan, community_policy, START + timedelta(days=as_of_offset))


def check_against_pure_functions(plan, community_policy, as_of):
    with transaction.atomic():
        community, expected = build(plan, community_policy)
        households = Household.objects.filter(community=community)
        found = positions(households, as_of)
        by_charge = {row.charge_id: row for row in charge_positions(households, as_of)}
        for household_id, (rows, policy, waivers) in expected.items():
            due = [(charge, entries) for charge, entries in rows if charge.due_date < as_of]
            principal = ZERO
            gross = ZERO
            oldest = None
            for charge, entries in due:
                unpaid = outstanding(amount=charge.amount, allocations=entries, as_of=as_of)
                fee = late_fee(
                    amount=charge.amount, due_date=charge.due_date, allocations=entries, as_of=as_of, policy=policy
                )
                assert (by_charge[charge.pk].outstanding, by_charge[charge.pk].late_fee) == (unpaid, fee)
                principal += unpaid
                gross += fee
                if unpaid > ZERO and (oldest is None or charge.due_date < oldest):
                    oldest = charge.due_date
            waived = sum((amount for when, amount in waivers if when <= as_of), ZERO)
            if not due:
                assert household_id not in found
                continue
            got = found[household_id]
            assert (got.principal, got.late_fee_gross, got.oldest_due) == (principal, gross, oldest)
            assert got.late_fee_waived == min(gross, waived)
            assert got.late_fee == gross - min(gross, waived)
        assert len(by_charge) == sum(1 for rows, _p, _w in expected.values() for c, _e in rows if c.due_date < as_of)
        assert owing(households, as_of) == {pk: p.principal for pk, p in found.items() if p.principal > ZERO}
        # Those in arrears alone (the charges that add nothing left out of the statement): the same positions.
        in_arrears_only = {pk: p for pk, p in found.items() if p.principal > ZERO}
        assert positions(households, as_of, owing_only=True) == in_arrears_only
        on = owing_on((pk, as_of) for pk in expected)
        assert on == {(pk, as_of): found[pk].principal if pk in found else ZERO for pk in expected}
        facts = [
            ChargeFacts(household=pk, amount=charge.amount, due_date=charge.due_date, allocations=tuple(entries))
            for pk, (rows, _p, _w) in expected.items()
            for charge, entries in rows
        ]
        expected_daily: dict = {}
        year_start, period_end = date(as_of.year, 1, 1), min(as_of, date(as_of.year, 12, 31))
        for rows, _p, _w in expected.values():
            for charge, entries in rows:
                if year_start <= charge.due_date <= period_end:
                    for when, part in entries:
                        if when <= as_of:
                            day = max(when, charge.due_date)
                            expected_daily[day] = expected_daily.get(day, ZERO) + part
        assert daily_collected(community, as_of) == {day: v for day, v in expected_daily.items() if v}
        for year in {as_of.year, as_of.year - 1}:
            reference = collection_totals(facts, year=year, as_of=as_of)
            assert collection_rates(community, year=year, as_of=as_of).totals == reference
        transaction.set_rollback(True)


def test_domain_worked_example_and_a_waiver():
    community = CommunityFactory(late_fee_daily_rate=Decimal("0.0005"), late_fee_grace_days=0)
    household = HouseholdFactory(community=community)
    charge = Charge.objects.create(
        household=household,
        fee_item=FeeItemFactory(),
        period_start=date(2026, 1, 1),
        period_end=date(2026, 1, 31),
        amount=Decimal("300.00"),
        due_date=date(2026, 1, 31),
    )
    payment = Payment.objects.create(
        community=community,
        household=household,
        paid_on=date(2026, 3, 2),
        amount=Decimal("100.00"),
        channel="cash",
        status=PaymentStatus.VERIFIED,
    )
    Allocation.objects.create(payment=payment, charge=charge, amount=Decimal("100.00"), applied_on=date(2026, 3, 2))
    LateFeeWaiver.objects.create(
        household=household,
        amount=Decimal("5.00"),
        waived_on=date(2026, 3, 15),
        reason="测试",
        approved_by=UserFactory(),
    )

    found = position(household, date(2026, 3, 31))

    assert (found.principal, found.late_fee_gross, found.late_fee_waived, found.late_fee) == (
        Decimal("200.00"),
        Decimal("7.35"),
        Decimal("5.00"),
        Decimal("2.35"),
    )
    assert found.oldest_due == date(2026, 1, 31) and found.months_overdue == 2
    assert position(household, date(2026, 1, 31)).principal == ZERO  # due that day: not yet overdue


def test_owing_on_gives_each_pair_its_own_date():
    household = HouseholdFactory()
    other = HouseholdFactory(community=household.community)
    fee_item = FeeItemFactory()
    charge = Charge.objects.create(
        household=household,
        fee_item=fee_item,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 1, 31),
        amount=Decimal("300.00"),
        due_date=date(2026, 1, 31),
    )
    payment = Payment.objects.create(
        community=household.community,
        household=household,
        paid_on=date(2026, 3, 2),
        amount=Decimal("100.10"),
        channel="cash",
        status=PaymentStatus.VERIFIED,
    )
    Allocation.objects.create(payment=payment, charge=charge, amount=Decimal("100.10"), applied_on=date(2026, 3, 2))

    found = owing_on(
        [
            (household.pk, date(2026, 1, 31)),
            (household.pk, date(2026, 2, 1)),
            (household.pk, date(2026, 3, 2)),
            (other.pk, date(2026, 3, 2)),
        ]
    )

    assert found == {
        (household.pk, date(2026, 1, 31)): ZERO,
        (household.pk, date(2026, 2, 1)): Decimal("300.00"),
        (household.pk, date(2026, 3, 2)): Decimal("199.90"),
        (other.pk, date(2026, 3, 2)): ZERO,
    }


def test_an_empty_scope_gives_nothing():
    HouseholdFactory()
    today = date(2026, 3, 31)
    assert positions(Household.objects.none(), today) == {}
    assert positions(Household.objects.filter(pk__in=[]), today, owing_only=True) == {}
    assert owing(Household.objects.filter(pk__in=[]), today) == {}


def test_charges_paid_in_full_keep_their_late_fee_for_a_household_in_arrears():
    """By hand, 0.001 a day, no grace (F = due date + 1), as of 2025-04-11: 1,000.00 due 01-11 paid 01-13 accrued one
    day (01-12: 1.00); 500.00 due 01-11 paid on F, 01-12, accrued nothing, nor 300.00 paid before it was due; 100.00
    due 01-21 still open accrues 01-22 … 04-11, 80 days (8.00). Principal 100.00, 违约金 9.00."""
    policy = LateFeePolicy(daily_rate=Decimal("0.001"), grace_days=0, cap_ratio=None)
    plan = [
        (
            [
                (Decimal("1000.00"), 10, [(Decimal("1000.00"), 12)]),
                (Decimal("500.00"), 10, [(Decimal("500.00"), 11)]),
                (Decimal("300.00"), 10, [(Decimal("300.00"), 5)]),
                (Decimal("100.00"), 20, []),
            ],
            None,
            [],
        )
    ]
    community, _expected = build(plan, policy)
    households = Household.objects.filter(community=community)
    as_of = date(2025, 4, 11)
    (found,) = positions(households, as_of, owing_only=True).values()
    assert (found.principal, found.late_fee_gross, found.oldest_due) == (
        Decimal("100.00"),
        Decimal("9.00"),
        date(2025, 1, 21),
    )
    assert positions(households, as_of) == {found.household_id: found}
