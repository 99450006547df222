"""The dealing of the daily split: DOMAIN.md's rules as properties over thousands of generated cases."""

import random
from collections import Counter
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from assignments.split import Collector, HouseholdSlot, deal, largest_remainder, quotas_with_pins


def households_strategy(max_size=120):
    return st.lists(
        st.tuples(
            st.integers(1, 8),  # building
            st.integers(1, 50_000),  # arrears in yuan
            st.booleans(),  # 钉子户
        ),
        max_size=max_size,
    ).map(
        lambda rows: [
            HouseholdSlot(key=f"h{i:04d}", building=str(b), arrears=Decimal(a), hard_refuser=hard)
            for i, (b, a, hard) in enumerate(rows)
        ]
    )


def collectors_strategy(min_size=1, max_size=15, weights=(1,)):
    return st.lists(
        st.tuples(st.sampled_from(weights), st.integers(1, 3), st.booleans()),
        min_size=min_size,
        max_size=max_size,
    ).map(
        lambda rows: [
            Collector(key=f"s{i:03d}", weight=Decimal(w), seniority=sen, eligible=ok or i == 0)
            for i, (w, sen, ok) in enumerate(rows)
        ]
    )


def eligible_keys(collectors):
    return {c.key for c in collectors if c.eligible and c.weight > 0}


def test_the_seeds_600_over_58():
    quotas = largest_remainder(600, {f"s{i:02d}": Decimal(1) for i in range(58)})
    assert sorted(Counter(quotas.values()).items()) == [(10, 38), (11, 20)]
    households = [HouseholdSlot(key=f"h{i:03d}", building=str(i % 40), arrears=Decimal(1000)) for i in range(600)]
    counts = Counter(deal(households, [Collector(key=f"s{i:02d}") for i in range(58)]).values())
    assert sorted(Counter(counts.values()).items()) == [(10, 38), (11, 20)]


def test_largest_remainder_by_weights():
    assert largest_remainder(10, {"a": Decimal(1), "b": Decimal(2), "c": Decimal(2)}) == {
        "a": 2,
        "b": 4,
        "c": 4,
    }
    assert largest_remainder(7, {"a": Decimal("0.5"), "b": Decimal("1.5")}) == {"a": 2, "b": 5}
    assert largest_remainder(0, {"a": Decimal(1)}) == {"a": 0}


def test_pins_above_quota_raise_that_quota_and_share_the_rest():
    quotas = quotas_with_pins(10, {"a": Decimal(1), "b": Decimal(1), "c": Decimal(1)}, {"a": 6})
    assert quotas == {"a": 6, "b": 2, "c": 2}


@given(households_strategy(), collectors_strategy())
@settings(max_examples=150)
def test_every_household_exactly_once_to_an_eligible_collector(households, collectors):
    result = deal(households, collectors)
    assert set(result) == {h.key for h in households}
    assert set(result.values()) <= eligible_keys(collectors)


@given(households_strategy(), collectors_strategy())
@settings(max_examples=150)
def test_equal_weights_counts_differ_by_at_most_one(households, collectors):
    result = deal(households, collectors)
    counts = Counter(result.values())
    per_person = [counts.get(k, 0) for k in eligible_keys(collectors)]
    assert max(per_person) - min(per_person) <= 1


@given(households_strategy(), collectors_strategy(weights=(1, 2, 3, Decimal("0.5"))))
@settings(max_examples=150)
def test_counts_follow_largest_remainder_on_weights(households, collectors):
    result = deal(households, collectors)
    counts = Counter(result.values())
    weights = {c.key: c.weight for c in collectors if c.key in eligible_keys(collectors)}
    assert {k: counts.get(k, 0) for k in weights} == largest_remainder(len(households), weights)


@given(households_strategy(), collectors_strategy(), st.randoms(use_true_random=False))
@settings(max_examples=100)
def test_same_input_in_any_order_gives_the_same_split(households, collectors, rnd):
    shuffled_h, shuffled_c = households[:], collectors[:]
    rnd.shuffle(shuffled_h)
    rnd.shuffle(shuffled_c)
    assert deal(households, collectors) == deal(shuffled_h, shuffled_c)


