from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from arrears.late_fee import LateFeePolicy


class Community(models.Model):
    """A managed estate (小区/项目) with its late-fee policy and annual collection target."""

    code = models.SlugField(_("小区编码"), max_length=20, unique=True)
    name = models.CharField(_("小区名称"), max_length=100)
    company_name = models.CharField(_("公司名称"), max_length=200)
    annual_target = models.DecimalField(
        _("年度收费率目标"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.8000"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    late_fee_daily_rate = models.DecimalField(
        _("日违约金率"),
        max_digits=8,
        decimal_places=6,
        default=Decimal("0.000500"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("0.01"))],
    )
    late_fee_grace_days = models.PositiveIntegerField(_("宽限天数"), default=0)
    late_fee_cap_ratio = models.DecimalField(
        _("违约金上限比例"),
        max_digits=6,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("单笔应收的违约金不超过其金额乘以此比例;留空表示不设上限"),
    )
    contact_phone = models.CharField(_("服务中心电话"), max_length=50, blank=True)
    payment_channels = models.TextField(
        _("缴费方式"), blank=True, help_text=_("印在通知书上,例如服务中心地址、银行账号、微信/支付宝缴费方式")
    )
    payment_qr_text = models.CharField(
        _("二维码内容"), max_length=500, blank=True, help_text=_("通知书上二维码的内容:缴费链接或联系方式")
    )
    payment_url = models.URLField(
        _("缴费链接"),
        max_length=500,
        blank=True,
        help_text=_("填写后通知书上印「扫码缴费」二维码,指向此链接;可含 {通知书编号} {房号} {合计},按每封通知书填入"),
    )
    letter_receipt_slip = models.BooleanField(
        _("通知书附送达回证"), default=False, help_text=_("通知书下方印可剪下的送达回证,由签收人签字后交回")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("小区")
        verbose_name_plural = _("小区")

    def __str__(self) -> str:
        return f"{self.name}({self.code})"

    @property
    def late_fee_policy(self) -> LateFeePolicy:
        return LateFeePolicy(
            daily_rate=self.late_fee_daily_rate,
            grace_days=self.late_fee_grace_days,
            cap_ratio=self.late_fee_cap_ratio,
        )


class Building(models.Model):
    """A building (楼栋) of a community."""

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="buildings")
    name = models.CharField(_("楼栋"), max_length=20)

    class Meta:
        ordering = ["community", "name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="building_unique_name")]
        verbose_name = _("楼栋")
        verbose_name_plural = _("楼栋")

    def __str__(self) -> str:
        return self.name


class LateFeeOverride(models.Model):
    """A household's own late-fee terms, replacing its community's policy whole."""

    household = models.OneToOneField("arrears.Household", on_delete=models.CASCADE, related_name="late_fee_override")
    daily_rate = models.DecimalField(
        _("日违约金率"),
        max_digits=8,
        decimal_places=6,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("0.01"))],
    )
    grace_days = models.PositiveIntegerField(_("宽限天数"), default=0)
    cap_ratio = models.DecimalField(
        _("违约金上限比例"),
        max_digits=6,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    reason = models.CharField(_("原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("房屋违约金政策")
        verbose_name_plural = _("房屋违约金政策")

    def __str__(self) -> str:
        return str(self.household)

    @property
    def policy(self) -> LateFeePolicy:
        return LateFeePolicy(daily_rate=self.daily_rate, grace_days=self.grace_days, cap_ratio=self.cap_ratio)
