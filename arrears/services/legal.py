"""Moving a household onto or off the legal track (已转法务): 综合部 and managers, always with a reason.

On the track a household leaves the daily split and the 温馨提示/催费通知书 batches (its case is with 综合部) and the
公示; the next split and batch follow the flag.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from arrears.models import Household, LegalTrackChange


@transaction.atomic
def household_legal_track_set(*, household: Household, on_track: bool, reason: str, changed_by) -> LegalTrackChange:
    """Put a household on the legal track (``on_track``) or take it off, recording who, when and why.

    Refused without a reason, or when the household is already where it is asked to go (someone else moved it)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写原因")})
    locked = Household.objects.select_for_update().get(pk=household.pk)
    if locked.on_legal_track == on_track:
        if on_track:
            raise ValidationError(_("该房屋已转法务"))
        raise ValidationError(_("该房屋不在法务流程中"))
    locked.on_legal_track = on_track
    locked.save(update_fields=["on_legal_track"])
    household.on_legal_track = on_track
    return LegalTrackChange.objects.create(household=locked, on_track=on_track, reason=reason, changed_by=changed_by)
