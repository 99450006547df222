"""Paid to date per charge: the sums of a charge's allocations, kept by the database itself.

A cache of sums for the read model (arrears.positions), not a counter the code moves: triggers on the charge and
allocation tables (migration 0006) write it in the same statement as the rows they summarise, so no write path,
bulk COPY included, can leave it behind; ``check_ledger`` proves it against the allocations.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .households import Household
from .ledger import Charge


class ChargeBalance(models.Model):
    """What has been allocated to a charge (in fen), and on which days: one row per charge, kept by triggers."""

    charge = models.OneToOneField(Charge, on_delete=models.CASCADE, primary_key=True, related_name="balance")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    due_date = models.DateField(_("应缴日期"))
    amount_fen = models.BigIntegerField(_("应收(分)"))
    paid_fen = models.BigIntegerField(_("已核销(分)"), default=0)
    # Σ over the allocations of fen × the allocation's day number (days since 1970-01-01).
    paid_fen_days = models.BigIntegerField(default=0)
    first_paid_on = models.DateField(null=True)
    last_paid_on = models.DateField(null=True)
    # A negative allocation (a reversal), or more allocated than the charge: the unpaid base is not simply
    # amount − paid on every day, so the read model takes the long way for this charge.
    irregular = models.BooleanField(default=False)

    class Meta:
        indexes = [
            # A household's charges by due date, with every column the read model takes from the row
            # (arrears.positions.charge_sql): the 违约金 of 30,000 households in arrears is read from the index
            # alone rather than from 700,000 rows scattered over the table (PostgreSQL; elsewhere a plain index).
            models.Index(
                fields=["household", "due_date"],
                include=[
                    "charge",
                    "amount_fen",
                    "paid_fen",
                    "paid_fen_days",
                    "first_paid_on",
                    "last_paid_on",
                    "irregular",
                ],
                name="balance_household_due_cov",
            ),
            # The few charges paid on more than one day: the only ones a window of dates can cut across.
            models.Index(
                fields=["household"],
                condition=models.Q(first_paid_on__lt=models.F("last_paid_on")),
                name="balance_paid_over_days_idx",
            ),
        ]
        verbose_name = _("应收核销汇总")
        verbose_name_plural = _("应收核销汇总")

    def __str__(self) -> str:
        return f"{self.charge_id}: {self.paid_fen}/{self.amount_fen}"
