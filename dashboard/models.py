"""The dashboard's snapshot: a community's figures as of a day, refreshed in the background."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from arrears.models import Community


class DashboardSnapshot(models.Model):
    """A community's rate totals, daily series, aging, buildings and league as of a day (JSON, money as strings)."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="dashboard_snapshots")
    as_of = models.DateField(_("截至日期"))
    computed_at = models.DateTimeField(_("计算时间"))
    seconds = models.FloatField(_("计算用时(秒)"), default=0)
    data = models.JSONField(_("数据"), default=dict)

    class Meta:
        ordering = ["community", "-as_of"]
        constraints = [models.UniqueConstraint(fields=["community", "as_of"], name="dashboard_snapshot_unique_day")]
        verbose_name = _("看板快照")
        verbose_name_plural = _("看板快照")

    def __str__(self) -> str:
        return f"{self.community.code} {self.as_of}"


class SnapshotRefresh(models.Model):
    """A community's refresh of today's snapshot asked for by a change (payment verified, contact recorded …):
    at most one job queued per community, started no sooner than the debounce interval after the last one."""

    community = models.OneToOneField(Community, on_delete=models.CASCADE, related_name="snapshot_refresh")
    requested_at = models.DateTimeField(_("请求时间"), null=True, blank=True)  # set while a job is queued
    started_at = models.DateTimeField(_("上次开始时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("看板刷新请求")
        verbose_name_plural = _("看板刷新请求")

    def __str__(self) -> str:
        return str(self.community)
