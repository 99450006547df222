"""After the sheets: the households' unallocated payments pay their open charges, oldest due first.

For a household this import adds, every charge and payment it has is in memory, so its allocations are computed
there, before the write; for one already in the database, a few queries per chunk of households (the batched form of
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


def plan_new_households(state: ImportState) -> None:
    """Before the write (and its locks): the allocations of the payments of the households this import adds,
    computed in memory, by the positions of the charges and payments in ``state.new_charges`` and
    ``state.new_payments`` (their ids, reserved in that order, come later); and the households already in the
    database that the import gives charges or payments (for apply_credit)."""
    charges: dict[object, list[tuple]] = defaultdict(list)
    payments: dict[object, list[tuple]] = defaultdict(list)
    existing: set[int] = set()
    for position, (household, _fee, start, _end, amount, due) in enumerate(state.new_charges):
        if household in state.added_households:
            charges[household].append((due, start, position, amount))
        else:
            existing.add(household.pk)
    for position, (household, paid_on, amount, *_rest) in enumerate(state.new_payments):
        if household in state.added_households:
            payments[household].append((paid_on, position, amount))
        else:
            existing.add(household.pk)
    allocations = []
    result = state.result
    for household, paid in payments.items():
        open_charges = [(position, amount) for _due, _start, position, amount in sorted(charges.get(household, ()))]
        first = 0  # the charges before it are paid: a payment pays the oldest in full and the next one in part
        for paid_on, payment, amount in sorted(paid):
            parts = allocate(amount, open_charges[first:])
            taken = dict(parts)
            while first < len(open_charges):
                position, owed = open_charges[first]
                if owed > taken.get(position, ZERO):
                    open_charges[first] = (position, owed - taken.get(position, ZERO))
                    break
                first += 1
            for charge, part in parts:
                allocations.append((payment, charge, part, paid_on))
                result.allocated += part
            result.credit_left += amount - sum(taken.values(), ZERO)
    state.new_allocations = allocations
    state.households_with_credit = existing


def allocate_new_households(state: ImportState, *, charge_ids: list[int], payment_ids: list[int]) -> set[int]:
    """Write the allocations plan_new_households computed, now that the charges and payments have their ids;
    returns the ids of the households already in the database that the import gave charges or payments."""
    rows = (
        (payment_ids[payment], charge_ids[charge], part, paid_on)
        for payment, charge, part, paid_on in state.new_allocations
    )
    written = insert_rows(Allocation, ("payment_id", "charge_id", "amount", "applied_on"), rows)
    state.statistics.wrote(Allocation, written)
    state.result.allocation_count += written
    return state.households_with_credit


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
