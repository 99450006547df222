"""Writes of the issues raised (问题工单): closing one sends its household's collector back (the seed's 直通车)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assignments.models import IssueRaised, IssueStatus

from .campaigns import assignment_move_to_top


@transaction.atomic
def issue_close(*, issue: IssueRaised, closed_by, resolution: str) -> IssueRaised:
    """Close an issue with what was done. The household goes to the top of today's list of whoever holds it
    (问题已解决,请回访); from tomorrow the split's ordering puts it in the follow-up tier by itself."""
    text = (resolution or "").strip()
    if not text:
        raise ValidationError({"resolution": _("请填写处理结果")})
    locked = IssueRaised.objects.select_for_update().get(pk=issue.pk)
    if locked.status == IssueStatus.CLOSED:
        raise ValidationError(_("该工单已于 %(when)s 关闭,不能重复关闭") % {"when": _closed_when(locked)})
    locked.status = IssueStatus.CLOSED
    locked.closed_at = timezone.now()
    locked.closed_by = closed_by
    locked.resolution = text
    locked.save(update_fields=["status", "closed_at", "closed_by", "resolution"])
    assignment_move_to_top(household_id=locked.household_id, day=timezone.localdate())
    for field in ("status", "closed_at", "closed_by", "resolution"):
        setattr(issue, field, getattr(locked, field))
    return locked


def _closed_when(issue: IssueRaised) -> str:
    if issue.closed_at is None:
        return "—"
    return timezone.localtime(issue.closed_at).strftime("%Y-%m-%d %H:%M")
