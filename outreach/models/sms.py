"""SMS reminders (短信催缴): texts per community and level, batches, every message, the numbers that opted out."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SmsLevel(models.TextChoices):
    REMINDER = "reminder", _("温馨提示")
    DEMAND = "demand", _("催费提醒")
    PROMISE = "promise", _("承诺提醒")


# The levels a batch is sent at; 承诺提醒 goes out by itself, the day before a promised date.
BATCH_LEVELS = [(SmsLevel.REMINDER.value, SmsLevel.REMINDER.label), (SmsLevel.DEMAND.value, SmsLevel.DEMAND.label)]


class SmsTemplate(models.Model):
    """One level's SMS text for one community, with the vendor's code of the same approved template."""

    community = models.ForeignKey("arrears.Community", on_delete=models.CASCADE, related_name="sms_templates")
    level = models.CharField(_("短信类型"), max_length=20, choices=SmsLevel.choices)
    text = models.TextField(_("短信内容"))
    vendor_code = models.CharField(
        _("服务商模板编号"),
        max_length=64,
        blank=True,
        help_text=_("阿里云的模板CODE(如 SMS_123456789)或腾讯云的模板ID;控制台发送方式可不填"),
    )
    enabled = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["community", "level"]
        constraints = [models.UniqueConstraint(fields=["community", "level"], name="sms_template_unique")]
        verbose_name = _("短信模板")
        verbose_name_plural = _("短信模板")

    def __str__(self) -> str:
        return f"{self.community} · {self.get_level_display()}"


class OutreachSettings(models.Model):
    """Where a community's owner-reported problems (业主自助) go, and how long the department has."""

    community = models.OneToOneField("arrears.Community", on_delete=models.CASCADE, related_name="outreach_settings")
    issue_department = models.ForeignKey(
        "assignments.Department",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("业主反映问题的处理部门"),
    )
    issue_days = models.PositiveIntegerField(
        _("处理期限(天)"), default=3, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )

    class Meta:
        verbose_name = _("业主自助设置")
        verbose_name_plural = _("业主自助设置")

    def __str__(self) -> str:
        return str(self.community)


class SmsBatchStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    SENDING = "sending", _("发送中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")
    CANCELLED = "cancelled", _("已取消")


class SmsBatch(models.Model):
    """Households chosen together for one SMS level, sent by one Celery job; also the job's progress row."""

    community = models.ForeignKey("arrears.Community", on_delete=models.PROTECT, related_name="sms_batches")
    level = models.CharField(_("短信类型"), max_length=20, choices=SmsLevel.choices)
    criteria = models.JSONField(_("筛选条件"), default=dict, blank=True)
    household_ids = models.JSONField(_("房屋"), default=list)
    status = models.CharField(_("状态"), max_length=20, choices=SmsBatchStatus.choices, default=SmsBatchStatus.QUEUED)
    scheduled_for = models.DateTimeField(_("计划发送时间"), null=True, blank=True)
    total = models.PositiveIntegerField(_("房屋数"), default=0)
    processed = models.PositiveIntegerField(_("已处理"), default=0)
    sent = models.PositiveIntegerField(_("已发送"), default=0)
    failed = models.PositiveIntegerField(_("发送失败"), default=0)
    skipped = models.PositiveIntegerField(_("未发送"), default=0)
    error = models.CharField(_("错误"), max_length=500, blank=True)
    task_id = models.CharField(max_length=100, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "scheduled_for"], name="sms_batch_due_idx")]
        verbose_name = _("短信批次")
        verbose_name_plural = _("短信批次")

    def __str__(self) -> str:
        return f"{self.community} · {self.get_level_display()} · {self.created_at:%Y-%m-%d}"

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, round(100 * self.processed / self.total))


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    DELIVERED = "delivered", _("已送达")
    FAILED = "failed", _("发送失败")
    SKIPPED = "skipped", _("未发送")
    CANCELLED = "cancelled", _("已取消")


class SkipReason(models.TextChoices):
    LEGAL = "legal", _("已转法务")
    OPTED_OUT = "opted_out", _("已退订")
    NO_PHONE = "no_phone", _("无有效手机号")
    DUPLICATE = "duplicate", _("同一号码本批次已发送")
    CLEARED = "cleared", _("已无欠费")


class SmsMessage(models.Model):
    """One SMS to one number about one household: its text, where it stands, and its line on the history."""

    batch = models.ForeignKey(SmsBatch, on_delete=models.CASCADE, null=True, blank=True, related_name="messages")
    household = models.ForeignKey("arrears.Household", on_delete=models.PROTECT, related_name="sms_messages")
    level = models.CharField(_("短信类型"), max_length=20, choices=SmsLevel.choices)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    text = models.TextField(_("短信内容"), blank=True)
    params = models.JSONField(_("模板参数"), default=dict, blank=True)
    template_code = models.CharField(_("服务商模板编号"), max_length=64, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=MessageStatus.choices, default=MessageStatus.QUEUED)
    skip_reason = models.CharField(_("未发送原因"), max_length=20, choices=SkipReason.choices, blank=True)
    error = models.CharField(_("错误"), max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claim = models.UUIDField(null=True, blank=True)  # the sending run that took it (QUEUED → SENDING)
    vendor_id = models.CharField(_("回执编号"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    # The promise a 承诺提醒 is about: one reminder per promise, whatever reruns.
    promise = models.OneToOneField(
        "assignments.Contact", on_delete=models.PROTECT, null=True, blank=True, related_name="promise_reminder"
    )
    # The message's line on the household's history (channel 短信), written once it was sent or failed.
    contact = models.OneToOneField(
        "assignments.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="sms_message"
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "household"], condition=Q(batch__isnull=False), name="sms_one_per_household"
            ),
            # Never twice to the same number in a batch (two rooms of one owner get one message).
            models.UniqueConstraint(
                fields=["batch", "phone"],
                condition=Q(batch__isnull=False) & ~Q(status="skipped"),
                name="sms_one_per_number",
            ),
        ]
        indexes = [
            models.Index(fields=["batch", "status"], name="sms_batch_status_idx"),
            models.Index(fields=["status", "sent_at"], name="sms_status_sent_idx"),
            models.Index(fields=["vendor_id"], name="sms_vendor_idx"),
        ]
        verbose_name = _("短信")
        verbose_name_plural = _("短信")

    def __str__(self) -> str:
        return f"{self.household_id} · {self.get_level_display()} · {self.get_status_display()}"


class OptOutSource(models.TextChoices):
    REPLY = "reply", _("短信回复退订")
    DESK = "desk", _("客服登记")
    OWNER_PAGE = "owner_page", _("业主查账页退订")
    VENDOR = "vendor", _("服务商黑名单")


class SmsOptOut(models.Model):
    """A number that asked for no more SMS (退订): nothing is sent to it again."""

    phone = models.CharField(_("手机号"), max_length=20, unique=True)
    source = models.CharField(_("来源"), max_length=20, choices=OptOutSource.choices)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("退订时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("短信退订")
        verbose_name_plural = _("短信退订")

    def __str__(self) -> str:
        return self.phone


class SmsThrottle(models.Model):
    """The next free sending slot, shared by every worker so the rate limit holds across them."""

    key = models.CharField(max_length=20, unique=True)
    next_slot = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.key}: {self.next_slot}"
