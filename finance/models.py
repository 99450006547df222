"""Finance's own records: the stored results of statement matching (对账). Closed days are the ledger's."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from arrears.models import Community


class StatementSource(models.TextChoices):
    BANK = "bank", _("银行流水")
    WECHAT = "wechat", _("微信账单")
    ALIPAY = "alipay", _("支付宝账单")
    OTHER = "other", _("其他")


class StatementUpload(models.Model):
    """An uploaded bank or WeChat statement and the result of matching it to a community's payments."""

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="statement_uploads")
    source = models.CharField(_("来源"), max_length=20, choices=StatementSource.choices, default=StatementSource.BANK)
    filename = models.CharField(_("文件名"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("上传人")
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    date_from = models.DateField(_("流水起"))
    date_to = models.DateField(_("流水止"))
    line_count = models.PositiveIntegerField(_("流水笔数"))
    matched_count = models.PositiveIntegerField(_("已匹配"))
    possible_count = models.PositiveIntegerField(_("可能匹配"))
    unmatched_line_count = models.PositiveIntegerField(_("未匹配流水"))
    unmatched_payment_count = models.PositiveIntegerField(_("未匹配收款"))
    # finance.matching.MatchResult.as_dict(): every line and payment as it stood when matched.
    result = models.JSONField(_("匹配结果"), default=dict)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("对账记录")
        verbose_name_plural = _("对账记录")

    def __str__(self) -> str:
        return f"{self.community.code} {self.filename}"


class LineAction(models.TextChoices):
    CONFIRMED = "confirmed", _("已确认匹配")
    REGISTERED = "registered", _("已登记为收款")


class StatementLineAction(models.Model):
    """What finance did with one line of a stored statement: confirmed its match, or registered it as a payment."""

    upload = models.ForeignKey(StatementUpload, on_delete=models.CASCADE, related_name="actions")
    line = models.PositiveIntegerField(_("行号"))
    action = models.CharField(_("处理"), max_length=20, choices=LineAction.choices)
    payment = models.ForeignKey("arrears.Payment", on_delete=models.PROTECT, related_name="+", verbose_name=_("收款"))
    acted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("处理人")
    )
    acted_at = models.DateTimeField(_("处理时间"), auto_now_add=True)

    class Meta:
        ordering = ["upload", "line"]
        constraints = [models.UniqueConstraint(fields=["upload", "line"], name="statement_line_action_once")]
        verbose_name = _("对账处理")
        verbose_name_plural = _("对账处理")

    def __str__(self) -> str:
        return f"{self.upload} #{self.line} {self.get_action_display()}"
