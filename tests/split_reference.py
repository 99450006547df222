"""The daily split's dealing as first written (assignments.split before it was made fast), kept verbatim as the
oracle the fast version is compared with on generated cases: the same input must give the same split."""

import heapq
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction

from assignments.split import Collector, HouseholdSlot


def largest_remainder(total: int, weights: dict[str, Decimal], held: dict[str, int] | None = None) -> dict[str, int]:
    """Split ``total`` in proportion to ``weights`` (all > 0) by the largest-remainder method; ``held`` (how many
    households each already holds) breaks ties in the remainder after the weight."""
    if not weights:
        return {}
    held = held or {}
    weight_sum = sum((Fraction(w) for w in weights.values()), Fraction(0))
    exact = {key: Fraction(total) * Fraction(w) / weight_sum for key, w in weights.items()}
    quotas = {key: int(share) for key, share in exact.items()}
    left = total - sum(quotas.values())
    by_remainder = sorted(weights, key=lambda k: (-(exact[k] - quotas[k]), -Fraction(weights[k]), -held.get(k, 0), k))
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


def _deal_pool(
    pool: Sequence[HouseholdSlot],
    eligible: dict[str, Collector],
    quotas: dict[str, int],
    result: dict[str, str],
    slots: Sequence[HouseholdSlot],
) -> None:
    count: dict[str, int] = defaultdict(int)
    total: dict[str, Decimal] = defaultdict(Decimal)
    holders: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    arrears_of = {h.key: h for h in slots}
    for household_key, collector in result.items():
        h = arrears_of[household_key]
        count[collector] += 1
        total[collector] += h.arrears
        holders[h.building][collector] += 1

    def room(key: str) -> bool:
        return count[key] < quotas[key]

    # Walking a building together gives way to balance: nobody takes a neighbour's household past a fifth more
    # arrears than their fair share (the share of the total their quota gives them).
    grand_total = sum((h.arrears for h in slots), Decimal(0))
    households = len(slots)
    ceiling = {k: grand_total * quotas[k] / households * Decimal("1.2") for k in eligible} if households else {}

    everyone = [(total[k], k) for k in eligible if room(k)]
    seniors = [(total[k], k) for k in eligible if room(k) and eligible[k].seniority >= 2]
    heapq.heapify(everyone)
    heapq.heapify(seniors)

    def lowest(heap: list[tuple[Decimal, str]]) -> str | None:
        # Entries go stale when a collector's total changes; the fresh entry was pushed then.
        while heap:
            amount, key = heap[0]
            if room(key) and amount == total[key]:
                return key
            heapq.heappop(heap)
        return None

    order = sorted(pool, key=lambda h: (not h.hard_refuser, -h.arrears, h.key))
    for h in order:
        wants_senior = h.hard_refuser and lowest(seniors) is not None

        def fits(key: str, wants_senior: bool = wants_senior) -> bool:
            return key in eligible and room(key) and (not wants_senior or eligible[key].seniority >= 2)

        chosen = h.former if h.former is not None and fits(h.former) else None
        if chosen is None:
            in_building = [
                (-n, total[k], k)
                for k, n in holders[h.building].items()
                if fits(k) and total[k] + h.arrears <= ceiling[k]
            ]
            if in_building:
                chosen = min(in_building)[2]
        if chosen is None:
            chosen = lowest(seniors) if wants_senior else lowest(everyone)
        if chosen is None:  # cannot happen: quotas add up to the number of households
            raise AssertionError("quotas do not cover the households in scope")
        result[h.key] = chosen
        count[chosen] += 1
        total[chosen] += h.arrears
        holders[h.building][chosen] += 1
        if room(chosen):
            heapq.heappush(everyone, (total[chosen], chosen))
            if eligible[chosen].seniority >= 2:
                heapq.heappush(seniors, (total[chosen], chosen))
