"""Finance's writes: closing a day (日结), storing a statement's matching result and acting on its lines (对账)."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from arrears.day_lock import is_day_closed, lock_community
from arrears.models import Community, DayClose, DayReopen, Household, Payment
from arrears.models.ledger import PaymentChannel, PaymentStatus
from arrears.services import payment_record, payment_verify

from .matching import MATCHED, POSSIBLE, UNMATCHED, MatchResult
from .models import LineAction, StatementLineAction, StatementSource, StatementUpload
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
def day_reopen(*, community: Community, day: date, reason: str, reopened_by) -> DayReopen:
    """Open a community's closed day again (a manager, with a reason): its payments can again be verified, rejected
    or reversed on it. The close it undoes (who, when, its totals) is kept on the reopen; both are in the audit trail.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写重新打开的原因")})
    if len(reason) > 500:
        raise ValidationError({"reason": _("原因不能超过 500 字")})
    lock_community(community.pk)
    closed = DayClose.objects.filter(community=community, day=day).first()
    if closed is None:
        raise ValidationError(_("%(day)s 没有日结,不需要重新打开") % {"day": date_format(day, "Y-m-d")})
    reopen = DayReopen.objects.create(
        community=community,
        day=day,
        reason=reason,
        reopened_by=reopened_by,
        closed_by_id=closed.closed_by_id,
        closed_at=closed.closed_at,
        totals=closed.totals,
    )
    closed.delete()
    return reopen


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


# The payment channel of money found on a statement, by the statement's source.
SOURCE_CHANNELS = {
    StatementSource.BANK: PaymentChannel.BANK,
    StatementSource.WECHAT: PaymentChannel.WECHAT,
    StatementSource.ALIPAY: PaymentChannel.ALIPAY,
    StatementSource.OTHER: PaymentChannel.BANK,
}


def _statement_line(upload_id: int, line: int) -> tuple[StatementUpload, dict]:
    """The stored statement, locked (one action per line at a time), and its line; refused when already handled."""
    upload = StatementUpload.objects.select_for_update().select_related("community").get(pk=upload_id)
    entry = next((row for row in upload.result.get("lines", []) if row["line"] == line), None)
    if entry is None:
        raise ValidationError(_("流水中没有第 %(line)s 行") % {"line": line})
    if StatementLineAction.objects.filter(upload=upload, line=line).exists():
        raise ValidationError(_("第 %(line)s 行已经处理过") % {"line": line})
    return upload, entry


@transaction.atomic
def statement_match_confirm(*, upload_id: int, line: int, confirmed_by) -> StatementLineAction:
    """Confirm a line's match (已匹配 or 可能匹配): its payment, still pending, is verified through payment_verify (day
    locks and every verification rule apply); one verified already is taken as it is."""
    upload, entry = _statement_line(upload_id, line)
    if entry["status"] not in (MATCHED, POSSIBLE) or entry.get("payment_id") is None:
        raise ValidationError(_("第 %(line)s 行没有对应的收款,请登记为收款") % {"line": line})
    payment = Payment.objects.filter(pk=entry["payment_id"], community=upload.community).first()
    if payment is None:
        raise ValidationError(_("对应的收款已不存在"))
    if payment.status == PaymentStatus.PENDING:
        payment = payment_verify(payment_id=payment.pk, verified_by=confirmed_by)
    elif payment.status != PaymentStatus.VERIFIED:
        raise ValidationError(
            _("对应的收款状态为「%(status)s」,不能确认匹配") % {"status": payment.get_status_display()}
        )
    return StatementLineAction.objects.create(
        upload=upload, line=line, action=LineAction.CONFIRMED, payment=payment, acted_by=confirmed_by
    )


@transaction.atomic
def statement_line_register(*, upload_id: int, line: int, household: Household, registered_by) -> StatementLineAction:
    """Register an unmatched line as a payment of ``household`` (its date, amount and reference), recorded and
    verified through payment_record and payment_verify, so a closed day or a bad amount is refused as anywhere."""
    upload, entry = _statement_line(upload_id, line)
    if entry["status"] != UNMATCHED:
        raise ValidationError(_("第 %(line)s 行已有对应的收款,请确认匹配") % {"line": line})
    if household.community_id != upload.community_id:
        raise ValidationError({"household": _("房屋不属于该流水的小区")})
    reference = (entry.get("reference") or "").strip()
    if reference:
        taken = Payment.objects.filter(community=upload.community, reference__iexact=reference).exclude(
            status=PaymentStatus.REJECTED
        )
        if taken.exists():
            raise ValidationError(
                _("流水号 %(reference)s 已有登记的收款,请重新上传流水核对") % {"reference": reference}
            )
    payment = payment_record(
        household=household,
        amount=Decimal(entry["amount"]),
        paid_on=date.fromisoformat(entry["day"]),
        channel=SOURCE_CHANNELS.get(upload.source, PaymentChannel.BANK),
        reference=reference,
        note=_("流水对账登记:%(file)s 第 %(line)s 行") % {"file": upload.filename, "line": line},
    )
    payment = payment_verify(payment_id=payment.pk, verified_by=registered_by)
    return StatementLineAction.objects.create(
        upload=upload, line=line, action=LineAction.REGISTERED, payment=payment, acted_by=registered_by
    )
