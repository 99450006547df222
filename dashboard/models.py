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


class FirstHeld(models.Model):
    """The first day of a calendar year a collector held a household (assignments), kept by the database itself.

    A summary for the league from 1 January (dashboard.league): a year's assignments hold a row per household in
    scope per day, and the league of the year so far needs only each (collector, household) pair's first day.
    Triggers on the assignments table (migration 0004, dashboard.held_triggers) write it in the same statement
    as the rows it summarises, so no write path, COPY included, leaves it behind.
    """

    year = models.PositiveSmallIntegerField(_("年度"))
    household_id = models.BigIntegerField(_("房屋"))
    staff_id = models.BigIntegerField(_("员工"))
    first_day = models.DateField(_("首次负责日期"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["year", "household_id", "staff_id"], name="dashboard_first_held_unique")
        ]
        verbose_name = _("年度首次负责")
        verbose_name_plural = _("年度首次负责")

    def __str__(self) -> str:
        return f"{self.year} {self.staff_id} {self.household_id}: {self.first_day}"
