"""A bulk write the audit trail records as one entry (an import, the split's COPY), with its counts."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BulkKind(models.TextChoices):
    LEDGER_IMPORT = "ledger_import", _("导入台账")


class BulkOperation(models.Model):
    """One bulk write (rows written by COPY or a queryset update, which leave no entry per row), with its counts."""

    kind = models.CharField(_("类型"), max_length=30, choices=BulkKind.choices)
    description = models.CharField(_("说明"), max_length=255, blank=True)
    file_sha256 = models.CharField(_("文件 SHA-256"), max_length=64, blank=True)
    counts = models.JSONField(_("条数"), default=dict)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("批量操作")
        verbose_name_plural = _("批量操作")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.description}".strip()
