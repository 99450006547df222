"""SMS senders: ``console`` (the default: the log and the database), Aliyun and Tencent Cloud.

A backend sends one message (``send``) and, where the vendor offers it, reads delivery reports and replies back.
``send`` raises ``TemporarySmsError`` for what is worth another try later (network, vendor busy, a per-number
frequency limit), ``PermanentSmsError`` for what is not (a bad number, a number on the vendor's blacklist) and
``AccountSmsError`` when nothing will go through until someone fixes the account (balance, signature, template).
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings


@dataclass(frozen=True)
class OutgoingSms:
    """One message as a backend takes it: the number, the full text, the vendor's template and its values."""

    phone: str  # 11-digit mainland mobile
    text: str
    template_code: str = ""
    params: dict[str, str] = field(default_factory=dict)  # in order of appearance in the text


@dataclass(frozen=True)
class SendResult:
    vendor_id: str
    delivered: bool = False  # the console backend knows at once


@dataclass(frozen=True)
class DeliveryReport:
    vendor_id: str
    delivered: bool
    error: str = ""
    at: datetime | None = None


@dataclass(frozen=True)
class Reply:
    phone: str
    text: str


class SmsError(Exception):
    def __init__(self, message: str, code: str = ""):
        super().__init__(message)
        self.code = code

    def __str__(self) -> str:
        text = super().__str__()
        return f"{self.code}: {text}" if self.code else text


class TemporarySmsError(SmsError):
    """Worth another try later."""


class PermanentSmsError(SmsError):
    """This message will not go through; the others may."""

    blacklisted = False


class BlacklistedSmsError(PermanentSmsError):
    """The vendor refuses the number because its owner opted out: it goes on the opt-out list."""

    blacklisted = True


class AccountSmsError(PermanentSmsError):
    """Nothing will go through until the account is fixed: the batch stops."""


@dataclass(frozen=True)
class PendingReport:
    """A sent message still waiting for its delivery report."""

    vendor_id: str
    phone: str
    sent_at: datetime


class SmsBackend:
    name = ""
    needs_template_code = True

    def send(self, message: OutgoingSms) -> SendResult:
        raise NotImplementedError

    def delivery_reports(self, pending: list[PendingReport]) -> list[DeliveryReport]:
        return []

    def replies(self) -> list[Reply]:
        return []


def get_backend(name: str | None = None) -> SmsBackend:
    """The backend ``SMS_BACKEND`` names, built from the settings (credentials come from the environment)."""
    name = name or settings.SMS_BACKEND
    if name == "console":
        from .console import ConsoleBackend

        return ConsoleBackend()
    if name == "aliyun":
        from .aliyun import AliyunBackend

        return AliyunBackend(
            access_key_id=settings.ALIYUN_ACCESS_KEY_ID,
            access_key_secret=settings.ALIYUN_ACCESS_KEY_SECRET,
            sign_name=settings.SMS_SIGN_NAME,
            endpoint=settings.ALIYUN_SMS_ENDPOINT,
        )
    if name == "tencent":
        from .tencent import TencentBackend

        return TencentBackend(
            secret_id=settings.TENCENT_SECRET_ID,
            secret_key=settings.TENCENT_SECRET_KEY,
            sdk_app_id=settings.TENCENT_SMS_SDK_APP_ID,
            sign_name=settings.SMS_SIGN_NAME,
            region=settings.TENCENT_SMS_REGION,
        )
    raise ValueError(f"unknown SMS backend {name!r}")
