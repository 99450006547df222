from .links import OwnerLink
from .sms import (
    BATCH_LEVELS,
    MessageStatus,
    OptOutSource,
    OutreachSettings,
    SkipReason,
    SmsBatch,
    SmsBatchStatus,
    SmsLevel,
    SmsMessage,
    SmsOptOut,
    SmsTemplate,
    SmsThrottle,
)

__all__ = [
    "BATCH_LEVELS",
    "MessageStatus",
    "OptOutSource",
    "OutreachSettings",
    "OwnerLink",
    "SkipReason",
    "SmsBatch",
    "SmsBatchStatus",
    "SmsLevel",
    "SmsMessage",
    "SmsOptOut",
    "SmsTemplate",
    "SmsThrottle",
]
