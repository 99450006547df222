"""The fast dealing gives exactly the split of the dealing as first written (tests/split_reference.py), on generated
days with yesterday's holders, former holders back from leave, pins, 钉子户, weights, seniorities and leave."""

import random
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from assignments.split import Collector, HouseholdSlot, deal, largest_remainder, quotas_with_pins
from tests import split_reference

WEIGHTS = (Decimal(1), Decimal(1), Decimal(2), Decimal("0.5"), Decimal("1.25"), Decimal(0))


def same_split(households, collectors):
    dealt = deal(households, collectors)
    expected = split_reference.deal(households, collectors)
    assert dealt == expected
    assert list(dealt.items()) == list(expected.items())  # in the same order too
    return dealt


@st.composite
def days(draw, max_households=150, max_collectors=12):
    collectors = [
        Collector(
            key=f"s{i:02d}",
            weight=draw(st.sampled_from(WEIGHTS)),
            seniority=draw(st.integers(1, 3)),
            eligible=draw(st.integers(0, 5)) > 0,
        )
        for i in range(draw(st.integers(1, max_collectors)))
    ]
    keys = [c.key for c in collectors] + ["gone"]  # someone no longer on the staff list
    holder = st.one_of(st.none(), st.sampled_from(keys))
    rows = draw(
        st.lists(
            st.tuples(
                st.integers(1, 9),  # building
                # arrears in fen; round sums often meet a ceiling exactly, where ≤ and < part ways
                st.one_of(st.integers(1, 3_000_000), st.sampled_from((10_000, 20_000, 30_000, 60_000))),
                st.booleans(),  # 钉子户
                holder,  # yesterday's collector
                holder,  # the one before
                st.integers(0, 9),  # pinned when 0
            ),
            max_size=max_households,
        )
    )
    households = [
        HouseholdSlot(
            key=f"h{i}",  # not zero-padded: keys sort as strings ("h10" < "h9"), as the service's ids do
            building=str(building),
            arrears=Decimal(fen) / 100,
            hard_refuser=hard,
            previous=previous,
            former=former,
            pinned_to=draw(st.sampled_from(keys)) if pin == 0 else None,
        )
        for i, (building, fen, hard, previous, former, pin) in enumerate(rows)
    ]
    return households, collectors


@given(days())
@settings(max_examples=400, deadline=None)
def test_the_same_split_as_the_reference(day):
    households, collectors = day
    same_split(households, collectors)


@given(days(max_households=60, max_collectors=6), st.integers(0, 2**32))
@settings(max_examples=100, deadline=None)
def test_the_same_split_as_the_reference_day_after_day(day, seed):
    """Each day starts from the one before: households pay up or fall due, people go on leave and come back."""
    households, collectors = day
    rng = random.Random(seed)
    dealt: dict[str, str] = {}
    for _day in range(4):
        dealt = same_split(households, collectors)
        households = [
            HouseholdSlot(
                key=h.key,
                building=h.building,
                arrears=h.arrears,
                hard_refuser=h.hard_refuser,
                previous=dealt.get(h.key),
                former=h.previous if h.previous != dealt.get(h.key) else h.former,
                pinned_to=h.pinned_to,
            )
            for h in households
            if rng.random() > 0.1
        ] + [
            HouseholdSlot(key=f"n{_day}-{i}", building=str(rng.randint(1, 9)), arrears=Decimal(rng.randint(1, 10**6)))
            for i in range(rng.randint(0, 10))
        ]
        collectors = [
            Collector(key=c.key, weight=c.weight, seniority=c.seniority, eligible=rng.random() > 0.2)
            for c in collectors
        ]


def test_the_same_split_as_the_reference_at_scale():
    """5,000 households in 40 buildings over 100 people, for three days with leave: the data structures that make
    the dealing fast (a building's candidates, the heaps) only show their edge cases with many holders."""
    rng = random.Random(11)
    collectors = [Collector(key=str(k), seniority=rng.choice((1, 1, 2, 3))) for k in range(1, 101)]
    households = [
        HouseholdSlot(
            key=str(k),
            building=str(rng.randint(1, 40)),
            arrears=Decimal(rng.randint(100, 2_000_000)) / 100,
            hard_refuser=rng.random() < 0.12,
        )
        for k in range(1, 5001)
    ]
    for day in range(3):
        dealt = same_split(households, collectors)
        collectors = [
            Collector(key=c.key, seniority=c.seniority, eligible=(int(c.key) + day) % 20 != 0) for c in collectors
        ]
        households = [
            HouseholdSlot(
                key=h.key,
                building=h.building,
                arrears=h.arrears,
                hard_refuser=h.hard_refuser,
                previous=dealt[h.key],
                former=h.previous if h.previous != dealt[h.key] else h.former,
            )
            for h in households
            if rng.random() > 0.02
        ]


@given(
    st.integers(0, 500),
    st.dictionaries(st.sampled_from("abcdefgh"), st.sampled_from(WEIGHTS[:-1]), min_size=1),
    st.dictionaries(st.sampled_from("abcdefgh"), st.integers(0, 80)),
    st.dictionaries(st.sampled_from("abcdefgh"), st.integers(0, 200)),
)
@settings(max_examples=300)
def test_quotas_as_the_reference(total, weights, held, pins):
    assert largest_remainder(total, weights, held) == split_reference.largest_remainder(total, weights, held)
    pinned: dict[str, int] = {}  # pins are households in scope: they add up to at most the total
    for k, n in sorted(pins.items()):
        if k in weights and sum(pinned.values()) + n <= total:
            pinned[k] = n
    pins = pinned
    assert quotas_with_pins(total, weights, pins, held) == split_reference.quotas_with_pins(total, weights, pins, held)
