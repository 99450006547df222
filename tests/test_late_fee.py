from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from arrears.late_fee import LateFeePolicy, late_fee, outstanding

POLICY = LateFeePolicy(daily_rate=Decimal("0.0005"), grace_days=0)


def fee(amount, due, allocations, as_of, policy=POLICY):
    return late_fee(amount=Decimal(amount), due_date=due, allocations=allocations, as_of=as_of, policy=policy)


def test_domain_worked_example():
    # DOMAIN.md: 300.00 due 2026-01-31, 100.00 paid 2026-03-02, as of 2026-03-31 → 4.35 + 3.00.
    allocations = [(date(2026, 3, 2), Decimal("100.00"))]
    assert fee("300.00", date(2026, 1, 31), allocations, date(2026, 3, 31)) == Decimal("7.35")


def test_nothing_accrues_on_or_before_the_due_date():
    assert fee("300.00", date(2026, 1, 31), [], date(2026, 1, 31)) == Decimal("0.00")
    assert fee("300.00", date(2026, 1, 31), [], date(2026, 1, 15)) == Decimal("0.00")


def test_first_day_after_due_date_accrues_one_day():
    assert fee("300.00", date(2026, 1, 31), [], date(2026, 2, 1)) == Decimal("0.15")


def test_grace_days_delay_accrual():
    policy = LateFeePolicy(daily_rate=Decimal("0.0005"), grace_days=10)
    assert fee("300.00", date(2026, 1, 31), [], date(2026, 2, 10), policy) == Decimal("0.00")
    # Feb 11 is the first accruing day.
    assert fee("300.00", date(2026, 1, 31), [], date(2026, 2, 11), policy) == Decimal("0.15")
    # Feb 11 .. Mar 31 = 18 + 31 = 49 days × 0.15
    assert fee("300.00", date(2026, 1, 31), [], date(2026, 3, 31), policy) == Decimal("7.35")


def test_cap_limits_the_fee_of_each_charge():
    policy = LateFeePolicy(daily_rate=Decimal("0.0005"), grace_days=0, cap_ratio=Decimal("0.05"))
    # Uncapped a year late: 365 × 0.15 = 54.75; cap 5% of 300 = 15.00.
    assert fee("300.00", date(2025, 1, 31), [], date(2026, 1, 31), policy) == Decimal("15.00")
    # Below the cap the cap does nothing.
    assert fee("300.00", date(2026, 1, 31), [], date(2026, 2, 10), policy) == Decimal("1.50")


def test_payment_on_a_day_lowers_that_days_base():
    # Paid in full on Feb 3: accrues Feb 1 and Feb 2 only.
    allocations = [(date(2026, 2, 3), Decimal("300.00"))]
    assert fee("300.00", date(2026, 1, 31), allocations, date(2026, 3, 31)) == Decimal("0.30")


def test_payment_before_the_due_date_reduces_the_base_from_the_start():
    allocations = [(date(2026, 1, 20), Decimal("200.00"))]
    # 100 outstanding for Feb 1..Feb 28 = 28 days × 0.05
    assert fee("300.00", date(2026, 1, 31), allocations, date(2026, 2, 28)) == Decimal("1.40")


def test_several_partial_payments():
    allocations = [
        (date(2026, 2, 11), Decimal("100.00")),  # Feb 1-10 at 300: 10 × 0.15 = 1.50
        (date(2026, 2, 21), Decimal("100.00")),  # Feb 11-20 at 200: 10 × 0.10 = 1.00
    ]  # Feb 21-28 at 100: 8 × 0.05 = 0.40
    assert fee("300.00", date(2026, 1, 31), allocations, date(2026, 2, 28)) == Decimal("2.90")


def test_payments_after_as_of_are_ignored():
    allocations = [(date(2026, 4, 15), Decimal("300.00"))]
    assert fee("300.00", date(2026, 1, 31), allocations, date(2026, 3, 31)) == fee(
        "300.00", date(2026, 1, 31), [], date(2026, 3, 31)
    )
    assert outstanding(amount=Decimal("300.00"), allocations=allocations, as_of=date(2026, 3, 31)) == Decimal("300.00")


def test_a_reversal_puts_the_base_back_from_its_date():
    allocations = [
        (date(2026, 2, 11), Decimal("300.00")),  # Feb 1-10 at 300 = 1.50
        (date(2026, 2, 21), Decimal("-300.00")),  # Feb 21-28 at 300 again = 8 × 0.15 = 1.20
    ]
    assert fee("300.00", date(2026, 1, 31), allocations, date(2026, 2, 28)) == Decimal("2.70")


def test_rounding_is_half_up_at_the_end_only():
    # 333.33 × 0.0005 = 0.166665 a day; 3 days = 0.499995 → 0.50 (rounding per day would give 0.51).
    assert fee("333.33", date(2026, 1, 31), [], date(2026, 2, 3)) == Decimal("0.50")


def test_annual_rate():
    assert POLICY.annual_rate == Decimal("0.1825")


amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)
days = st.integers(min_value=0, max_value=1500)


@given(amount=amounts, paid_part=st.integers(0, 100), pay_day=days, t1=days, t2=days, grace=st.integers(0, 60))
def test_late_fee_never_decreases_as_t_grows(amount, paid_part, pay_day, t1, t2, grace):
    due = date(2024, 1, 31)
    from datetime import timedelta

    paid = (amount * paid_part / 100).quantize(Decimal("0.01"))
    allocations = [(due + timedelta(days=pay_day), paid)] if paid else []
    policy = LateFeePolicy(daily_rate=Decimal("0.0005"), grace_days=grace)
    early, late = sorted((t1, t2))
    assert fee(amount, due, allocations, due + timedelta(days=early), policy) <= fee(
        amount, due, allocations, due + timedelta(days=late), policy
    )


@given(amount=amounts, t=days)
def test_unpaid_fee_is_days_times_rate_times_amount(amount, t):
    due = date(2024, 1, 31)
    from datetime import timedelta

    expected = (amount * Decimal("0.0005") * t).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
    assert fee(amount, due, [], due + timedelta(days=t)) == expected
