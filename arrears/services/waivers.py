"""Granting and cancelling late-fee waivers (减免). Managers only; the views check the role."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from arrears.models import Household, LateFeeWaiver
from arrears.money import CENT, ZERO
from arrears.selectors_waivers import household_late_fee
from arrears.templatetags.arrears_format import format_money


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
    if waived_on is None:
        errors["waived_on"] = _("请填写减免日期")
    elif waived_on > timezone.localdate():
        errors["waived_on"] = _("减免日期不能晚于今天")
    if errors:
        raise ValidationError(errors)
    household = Household.objects.select_for_update().get(pk=household.pk)
    late_fee = household_late_fee(household, waived_on)
    if amount > late_fee.net:
        raise ValidationError(
            {
                "amount": _(
                    "减免金额 %(amount)s 元超过该户截至 %(date)s 的违约金 %(net)s 元"
                    "(已计违约金 %(gross)s 元,已减免 %(waived)s 元)。减免只能针对违约金,不能减免欠费本金。"
                )
                % {
                    "amount": format_money(amount),
                    "date": waived_on.isoformat(),
                    "net": format_money(late_fee.net),
                    "gross": format_money(late_fee.gross),
                    "waived": format_money(late_fee.waived),
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
