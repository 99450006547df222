from .balances import ChargeBalance
from .community import Building, Community, LateFeeOverride
from .day_close import DayClose, DayReopen
from .households import Household, Owner, OwnerSegment
from .ledger import Allocation, Charge, FeeItem, Payment, PaymentReversal, ReceiptCounter
from .legal import LegalTrackChange
from .waivers import LateFeeWaiver

__all__ = [
    "Allocation",
    "Building",
    "Charge",
    "ChargeBalance",
    "Community",
    "DayClose",
    "DayReopen",
    "FeeItem",
    "Household",
    "LateFeeOverride",
    "LateFeeWaiver",
    "LegalTrackChange",
    "Owner",
    "OwnerSegment",
    "Payment",
    "PaymentReversal",
    "ReceiptCounter",
]
