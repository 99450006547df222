"""The window of a date on which money moved (a payment, a reversal, a statement's line): not after today, not
before the community's first charge nor ``LEDGER_EARLIEST_DATE``. Outside it the services refuse, in Chinese."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Charge


def entry_floor(community_id: int) -> date:
    """The earliest date money can have moved in the community: its first charge's period, or the setting."""
    first = Charge.objects.filter(household__community_id=community_id).aggregate(first=Min("period_start"))["first"]
    return max(first, settings.LEDGER_EARLIEST_DATE) if first else settings.LEDGER_EARLIEST_DATE


def check_entry_date(day: date, *, community_id: int, what: str) -> None:
    """ValidationError when ``day`` (``what``: 收款日期, 冲正日期 …) lies outside the window."""
    today = timezone.localdate()
    if day > today:
        raise ValidationError(_("%(what)s不能晚于今天(%(today)s)") % {"what": what, "today": today})
    floor = entry_floor(community_id)
    if day < floor:
        raise ValidationError(
            _("%(what)s不能早于 %(floor)s(该小区最早的应收所属期,或系统允许的最早日期)")
            % {"what": what, "floor": floor}
        )
