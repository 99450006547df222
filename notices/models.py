"""Demand notices (催费通知): wording per community, numbered letters, rendering batches, delivery evidence."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arrears.models.ledger import MONEY


class NoticeLevel(models.TextChoices):
    REMINDER = "reminder", _("温馨提示")
    DEMAND = "demand", _("催费通知书")
    LAWYER = "lawyer", _("律师函")


class NoticeWording(models.Model):
    """One level's wording for one community, as plain text blocks with ``{占位符}`` placeholders.

    Never template code: the blocks are filled by ``str.format_map``-style substitution of a fixed set of
    placeholders (see ``notices.wording``), and the result is escaped like any other text.
    """

    community = models.ForeignKey("arrears.Community", on_delete=models.CASCADE, related_name="notice_wordings")
    level = models.CharField(_("通知级别"), max_length=20, choices=NoticeLevel.choices)
    title = models.CharField(_("标题"), max_length=100)
    opening = models.TextField(_("正文(表格前)"))
    closing = models.TextField(_("正文(表格后)"), blank=True)
    deadline_days = models.PositiveIntegerField(_("缴费期限(天)"), default=15)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["community", "level"]
        constraints = [models.UniqueConstraint(fields=["community", "level"], name="notice_wording_unique")]
        verbose_name = _("通知书文本")
        verbose_name_plural = _("通知书文本")

    def __str__(self) -> str:
        return f"{self.community} · {self.get_level_display()}"


class NoticeCounter(models.Model):
    """The last notice number issued per community and year: numbers are gapless (taken under a row lock)."""

    community = models.ForeignKey("arrears.Community", on_delete=models.PROTECT)
    year = models.PositiveIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["community", "year"], name="notice_counter_unique")]

    def __str__(self) -> str:
        return f"{self.community_id}/{self.year}: {self.last_number}"


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class NoticeBatch(models.Model):
    """A batch of letters chosen together and rendered by one Celery job; also the job's progress row."""

    community = models.ForeignKey("arrears.Community", on_delete=models.PROTECT, related_name="notice_batches")
    level = models.CharField(_("通知级别"), max_length=20, choices=NoticeLevel.choices)
    as_of = models.DateField(_("计算截止日"))
    deadline = models.DateField(_("缴费期限"))
    criteria = models.JSONField(_("筛选条件"), default=dict, blank=True)
    household_ids = models.JSONField(_("房屋"), default=list)
    status = models.CharField(_("状态"), max_length=20, choices=BatchStatus.choices, default=BatchStatus.QUEUED)
    total = models.PositiveIntegerField(_("总数"), default=0)
    done = models.PositiveIntegerField(_("已完成"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    combined_pdf = models.FileField(_("合并PDF"), upload_to="notices/batches/", blank=True)
    task_id = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # Set by the job whenever it reports progress: a batch open without news for NOTICE_JOB_STALE_MINUTES may be
    # resumed by an operator (its worker is taken to be dead).
    heartbeat_at = models.DateTimeField(_("最近进度"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One open batch per community, level and date: a second one would give the same households a second
            # letter of that level for that date under another number.
            models.UniqueConstraint(
                fields=["community", "level", "as_of"],
                condition=Q(status__in=["queued", "running"]),
                name="notice_batch_one_open",
            )
        ]
        verbose_name = _("通知书批次")
        verbose_name_plural = _("通知书批次")

    def __str__(self) -> str:
        return f"{self.community} · {self.get_level_display()} · {self.as_of}"

    @property
    def is_open(self) -> bool:
        return self.status in (BatchStatus.QUEUED, BatchStatus.RUNNING)

    @property
    def skipped(self) -> list[dict]:
        """Households left out when the letters were numbered, each with why (no arrears, a letter already held)."""
        return [error for error in self.errors if error.get("household")]

    @property
    def failures(self) -> list[dict]:
        """The job's failures (no household), in Chinese."""
        return [error for error in self.errors if not error.get("household")]

    @property
    def last_news(self):
        """When the job last reported (or the batch was made, before its job started)."""
        return self.heartbeat_at or self.started_at or self.created_at

    @property
    def is_stale(self) -> bool:
        """Open, but the job has not reported for NOTICE_JOB_STALE_MINUTES: its worker may have died."""
        limit = timedelta(minutes=settings.NOTICE_JOB_STALE_MINUTES)
        return self.is_open and self.last_news is not None and timezone.now() - self.last_news > limit

    @property
    def can_resume(self) -> bool:
        return self.status == BatchStatus.FAILED or self.is_stale


class NoticeBatchPart(models.Model):
    """A run of a batch's letters rendered as one WeasyPrint document (fonts embedded once), then split per letter.

    The parts are fixed when the batch's letters are numbered; a part is done when its PDF is stored. Workers render
    parts independently (in parallel when there are several), and the combined PDF is the parts' PDFs in order.
    """

    batch = models.ForeignKey(NoticeBatch, on_delete=models.CASCADE, related_name="parts")
    index = models.PositiveIntegerField()
    notice_ids = models.JSONField(default=list)
    pdf = models.FileField(upload_to="notices/batches/parts/", blank=True)
    pages = models.PositiveIntegerField(default=0)
    rendered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["batch", "index"]
        constraints = [models.UniqueConstraint(fields=["batch", "index"], name="notice_batch_part_unique")]

    def __str__(self) -> str:
        return f"{self.batch_id}/{self.index}"


class Notice(models.Model):
    """One numbered letter to one household, with the amounts it states frozen at rendering time."""

    community = models.ForeignKey("arrears.Community", on_delete=models.PROTECT, related_name="notices")
    household = models.ForeignKey("arrears.Household", on_delete=models.PROTECT, related_name="notices")
    batch = models.ForeignKey(NoticeBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="notices")
    level = models.CharField(_("通知级别"), max_length=20, choices=NoticeLevel.choices)
    year = models.PositiveIntegerField(_("年度"))
    sequence = models.PositiveIntegerField(_("序号"))
    number = models.CharField(_("通知书编号"), max_length=40, unique=True)
    as_of = models.DateField(_("计算截止日"))
    deadline = models.DateField(_("缴费期限"))
    addressee = models.CharField(_("收件人"), max_length=200)
    principal = models.DecimalField(_("欠费金额"), **MONEY)
    late_fee = models.DecimalField(_("违约金"), **MONEY)
    late_fee_waived = models.DecimalField(_("违约金减免"), **MONEY, default=0)
    total = models.DecimalField(_("合计"), **MONEY)
    first_unpaid = models.DateField(_("欠费起始日期"), null=True, blank=True)
    pdf = models.FileField(_("PDF"), upload_to="notices/letters/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        ordering = ["-year", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["community", "year", "sequence"], name="notice_unique_sequence"),
            # A batch re-run never writes a second letter for the same household.
            models.UniqueConstraint(
                fields=["batch", "household"], condition=Q(batch__isnull=False), name="notice_unique_in_batch"
            ),
        ]
        indexes = [models.Index(fields=["household", "as_of"], name="notice_household_idx")]
        verbose_name = _("通知书")
        verbose_name_plural = _("通知书")

    def __str__(self) -> str:
        return self.number


class DeliveryMethod(models.TextChoices):
    IN_PERSON = "in_person", _("当面送达")
    POSTED = "posted", _("张贴")
    MAIL = "mail", _("邮寄")
    REGISTERED = "registered", _("挂号信")
    EMS = "ems", _("EMS")
    ELECTRONIC = "electronic", _("电子送达")


class Delivery(models.Model):
    """Evidence that a notice reached the owner: it restarts the 3-year limitation period from ``delivered_on``."""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="deliveries")
    method = models.CharField(_("送达方式"), max_length=20, choices=DeliveryMethod.choices)
    delivered_on = models.DateField(_("送达日期"))
    tracking_no = models.CharField(_("快递单号"), max_length=100, blank=True)
    signed_by = models.CharField(_("签收人"), max_length=100, blank=True)
    photo = models.FileField(_("照片"), upload_to="notices/deliveries/", blank=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        ordering = ["-delivered_on", "-id"]
        indexes = [models.Index(fields=["notice", "delivered_on"], name="delivery_notice_idx")]
        verbose_name = _("送达记录")
        verbose_name_plural = _("送达记录")

    def __str__(self) -> str:
        return f"{self.notice} · {self.get_method_display()} · {self.delivered_on}"


class PdfJobKind(models.TextChoices):
    PUBLICITY_BUILDING = "publicity_building", _("楼栋欠费公示")
    PUBLICITY_COMMUNITY = "publicity_community", _("全小区欠费公示")


class PdfJob(models.Model):
    """A PDF made by a Celery job rather than in the request (the 公示 of a building or a whole community), with its
    progress for the page that polls it and the file once done. Only the person who asked for it opens it."""

    kind = models.CharField(_("类型"), max_length=30, choices=PdfJobKind.choices)
    community = models.ForeignKey("arrears.Community", on_delete=models.CASCADE, related_name="+")
    building = models.ForeignKey("arrears.Building", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    as_of = models.DateField(_("公示日期"))
    status = models.CharField(_("状态"), max_length=20, choices=BatchStatus.choices, default=BatchStatus.QUEUED)
    total = models.PositiveIntegerField(_("总数"), default=0)
    done = models.PositiveIntegerField(_("已完成"), default=0)
    pdf = models.FileField(_("PDF"), upload_to="notices/jobs/", blank=True)
    error = models.CharField(_("错误"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    heartbeat_at = models.DateTimeField(_("最近进度"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("PDF 生成任务")
        verbose_name_plural = _("PDF 生成任务")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.as_of}"

    @property
    def is_open(self) -> bool:
        return self.status in (BatchStatus.QUEUED, BatchStatus.RUNNING)
