"""What the import remembers per community about files from other systems."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from arrears.models import Community


class DueDateRule(models.TextChoices):
    PERIOD_START = "period_start", _("所属期起")
    PERIOD_END = "period_end", _("所属期止")


class SourceSettings(models.Model):
    """One community's rules for files from other systems: the due date of a charge and the last column mapping."""

    community = models.OneToOneField(
        Community, on_delete=models.CASCADE, related_name="source_settings", verbose_name=_("小区")
    )
    due_date_rule = models.CharField(
        _("应缴日期按"), max_length=20, choices=DueDateRule.choices, default=DueDateRule.PERIOD_START
    )
    due_days_after = models.PositiveSmallIntegerField(
        _("再加天数"), default=0, help_text=_("应缴日期 = 所属期起(或止)再加这些天;原表有应缴日期列时以原表为准")
    )
    # {表头: 字段}: the free-form sheet's headers as finance mapped them last time.
    column_mapping = models.JSONField(_("列对应"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("外部台账导入设置")
        verbose_name_plural = _("外部台账导入设置")

    def __str__(self) -> str:
        return str(self.community)
