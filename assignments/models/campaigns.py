"""Campaigns (集中催费行动) and the daily split that runs inside them."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from arrears.models import Community, Household

from .staff import Staff


class Campaign(models.Model):
    """A collection drive over some communities and dates; the daily split runs inside it."""

    name = models.CharField(_("名称"), max_length=100)
    communities = models.ManyToManyField(Community, related_name="campaigns", verbose_name=_("小区"))
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    target = models.DecimalField(
        _("收费率目标"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.8000"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    threshold = models.DecimalField(
        _("起催金额"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0.01"),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("欠费本金达到此金额的房屋才纳入分包"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")), name="campaign_dates")
        ]
        verbose_name = _("集中催费行动")
        verbose_name_plural = _("集中催费行动")

    def __str__(self) -> str:
        return self.name


class CampaignMember(models.Model):
    """A staff member's part in a campaign: excluded, or with a weight other than their usual one."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="members")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="campaign_memberships")
    eligible = models.BooleanField(_("参与分包"), default=True)
    weight = models.DecimalField(
        _("权重"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("留空则用员工本人的权重"),
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "staff"], name="campaign_member_unique")]
        verbose_name = _("行动成员")
        verbose_name_plural = _("行动成员")

    def __str__(self) -> str:
        return f"{self.campaign} · {self.staff}"


class Pin(models.Model):
    """A household fixed to one collector for a campaign: the split never moves it."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="pins")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="pins")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="pins")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "household"], name="pin_unique_household")]
        verbose_name = _("固定分配")
        verbose_name_plural = _("固定分配")

    def __str__(self) -> str:
        return f"{self.household} → {self.staff}"


class SplitRun(models.Model):
    """The split of one campaign for one day, with its quality figures."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="split_runs")
    day = models.DateField(_("日期"))
    stats = models.JSONField(_("统计"), default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["campaign", "day"], name="split_run_unique_day")]
        verbose_name = _("分包记录")
        verbose_name_plural = _("分包记录")

    def __str__(self) -> str:
        return f"{self.campaign} {self.day}"


class Assignment(models.Model):
    """Which collector holds which household on a day, and its place in that collector's list.

    A day's split writes a row per household in scope (a hundred thousand at scale), in one COPY. The references
    are kept by Django (deleting a campaign, household or staff member deletes or clears their rows) rather than by
    database foreign keys, whose per-row checks at commit cost more than the whole split; the split writes only ids
    it has just read in the same transaction. Each index is kept up for every one of a day's hundred thousand rows,
    so there are few: the unique (campaign, day, household) serves the lookups by campaign, and the dashboard's
    (day, staff_id, household_id) and (household_id, day) (dashboard migration 0002) those of a person's or a
    household's day (every query by staff or household names the day); the one on former_staff (read only when a
    staff member is deleted) holds just the few rows that have one. Triggers (dashboard migration 0004) keep each
    collector's first day holding a household in a year (dashboard.FirstHeld) in step with every write.
    """

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="assignments", db_constraint=False, db_index=False
    )
    day = models.DateField(_("日期"))
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="assignments", db_constraint=False, db_index=False
    )
    staff = models.ForeignKey(
        Staff, on_delete=models.CASCADE, related_name="assignments", db_constraint=False, db_index=False
    )
    position = models.PositiveIntegerField(_("顺序"), default=0)
    former_staff = models.ForeignKey(
        Staff,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
        help_text=_("此前负责该户、后来不再负责的员工(休假回来时优先交还)"),
    )

    class Meta:
        ordering = ["day", "staff", "position"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "day", "household"], name="assignment_unique_household")
        ]
        indexes = [
            models.Index(
                fields=["former_staff"], condition=models.Q(former_staff__isnull=False), name="assignment_former_idx"
            ),
        ]
        verbose_name = _("每日分包")
        verbose_name_plural = _("每日分包")

    def __str__(self) -> str:
        return f"{self.day} {self.household} → {self.staff}"
