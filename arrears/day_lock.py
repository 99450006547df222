"""The day lock: what happened on a community's closed day (日结) cannot change.

The ledger's services (``arrears.services.payments``, the import) call :func:`assert_day_open` before they record,
verify or reject a payment dated on a day, and before they write a reversal dated on a day. Reversing a payment of
a closed day stays possible with a reversal dated on an open day: that is how a closed day is corrected, and the
closed day's figures stay as they were (the reversal's negative allocations are dated on the reversal day).

The check locks the community row, and so does ``finance.services.day_close`` before it counts what is still
pending: a payment being written and the closing of its day cannot interleave.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import Community, DayClose


def is_day_closed(*, community_id: int, day: date) -> bool:
    return DayClose.objects.filter(community_id=community_id, day=day).exists()


def lock_community(community_id: int) -> None:
    """Take the community's row lock for the rest of the transaction (serialises writes against closing)."""
    Community.objects.select_for_update().filter(pk=community_id).values_list("pk", flat=True).first()


def assert_day_open(*, community_id: int, day: date, action: str = "") -> None:
    """Raise a ValidationError in Chinese when ``day`` is closed for the community. Call inside a transaction."""
    lock_community(community_id)
    if is_day_closed(community_id=community_id, day=day):
        message = _("%(day)s 已日结,不能%(action)s;如需更正,请在未日结的日期做冲正") % {
            "day": date_format(day, "Y-m-d"),
            "action": action or _("修改当天的收款"),
        }
        raise ValidationError(message, code="day_closed")
