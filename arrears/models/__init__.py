from .community import Building, Community, LateFeeOverride
from .households import Household, Owner, OwnerSegment
from .ledger import Allocation, Charge, FeeItem, Payment, PaymentReversal, ReceiptCounter
from .waivers import LateFeeWaiver

__all__ = [
    "Allocation",
    "Building",
    "Charge",
    "Community",
    "FeeItem",
    "Household",
    "LateFeeOverride",
    "LateFeeWaiver",
    "Owner",
    "OwnerSegment",
    "Payment",
    "PaymentReversal",
    "ReceiptCounter",
]
