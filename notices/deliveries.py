"""Recording that a notice was delivered: the evidence that restarts the limitation period.

``delivery_record`` is the only writer of ``Delivery``. The photo is stored under MEDIA_ROOT with a random
name and is served only through a permission-checked view.
"""

import uuid
from datetime import date
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Delivery, DeliveryMethod, Notice

NEEDS_TRACKING = frozenset({DeliveryMethod.MAIL, DeliveryMethod.REGISTERED, DeliveryMethod.EMS})
NEEDS_SIGNER = frozenset({DeliveryMethod.IN_PERSON})


def delivery_errors(*, notice: Notice, method: str, delivered_on: date, tracking_no: str, signed_by: str) -> dict:
    """{field: message} for everything wrong with a delivery of ``notice``; empty when it may be recorded."""
    errors = {}
    if method not in DeliveryMethod.values:
        errors["method"] = _("请选择送达方式")
    today = timezone.localdate()
    created = timezone.localdate(notice.created_at) if notice.created_at else None
    if delivered_on > today:
        errors["delivered_on"] = _("送达日期不能晚于今天")
    elif created is not None and delivered_on < created:
        errors["delivered_on"] = _("送达日期不能早于通知书生成日期(%(date)s)") % {"date": created.isoformat()}
    if method in NEEDS_TRACKING and not tracking_no.strip():
        errors["tracking_no"] = _("邮寄、挂号信和 EMS 须填写快递单号")
    if method in NEEDS_SIGNER and not signed_by.strip():
        errors["signed_by"] = _("当面送达须填写签收人")
    return errors


def delivery_record(
    *,
    notice: Notice,
    method: str,
    delivered_on: date,
    recorded_by,
    tracking_no: str = "",
    signed_by: str = "",
    note: str = "",
    photo=None,
) -> Delivery:
    """Record one delivery of ``notice``; raise ValidationError (nothing written) when the record is incomplete."""
    errors = delivery_errors(
        notice=notice, method=method, delivered_on=delivered_on, tracking_no=tracking_no, signed_by=signed_by
    )
    if errors:
        raise ValidationError(errors)
    delivery = Delivery(
        notice=notice,
        method=method,
        delivered_on=delivered_on,
        tracking_no=tracking_no.strip(),
        signed_by=signed_by.strip(),
        note=note.strip(),
        recorded_by=recorded_by,
    )
    if photo is not None:
        # A random name: the uploader's file name may carry personal data and is not needed.
        suffix = PurePath(photo.name or "").suffix.lower()
        delivery.photo.save(f"{uuid.uuid4().hex}{suffix}", photo, save=False)
    try:
        with transaction.atomic():
            delivery.save()
    except BaseException:
        if delivery.photo:
            delivery.photo.delete(save=False)
        raise
    return delivery
