"""Recording what happened when a collector reached out (跟进记录), with what each outcome brings along.

DOMAIN.md "Outcomes of a contact": 已缴费 creates a pending payment, 承诺缴费 needs a date, 拒缴 an objection
category, 需解决问题 creates an issue raised, 约定回访 a callback time. Everything is written in one transaction;
a double tap (the same ``client_token``) returns the contact already recorded.
"""

import uuid
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from arrears.models import Household
from arrears.models.ledger import PaymentChannel
from arrears.money import MAX_AMOUNT, ZERO, amount_too_large
from arrears.services import payment_record
from assignments.models import (
    STAFF_CHANNELS,
    STAFF_OUTCOMES,
    Campaign,
    Contact,
    Department,
    IssueRaised,
    Outcome,
    Staff,
)
from core.changes import figures_changed
from scripts_faq.choices import ObjectionCategory

# Outcomes that mean nobody answered: the contact is recorded as not reached whatever the form said.
NOT_REACHED = frozenset({Outcome.NO_ANSWER, Outcome.WRONG_NUMBER})
# Outcomes that need the owner on the line or at the door.
NEEDS_REACHED = frozenset({Outcome.PAID, Outcome.PROMISED, Outcome.REFUSED, Outcome.DISPUTED, Outcome.ISSUE})
# Outcomes whose objection category is kept (required for 拒缴, optional for 有异议).
WITH_OBJECTION = frozenset({Outcome.REFUSED, Outcome.DISPUTED})
# Non-cash money leaves a trace finance verifies against: its transaction number is required.
NEEDS_REFERENCE = frozenset({PaymentChannel.WECHAT, PaymentChannel.ALIPAY, PaymentChannel.BANK, PaymentChannel.POS})


