"""What happened when a collector reached out (跟进记录), and the issues owners raised (问题工单)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from arrears.models import Household, Payment
from scripts_faq.choices import ObjectionCategory

from .campaigns import Campaign
from .staff import Department, Staff


class ContactChannel(models.TextChoices):
    VISIT = "visit", _("上门")
    PHONE = "phone", _("电话")
    SMS = "sms", _("短信")
    WECHAT = "wechat", _("微信")
    LETTER = "letter", _("信函")
    # The owner's own page (扫码查账): a promise, a problem or a callback request the owner entered.
    SELF_SERVICE = "self_service", _("业主自助")


# What a collector records: the owner's page and the system's messages are not theirs to pick.
STAFF_CHANNELS = [(value, label) for value, label in ContactChannel.choices if value != ContactChannel.SELF_SERVICE]


class Outcome(models.TextChoices):
    PAID = "paid", _("已缴费")
    PROMISED = "promised", _("承诺缴费")
    REFUSED = "refused", _("拒缴")
    DISPUTED = "disputed", _("有异议")
    NO_ANSWER = "no_answer", _("未联系上")
    WRONG_NUMBER = "wrong_number", _("号码错误")
    CALLBACK = "callback", _("约定回访")
    ISSUE = "issue", _("需解决问题")
    # A message the system sent (短信催缴, 承诺提醒): logged on the history, not a follow-up by anyone.
    MESSAGE_SENT = "message_sent", _("已发短信")


STAFF_OUTCOMES = [(value, label) for value, label in Outcome.choices if value != Outcome.MESSAGE_SENT]


class ContactQuerySet(models.QuerySet):
    def follow_ups(self):
        """Contacts that say something about the household's follow-up: everything but the system's messages."""
        return self.exclude(outcome=Outcome.MESSAGE_SENT)


class CurrentContacts(models.Manager.from_queryset(ContactQuerySet)):
    """Contacts not withdrawn: what every figure, list and card counts (``Contact.all_objects`` has them all)."""

    def get_queryset(self):
        return super().get_queryset().filter(withdrawn_at__isnull=True)


class Contact(models.Model):
    """One visit, call or message to a household and its outcome; its collector may edit or withdraw it the same
    day (each change kept as a ContactRevision). ``objects`` leaves withdrawn contacts out.

    ``staff`` is who recorded it; it is empty for what the owner entered on their own page (channel 业主自助)
    and for the messages the system sent (outcome 已发短信).
    """

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="contacts")
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="contacts", null=True, blank=True)
    campaign = models.ForeignKey(Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="contacts")
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    channel = models.CharField(_("方式"), max_length=20, choices=ContactChannel.choices)
    reached = models.BooleanField(_("已联系上"), default=True)
    outcome = models.CharField(_("结果"), max_length=20, choices=Outcome.choices)
    objection = models.CharField(_("拒缴理由"), max_length=30, choices=ObjectionCategory.choices, blank=True)
    # For a promise reminder (outcome 已发短信), the promised date it reminded the owner of.
    promised_date = models.DateField(_("承诺缴费日期"), null=True, blank=True)
    promised_amount = models.DecimalField(
        _("承诺金额"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    callback_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)
    payment = models.OneToOneField(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="contact", verbose_name=_("收款")
    )
    client_token = models.UUIDField(_("提交标识"), unique=True, null=True, blank=True)
    updated_at = models.DateTimeField(_("修改时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)

    all_objects = ContactQuerySet.as_manager()
    objects = CurrentContacts()

    class Meta:
        base_manager_name = "all_objects"
        default_manager_name = "objects"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["household", "-created_at"], name="contact_household_idx"),
            models.Index(fields=["staff", "created_at"], name="contact_staff_idx"),
            models.Index(fields=["outcome", "promised_date"], name="contact_promise_idx"),
        ]
        verbose_name = _("跟进记录")
        verbose_name_plural = _("跟进记录")

    def __str__(self) -> str:
        return f"{self.household} {self.get_outcome_display()}"


class RevisionKind(models.TextChoices):
    EDITED = "edited", _("修改")
    WITHDRAWN = "withdrawn", _("撤回")


class ContactRevision(models.Model):
    """A change to a contact by its collector: what it said before (``before``), who changed it and when."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="revisions")
    kind = models.CharField(_("类型"), max_length=20, choices=RevisionKind.choices)
    changed_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+", verbose_name=_("修改人"))
    changed_at = models.DateTimeField(_("时间"), auto_now_add=True)
    # The contact's channel, reached, outcome, objection, promise, callback and note before the change.
    before = models.JSONField(_("修改前"), default=dict)
    reason = models.CharField(_("原因"), max_length=300, blank=True)

    class Meta:
        ordering = ["changed_at", "id"]
        verbose_name = _("跟进记录修改")
        verbose_name_plural = _("跟进记录修改")

    def __str__(self) -> str:
        return f"{self.contact} {self.get_kind_display()}"


class IssueStatus(models.TextChoices):
    OPEN = "open", _("处理中")
    CLOSED = "closed", _("已解决")


class IssueRaised(models.Model):
    """A repair or complaint an owner raised while being asked to pay, routed to a department."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="issues")
    contact = models.OneToOneField(
        Contact, on_delete=models.PROTECT, null=True, blank=True, related_name="issue", verbose_name=_("跟进记录")
    )
    # Empty when the owner reported it on their own page (业主自助).
    raised_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="issues_raised", null=True, blank=True)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="issues")
    description = models.TextField(_("问题描述"))
    deadline = models.DateField(_("处理期限"))
    status = models.CharField(_("状态"), max_length=20, choices=IssueStatus.choices, default=IssueStatus.OPEN)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    closed_at = models.DateTimeField(_("解决时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolution = models.TextField(_("处理结果"), blank=True)

    class Meta:
        ordering = ["status", "deadline", "id"]
        indexes = [models.Index(fields=["status", "deadline"], name="issue_status_deadline_idx")]
        verbose_name = _("问题工单")
        verbose_name_plural = _("问题工单")

    def __str__(self) -> str:
        return f"{self.household} {self.description[:20]}"