def with_previous(households, result, **changes):
    return [
        HouseholdSlot(
            key=h.key,
            building=h.building,
            arrears=h.arrears,
            hard_refuser=h.hard_refuser,
            previous=result.get(h.key),
            pinned_to=h.pinned_to,
            **changes,
        )
        for h in households
    ]


@given(households_strategy(), collectors_strategy())
@settings(max_examples=100)
def test_running_again_on_its_own_result_changes_nothing(households, collectors):
    first = deal(households, collectors)
    assert deal(with_previous(households, first), collectors) == first


@given(households_strategy(), collectors_strategy(min_size=2), st.data())
@settings(max_examples=150)
def test_a_household_moves_only_when_its_collector_is_ineligible_or_over_quota(households, collectors, data):
    yesterday = deal(households, collectors)
    # Next day: some households paid up, some collectors went on leave.
    today_households = [h for h in with_previous(households, yesterday) if data.draw(st.booleans(), label="stays")]
    leave = {c.key for c in collectors if data.draw(st.booleans(), label="leave")} - {"s000"}
    today_collectors = [
        Collector(key=c.key, weight=c.weight, seniority=c.seniority, eligible=c.eligible and c.key not in leave)
        for c in collectors
    ]
    today = deal(today_households, today_collectors)
    eligible = eligible_keys(today_collectors)
    weights = {c.key: c.weight for c in today_collectors if c.key in eligible}
    quotas = largest_remainder(len(today_households), weights)
    held = Counter(h.previous for h in today_households if h.previous in eligible)
    for h in today_households:
        if today[h.key] != h.previous:
            assert h.previous not in eligible or held[h.previous] > quotas[h.previous]


@given(households_strategy(), collectors_strategy(min_size=2), st.data())
@settings(max_examples=100)
def test_pins_never_move(households, collectors, data):
    eligible = sorted(eligible_keys(collectors))
    pinned = [
        HouseholdSlot(
            key=h.key,
            building=h.building,
            arrears=h.arrears,
            pinned_to=data.draw(st.sampled_from(eligible)) if data.draw(st.booleans()) else None,
        )
        for h in households
    ]
    result = deal(pinned, collectors)
    for h in pinned:
        if h.pinned_to:
            assert result[h.key] == h.pinned_to


def test_a_pin_to_someone_on_leave_is_dealt_for_the_day():
    households = [HouseholdSlot(key="h1", building="1", arrears=Decimal(1), pinned_to="s2")]
    collectors = [Collector(key="s1"), Collector(key="s2", eligible=False)]
    assert deal(households, collectors) == {"h1": "s1"}


def test_back_from_leave_gets_their_households_back_when_they_are_free():
    households = [HouseholdSlot(key=f"h{i}", building="1", arrears=Decimal(100 + i)) for i in range(6)]
    day1 = deal(households, [Collector(key="a"), Collector(key="b")])
    of_b = {k for k, v in day1.items() if v == "b"}
    # b goes on leave: a takes everything.
    day2 = deal(with_previous(households, day1), [Collector(key="a"), Collector(key="b", eligible=False)])
    assert set(day2.values()) == {"a"}
    # b is back: a is over quota and frees the households whose former collector is b.
    back = [
        HouseholdSlot(key=h.key, building=h.building, arrears=h.arrears, previous="a", former=day1[h.key])
        for h in households
    ]
    day3 = deal(back, [Collector(key="a"), Collector(key="b")])
    assert {k for k, v in day3.items() if v == "b"} == of_b


def test_hard_refusers_go_to_experienced_staff_where_possible():
    households = [
        HouseholdSlot(key=f"h{i}", building=str(i), arrears=Decimal(1000), hard_refuser=i < 3) for i in range(9)
    ]
    collectors = [
        Collector(key="new1", seniority=1),
        Collector(key="new2", seniority=1),
        Collector(key="old", seniority=2),
    ]
    result = deal(households, collectors)
    assert [result[f"h{i}"] for i in range(3)] == ["old", "old", "old"]


