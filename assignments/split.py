"""The daily split (分包): which collector holds which household today. Pure: plain data in, plain data out.

DOMAIN.md's rules, and the choices this module makes where they leave room:

- Quotas by largest remainder on the weights of the eligible staff; ties in the remainder go to the larger weight,
  then to whoever already holds more of today's households (so nobody is forced to give one up while someone else
  is forced to take one), then to the smaller staff key. Equal weights give counts that differ by at most one, and
  from one day to the next only as many households move as the quotas force.
- A household pinned to an eligible person stays with that person, and counts against their quota. If a person's
  pins exceed their quota, their quota is their pin count and the rest is shared among the others. A pin to a
  person who is not eligible today (on leave, inactive) is ignored for that day only.
- A household keeps yesterday's collector while that collector is eligible and within quota. A collector over quota
  first frees the households whose former collector is eligible again (they go home), then keeps the households in
  the buildings where they hold the most (door-to-door walking) and frees the rest, smallest arrears first.
- Freed and new households are dealt largest arrears first (钉子户 before the rest, so that they reach experienced
  staff while those have room). Each goes to, in order of preference: its former collector if that person has room
  (someone back from leave gets their households back when they are free), else a person with room who already
  holds a household in the same building (the one holding most there) unless that would take them more than a
  fifth past their fair share of the arrears, else the person with room whose total arrears is lowest. A 钉子户
  goes to seniority ≥ 2 where someone with room has it.
- Deterministic: the input order does not matter, only the values.
"""

import heapq
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from operator import attrgetter
from typing import NamedTuple


class HouseholdSlot(NamedTuple):
    """A household in scope today, as the dealing sees it (a named tuple: the split makes one per household in
    scope, a hundred thousand a day, and a tuple is made several times faster than a frozen dataclass)."""

    key: str
    building: str
    arrears: Decimal
    hard_refuser: bool = False
    previous: str | None = None  # yesterday's collector
    former: str | None = None  # the collector before yesterday's, when it changed (e.g. who went on leave)
    pinned_to: str | None = None


@dataclass(frozen=True)
class Collector:
    """A staff member as the dealing sees them."""

    key: str
    weight: Decimal = Decimal(1)
    seniority: int = 1
    eligible: bool = True


