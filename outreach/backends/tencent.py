"""Tencent Cloud SMS (腾讯云短信, API 2021-01-11) through its official SDK.

``SendSms`` with the approved template's id and its values in order (``{1} {2} …``); delivery reports and replies
are pulled (``PullSmsSendStatus``, ``PullSmsReplyStatus``: set the application to pull mode in Tencent's console).
A reply of T, TD, R, N or 退订 puts the number on the opt-out list.
"""

from datetime import datetime

from ..phones import normalize_mobile
from ..quiet_hours import CHINA
from . import (
    AccountSmsError,
    BlacklistedSmsError,
    DeliveryReport,
    OutgoingSms,
    PendingReport,
    PermanentSmsError,
    Reply,
    SendResult,
    SmsBackend,
    TemporarySmsError,
)

TEMPORARY_PREFIXES = ("InternalError", "RequestLimitExceeded", "ClientNetworkError", "ServerNetworkError")
TEMPORARY = {
    "LimitExceeded.PhoneNumberThirtySecondLimit",
    "LimitExceeded.PhoneNumberOneHourLimit",
    "LimitExceeded.DeliveryFrequencyLimit",
    "LimitExceeded.GlobalSmsSendingRateLimit",
    "FailedOperation.FailResolvePacket",
}
ACCOUNT_PREFIXES = ("AuthFailure", "UnauthorizedOperation")
ACCOUNT = {
    "FailedOperation.InsufficientBalanceInSmsPackage",
    "FailedOperation.SignatureIncorrectOrUnapproved",
    "FailedOperation.TemplateIncorrectOrUnapproved",
    "FailedOperation.TemplateUnapprovedOrNotExist",
    "FailedOperation.TemplateParamSetNotMatchApprovedTemplate",
    "FailedOperation.MissingSignature",
    "LimitExceeded.AppDailyLimit",
    "LimitExceeded.AppMainlandChinaDailyLimit",
    "LimitExceeded.DailyLimit",
}
BLACKLISTED = {"FailedOperation.PhoneNumberInBlacklist"}
PULL_LIMIT = 100


def _classify(code: str, message: str):
    if code in TEMPORARY or code.startswith(TEMPORARY_PREFIXES):
        return TemporarySmsError(message, code)
    if code in ACCOUNT or code.startswith(ACCOUNT_PREFIXES):
        return AccountSmsError(message, code)
    if code in BLACKLISTED:
        return BlacklistedSmsError(message, code)
    return PermanentSmsError(message, code)


def _client(secret_id: str, secret_key: str, region: str):
    from tencentcloud.common import credential
    from tencentcloud.common.profile.client_profile import ClientProfile
    from tencentcloud.common.profile.http_profile import HttpProfile
    from tencentcloud.sms.v20210111 import sms_client

    http = HttpProfile(reqTimeout=10)
    return sms_client.SmsClient(credential.Credential(secret_id, secret_key), region, ClientProfile(httpProfile=http))


class TencentBackend(SmsBackend):
    name = "tencent"

    def __init__(self, *, secret_id: str, secret_key: str, sdk_app_id: str, sign_name: str, region: str, client=None):
        self.sdk_app_id = sdk_app_id
        self.sign_name = sign_name
        self.client = client if client is not None else _client(secret_id, secret_key, region)

    def _call(self, method: str, request):
        try:
            return getattr(self.client, method)(request)
        except Exception as exc:  # TencentCloudSDKException carries a code; anything else is the network
            get_code = getattr(exc, "get_code", None)
            code = get_code() if callable(get_code) else ""
            if not code:
                raise TemporarySmsError(str(exc) or type(exc).__name__) from exc
            get_message = getattr(exc, "get_message", None)
            raise _classify(code, get_message() if callable(get_message) else str(exc)) from exc

    def send(self, message: OutgoingSms) -> SendResult:
        from tencentcloud.sms.v20210111 import models

        request = models.SendSmsRequest()
        request.SmsSdkAppId = self.sdk_app_id
        request.SignName = self.sign_name
        request.TemplateId = message.template_code
        request.PhoneNumberSet = ["+86" + message.phone]
        request.TemplateParamSet = [str(value) for value in message.params.values()]
        response = self._call("SendSms", request)
        statuses = response.SendStatusSet or []
        if not statuses:
            raise TemporarySmsError("empty SendStatusSet")
        status = statuses[0]
        if status.Code == "Ok":
            return SendResult(vendor_id=status.SerialNo or "")
        raise _classify(status.Code or "", status.Message or "")

    def delivery_reports(self, pending: list[PendingReport]) -> list[DeliveryReport]:
        from tencentcloud.sms.v20210111 import models

        request = models.PullSmsSendStatusRequest()
        request.SmsSdkAppId = self.sdk_app_id
        request.Limit = PULL_LIMIT
        try:
            response = self._call("PullSmsSendStatus", request)
        except (TemporarySmsError, PermanentSmsError):
            return []
        reports = []
        for item in response.PullSmsSendStatusSet or []:
            delivered = item.ReportStatus == "SUCCESS"
            at = datetime.fromtimestamp(item.UserReceiveTime, tz=CHINA) if item.UserReceiveTime else None
            reports.append(
                DeliveryReport(item.SerialNo or "", delivered, error="" if delivered else item.Description or "", at=at)
            )
        return reports

    def replies(self) -> list[Reply]:
        from tencentcloud.sms.v20210111 import models

        request = models.PullSmsReplyStatusRequest()
        request.SmsSdkAppId = self.sdk_app_id
        request.Limit = PULL_LIMIT
        try:
            response = self._call("PullSmsReplyStatus", request)
        except (TemporarySmsError, PermanentSmsError):
            return []
        replies = []
        for item in response.PullSmsReplyStatusSet or []:
            phone = normalize_mobile(item.PhoneNumber or item.SubscriberNumber or "")
            if phone:
                replies.append(Reply(phone, (item.ReplyContent or "").strip()))
        return replies
