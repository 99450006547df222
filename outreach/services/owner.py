"""What an owner may do on their own page (扫码查账): promise a date, report a problem, ask to be called back,
stop the SMS. Each lands on the household's history as a contact of channel 业主自助 (no staff member), and the
collector's card shows it; a problem becomes an issue raised routed like a collector's.

Rate limits, per household (the link is the household's): at most ``DAILY_LIMIT`` of each kind in 24 hours, and
``MIN_GAP`` between any two submissions (a double tap, a script). Errors are in Chinese and nothing is written then.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from arrears.models import Household
from assignments.models import Contact, ContactChannel, Department, IssueRaised, IssueStatus, Outcome
from scripts_faq.choices import ObjectionCategory

from ..models import OptOutSource, OutreachSettings, SmsOptOut
from ..phones import mobiles_of

DAILY_LIMIT = 3
MIN_GAP = timedelta(seconds=30)
PROMISE_MAX_DAYS = 90
CALLBACK_MAX_DAYS = 14
DESCRIPTION_MAX = 500
NOTE_MAX = 200
MAX_AMOUNT = Decimal("10000000.00")
DEFAULT_ISSUE_DEPARTMENT = "客服部"

# When the owner would like the call: (start of the slot, label).
CALLBACK_SLOTS = {
    "morning": (time(9, 0), gettext_lazy("上午 9:00–12:00")),
    "afternoon": (time(14, 0), gettext_lazy("下午 14:00–17:00")),
    "evening": (time(19, 0), gettext_lazy("晚上 19:00–20:30")),
}
# What an owner may report, in the owner's words: the objection categories that are problems to fix or check.
PROBLEM_CATEGORIES = {
    ObjectionCategory.CONSTRUCTION_DEFECT: gettext_lazy("房屋维修(渗漏、裂缝、门窗等)"),
    ObjectionCategory.FACILITIES: gettext_lazy("公共设施(电梯、路灯、门禁等)"),
    ObjectionCategory.UTILITY_OUTAGE: gettext_lazy("停水停电"),
    ObjectionCategory.SERVICE_QUALITY: gettext_lazy("服务态度/服务不到位"),
    ObjectionCategory.THEFT_DAMAGE: gettext_lazy("财物被盗/车辆受损"),
    ObjectionCategory.START_DATE: gettext_lazy("对收费金额或起始日期有疑问"),
    ObjectionCategory.OTHER: gettext_lazy("其他"),
}


def _self_service(household: Household):
    return Contact.objects.filter(household=household, channel=ContactChannel.SELF_SERVICE)


def check_rate(*, household: Household, outcome: str, now: datetime) -> None:
    """Refuse a submission too soon after the last one, or one too many of its kind today."""
    mine = _self_service(household)
    if mine.filter(created_at__gt=now - MIN_GAP).exists():
        raise ValidationError(_("提交太频繁,请稍后再试"), code="too_fast")
    if mine.filter(outcome=outcome, created_at__gt=now - timedelta(days=1)).count() >= DAILY_LIMIT:
        raise ValidationError(
            _("今天已提交 %(n)d 次,请明天再试,或直接致电服务中心") % {"n": DAILY_LIMIT}, code="daily_limit"
        )


def _contact(household: Household, outcome: str, **fields) -> Contact:
    return Contact.objects.create(
        household=household, staff=None, channel=ContactChannel.SELF_SERVICE, reached=True, outcome=outcome, **fields
    )


@transaction.atomic
def owner_promise(
    *, household: Household, promised_date: date | None, amount: Decimal | None, now: datetime | None = None
) -> Contact:
    """The owner promises to pay by a date (amount optional): a promise on the collector's list (业主自助)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    errors = {}
    if promised_date is None:
        errors["promised_date"] = _("请选择承诺缴费日期")
    elif promised_date < today:
        errors["promised_date"] = _("承诺缴费日期不能早于今天")
    elif promised_date > today + timedelta(days=PROMISE_MAX_DAYS):
        errors["promised_date"] = _("承诺缴费日期不能晚于 %(n)d 天以后") % {"n": PROMISE_MAX_DAYS}
    if amount is not None and amount <= 0:
        errors["amount"] = _("承诺金额必须大于零")
    elif amount is not None and amount > MAX_AMOUNT:
        errors["amount"] = _("承诺金额过大,请核对")
    if errors:
        raise ValidationError(errors)
    Household.objects.select_for_update().filter(pk=household.pk).first()  # one submission at a time per household
    check_rate(household=household, outcome=Outcome.PROMISED, now=now)
    return _contact(household, Outcome.PROMISED, promised_date=promised_date, promised_amount=amount)


