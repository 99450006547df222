"""arrears.positions.overdue_principal (the split's cheaper read) gives what owing() gives, on random ledgers whose
charges are unpaid, paid in part, settled exactly (by the date or after it), overpaid or reversed."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arrears.late_fee import LateFeePolicy, outstanding
from arrears.models import Household
from arrears.money import ZERO
from arrears.positions import overdue_principal, owing
from tests.test_positions import build as build_ledger

pytestmark = pytest.mark.django_db

START = date(2025, 1, 1)

day = st.integers(min_value=0, max_value=120)
fen = st.integers(min_value=1, max_value=500_000)


@st.composite
def charge_plan(draw):
    """(amount, due day, [(part, day)]): one of the ways a charge stands in a ledger."""
    amount = draw(fen)
    kind = draw(st.sampled_from(["unpaid", "settled", "settled", "part", "over", "reversed", "zero"]))
    if kind == "zero":
        amount, parts = 0, []
    elif kind == "unpaid":
        parts = []
    elif kind == "settled":  # allocations adding up to the amount exactly, on one day or several
        cuts = sorted(draw(st.lists(st.integers(1, amount), max_size=2, unique=True)))
        bounds = [0, *[c for c in cuts if c < amount], amount]
        parts = [hi - lo for lo, hi in zip(bounds, bounds[1:], strict=False)]
    elif kind == "part":
        parts = [draw(st.integers(1, max(amount - 1, 1)))]
    elif kind == "over":
        parts = [amount, draw(st.integers(1, 10_000))]
    else:  # paid, then the payment reversed (in full or in part)
        paid = draw(st.integers(1, amount))
        parts = [paid, -draw(st.integers(1, paid))]
    return Decimal(amount) / 100, draw(day), [(Decimal(p) / 100, draw(day)) for p in parts]


ledgers = st.lists(st.lists(charge_plan(), max_size=5), min_size=1, max_size=5)


def build(plan):
    """The ledger of tests.test_positions (one payment a household, the charges' allocations as planned), with the
    community's late-fee terms: {household id: [(charge, [(day, part)])]}."""
    households = [(charges, None, []) for charges in plan]
    community, expected = build_ledger(households, LateFeePolicy(Decimal("0.0005"), 0, None))
    return community, {pk: rows for pk, (rows, _policy, _waivers) in expected.items()}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=ledgers, as_of_offset=st.integers(min_value=0, max_value=130))
def test_overdue_principal_is_owing_on_random_ledgers(plan, as_of_offset):
    as_of = START + timedelta(days=as_of_offset)
    with transaction.atomic():
        community, expected = build(plan)
        households = Household.objects.filter(community=community)
        found = overdue_principal(households, as_of)
        assert found == owing(households, as_of)
        by_pure = {
            pk: sum(
                (
                    outstanding(amount=charge.amount, allocations=entries, as_of=as_of)
                    for charge, entries in rows
                    if charge.due_date < as_of
                ),
                ZERO,
            )
            for pk, rows in expected.items()
        }
        assert found == {pk: owed for pk, owed in by_pure.items() if owed > ZERO}
        some = Household.objects.filter(pk__in=list(expected)[::2])
        assert overdue_principal(some, as_of) == owing(some, as_of)
        transaction.set_rollback(True)


def test_an_empty_scope_owes_nothing():
    assert overdue_principal(Household.objects.filter(pk__in=[]), date(2026, 3, 1)) == {}
