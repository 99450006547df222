"""Forms of the campaign, team and issue pages. They parse input; the services decide and write."""

from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.db.models import CharField, Q, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arrears.models import Community, Household
from core.dates import WindowDateField
from core.widgets import DateInput

from .models import Campaign, Staff

DASHES = str.maketrans({"－": "-", "—": "-", "–": "-", "―": "-", " ": "", "\u3000": ""})


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Staff) -> str:
        return f"{obj.name}({obj.department.name})"


class CampaignForm(forms.Form):
    """A campaign's name, communities, dates, target (entered in percent) and threshold."""

    name = forms.CharField(label=_("名称"), max_length=100)
    communities = forms.ModelMultipleChoiceField(
        label=_("小区"), queryset=Community.objects.order_by("code"), widget=forms.CheckboxSelectMultiple
    )
    start_date = WindowDateField(label=_("开始日期"), widget=DateInput())
    end_date = WindowDateField(label=_("结束日期"), widget=DateInput())
    target_percent = forms.DecimalField(
        label=_("收费率目标(%)"),
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        decimal_places=2,
        initial=Decimal("80"),
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    threshold = forms.DecimalField(
        label=_("起催金额(元)"),
        min_value=Decimal("0.01"),
        decimal_places=2,
        max_digits=14,
        initial=Decimal("0.01"),
        help_text=_("欠费本金达到此金额的房屋才纳入分包"),
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )

    @classmethod
    def initial_for(cls, campaign: Campaign) -> dict:
        return {
            "name": campaign.name,
            "communities": list(campaign.communities.all()),
            "start_date": campaign.start_date,
            "end_date": campaign.end_date,
            "target_percent": (campaign.target * 100).normalize(),
            "threshold": campaign.threshold,
        }

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "communities": list(data["communities"]),
            "start_date": data["start_date"],
            "end_date": data["end_date"],
            "target": (data["target_percent"] / 100).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP),
            "threshold": data["threshold"],
        }


class MemberForm(forms.Form):
    """One staff member's part in a campaign: takes part or not, and a weight other than their own."""

    eligible = forms.BooleanField(label=_("参与分包"), required=False)
    weight = forms.DecimalField(
        label=_("权重"),
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        decimal_places=2,
        help_text=_("留空则用员工本人的权重"),
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal", "size": "4"}),
    )


class LeaveForm(forms.Form):
    staff = StaffChoiceField(label=_("员工"), queryset=Staff.objects.none())
    start_date = WindowDateField(label=_("开始日期"), widget=DateInput())
    end_date = WindowDateField(label=_("结束日期"), widget=DateInput())
    reason = forms.CharField(label=_("事由"), max_length=100, required=False)

    def __init__(self, *args, staff_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff_queryset.select_related("department").order_by("department", "name")
        today = timezone.localdate()
        self.fields["start_date"].initial = today
        self.fields["end_date"].initial = today


def find_household(communities, label: str) -> Household | None:
    """The household labelled 楼栋-单元-房号 (or 楼栋-房号 when it has no unit) in some communities."""
    text = label.translate(DASHES)
    full = Concat("building__name", Value("-"), "unit", Value("-"), "room", output_field=CharField())
    short = Concat("building__name", Value("-"), "room", output_field=CharField())
    matches = list(
        Household.objects.filter(community__in=communities)
        .annotate(full_label=full, short_label=short)
        .filter(Q(full_label=text) | Q(unit="", short_label=text))
        .select_related("building", "community")[:2]
    )
    return matches[0] if len(matches) == 1 else None


class PinForm(forms.Form):
    """Pin a household, found by its label within the campaign's communities, to a collector."""

    community = forms.ModelChoiceField(label=_("小区"), queryset=Community.objects.none(), empty_label=None)
    household = forms.CharField(
        label=_("房屋(楼栋-单元-房号)"),
        max_length=60,
        widget=forms.TextInput(attrs={"placeholder": "3-2-1201", "autocomplete": "off"}),
    )
    staff = StaffChoiceField(label=_("固定给"), queryset=Staff.objects.none())

    def __init__(self, *args, campaign: Campaign, staff_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = campaign.communities.order_by("code")
        self.fields["staff"].queryset = staff_queryset.select_related("department").order_by("department", "name")

    def clean(self):
        data = super().clean()
        community, label = data.get("community"), data.get("household")
        if community is not None and label:
            household = find_household([community], label)
            if household is None:
                self.add_error(
                    "household",
                    _("%(community)s 没有房屋“%(label)s”,请按 楼栋-单元-房号 填写,如 3-2-1201(无单元时如 3-1201)")
                    % {"community": community.name, "label": label},
                )
            else:
                data["household_obj"] = household
        return data


class IssueCloseForm(forms.Form):
    resolution = forms.CharField(
        label=_("处理结果"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": _("请填写处理结果")},
    )