@transaction.atomic
def owner_callback(
    *, household: Household, day: date | None, slot: str, note: str = "", now: datetime | None = None
) -> Contact:
    """The owner asks to be called back on a day, in a slot: a callback on the collector's list."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    errors = {}
    if day is None:
        errors["day"] = _("请选择希望回电的日期")
    elif day < today:
        errors["day"] = _("回电日期不能早于今天")
    elif day > today + timedelta(days=CALLBACK_MAX_DAYS):
        errors["day"] = _("回电日期不能晚于 %(n)d 天以后") % {"n": CALLBACK_MAX_DAYS}
    if slot not in CALLBACK_SLOTS:
        errors["slot"] = _("请选择希望回电的时段")
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        errors["note"] = _("备注不能超过 %(n)d 个字") % {"n": NOTE_MAX}
    if errors:
        raise ValidationError(errors)
    callback_at = timezone.make_aware(datetime.combine(day, CALLBACK_SLOTS[slot][0]))
    if day == today and callback_at + timedelta(hours=3) < now:
        raise ValidationError({"slot": _("今天的这个时段已经过去,请选择其他时段或日期")})
    Household.objects.select_for_update().filter(pk=household.pk).first()
    check_rate(household=household, outcome=Outcome.CALLBACK, now=now)
    return _contact(household, Outcome.CALLBACK, callback_at=callback_at, note=note)


def issue_route(household: Household) -> tuple[Department | None, int]:
    """Where an owner's problem goes: the community's chosen department, else 客服部, else the first department."""
    settings = (
        OutreachSettings.objects.filter(community_id=household.community_id).select_related("issue_department").first()
    )
    days = settings.issue_days if settings else 3
    if settings and settings.issue_department:
        return settings.issue_department, days
    department = (
        Department.objects.filter(name=DEFAULT_ISSUE_DEPARTMENT).first() or Department.objects.order_by("name").first()
    )
    return department, days


@transaction.atomic
def owner_issue(*, household: Household, category: str, description: str, now: datetime | None = None) -> IssueRaised:
    """The owner reports a problem: an issue raised, routed to a department with a deadline, on the history."""
    now = now or timezone.now()
    description = (description or "").strip()
    errors = {}
    if category not in PROBLEM_CATEGORIES:
        errors["category"] = _("请选择问题类型")
    if not description:
        errors["description"] = _("请描述您遇到的问题")
    elif len(description) > DESCRIPTION_MAX:
        errors["description"] = _("问题描述不能超过 %(n)d 个字") % {"n": DESCRIPTION_MAX}
    if errors:
        raise ValidationError(errors)
    department, days = issue_route(household)
    if department is None:
        raise ValidationError(_("暂时无法在线提交,请致电服务中心"))
    Household.objects.select_for_update().filter(pk=household.pk).first()
    check_rate(household=household, outcome=Outcome.ISSUE, now=now)
    label = PROBLEM_CATEGORIES[category]
    contact = _contact(household, Outcome.ISSUE, objection=category, note=description)
    return IssueRaised.objects.create(
        household=household,
        contact=contact,
        raised_by=None,
        department=department,
        description=f"【{label}】{description}",
        deadline=timezone.localdate(now) + timedelta(days=days),
        status=IssueStatus.OPEN,
    )


@transaction.atomic
def owner_opt_out(*, household: Household) -> list[str]:
    """The owner stops the SMS: every mobile number of the household's owner goes on the opt-out list."""
    owner = household.owner
    numbers = mobiles_of(owner.phone, owner.phone_alt) if owner is not None else []
    for number in numbers:
        SmsOptOut.objects.get_or_create(phone=number, defaults={"source": OptOutSource.OWNER_PAGE})
    return numbers


def owner_opted_out(household: Household) -> bool:
    owner = household.owner
    numbers = mobiles_of(owner.phone, owner.phone_alt) if owner is not None else []
    return bool(numbers) and SmsOptOut.objects.filter(phone__in=numbers).count() == len(numbers)
