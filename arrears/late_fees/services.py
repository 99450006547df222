"""The late-fee writes: each community's policy and a household's own terms (recorded in the admin's
history), and waivers (减免), granted and cancelled. Managers only; the views check the role."""

from datetime import date
from decimal import Decimal

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from arrears.models import Community, Household, LateFeeOverride, LateFeeWaiver
from arrears.money import CENT, MAX_AMOUNT, ZERO, amount_too_large
from arrears.positions import position
from arrears.templatetags.arrears_format import format_money

MAX_DAILY_RATE = Decimal("0.01")
COMMUNITY_FIELDS = (
    "late_fee_daily_rate",
    "late_fee_grace_days",
    "late_fee_cap_ratio",
    "contact_phone",
    "payment_channels",
    "payment_qr_text",
    "payment_url",
    "letter_receipt_slip",
)
OVERRIDE_FIELDS = ("daily_rate", "grace_days", "cap_ratio", "reason")


def _shown(value) -> str:
    if value is None or value == "":
        return _("(空)")
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


def _changes(instance, values: dict) -> list[str]:
    """``字段:旧 → 新`` for each field whose value differs, in the order given."""
    lines = []
    for name, new in values.items():
        old = getattr(instance, name)
        if old != new:
            label = instance._meta.get_field(name).verbose_name
            lines.append(f"{label}:{_shown(old)} → {_shown(new)}")
    return lines


def _log(*, user, obj, flag: int, message: str) -> None:
    LogEntry.objects.log_actions(user_id=user.pk, queryset=[obj], action_flag=flag, change_message=message)


def _check_terms(*, daily_rate, grace_days, cap_ratio, prefix: str = "") -> None:
    errors = {}
    if daily_rate is None or daily_rate < 0 or daily_rate > MAX_DAILY_RATE:
        errors[f"{prefix}daily_rate"] = _("日违约金率应在 0 到 0.01(每日百分之一)之间")
    if grace_days is None or grace_days < 0:
        errors[f"{prefix}grace_days"] = _("宽限天数不能为负数")
    if cap_ratio is not None and cap_ratio < 0:
        errors[f"{prefix}cap_ratio"] = _("上限比例不能为负数")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def community_late_fee_update(
    *,
    community: Community,
    user,
    daily_rate: Decimal,
    grace_days: int,
    cap_ratio: Decimal | None,
    contact_phone: str,
    payment_channels: str,
    payment_qr_text: str,
    payment_url: str = "",
    letter_receipt_slip: bool = False,
) -> list[str]:
    """Set a community's 违约金 terms and the contact lines its letters print; returns the changes logged."""
    _check_terms(daily_rate=daily_rate, grace_days=grace_days, cap_ratio=cap_ratio, prefix="late_fee_")
    community = Community.objects.select_for_update().get(pk=community.pk)
    values = {
        "late_fee_daily_rate": daily_rate,
        "late_fee_grace_days": grace_days,
        "late_fee_cap_ratio": cap_ratio,
        "contact_phone": contact_phone.strip(),
        "payment_channels": payment_channels.strip(),
        "payment_qr_text": payment_qr_text.strip(),
        "payment_url": payment_url.strip(),
        "letter_receipt_slip": letter_receipt_slip,
    }
    changes = _changes(community, values)
    if not changes:
        return []
    for name, value in values.items():
        setattr(community, name, value)
    community.full_clean()
    community.save(update_fields=list(values))
    _log(user=user, obj=community, flag=CHANGE, message="; ".join(changes))
    return changes


