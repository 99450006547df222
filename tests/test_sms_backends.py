"""The senders: the console backend, and Aliyun's and Tencent's through a fake of each vendor's client.

The fakes take the SDKs' own request objects, so a change in the SDK's models breaks these tests; nothing here
reaches a network.
"""

from datetime import datetime
from types import SimpleNamespace

import pytest

from outreach.backends import (
    AccountSmsError,
    BlacklistedSmsError,
    OutgoingSms,
    PendingReport,
    PermanentSmsError,
    TemporarySmsError,
    get_backend,
)
from outreach.backends.aliyun import AliyunBackend
from outreach.backends.console import ConsoleBackend
from outreach.backends.tencent import TencentBackend
from outreach.models import MessageStatus, OptOutSource, SmsMessage, SmsOptOut
from outreach.quiet_hours import CHINA
from outreach.services.optouts import sms_reports_pull
from tests.factories import HouseholdFactory

MESSAGE = OutgoingSms(
    phone="13800138000",
    text="3-2-101欠费900.00元",
    template_code="SMS_123456789",
    params={"room": "3-2-101", "total": "900.00"},
)


# Console ---------------------------------------------------------------------------------------------------------


def test_console_writes_the_message_to_the_log_masked(caplog, settings):
    settings.SMS_SIGN_NAME = "和园物业"
    with caplog.at_level("INFO", logger="outreach.sms"):
        result = ConsoleBackend().send(MESSAGE)
    assert result.delivered and result.vendor_id.startswith("console-")
    assert "138****8000" in caplog.text and "【和园物业】3-2-101欠费900.00元" in caplog.text
    assert "13800138000" not in caplog.text


def test_the_backend_is_chosen_by_settings(settings):
    settings.SMS_BACKEND = "console"
    assert isinstance(get_backend(), ConsoleBackend)
    with pytest.raises(ValueError):
        get_backend("carrier-pigeon")


# Aliyun ----------------------------------------------------------------------------------------------------------


class FakeAliyunClient:
    """Stands for ``alibabacloud_dysmsapi20170525.client.Client``: records requests, answers as told."""

    def __init__(self, code="OK", raises=None, details=None):
        self.requests = []
        self.code = code
        self.raises = raises
        self.details = details or []

    def send_sms(self, request):
        self.requests.append(request)
        if self.raises:
            raise self.raises
        return SimpleNamespace(body=SimpleNamespace(code=self.code, message="msg", biz_id="biz-1"))

    def query_send_details(self, request):
        self.requests.append(request)
        dtos = SimpleNamespace(sms_send_detail_dto=self.details)
        return SimpleNamespace(body=SimpleNamespace(code="OK", sms_send_detail_dtos=dtos))


def aliyun(client):
    return AliyunBackend(
        access_key_id="id", access_key_secret="secret", sign_name="和园物业", endpoint="x", client=client
    )


def test_aliyun_sends_the_approved_template_with_its_variables():
    from alibabacloud_dysmsapi20170525.models import SendSmsRequest

    client = FakeAliyunClient()
    result = aliyun(client).send(MESSAGE)
    assert result.vendor_id == "biz-1" and not result.delivered
    request = client.requests[0]
    assert isinstance(request, SendSmsRequest)
    assert request.phone_numbers == "13800138000"
    assert request.sign_name == "和园物业"
    assert request.template_code == "SMS_123456789"
    assert request.template_param == '{"room": "3-2-101", "total": "900.00"}'
    assert request.to_map()["TemplateCode"] == "SMS_123456789"  # the SDK serialises it


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("isv.BUSINESS_LIMIT_CONTROL", TemporarySmsError),
        ("isp.SYSTEM_ERROR", TemporarySmsError),
        ("isv.MOBILE_NUMBER_ILLEGAL", PermanentSmsError),
        ("isv.AMOUNT_NOT_ENOUGH", AccountSmsError),
        ("isv.SMS_TEMPLATE_ILLEGAL", AccountSmsError),
        ("isv.BLACK_KEY_CONTROL_LIMIT", BlacklistedSmsError),
    ],
)
def test_aliyun_error_codes_are_sorted(code, kind):
    with pytest.raises(kind) as raised:
        aliyun(FakeAliyunClient(code=code)).send(MESSAGE)
    assert type(raised.value) is kind and raised.value.code == code


def test_aliyun_network_and_sdk_exceptions():
    from alibabacloud_tea_openapi.exceptions import ThrottlingException

    with pytest.raises(TemporarySmsError):
        aliyun(FakeAliyunClient(raises=ConnectionError("reset"))).send(MESSAGE)
    throttled = ThrottlingException(code="Throttling.User", message="slow down")
    with pytest.raises(TemporarySmsError):
        aliyun(FakeAliyunClient(raises=throttled)).send(MESSAGE)


def test_aliyun_delivery_reports():
    from alibabacloud_dysmsapi20170525.models import QuerySendDetailsRequest

    delivered = SimpleNamespace(send_status=3, err_code="DELIVERED", receive_date="2026-04-30 10:00:05")
    client = FakeAliyunClient(details=[delivered])
    sent_at = datetime(2026, 4, 30, 1, 30, tzinfo=CHINA)
    reports = aliyun(client).delivery_reports([PendingReport("biz-1", "13800138000", sent_at)])
    assert reports[0].delivered and reports[0].at == datetime(2026, 4, 30, 10, 0, 5, tzinfo=CHINA)
    request = client.requests[0]
    assert isinstance(request, QuerySendDetailsRequest)
    assert (request.biz_id, request.phone_number, request.send_date) == ("biz-1", "13800138000", "20260430")
    failed = SimpleNamespace(send_status=2, err_code="MK:0001", receive_date=None)
    assert (
        not aliyun(FakeAliyunClient(details=[failed])).delivery_reports([PendingReport("b", "1", sent_at)])[0].delivered
    )


