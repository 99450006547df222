"""Which charges a payment pays: the named charge first, then the oldest due. Pure."""

from collections.abc import Hashable, Sequence
from decimal import Decimal

from .money import ZERO


def allocate(
    amount: Decimal,
    open_charges: Sequence[tuple[Hashable, Decimal]],
    *,
    named: Hashable | None = None,
) -> list[tuple[Hashable, Decimal]]:
    """Split ``amount`` over ``open_charges`` (charge key, outstanding), already sorted oldest due first.

    Returns (charge key, allocated) pairs; what is left over stays unallocated as the household's credit.
    """
    order = list(open_charges)
    if named is not None:
        order.sort(key=lambda item: item[0] != named)  # stable: the named charge first, the rest as given
    remaining = Decimal(amount)
    result: list[tuple[Hashable, Decimal]] = []
    for key, open_amount in order:
        if remaining <= ZERO:
            break
        if open_amount <= ZERO:
            continue
        part = min(remaining, open_amount)
        result.append((key, part))
        remaining -= part
    return result
