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
