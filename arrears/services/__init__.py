"""Every write to the ledger goes through these functions."""

from .charges import charge_post
from .payments import payment_record, payment_reject, payment_reverse, payment_verify

__all__ = ["charge_post", "payment_record", "payment_reject", "payment_reverse", "payment_verify"]
