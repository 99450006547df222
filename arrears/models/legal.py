from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LegalTrackChange(models.Model):
    """A household moved onto (已转法务) or off the legal track, by whom, when and why: the track's history."""

    household = models.ForeignKey("arrears.Household", on_delete=models.CASCADE, related_name="legal_track_changes")
    on_track = models.BooleanField(_("转入法务"))
    reason = models.CharField(_("原因"), max_length=300)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("操作人")
    )
    changed_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("法务记录")
        verbose_name_plural = _("法务记录")

    def __str__(self) -> str:
        return f"{self.household} {'→' if self.on_track else '←'}"
