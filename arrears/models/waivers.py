from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .ledger import MONEY


class LateFeeWaiver(models.Model):
    """A manager's waiver (减免) of part of a household's 违约金, with the reason.

    From ``waived_on`` on, the household's late fee is lowered by ``amount`` (never below zero). Append-only:
    a waiver is not edited; a mistaken one is cancelled by a manager (``cancelled_at``), which keeps the record.
    """

    household = models.ForeignKey("arrears.Household", on_delete=models.PROTECT, related_name="late_fee_waivers")
    amount = models.DecimalField(_("减免金额"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    waived_on = models.DateField(_("减免日期"))
    reason = models.CharField(_("减免原因"), max_length=300)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("批准人")
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("撤销人"),
    )

    class Meta:
        ordering = ["-waived_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="waiver_amount_positive")]
        indexes = [models.Index(fields=["household", "waived_on"], name="waiver_household_date_idx")]
        verbose_name = _("违约金减免")
        verbose_name_plural = _("违约金减免")

    def __str__(self) -> str:
        return f"{self.household} −{self.amount}"
