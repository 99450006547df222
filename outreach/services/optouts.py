"""Writes of the opt-out list (退订), and what the vendor reports back (delivery, replies)."""

import re
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..backends import PendingReport, SmsBackend, get_backend
from ..models import MessageStatus, OptOutSource, SmsMessage, SmsOptOut
from ..phones import normalize_mobile

# Replies that mean "no more messages" (the texts end with 回T退订).
STOP_WORDS = {"T", "TD", "R", "N", "退订", "取消", "拒收"}
REPORT_WINDOW = timedelta(hours=72)  # vendors keep delivery reports about three days
REPORTS_PER_PULL = 200


@transaction.atomic
def sms_opt_out(*, phone: str, source: str, user=None, note: str = "") -> SmsOptOut:
    """Put a number on the opt-out list (nothing is sent to it again); the same number twice is one entry."""
    number = normalize_mobile(phone)
    if number is None:
        raise ValidationError({"phone": _("请输入正确的11位手机号码")})
    entry, _created = SmsOptOut.objects.get_or_create(
        phone=number, defaults={"source": source, "created_by": user, "note": (note or "").strip()[:200]}
    )
    return entry


@transaction.atomic
def sms_opt_in(*, entry: SmsOptOut) -> None:
    """Take a number off the list (the owner asked the service desk to receive messages again)."""
    SmsOptOut.objects.filter(pk=entry.pk).delete()


def is_stop_reply(text: str) -> bool:
    return re.sub(r"[。.!!\s]+$", "", text.strip().upper()) in STOP_WORDS


def sms_reports_pull(*, backend: SmsBackend | None = None, now: datetime | None = None) -> dict:
    """Read delivery reports and replies from the vendor: sent → 已送达 or 发送失败; a stop reply → 退订."""
    backend = backend or get_backend()
    now = now or timezone.now()
    pending = [
        PendingReport(vendor_id, phone, sent_at)
        for vendor_id, phone, sent_at in SmsMessage.objects.filter(
            status=MessageStatus.SENT, sent_at__gte=now - REPORT_WINDOW
        )
        .exclude(vendor_id="")
        .order_by("sent_at")
        .values_list("vendor_id", "phone", "sent_at")[:REPORTS_PER_PULL]
    ]
    delivered = failed = opted = 0
    for report in backend.delivery_reports(pending) if pending or backend.name == "tencent" else []:
        messages = SmsMessage.objects.filter(vendor_id=report.vendor_id, status=MessageStatus.SENT)
        if report.delivered:
            delivered += messages.update(status=MessageStatus.DELIVERED, delivered_at=report.at or now)
        else:
            failed += messages.update(status=MessageStatus.FAILED, error=report.error[:300] or _("运营商未送达"))
    for reply in backend.replies():
        if is_stop_reply(reply.text):
            _entry, created = SmsOptOut.objects.get_or_create(
                phone=reply.phone, defaults={"source": OptOutSource.REPLY, "note": reply.text[:200]}
            )
            opted += int(created)
    return {"delivered": delivered, "failed": failed, "opted_out": opted}