def contact_errors(
    *,
    today: date,
    channel: str,
    outcome: str,
    reached: bool,
    objection: str,
    promised_date: date | None,
    promised_amount: Decimal | None,
    callback_at: datetime | None,
    payment_amount: Decimal | None,
    payment_channel: str | None,
    payment_reference: str,
    issue_department: Department | None,
    issue_description: str,
    issue_deadline: date | None,
) -> dict[str, list[str]]:
    """What is missing or wrong for the outcome, keyed by field. Pure: no database."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if channel not in dict(STAFF_CHANNELS):
        add("channel", _("请选择跟进方式"))
    if outcome not in dict(STAFF_OUTCOMES):
        add("outcome", _("请选择跟进结果"))
        return errors
    if outcome in NEEDS_REACHED and not reached:
        add("reached", _("「%(outcome)s」需要已联系上业主") % {"outcome": Outcome(outcome).label})

    if outcome == Outcome.REFUSED and not objection:
        add("objection", _("拒缴时请选择拒缴理由"))
    if outcome in WITH_OBJECTION and objection and objection not in ObjectionCategory.values:
        add("objection", _("未知的拒缴理由"))

    if outcome == Outcome.PROMISED:
        if promised_date is None:
            add("promised_date", _("请填写承诺缴费日期"))
        elif promised_date < today:
            add("promised_date", _("承诺缴费日期不能早于今天"))
        if promised_amount is not None and promised_amount <= ZERO:
            add("promised_amount", _("承诺金额必须大于零"))
        elif promised_amount is not None and promised_amount > MAX_AMOUNT:
            add("promised_amount", amount_too_large())

    if outcome == Outcome.PAID:
        if payment_amount is None:
            add("payment_amount", _("请填写收款金额"))
        elif payment_amount <= ZERO:
            add("payment_amount", _("收款金额必须大于零"))
        elif payment_amount > MAX_AMOUNT:
            add("payment_amount", amount_too_large())
        if not payment_channel:
            add("payment_channel", _("请选择收款方式"))
        elif payment_channel not in PaymentChannel.values:
            add("payment_channel", _("未知的收款方式"))
        elif payment_channel in NEEDS_REFERENCE and not payment_reference:
            add("payment_reference", _("非现金收款请填写交易流水号,便于财务复核"))

    if outcome == Outcome.ISSUE:
        if issue_department is None:
            add("issue_department", _("请选择负责处理的部门"))
        if not issue_description:
            add("issue_description", _("请填写业主反映的问题"))
        if issue_deadline is None:
            add("issue_deadline", _("请填写处理期限"))
        elif issue_deadline < today:
            add("issue_deadline", _("处理期限不能早于今天"))

    if outcome == Outcome.CALLBACK:
        if callback_at is None:
            add("callback_at", _("请填写约定回访时间"))
        elif timezone.localdate(callback_at) < today:
            add("callback_at", _("回访时间不能早于今天"))
    return errors


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def _existing(client_token: uuid.UUID | None) -> Contact | None:
    return Contact.all_objects.filter(client_token=client_token).first() if client_token is not None else None


def _same_submission(existing: Contact, *, household: Household, staff: Staff) -> Contact:
    if existing.household_id != household.pk or existing.staff_id != staff.pk:
        raise ValidationError({"client_token": _("提交标识已被另一条记录使用,请刷新页面后重新填写")})
    return existing


@transaction.atomic
def contact_record(
    *,
    household: Household,
    staff: Staff,
    channel: str,
    outcome: str,
    reached: bool = True,
    objection: str = "",
    promised_date: date | None = None,
    promised_amount: Decimal | None = None,
    callback_at: datetime | None = None,
    note: str = "",
    payment_amount: Decimal | None = None,
    payment_channel: str | None = None,
    payment_reference: str = "",
    issue_department: Department | None = None,
    issue_description: str = "",
    issue_deadline: date | None = None,
    client_token: uuid.UUID | None = None,
    campaign: Campaign | None = None,
) -> Contact:
    """Record a contact and what its outcome brings: a pending payment (已缴费) or an issue raised (需解决问题).

    Fields that do not belong to the outcome are dropped (a form without JavaScript shows them all), so a
    contact only carries what its outcome means. Raises ValidationError keyed by field; nothing is saved then.
    The same ``client_token`` twice (a double tap, a retried request) returns the first contact.
    """
    existing = _existing(client_token)
    if existing is not None:
        return _same_submission(existing, household=household, staff=staff)

    objection = (objection or "").strip()
    note = (note or "").strip()
    payment_reference = (payment_reference or "").strip()
    issue_description = (issue_description or "").strip()
    callback_at = _aware(callback_at)
    errors = contact_errors(
        today=timezone.localdate(),
        channel=channel,
        outcome=outcome,
        reached=reached,
        objection=objection,
        promised_date=promised_date,
        promised_amount=promised_amount,
        callback_at=callback_at,
        payment_amount=payment_amount,
        payment_channel=payment_channel,
        payment_reference=payment_reference,
        issue_department=issue_department,
        issue_description=issue_description,
        issue_deadline=issue_deadline,
    )
    if errors:
        raise ValidationError(errors)

    promised = outcome == Outcome.PROMISED
    if promised:
        same = _same_promise_today(household, staff, promised_date, promised_amount)
        if same is not None:
            return same
    try:
        # A savepoint: when a concurrent request with the same token wins the race, only this part rolls back.
        with transaction.atomic():
            contact = Contact.objects.create(
                household=household,
                staff=staff,
                campaign=campaign,
                channel=channel,
                reached=False if outcome in NOT_REACHED else reached,
                outcome=outcome,
                objection=objection if outcome in WITH_OBJECTION else "",
                promised_date=promised_date if promised else None,
                promised_amount=promised_amount if promised else None,
                callback_at=callback_at if outcome == Outcome.CALLBACK else None,
                note=note,
                client_token=client_token,
            )
            if outcome == Outcome.PAID:
                contact.payment = _record_payment(
                    household=household,
                    staff=staff,
                    amount=payment_amount,
                    channel=payment_channel,
                    reference=payment_reference,
                    note=note,
                )
                contact.save(update_fields=["payment"])
            if outcome == Outcome.ISSUE:
                IssueRaised.objects.create(
                    household=household,
                    contact=contact,
                    raised_by=staff,
                    department=issue_department,
                    description=issue_description,
                    deadline=issue_deadline,
                )
    except IntegrityError:
        existing = _existing(client_token)
        if existing is None:
            raise
        return _same_submission(existing, household=household, staff=staff)
    figures_changed(community_ids=[household.community_id])
    return contact


def _same_promise_today(household: Household, staff: Staff, promised_date, promised_amount) -> Contact | None:
    """The promise this collector already recorded today for the household with the same date and amount: a second
    save of it (another tab, a retry after a lost answer) is the same promise, not a new one. Locks the household so
    that two such saves at once find each other."""
    Household.objects.select_for_update().filter(pk=household.pk).first()
    today_start = timezone.make_aware(datetime.combine(timezone.localdate(), datetime.min.time()))
    return (
        Contact.objects.filter(
            household=household,
            staff=staff,
            outcome=Outcome.PROMISED,
            promised_date=promised_date,
            promised_amount=promised_amount,
            created_at__gte=today_start,
        )
        .order_by("pk")
        .first()
    )


def _record_payment(*, household: Household, staff: Staff, amount: Decimal, channel: str, reference: str, note: str):
    """The money taken in the field, waiting (待复核) for finance; its errors belong to the amount field."""
    try:
        return payment_record(
            household=household,
            amount=amount,
            paid_on=timezone.localdate(),
            channel=channel,
            collected_by=staff.user,
            reference=reference,
            note=note[:300],
        )
    except ValidationError as exc:
        raise ValidationError({"payment_amount": exc.messages}) from exc
