"""Forms of the finance pages. They parse input; the services in arrears.services and finance.services decide."""

from django import forms
from django.core.validators import FileExtensionValidator
from django.db.models import CharField, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arrears.models import Community, Household
from arrears.models.ledger import PaymentChannel
from arrears.money import validate_amount
from core.dates import WindowDateField
from core.widgets import DateInput

from .models import StatementSource

MAX_STATEMENT_BYTES = 5 * 1024 * 1024


def _money_input() -> forms.NumberInput:
    return forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "inputmode": "decimal"})


class CommunityField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Community) -> str:
        return f"{obj.name}({obj.code})"


def community_field(**kwargs) -> CommunityField:
    return CommunityField(
        label=_("小区"),
        queryset=Community.objects.order_by("code"),
        error_messages={"required": _("请选择小区"), "invalid_choice": _("请选择小区")},
        **kwargs,
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("驳回原因"), max_length=300, error_messages={"required": _("请填写驳回原因")}, strip=True
    )


class ReversalForm(forms.Form):
    reversed_on = WindowDateField(
        past_only=True,
        label=_("冲正日期"),
        widget=DateInput(),
        error_messages={"invalid": _("日期格式应为 YYYY-MM-DD")},
    )
    reason = forms.CharField(label=_("冲正原因"), max_length=300, error_messages={"required": _("请填写冲正原因")})


def household_by_label(community: Community, label: str) -> Household | None:
    """The community's household labelled ``楼栋-单元-房号`` (or ``楼栋-房号`` when it has no unit)."""
    text = "".join(label.split())
    full = Concat("building__name", Value("-"), "unit", Value("-"), "room", output_field=CharField())
    short = Concat("building__name", Value("-"), "room", output_field=CharField())
    households = Household.objects.filter(community=community).select_related("building", "community")
    found = households.annotate(full_label=full).filter(full_label=text).exclude(unit="").first()
    if found is None:
        found = households.annotate(short_label=short).filter(short_label=text, unit="").first()
    return found


class DeskPaymentForm(forms.Form):
    """A payment taken at the service desk (客服前台)."""

    community = community_field()
    household = forms.CharField(
        label=_("房屋"),
        max_length=80,
        help_text=_("楼栋-单元-房号,如 3-2-1201;没有单元的写 楼栋-房号"),
        error_messages={"required": _("请填写房号")},
    )
    amount = forms.DecimalField(
        label=_("金额(元)"),
        max_digits=14,
        decimal_places=2,
        widget=_money_input(),
        validators=[validate_amount],
        error_messages={
            "required": _("请填写收款金额"),
            "invalid": _("请填写正确的金额"),
            "max_decimal_places": _("金额最多两位小数"),
            "max_digits": _("金额过大"),
            "max_whole_digits": _("金额过大"),
        },
    )
    channel = forms.ChoiceField(
        label=_("收款方式"), choices=PaymentChannel.choices, error_messages={"required": _("请选择收款方式")}
    )
    paid_on = WindowDateField(
        past_only=True,
        label=_("收款日期"),
        widget=DateInput(),
        error_messages={"required": _("请填写收款日期"), "invalid": _("日期格式应为 YYYY-MM-DD")},
    )
    reference = forms.CharField(label=_("交易流水号"), max_length=100, required=False)
    note = forms.CharField(label=_("备注"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paid_on"].initial = timezone.localdate()
        if not self.is_bound and not self.initial.get("community"):
            only = list(self.fields["community"].queryset[:2])
            if len(only) == 1:  # one community: nothing to choose
                self.initial["community"] = only[0].pk

    def clean(self):
        data = super().clean()
        community, label = data.get("community"), data.get("household")
        if community is not None and label:
            household = household_by_label(community, label)
            if household is None:
                self.add_error(
                    "household",
                    _("%(community)s 没有房屋「%(label)s」") % {"community": community.name, "label": label},
                )
            else:
                data["household_obj"] = household
        channel = data.get("channel")
        if channel and channel != PaymentChannel.CASH and not (data.get("reference") or "").strip():
            self.add_error("reference", _("非现金收款请填写交易流水号,便于对账"))
        return data


class DayForm(forms.Form):
    """The community and date of a day's report."""

    community = community_field()
    day = WindowDateField(
        past_only=True, label=_("日期"), widget=DateInput(), error_messages={"invalid": _("日期格式应为 YYYY-MM-DD")}
    )


class StatementUploadForm(forms.Form):
    community = community_field()
    source = forms.ChoiceField(label=_("来源"), choices=StatementSource.choices, initial=StatementSource.BANK)
    file = forms.FileField(
        label=_("流水文件(CSV 或 .xlsx)"),
        validators=[FileExtensionValidator(["csv", "xlsx"], message=_("请上传 CSV 或 Excel(.xlsx)格式的流水文件"))],
        error_messages={"required": _("请选择文件")},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_STATEMENT_BYTES:
            raise forms.ValidationError(_("文件不能超过 5 MB"))
        return upload


class LedgerExportForm(forms.Form):
    community = community_field()
