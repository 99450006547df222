"""The append-only ledger: charges (应收), payments (实收), their allocations and reversals."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .community import Community
from .households import Household

MONEY = {"max_digits": 14, "decimal_places": 2}


class FeeItem(models.Model):
    """A kind of fee (物业费, 车位费 …)."""

    name = models.CharField(_("费用项目"), max_length=50, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("费用项目")
        verbose_name_plural = _("费用项目")

    def __str__(self) -> str:
        return self.name


class Charge(models.Model):
    """An amount a household owes for a fee item and period, due on a date. Immutable once posted."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="charges")
    fee_item = models.ForeignKey(FeeItem, on_delete=models.PROTECT, related_name="charges")
    period_start = models.DateField(_("所属期起"))
    period_end = models.DateField(_("所属期止"))
    amount = models.DecimalField(_("应收金额"), **MONEY, validators=[MinValueValidator(Decimal("0"))])
    due_date = models.DateField(_("应缴日期"))
    posted_at = models.DateTimeField(_("入账时间"), auto_now_add=True)

    class Meta:
        ordering = ["due_date", "period_start", "id"]
        constraints = [
            models.UniqueConstraint(fields=["household", "fee_item", "period_start"], name="charge_unique_period"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="charge_amount_not_negative"),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="charge_period"),
        ]
        indexes = [models.Index(fields=["household", "due_date"], name="charge_household_due_idx")]
        verbose_name = _("应收")
        verbose_name_plural = _("应收")

    def __str__(self) -> str:
        return f"{self.fee_item} {self.period_start:%Y-%m} {self.amount}"


class PaymentChannel(models.TextChoices):
    CASH = "cash", _("现金")
    WECHAT = "wechat", _("微信")
    ALIPAY = "alipay", _("支付宝")
    BANK = "bank", _("银行转账")
    POS = "pos", _("POS")
    DIRECT_DEBIT = "direct_debit", _("代扣")


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("待复核")
    VERIFIED = "verified", _("已复核")
    REJECTED = "rejected", _("已驳回")
    REVERSED = "reversed", _("已冲正")


class Payment(models.Model):
    """Money received from a household: pending until finance verifies it and issues a receipt number."""

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="payments")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="payments")
    paid_on = models.DateField(_("收款日期"))
    amount = models.DecimalField(_("金额"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    channel = models.CharField(_("收款方式"), max_length=20, choices=PaymentChannel.choices)
    reference = models.CharField(_("外部流水号"), max_length=100, blank=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments_collected",
        verbose_name=_("收款人"),
    )
    status = models.CharField(_("状态"), max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.PENDING)
    receipt_no = models.CharField(_("收据号"), max_length=40, null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments_verified",
        verbose_name=_("复核人"),
    )
    verified_at = models.DateTimeField(_("复核时间"), null=True, blank=True)
    rejection_reason = models.CharField(_("驳回原因"), max_length=300, blank=True)
    imported = models.BooleanField(_("导入"), default=False)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        ordering = ["-paid_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "receipt_no"],
                condition=Q(receipt_no__isnull=False),
                name="payment_unique_receipt",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]
        indexes = [models.Index(fields=["status", "community"], name="payment_status_idx")]
        verbose_name = _("实收")
        verbose_name_plural = _("实收")

    def __str__(self) -> str:
        return f"{self.receipt_no or _('待复核')} {self.amount}"


class Allocation(models.Model):
    """Part of a verified payment applied to a charge on a date; a reversal appends negative rows."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations")
    charge = models.ForeignKey(Charge, on_delete=models.PROTECT, related_name="allocations")
    amount = models.DecimalField(_("金额"), **MONEY)
    applied_on = models.DateField(_("日期"))
    reversal = models.ForeignKey(
        "PaymentReversal", on_delete=models.PROTECT, null=True, blank=True, related_name="allocations"
    )

    class Meta:
        ordering = ["applied_on", "id"]
        indexes = [models.Index(fields=["charge", "applied_on"], name="allocation_charge_date_idx")]
        verbose_name = _("核销")
        verbose_name_plural = _("核销")

    def __str__(self) -> str:
        return f"{self.payment_id}→{self.charge_id} {self.amount}"


class PaymentReversal(models.Model):
    """The reversal (冲正) of a verified payment: from its date the payment no longer counts."""

    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="reversal")
    reversed_on = models.DateField(_("冲正日期"))
    reason = models.CharField(_("原因"), max_length=300)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("操作人")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("冲正")
        verbose_name_plural = _("冲正")

    def __str__(self) -> str:
        return f"{self.payment} {self.reversed_on}"


class ReceiptCounter(models.Model):
    """The last receipt number issued for a community and year; locked while a number is taken."""

    community = models.ForeignKey(Community, on_delete=models.PROTECT)
    year = models.PositiveIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["community", "year"], name="receipt_counter_unique")]

    def __str__(self) -> str:
        return f"{self.community.code}-{self.year}: {self.last_number}"
