"""Finance's writes: closing a day (日结) and storing a statement's matching result (对账)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from arrears.day_lock import is_day_closed, lock_community
from arrears.models import Community, DayClose

from .matching import MatchResult
from .models import StatementUpload
from .selectors import day_report


@transaction.atomic
def day_close(*, community: Community, day: date, closed_by) -> DayClose:
    """Close a community's day: refused for a future day, a closed day, or while any payment of the community
    dated on or before the day is still pending (an earlier day's pending payment would otherwise be left behind
    the close). The day's report is kept as the close's snapshot.
    """
    if day > timezone.localdate():
        raise ValidationError(_("不能日结未来的日期"))
    lock_community(community.pk)
    if is_day_closed(community_id=community.pk, day=day):
        raise ValidationError(_("%(day)s 已经日结") % {"day": date_format(day, "Y-m-d")})
    report = day_report(community, day)
    if report.pending_up_to:
        raise ValidationError(
            _("还有 %(count)s 笔 %(day)s 及以前的收款待复核,全部复核或驳回后才能日结")
            % {"count": report.pending_up_to, "day": date_format(day, "Y-m-d")}
        )
    try:
        with transaction.atomic():
            return DayClose.objects.create(community=community, day=day, closed_by=closed_by, totals=report.as_dict())
    except IntegrityError as exc:  # closed by someone else meanwhile (SQLite has no row lock)
        raise ValidationError(_("%(day)s 已经日结") % {"day": date_format(day, "Y-m-d")}) from exc


@transaction.atomic
def statement_upload_save(
    *, community: Community, source: str, filename: str, uploaded_by, result: MatchResult
) -> StatementUpload:
    """Keep a statement's matching result so that it can be reopened."""
    return StatementUpload.objects.create(
        community=community,
        source=source,
        filename=filename[:255],
        uploaded_by=uploaded_by,
        date_from=result.date_from,
        date_to=result.date_to,
        line_count=len(result.lines),
        matched_count=result.count("matched"),
        possible_count=result.count("possible"),
        unmatched_line_count=result.count("unmatched"),
        unmatched_payment_count=len(result.unmatched_payments),
        result=result.as_dict(),
    )
