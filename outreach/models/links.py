"""The owner's own page is reached through a link: a random key, signed, that expires and can be revoked."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OwnerLink(models.Model):
    """A link to one household's page (扫码查账), printed in a letter's QR code and sent in SMS.

    The URL carries ``key`` and an HMAC of it (``outreach.links``), never the household's id. A link is
    valid until ``expires_at`` unless revoked, and only while the household has the owner it was made for.
    """

    key = models.CharField(_("链接标识"), max_length=32, unique=True)
    household = models.ForeignKey("arrears.Household", on_delete=models.CASCADE, related_name="owner_links")
    owner = models.ForeignKey(
        "arrears.Owner", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("业主")
    )
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("有效期至"))
    revoked_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_seen_at = models.DateTimeField(_("业主最近查看"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["household", "expires_at"], name="owner_link_household_idx")]
        verbose_name = _("业主查账链接")
        verbose_name_plural = _("业主查账链接")

    def __str__(self) -> str:
        return f"{self.household_id} · {self.expires_at:%Y-%m-%d}"
