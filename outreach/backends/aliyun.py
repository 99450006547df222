"""Aliyun SMS (阿里云短信, dysmsapi 2017-05-25) through its official SDK.

``SendSms`` with the approved template's code and its ``${name}`` variables as JSON; delivery reports through
``QuerySendDetails`` (one call per message). Aliyun has no pull for replies: 退订 replies reach Aliyun's message
queue, which this product does not read; register those numbers at /sms/opt-outs/.
"""

import json
from datetime import datetime

from django.utils import timezone

from ..quiet_hours import CHINA
from . import (
    AccountSmsError,
    BlacklistedSmsError,
    DeliveryReport,
    OutgoingSms,
    PendingReport,
    PermanentSmsError,
    SendResult,
    SmsBackend,
    TemporarySmsError,
)

# Codes worth another try later: the vendor busy or throttling, a per-number frequency limit.
TEMPORARY = {
    "isp.SYSTEM_ERROR",
    "isp.GATEWAY_ERROR",
    "isp.OUT_OF_SERVICE",
    "isv.BUSINESS_LIMIT_CONTROL",
    "Throttling.User",
    "Throttling.Api",
    "Throttling",
    "ServiceUnavailable",
    "InternalError",
}
# Codes after which nothing goes through until the account is fixed.
ACCOUNT = {
    "isv.AMOUNT_NOT_ENOUGH",
    "isv.OUT_OF_SERVICE",
    "isv.ACCOUNT_NOT_EXISTS",
    "isv.ACCOUNT_ABNORMAL",
    "isv.SMS_SIGNATURE_ILLEGAL",
    "isv.SMS_SIGN_ILLEGAL",
    "isv.SMS_TEMPLATE_ILLEGAL",
    "isv.TEMPLATE_MISSING_PARAMETERS",
    "isp.RAM_PERMISSION_DENY",
    "InvalidAccessKeyId.NotFound",
    "SignatureDoesNotMatch",
    "Forbidden.RAM",
}
BLACKLISTED = {"isv.BLACK_KEY_CONTROL_LIMIT", "isv.DENY_IP_RANGE"}
# QuerySendDetails' SendStatus: 1 waiting for the report, 2 failed, 3 delivered.
_FAILED, _DELIVERED = 2, 3


def _classify(code: str, message: str):
    if code in TEMPORARY:
        return TemporarySmsError(message, code)
    if code in ACCOUNT:
        return AccountSmsError(message, code)
    if code in BLACKLISTED:
        return BlacklistedSmsError(message, code)
    return PermanentSmsError(message, code)


def _client(access_key_id: str, access_key_secret: str, endpoint: str):
    from alibabacloud_dysmsapi20170525.client import Client
    from alibabacloud_tea_openapi.utils_models import Config

    config = Config(access_key_id=access_key_id, access_key_secret=access_key_secret, endpoint=endpoint)
    config.connect_timeout = 5000  # ms
    config.read_timeout = 10000
    return Client(config)


class AliyunBackend(SmsBackend):
    name = "aliyun"

    def __init__(self, *, access_key_id: str, access_key_secret: str, sign_name: str, endpoint: str, client=None):
        self.sign_name = sign_name
        self.client = client if client is not None else _client(access_key_id, access_key_secret, endpoint)

    def send(self, message: OutgoingSms) -> SendResult:
        from alibabacloud_dysmsapi20170525 import models

        request = models.SendSmsRequest(
            phone_numbers=message.phone,
            sign_name=self.sign_name,
            template_code=message.template_code,
            template_param=json.dumps(message.params, ensure_ascii=False),
        )
        try:
            response = self.client.send_sms(request)
        except Exception as exc:  # the SDK raises its own kinds for HTTP errors and plain ones for the network
            code = getattr(exc, "code", "") or ""
            if not code:
                raise TemporarySmsError(str(exc) or type(exc).__name__) from exc
            raise _classify(str(code), getattr(exc, "message", "") or str(exc)) from exc
        body = response.body
        if body.code == "OK":
            return SendResult(vendor_id=body.biz_id or "")
        raise _classify(body.code or "", body.message or "")

    def delivery_reports(self, pending: list[PendingReport]) -> list[DeliveryReport]:
        from alibabacloud_dysmsapi20170525 import models

        reports = []
        for item in pending:
            request = models.QuerySendDetailsRequest(
                phone_number=item.phone,
                biz_id=item.vendor_id,
                send_date=item.sent_at.astimezone(CHINA).strftime("%Y%m%d"),
                page_size=10,
                current_page=1,
            )
            try:
                body = self.client.query_send_details(request).body
            except Exception:  # a report is read again at the next pull
                continue
            details = getattr(body.sms_send_detail_dtos, "sms_send_detail_dto", None) or []
            for detail in details:
                if detail.send_status == _DELIVERED:
                    reports.append(DeliveryReport(item.vendor_id, True, at=_parse_time(detail.receive_date)))
                elif detail.send_status == _FAILED:
                    reports.append(DeliveryReport(item.vendor_id, False, error=detail.err_code or ""))
        return reports


def _parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=CHINA)
    except ValueError:
        return timezone.now()
