from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from arrears.models import Charge, FeeItem, Household
from arrears.money import ZERO, validate_amount

from .payments import apply_household_credit


@transaction.atomic
def charge_post(
    *,
    household: Household,
    fee_item: FeeItem,
    period_start: date,
    period_end: date,
    amount: Decimal,
    due_date: date,
) -> Charge:
    """Post a charge; any unallocated credit of the household's verified payments pays it at once."""
    if amount < ZERO:
        raise ValidationError(_("应收金额不能为负数"))
    validate_amount(amount)
    if period_end < period_start:
        raise ValidationError(_("所属期止不能早于所属期起"))
    if Charge.objects.filter(household=household, fee_item=fee_item, period_start=period_start).exists():
        raise ValidationError(
            _("%(household)s 的 %(item)s %(start)s 起的应收已存在")
            % {"household": household.label, "item": fee_item.name, "start": period_start}
        )
    Household.objects.select_for_update().filter(pk=household.pk).first()
    charge = Charge.objects.create(
        household=household,
        fee_item=fee_item,
        period_start=period_start,
        period_end=period_end,
        amount=amount,
        due_date=due_date,
    )
    apply_household_credit(household_id=household.pk)
    return charge
