from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from arrears.allocation import allocate
from arrears.money import format_rate, parse_money, round_money
from arrears.rates import ChargeFacts, CollectionTotals, collection_totals, rates_from_totals

D = Decimal


def test_rates_from_totals():
    rates = rates_from_totals(
        CollectionTotals(
            year=2026,
            current_due=D("1000.00"),
            current_collected=D("812.34"),
            arrears_at_year_start=D("500.00"),
            arrears_recovered=D("100.00"),
            households_clear=7,
            households_with_due=9,
        )
    )
    assert format_rate(rates.collection_rate) == "0.8123"
    assert format_rate(rates.recovery_rate) == "0.2000"
    assert format_rate(rates.overall_rate) == "0.6082"  # 912.34 / 1500
    assert format_rate(rates.household_rate) == "0.7778"


def test_zero_denominators_give_none():
    rates = rates_from_totals(CollectionTotals(year=2026))
    assert rates.collection_rate is rates.recovery_rate is rates.overall_rate is rates.household_rate is None
    assert format_rate(None) is None


def test_collection_totals_by_the_formulas():
    charges = [
        # Last year, half paid last year, rest paid this year: 历史欠费 150, 清欠 150.
        ChargeFacts(
            "a", D("300.00"), date(2025, 12, 31), ((date(2025, 12, 1), D("150")), (date(2026, 2, 1), D("150")))
        ),
        # This year, paid after T: counts as due, not collected.
        ChargeFacts("a", D("300.00"), date(2026, 1, 31), ((date(2026, 5, 1), D("300")),)),
        # Due after T: not in the period.
        ChargeFacts("b", D("300.00"), date(2026, 6, 30), ()),
        # This year, paid: b is clear.
        ChargeFacts("b", D("200.00"), date(2026, 2, 28), ((date(2026, 2, 1), D("200")),)),
    ]  # fmt: skip
    totals = collection_totals(charges, year=2026, as_of=date(2026, 3, 31))
    assert totals == CollectionTotals(
        year=2026,
        current_due=D("500.00"),
        current_collected=D("200"),
        arrears_at_year_start=D("150.00"),
        arrears_recovered=D("150"),
        households_clear=1,
        households_with_due=2,
    )


def test_period_ends_at_year_end_when_t_is_later():
    charges = [
        ChargeFacts("a", D("100.00"), date(2026, 12, 31)),
        ChargeFacts("a", D("100.00"), date(2027, 1, 31)),
    ]
    assert collection_totals(charges, year=2026, as_of=date(2027, 3, 1)).current_due == D("100.00")


def test_allocate_oldest_first_and_named_first():
    open_charges = [(1, D("100")), (2, D("100")), (3, D("100"))]
    assert allocate(D("150"), open_charges) == [(1, D("100")), (2, D("50"))]
    assert allocate(D("150"), open_charges, named=3) == [(3, D("100")), (1, D("50"))]
    assert allocate(D("500"), open_charges) == [(1, D("100")), (2, D("100")), (3, D("100"))]
    assert allocate(D("10"), []) == []


@given(
    amount=st.decimals(min_value=D("0.01"), max_value=D("10000"), places=2),
    opens=st.lists(st.decimals(min_value=D("0.01"), max_value=D("1000"), places=2), max_size=12),
)
def test_allocation_never_exceeds_payment_or_charge(amount, opens):
    parts = allocate(amount, list(enumerate(opens)))
    assert sum((a for _k, a in parts), D(0)) == min(amount, sum(opens, D(0)))
    for key, part in parts:
        assert D(0) < part <= opens[key]


def test_money_parsing_and_rounding():
    assert parse_money("1,234.50") == D("1234.50")
    assert parse_money(" ¥88 ") == D("88")
    assert round_money(D("0.125")) == D("0.13")
    assert round_money(D("-0.125")) == D("-0.13")
    for bad in ("abc", "", "1.2.3", "NaN", "Infinity"):
        try:
            parse_money(bad)
        except ValueError:
            continue
        raise AssertionError(f"{bad!r} parsed")