# Tencent ---------------------------------------------------------------------------------------------------------


class FakeTencentClient:
    """Stands for ``tencentcloud.sms.v20210111.sms_client.SmsClient``."""

    def __init__(self, code="Ok", raises=None, reports=(), replies=()):
        self.requests = []
        self.code = code
        self.raises = raises
        self.reports = list(reports)
        self.replies = list(replies)

    def SendSms(self, request):  # noqa: N802 (the SDK's name)
        self.requests.append(request)
        if self.raises:
            raise self.raises
        status = SimpleNamespace(Code=self.code, Message="msg", SerialNo="serial-1")
        return SimpleNamespace(SendStatusSet=[status])

    def PullSmsSendStatus(self, request):  # noqa: N802
        self.requests.append(request)
        return SimpleNamespace(PullSmsSendStatusSet=self.reports)

    def PullSmsReplyStatus(self, request):  # noqa: N802
        self.requests.append(request)
        return SimpleNamespace(PullSmsReplyStatusSet=self.replies)


def tencent(client):
    return TencentBackend(
        secret_id="id",
        secret_key="key",
        sdk_app_id="1400000000",
        sign_name="和园物业",
        region="ap-guangzhou",
        client=client,
    )


def test_tencent_sends_the_template_with_its_values_in_order():
    from tencentcloud.sms.v20210111.models import SendSmsRequest

    client = FakeTencentClient()
    assert tencent(client).send(MESSAGE).vendor_id == "serial-1"
    request = client.requests[0]
    assert isinstance(request, SendSmsRequest)
    assert request.PhoneNumberSet == ["+8613800138000"]
    assert request.SmsSdkAppId == "1400000000"
    assert request.SignName == "和园物业"
    assert request.TemplateId == "SMS_123456789"
    assert request.TemplateParamSet == ["3-2-101", "900.00"]
    assert request._serialize()["TemplateParamSet"] == ["3-2-101", "900.00"]


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("LimitExceeded.PhoneNumberThirtySecondLimit", TemporarySmsError),
        ("InternalError.Timeout", TemporarySmsError),
        ("InvalidParameterValue.IncorrectPhoneNumber", PermanentSmsError),
        ("FailedOperation.InsufficientBalanceInSmsPackage", AccountSmsError),
        ("FailedOperation.PhoneNumberInBlacklist", BlacklistedSmsError),
    ],
)
def test_tencent_error_codes_are_sorted(code, kind):
    with pytest.raises(kind):
        tencent(FakeTencentClient(code=code)).send(MESSAGE)


def test_tencent_sdk_exceptions():
    from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException

    with pytest.raises(AccountSmsError):
        tencent(FakeTencentClient(raises=TencentCloudSDKException("AuthFailure.SecretIdNotFound", "no"))).send(MESSAGE)
    with pytest.raises(TemporarySmsError):
        tencent(FakeTencentClient(raises=TencentCloudSDKException("ClientNetworkError", "down"))).send(MESSAGE)


@pytest.mark.django_db
def test_pulled_reports_and_stop_replies_update_the_messages_and_the_opt_outs(monkeypatch):
    household = HouseholdFactory()
    sent = SmsMessage.objects.create(
        household=household,
        level="reminder",
        phone="13800138000",
        status=MessageStatus.SENT,
        vendor_id="serial-1",
        sent_at=datetime(2026, 4, 30, 10, 0, tzinfo=CHINA),
    )
    lost = SmsMessage.objects.create(
        household=household,
        level="reminder",
        phone="13900139000",
        status=MessageStatus.SENT,
        vendor_id="serial-2",
        sent_at=datetime(2026, 4, 30, 10, 0, tzinfo=CHINA),
    )
    client = FakeTencentClient(
        reports=[
            SimpleNamespace(SerialNo="serial-1", ReportStatus="SUCCESS", Description="", UserReceiveTime=1777514410),
            SimpleNamespace(SerialNo="serial-2", ReportStatus="FAIL", Description="用户关机", UserReceiveTime=None),
        ],
        replies=[
            SimpleNamespace(PhoneNumber="+8613700137000", SubscriberNumber="", ReplyContent="TD"),
            SimpleNamespace(PhoneNumber="+8613600136000", SubscriberNumber="", ReplyContent="好的,明天交"),
        ],
    )
    result = sms_reports_pull(backend=tencent(client), now=datetime(2026, 4, 30, 11, 0, tzinfo=CHINA))
    assert result == {"delivered": 1, "failed": 1, "opted_out": 1}
    sent.refresh_from_db()
    lost.refresh_from_db()
    assert sent.status == MessageStatus.DELIVERED and sent.delivered_at is not None
    assert lost.status == MessageStatus.FAILED and lost.error == "用户关机"
    assert SmsOptOut.objects.get(phone="13700137000").source == OptOutSource.REPLY
    assert not SmsOptOut.objects.filter(phone="13600136000").exists()
