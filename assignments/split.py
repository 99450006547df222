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


@dataclass(frozen=True)
class HouseholdSlot:
    """A household in scope today, as the dealing sees it."""

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

    result: dict[str, str] = {}
    pins: dict[str, int] = defaultdict(int)
    for h in slots:
        if h.pinned_to in eligible:
            result[h.key] = h.pinned_to
            pins[h.pinned_to] += 1
    # Whom each household stays with or goes home to, if the quotas allow: its pin, its former collector when they
    # are back, else yesterday's collector. Ties in the quotas' remainders go to those holding more of them.
    held: dict[str, int] = defaultdict(int)
    for h in slots:
        holder = result.get(h.key)
        if holder is None and h.former in eligible and h.former != h.previous:
            holder = h.former
        if holder is None and h.previous in eligible:
            holder = h.previous
        if holder is not None:
            held[holder] += 1
    quotas = quotas_with_pins(len(slots), {k: c.weight for k, c in eligible.items()}, pins, held)

    pinned_buildings: dict[str, set[str]] = defaultdict(set)
    for h in slots:
        if h.key in result:
            pinned_buildings[result[h.key]].add(h.building)
    kept_by: dict[str, list[HouseholdSlot]] = defaultdict(list)
    pool: list[HouseholdSlot] = []
    for h in slots:
        if h.key in result:
            continue
        if h.previous in eligible:
            kept_by[h.previous].append(h)
        else:
            pool.append(h)

    for key, kept in kept_by.items():
        room = quotas[key] - pins.get(key, 0)
        if len(kept) <= room:
            for h in kept:
                result[h.key] = key
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
        pool.extend(ranked[max(room, 0) :])

    _deal_pool(pool, eligible, quotas, result, slots)
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
    eligible: dict[str, Collector],
    quotas: dict[str, int],
    result: dict[str, str],
    slots: Sequence[HouseholdSlot],
) -> None:
    """Deal the freed and new households of ``pool`` into ``result`` (which holds the pinned and kept ones).

    Collectors are numbered in key order and amounts counted in whole fen, so that ties break as the keys do and
    the figures are those of Decimal. A building's candidates are only its holders who still have room: once full,
    a collector never has room again that day, so dropping them changes no choice and keeps each lookup short.
    """
    keys = list(eligible)  # sorted by key: the index orders as the key does
    index = {key: i for i, key in enumerate(keys)}
    quota = [quotas[key] for key in keys]
    senior = [eligible[key].seniority >= 2 for key in keys]
    scale, units = _in_units([h.arrears for h in slots])
    amount = {h.key: u for h, u in zip(slots, units, strict=True)}
    count = [0] * len(keys)
    total = [0] * len(keys)
    building_of = {h.key: h.building for h in slots}
    held_in: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for household_key, collector in result.items():
        i = index[collector]
        count[i] += 1
        total[i] += amount[household_key]
        held_in[building_of[household_key]][i] += 1

    # Walking a building together gives way to balance: nobody takes a neighbour's household past a fifth more
    # arrears than their fair share (the share of the total their quota gives them). The ceiling is worked out in
    # Decimal as the rule states it, then as the largest whole number of fen within it.
    grand_total = sum((h.arrears for h in slots), Decimal(0))
    households = len(slots)
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

    order = sorted(pool, key=lambda h: (not h.hard_refuser, -amount[h.key], h.key))
    for h in order:
        a = amount[h.key]
        wants_senior = h.hard_refuser and lowest(seniors) is not None
        chosen = index.get(h.former) if h.former is not None else None
        if chosen is not None and not (count[chosen] < quota[chosen] and (not wants_senior or senior[chosen])):
            chosen = None
        building = h.building
        if chosen is None:
            best = None
            for i, n in candidates[building].items():
                if (not wants_senior or senior[i]) and total[i] + a <= limit[i]:
                    ranked = (-n, total[i], i)
                    if best is None or ranked < best:
                        best = ranked
            if best is not None:
                chosen = best[2]
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