def test_dealing_keeps_a_building_together():
    households = [
        HouseholdSlot(key=f"h{b}{i}", building=str(b), arrears=Decimal(500)) for b in range(4) for i in range(5)
    ]
    result = deal(households, [Collector(key=k) for k in "abcd"])
    buildings_per_person = Counter()
    for person in "abcd":
        buildings_per_person[person] = len({h.building for h in households if result[h.key] == person})
    assert max(buildings_per_person.values()) == 1


def test_arrears_stay_near_the_mean():
    rng = random.Random(7)
    households = [
        HouseholdSlot(key=f"h{i:04d}", building=str(i), arrears=Decimal(rng.randint(100, 20000))) for i in range(400)
    ]
    result = deal(households, [Collector(key=f"s{i}") for i in range(20)])
    totals = Counter()
    for h in households:
        totals[result[h.key]] += h.arrears
    mean = sum(totals.values()) / 20
    assert max(abs(t - mean) for t in totals.values()) / mean < Decimal("0.1")


def test_nobody_eligible_means_no_split():
    households = [HouseholdSlot(key="h1", building="1", arrears=Decimal(1))]
    assert deal(households, [Collector(key="a", eligible=False), Collector(key="b", weight=Decimal(0))]) == {}


def minimum_forced_moves(held: Counter, people: list[str], total: int) -> int:
    """The fewest households that must change hands when ``total`` households are shared equally over ``people``
    and person k already holds ``held[k]`` of them: every way of handing out the remainder, tried."""
    from itertools import combinations

    base, extra = divmod(total, len(people))
    return min(sum(max(held[k] - (base + (k in lucky)), 0) for k in people) for lucky in combinations(people, extra))


@settings(max_examples=200, deadline=None)
@given(st.integers(2, 7), st.lists(st.integers(0, 6), min_size=1, max_size=40), st.integers(0, 12))
def test_the_number_moved_is_the_minimum_the_quotas_force(people_count, holders, new_households):
    """Everyone stays eligible; yesterday's holdings are arbitrary (some paid up, some new): only what the quotas
    force moves, and the quotas force no more than the best way of handing out their remainder would."""
    people = [f"s{i}" for i in range(people_count)]
    households = [
        HouseholdSlot(key=f"h{i:03d}", building=str(i % 5), arrears=Decimal(100 + i), previous=people[k % people_count])
        for i, k in enumerate(holders)
    ]
    households += [
        HouseholdSlot(key=f"n{i:03d}", building=str(i % 5), arrears=Decimal(50 + i)) for i in range(new_households)
    ]
    dealt = deal(households, [Collector(key=key) for key in people])
    moved = sum(1 for h in households if h.previous is not None and dealt[h.key] != h.previous)
    held = Counter(h.previous for h in households if h.previous is not None)
    assert moved == minimum_forced_moves(held, people, len(households))


def test_after_30_of_600_pay_only_the_forced_households_move():
    collectors = [Collector(key=f"s{i:02d}") for i in range(58)]
    day1 = deal([HouseholdSlot(key=f"h{i:03d}", building=str(i % 40), arrears=Decimal(1000 + i)) for i in range(600)],
                collectors)  # fmt: skip
    paid = {f"h{i:03d}" for i in range(0, 600, 20)}  # 30 households pay up
    day2_slots = [
        HouseholdSlot(key=k, building=str(int(k[1:]) % 40), arrears=Decimal(1000 + int(k[1:])), previous=s)
        for k, s in day1.items()
        if k not in paid
    ]
    day2 = deal(day2_slots, collectors)
    moved = sum(1 for h in day2_slots if day2[h.key] != h.previous)
    held = Counter(h.previous for h in day2_slots)
    quotas = largest_remainder(570, {c.key: Decimal(1) for c in collectors}, dict(held))
    assert moved == sum(max(held[k] - quotas[k], 0) for k in held)
    assert sorted(Counter(Counter(day2.values()).values()).items()) == [(9, 10), (10, 48)]