@transaction.atomic
def late_fee_override_save(
    *,
    household: Household,
    user,
    daily_rate: Decimal,
    grace_days: int,
    cap_ratio: Decimal | None,
    reason: str,
) -> LateFeeOverride:
    """Create or change a household's own 违约金 terms (they replace its community's policy whole)."""
    _check_terms(daily_rate=daily_rate, grace_days=grace_days, cap_ratio=cap_ratio)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写特别约定的原因")})
    Household.objects.select_for_update().get(pk=household.pk)  # one writer per household at a time
    values = {"daily_rate": daily_rate, "grace_days": grace_days, "cap_ratio": cap_ratio, "reason": reason}
    override = LateFeeOverride.objects.filter(household=household).first()
    if override is None:
        override = LateFeeOverride(household=household, **values)
        override.full_clean()
        override.save()
        message = "; ".join(f"{override._meta.get_field(name).verbose_name}:{_shown(v)}" for name, v in values.items())
        _log(user=user, obj=override, flag=ADDITION, message=message)
        return override
    changes = _changes(override, values)
    if changes:
        for name, value in values.items():
            setattr(override, name, value)
        override.full_clean()
        override.save()
        _log(user=user, obj=override, flag=CHANGE, message="; ".join(changes))
    return override


@transaction.atomic
def late_fee_override_delete(*, override: LateFeeOverride, user) -> None:
    """Remove a household's override: its community's policy applies again."""
    override = LateFeeOverride.objects.select_for_update().select_related("household__building").get(pk=override.pk)
    message = _("删除特别约定(日违约金率 %(rate)s,宽限 %(days)s 天,上限 %(cap)s,原因:%(reason)s)") % {
        "rate": _shown(override.daily_rate),
        "days": override.grace_days,
        "cap": _shown(override.cap_ratio),
        "reason": override.reason,
    }
    _log(user=user, obj=override, flag=DELETION, message=message)
    override.delete()


@transaction.atomic
def waiver_grant(*, household: Household, amount: Decimal, waived_on: date, reason: str, approved_by) -> LateFeeWaiver:
    """Waive ``amount`` of a household's 违约金 from ``waived_on`` on.

    The amount is at most the household's 违约金 as of ``waived_on`` after the waivers already in force that day
    (a waiver never waives principal). The household's row is locked first, so two managers waiving at once cannot
    both take the same 违约金.
    """
    errors = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = _("请填写减免原因")
    if amount is None or not Decimal(amount).is_finite() or amount <= ZERO:
        errors["amount"] = _("减免金额必须大于零")
    elif Decimal(amount) != Decimal(amount).quantize(CENT):
        errors["amount"] = _("减免金额最多两位小数")
    elif amount > MAX_AMOUNT:
        errors["amount"] = amount_too_large()
    if waived_on is None:
        errors["waived_on"] = _("请填写减免日期")
    elif waived_on > timezone.localdate():
        errors["waived_on"] = _("减免日期不能晚于今天")
    if errors:
        raise ValidationError(errors)
    household = Household.objects.select_for_update().get(pk=household.pk)
    standing = position(household, waived_on)
    if amount > standing.late_fee:
        raise ValidationError(
            {
                "amount": _(
                    "减免金额 %(amount)s 元超过该户截至 %(date)s 的违约金 %(net)s 元"
                    "(已计违约金 %(gross)s 元,已减免 %(waived)s 元)。减免只能针对违约金,不能减免欠费本金。"
                )
                % {
                    "amount": format_money(amount),
                    "date": waived_on.isoformat(),
                    "net": format_money(standing.late_fee),
                    "gross": format_money(standing.late_fee_gross),
                    "waived": format_money(standing.late_fee_waived),
                }
            }
        )
    waiver = LateFeeWaiver(
        household=household, amount=Decimal(amount), waived_on=waived_on, reason=reason, approved_by=approved_by
    )
    waiver.full_clean()
    waiver.save()
    return waiver


@transaction.atomic
def waiver_cancel(*, waiver: LateFeeWaiver, cancelled_by) -> LateFeeWaiver:
    """Cancel a waiver: the record stays, marked with who cancelled it and when; the 违约金 is owed again."""
    waiver = LateFeeWaiver.objects.select_for_update().get(pk=waiver.pk)
    if waiver.cancelled_at is not None:
        when = timezone.localtime(waiver.cancelled_at).strftime("%Y-%m-%d %H:%M")
        raise ValidationError(_("该减免已于 %(when)s 撤销") % {"when": when})
    waiver.cancelled_at = timezone.now()
    waiver.cancelled_by = cancelled_by
    waiver.save(update_fields=["cancelled_at", "cancelled_by"])
    return waiver
