"""Forms of the late-fee policy pages and of late-fee waivers (减免). They only parse; the services decide."""

import re
from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arrears.models import Community, Household
from arrears.money import validate_amount
from core.dates import WindowDateField
from core.widgets import DateInput

# The placeholders a payment URL may hold, filled per letter (notices.letters).
PAYMENT_URL_PLACEHOLDERS = ("通知书编号", "房号", "合计")
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
RATE_HELP = _("例如 0.0005,即每日万分之五(年化 18.25%)")
CAP_HELP = _("单笔应收的违约金不超过其金额乘以此比例,例如 0.3;留空表示不设上限")


class LateFeeTermsForm(forms.Form):
    """The three 违约金 terms shared by a community's policy and a household's override."""

    daily_rate = forms.DecimalField(
        label=_("日违约金率"),
        max_digits=8,
        decimal_places=6,
        min_value=Decimal("0"),
        max_value=Decimal("0.01"),
        help_text=RATE_HELP,
        widget=forms.NumberInput(attrs={"step": "0.000001", "inputmode": "decimal"}),
    )
    grace_days = forms.IntegerField(
        label=_("宽限天数"), min_value=0, max_value=3650, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    cap_ratio = forms.DecimalField(
        label=_("违约金上限比例"),
        required=False,
        max_digits=6,
        decimal_places=4,
        min_value=Decimal("0"),
        help_text=CAP_HELP,
        widget=forms.NumberInput(attrs={"step": "0.0001", "inputmode": "decimal"}),
    )


class CommunityPolicyForm(LateFeeTermsForm):
    """A community's 违约金 terms and the contact lines its demand letters print."""

    contact_phone = forms.CharField(label=_("服务中心电话"), max_length=50, required=False)
    payment_channels = forms.CharField(
        label=_("缴费方式"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("印在通知书上,例如服务中心地址、银行账号、微信/支付宝缴费方式"),
    )
    payment_qr_text = forms.CharField(
        label=_("二维码内容"),
        max_length=500,
        required=False,
        help_text=_("通知书上二维码的内容:缴费链接或联系方式"),
    )

    payment_url = forms.URLField(
        label=_("缴费链接"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("填写后通知书上印「扫码缴费」二维码,指向此链接;可含 {通知书编号} {房号} {合计},按每封通知书填入"),
    )
    letter_receipt_slip = forms.BooleanField(
        label=_("通知书附送达回证"),
        required=False,
        help_text=_("通知书下方印可剪下的送达回证,由签收人签字后交回"),
    )

    def clean_payment_url(self):
        url = self.cleaned_data.get("payment_url", "")
        unknown = sorted(set(PLACEHOLDER.findall(url)) - set(PAYMENT_URL_PLACEHOLDERS))
        if unknown:
            raise forms.ValidationError(
                _("缴费链接中只能使用 {通知书编号} {房号} {合计},不认识:%(names)s")
                % {"names": "、".join("{" + name + "}" for name in unknown)}
            )
        return url

    @classmethod
    def initial_for(cls, community: Community) -> dict:
        return {
            "payment_url": community.payment_url,
            "letter_receipt_slip": community.letter_receipt_slip,
            "daily_rate": community.late_fee_daily_rate.normalize(),
            "grace_days": community.late_fee_grace_days,
            "cap_ratio": community.late_fee_cap_ratio,
            "contact_phone": community.contact_phone,
            "payment_channels": community.payment_channels,
            "payment_qr_text": community.payment_qr_text,
        }


class OverrideForm(LateFeeTermsForm):
    """A household's own 违约金 terms; the reason is required."""

    reason = forms.CharField(label=_("原因"), max_length=200, error_messages={"required": _("请填写特别约定的原因")})


class OverrideCreateForm(OverrideForm):
    """A new override: the household is named by community and ``楼栋-单元-房号``."""

    community = forms.ModelChoiceField(label=_("小区"), queryset=Community.objects.all(), empty_label=None)
    household_label = forms.CharField(
        label=_("房屋(楼栋-单元-房号)"),
        max_length=70,
        help_text=_("例如 3-2-1201;没有单元的写 楼栋-房号,如 5-102"),
        error_messages={"required": _("请填写房屋")},
    )
    field_order = ("community", "household_label", "daily_rate", "grace_days", "cap_ratio", "reason")

    def __init__(self, *args, households=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.households = households if households is not None else Household.objects.all()
        self.household = None

    def clean(self):
        cleaned = super().clean()
        community, label = cleaned.get("community"), (cleaned.get("household_label") or "").strip()
        if community is None or not label:
            return cleaned
        self.household = find_household(self.households, community, label)
        if self.household is None:
            self.add_error(
                "household_label",
                _("在%(community)s找不到房屋“%(label)s”,请按 楼栋-单元-房号 填写(没有单元的写 楼栋-房号)。")
                % {"community": community.name, "label": label},
            )
        elif hasattr(self.household, "late_fee_override"):
            self.add_error(
                "household_label",
                _("房屋 %(label)s 已有特别约定,请在列表中编辑它。") % {"label": self.household.label},
            )
        return cleaned


def find_household(households, community: Community, label: str) -> Household | None:
    """The household of ``community`` whose ``楼栋-单元-房号`` (or ``楼栋-房号``) is ``label``, or None.

    A building name may itself hold a hyphen, so both readings of the label are tried; a label matching two
    households is treated as not found rather than guessed.
    """
    parts = [part.strip() for part in label.replace("—", "-").replace("－", "-").split("-")]
    if len(parts) < 2 or not all(parts):
        return None
    readings = Q(building__name="-".join(parts[:-1]), unit="", room=parts[-1])
    if len(parts) >= 3:
        readings |= Q(building__name="-".join(parts[:-2]), unit=parts[-2], room=parts[-1])
    matches = list(households.filter(readings, community=community).select_related("building", "late_fee_override")[:2])
    return matches[0] if len(matches) == 1 else None


class WaiverForm(forms.Form):
    """A waiver (减免) of part of a household's 违约金. Limits are checked by ``waiver_grant``."""

    amount = forms.DecimalField(
        label=_("减免金额(元)"),
        max_digits=14,
        decimal_places=2,
        error_messages={"required": _("请填写减免金额")},
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
        validators=[validate_amount],
    )
    waived_on = WindowDateField(
        label=_("减免日期"),
        error_messages={"required": _("请填写减免日期"), "invalid": _("日期格式应为 YYYY-MM-DD")},
        widget=DateInput(),
    )
    reason = forms.CharField(
        label=_("减免原因"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写减免原因")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("waived_on", timezone.localdate())
        super().__init__(*args, **kwargs)
