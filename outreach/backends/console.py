"""The default sender: writes each message to the log (the database keeps it too), so everything works offline."""

import logging
import uuid

from django.conf import settings

from arrears.masking import mask_phone

from . import OutgoingSms, SendResult, SmsBackend

logger = logging.getLogger("outreach.sms")


class ConsoleBackend(SmsBackend):
    name = "console"
    needs_template_code = False

    def send(self, message: OutgoingSms) -> SendResult:
        sign = f"【{settings.SMS_SIGN_NAME}】" if settings.SMS_SIGN_NAME else ""
        logger.info("SMS to %s: %s%s", mask_phone(message.phone), sign, message.text)
        return SendResult(vendor_id=f"console-{uuid.uuid4().hex[:20]}", delivered=True)
