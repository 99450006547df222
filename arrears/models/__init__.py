from .community import Building, Community, LateFeeOverride
from .households import Household, Owner, OwnerSegment
from .ledger import Allocation, Charge, FeeItem, Payment, PaymentReversal, ReceiptCounter

__all__ = [
    "Allocation",
    "Building",
    "Charge",
    "Community",
    "FeeItem",
    "Household",
    "LateFeeOverride",
    "Owner",
    "OwnerSegment",
    "Payment",
    "PaymentReversal",
    "ReceiptCounter",
]