def largest_remainder(total: int, weights: dict[str, Decimal], held: dict[str, int] | None = None) -> dict[str, int]:
    """Split ``total`` in proportion to ``weights`` (all > 0) by the largest-remainder method; ``held`` (how many
    households each already holds) breaks ties in the remainder after the weight."""
    if not weights:
        return {}
    held = held or {}
    # Exact in integers: the weights over their common denominator, so every share is total × w / Σw with the
    # same Σw, and a remainder compares as its numerator does.
    ratios = {key: Fraction(w) for key, w in weights.items()}
    denominator = math.lcm(*(r.denominator for r in ratios.values()))
    scaled = {key: r.numerator * (denominator // r.denominator) for key, r in ratios.items()}
    weight_sum = sum(scaled.values())
    quotas = {}
    remainder = {}
    for key, w in scaled.items():
        quotas[key], remainder[key] = divmod(total * w, weight_sum)
    left = total - sum(quotas.values())
    by_remainder = sorted(weights, key=lambda k: (-remainder[k], -scaled[k], -held.get(k, 0), k))
    for key in by_remainder[:left]:
        quotas[key] += 1
    return quotas


def quotas_with_pins(
    total: int, weights: dict[str, Decimal], pins: dict[str, int], held: dict[str, int] | None = None
) -> dict[str, int]:
    """Largest-remainder quotas where nobody's quota is below their pin count."""
    fixed: dict[str, int] = {}
    while True:
        rest = {k: w for k, w in weights.items() if k not in fixed}
        quotas = largest_remainder(total - sum(fixed.values()), rest, held)
        over = {k: pins[k] for k, q in quotas.items() if pins.get(k, 0) > q}
        if not over:
            return {**quotas, **fixed}
        fixed.update(over)


def deal(households: Iterable[HouseholdSlot], collectors: Iterable[Collector]) -> dict[str, str]:
    """Today's collector of every household in scope: {household key: collector key}.

    Empty when nobody is eligible.
    """
    slots = sorted(households, key=lambda h: h.key)
    eligible = {c.key: c for c in sorted(collectors, key=lambda c: c.key) if c.eligible and c.weight > 0}
    if not eligible or not slots:
        return {}

    # One pass: pins hold; whom each other household stays with or goes home to, if the quotas allow (its former
    # collector when they are back, else yesterday's collector; ties in the quotas' remainders go to those holding
    # more of them); who keeps what, and what is to be dealt.
    result: dict[str, str] = {}
    assigned: list[tuple[HouseholdSlot, str]] = []  # (household, collector) of result, for the dealing's totals
    pins: dict[str, int] = defaultdict(int)
    held: dict[str, int] = defaultdict(int)
    pinned_buildings: dict[str, set[str]] = defaultdict(set)
    kept_by: dict[str, list[HouseholdSlot]] = defaultdict(list)
    pool: list[HouseholdSlot] = []
    for h in slots:
        pinned_to = h.pinned_to
        if pinned_to is not None and pinned_to in eligible:
            result[h.key] = pinned_to
            assigned.append((h, pinned_to))
            pins[pinned_to] += 1
            held[pinned_to] += 1
            pinned_buildings[pinned_to].add(h.building)
            continue
        previous, former = h.previous, h.former
        if former is not None and former in eligible and former != previous:
            held[former] += 1
        elif previous is not None and previous in eligible:
            held[previous] += 1
        if previous is not None and previous in eligible:
            kept_by[previous].append(h)
        else:
            pool.append(h)
    quotas = quotas_with_pins(len(slots), {k: c.weight for k, c in eligible.items()}, pins, held)

    for key, kept in kept_by.items():
        room = quotas[key] - pins.get(key, 0)
        if len(kept) <= room:
            result.update((h.key, key) for h in kept)
            assigned.extend((h, key) for h in kept)
            continue
        in_building: dict[str, int] = defaultdict(int)
        for h in kept:
            in_building[h.building] += 1
        ranked = sorted(
            kept,
            key=lambda h, key=key: (
                h.former in eligible and h.former != key,
                h.building not in pinned_buildings[key],
                -in_building[h.building],
                h.building,
                -h.arrears,
                h.key,
            ),
        )
        for h in ranked[: max(room, 0)]:
            result[h.key] = key
            assigned.append((h, key))
        pool.extend(ranked[max(room, 0) :])

    if pool:
        _deal_pool(pool, assigned, eligible, quotas, result)
    return result


def _in_units(amounts: Sequence[Decimal]) -> tuple[int, list[int]]:
    """The amounts as whole units of their finest decimal place (fen for money): (10 ** places, [units]). Exact, so
    sums and comparisons in integers give what Decimal gives, many times faster."""
    ratios = [a.as_integer_ratio() for a in amounts]
    denominators = {denominator for _numerator, denominator in ratios}  # each divides a power of ten
    scale = 1
    while any(scale % denominator for denominator in denominators):
        scale *= 10
    return scale, [numerator * (scale // denominator) for numerator, denominator in ratios]


def _deal_pool(
    pool: Sequence[HouseholdSlot],
    assigned: Sequence[tuple[HouseholdSlot, str]],
    eligible: dict[str, Collector],
    quotas: dict[str, int],
    result: dict[str, str],
) -> None:
    """Deal the freed and new households of ``pool`` into ``result``, which holds the pinned and kept ones
    (``assigned``: those households with their collectors).

    Collectors are numbered in key order and amounts counted in whole fen, so that ties break as the keys do and
    the figures are those of Decimal. A building's candidates are only its holders who still have room: once full,
    a collector never has room again that day, so dropping them changes no choice and keeps each lookup short.
    """
    keys = list(eligible)  # sorted by key: the index orders as the key does
    index = {key: i for i, key in enumerate(keys)}
    quota = [quotas[key] for key in keys]
    senior = [eligible[key].seniority >= 2 for key in keys]
    count = [0] * len(keys)
    held_total = [Decimal(0)] * len(keys)
    pool_buildings = {h.building for h in pool}
    held_in: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for h, collector in assigned:
        i = index[collector]
        count[i] += 1
        held_total[i] += h.arrears
        if h.building in pool_buildings:
            held_in[h.building][i] += 1
    scale, units = _in_units([*held_total, *(h.arrears for h in pool)])
    total = units[: len(keys)]
    amount = {h.key: u for h, u in zip(pool, units[len(keys) :], strict=True)}

    # Walking a building together gives way to balance: nobody takes a neighbour's household past a fifth more
    # arrears than their fair share (the share of the total their quota gives them). The ceiling is worked out in
    # Decimal as the rule states it, then as the largest whole number of fen within it.
    grand_total = sum(held_total, Decimal(0)) + sum((h.arrears for h in pool), Decimal(0))
    households = len(assigned) + len(pool)
    ceilings: dict[int, int] = {}
    for q in set(quota):
        ceiling = Fraction(grand_total * q / households * Decimal("1.2"))
        ceilings[q] = ceiling.numerator * scale // ceiling.denominator
    limit = [ceilings[q] for q in quota]

    # Who can still take a household in each building: {building: {collector: households held there}}.
    candidates: dict[str, dict[int, int]] = defaultdict(dict)
    buildings_of: list[set[str]] = [set() for _key in keys]
    for building, holding in held_in.items():
        for i, n in holding.items():
            if count[i] < quota[i]:
                candidates[building][i] = n
                buildings_of[i].add(building)

    # Heap entries are total × m + index (m collectors), which order as (total, index) do: one integer compares
    # faster than a tuple.
    m = len(keys)
    everyone = [total[i] * m + i for i in range(m) if count[i] < quota[i]]
    seniors = [total[i] * m + i for i in range(m) if count[i] < quota[i] and senior[i]]
    heapq.heapify(everyone)
    heapq.heapify(seniors)

    def lowest(heap: list[int]) -> int | None:
        # Entries go stale when a collector's total changes; the fresh entry was pushed then.
        while heap:
            owed, i = divmod(heap[0], m)
            if count[i] < quota[i] and owed == total[i]:
                return i
            heapq.heappop(heap)
        return None

    # 钉子户 first, then largest arrears first, then by key: sorted by key, then (stably) by one integer.
    order = sorted(pool, key=attrgetter("key"))
    span = 1 + max(amount.values()) - min(amount.values())  # every 钉子户's number below everyone else's
    order.sort(key=lambda h: -amount[h.key] if h.hard_refuser else span - amount[h.key])
    for h in order:
        a = amount[h.key]
        wants_senior = h.hard_refuser and lowest(seniors) is not None
        chosen = index.get(h.former) if h.former is not None else None
        if chosen is not None and not (count[chosen] < quota[chosen] and (not wants_senior or senior[chosen])):
            chosen = None
        building = h.building
        if chosen is None:
            # The holder with the most households here, then the lowest total, then the first key.
            most = 0
            for i, n in candidates[building].items():
                if (wants_senior and not senior[i]) or total[i] + a > limit[i] or n < most:
                    continue
                if n > most or total[i] < total[chosen] or (total[i] == total[chosen] and i < chosen):
                    most, chosen = n, i
        if chosen is None:
            chosen = lowest(seniors) if wants_senior else lowest(everyone)
        if chosen is None:  # cannot happen: quotas add up to the number of households
            raise AssertionError("quotas do not cover the households in scope")
        result[h.key] = keys[chosen]
        count[chosen] += 1
        total[chosen] += a
        if count[chosen] < quota[chosen]:
            in_building = candidates[building]
            in_building[chosen] = in_building.get(chosen, 0) + 1
            buildings_of[chosen].add(building)
            heapq.heappush(everyone, total[chosen] * m + chosen)
            if senior[chosen]:
                heapq.heappush(seniors, total[chosen] * m + chosen)
        else:
            for held in buildings_of[chosen]:
                del candidates[held][chosen]
            buildings_of[chosen].clear()
