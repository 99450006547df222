"""After the sheets: the households' unallocated payments pay their open charges, oldest due first.

For a household this import adds, every charge and payment it has is in memory, so its allocations are computed
there; for one already in the database, a few queries per chunk of households (the batched form of
``apply_household_credit``).
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Sum

from arrears.allocation import allocate
from arrears.bulk import insert_rows
from arrears.models import Allocation, Charge, Household, Payment
from arrears.models.ledger import PaymentStatus
from arrears.money import ZERO
from arrears.positions import open_charges as open_charges_of

from .bulk import Statistics
from .result import ImportResult
from .state import ImportState, chunks

CHUNK = 500


def allocate_new_households(state: ImportState, *, charge_ids: list[int], payment_ids: list[int]) -> set[int]:
    """Allocate the payments of the households this import adds, in memory; returns the ids of the households
    already in the database that the import gave charges or payments (for apply_credit)."""
    charges: dict[object, list[tuple]] = defaultdict(list)
    payments: dict[object, list[tuple]] = defaultdict(list)
    existing: set[int] = set()
    for pk, (household, _fee, start, _end, amount, due) in zip(charge_ids, state.new_charges, strict=True):
        if household in state.added_households:
            charges[household].append((due, start, pk, amount))
        else:
            existing.add(household.pk)
    for pk, (household, paid_on, amount, *_rest) in zip(payment_ids, state.new_payments, strict=True):
        if household in state.added_households:
            payments[household].append((paid_on, pk, amount))
        else:
            existing.add(household.pk)
    allocations = []
    result = state.result
    for household, paid in payments.items():
        open_charges = [(pk, amount) for _due, _start, pk, amount in sorted(charges.get(household, ()))]
        first = 0  # the charges before it are paid: a payment pays the oldest in full and the next one in part
        for paid_on, payment_id, amount in sorted(paid):
            parts = allocate(amount, open_charges[first:])
            taken = dict(parts)
            while first < len(open_charges):
                pk, owed = open_charges[first]
                if owed > taken.get(pk, ZERO):
                    open_charges[first] = (pk, owed - taken.get(pk, ZERO))
                    break
                first += 1
            for charge_id, part in parts:
                allocations.append((payment_id, charge_id, part, paid_on))
                result.allocated += part
            result.credit_left += amount - sum(taken.values(), ZERO)
    written = insert_rows(Allocation, ("payment_id", "charge_id", "amount", "applied_on"), allocations)
    state.statistics.wrote(Allocation, written)
    result.allocation_count += written
    return existing


def apply_credit(*, household_ids: Iterable[int], result: ImportResult, statistics: Statistics) -> None:
    """Allocate every verified payment's unallocated amount (oldest payment first) to open charges (oldest due
    first), dated the payment's date; what is left stays as credit."""
    household_ids = sorted(household_ids)
    if not household_ids:
        return
    statistics.analyze(Charge, Payment, Allocation)
    for chunk in chunks(household_ids, CHUNK):
        # Lock the households as payment_verify and charge_post do, in id order against deadlocks.
        list(Household.objects.select_for_update().filter(pk__in=chunk).order_by("pk").values_list("pk"))
        open_charges = open_charges_of(chunk)
        allocations = []
        for household_id, payment_id, amount, allocated, paid_on in _payments_with_credit(chunk):
            left = amount - (allocated or ZERO)
            charges = open_charges.get(household_id, [])
            parts = allocate(left, charges)
            taken = dict(parts)
            open_charges[household_id] = [
                (pk, owed - taken.get(pk, ZERO)) for pk, owed in charges if owed - taken.get(pk, ZERO) > ZERO
            ]
            for charge_id, part in parts:
                allocations.append((payment_id, charge_id, part, paid_on))
                result.allocated += part
            result.credit_left += left - sum(taken.values(), ZERO)
        written = insert_rows(Allocation, ("payment_id", "charge_id", "amount", "applied_on"), allocations)
        statistics.wrote(Allocation, written)
        result.allocation_count += written


def _payments_with_credit(household_ids: tuple[int, ...]):
    rows = (
        Payment.objects.filter(household_id__in=household_ids, status=PaymentStatus.VERIFIED)
        .annotate(allocated=Sum("allocations__amount"))
        .order_by("household_id", "paid_on", "id")
        .values_list("household_id", "id", "amount", "allocated", "paid_on")
    )
    return [row for row in rows if row[2] - (row[3] or ZERO) > ZERO]
