"""A community's closed day (日结): the lock that keeps what finance has counted as it was counted."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .community import Community


class DayClose(models.Model):
    """A community's closed day (日结): payments dated on it, and reversals dated on it, are locked."""

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="day_closes")
    day = models.DateField(_("日期"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("日结人")
    )
    closed_at = models.DateTimeField(_("日结时间"), auto_now_add=True)
    # The day's report as it stood when the day was closed (finance.selectors.DayReport.as_dict()).
    totals = models.JSONField(_("日结汇总"), default=dict)

    class Meta:
        ordering = ["-day", "community"]
        constraints = [models.UniqueConstraint(fields=["community", "day"], name="day_close_unique")]
        verbose_name = _("日结")
        verbose_name_plural = _("日结")

    def __str__(self) -> str:
        return f"{self.community.code} {self.day:%Y-%m-%d}"


class DayReopen(models.Model):
    """A closed day opened again by a manager, with the reason and the close it undid (who closed it, its totals)."""

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="day_reopens")
    day = models.DateField(_("日期"))
    reason = models.CharField(_("重新打开的原因"), max_length=500)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("重新打开人")
    )
    reopened_at = models.DateTimeField(_("重新打开时间"), auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("原日结人")
    )
    closed_at = models.DateTimeField(_("原日结时间"))
    totals = models.JSONField(_("原日结汇总"), default=dict)

    class Meta:
        ordering = ["-reopened_at"]
        verbose_name = _("重新打开的日结")
        verbose_name_plural = _("重新打开的日结")

    def __str__(self) -> str:
        return f"{self.community.code} {self.day:%Y-%m-%d}"
