"""Forms of the letters pages: a level's wording, and the choice of households for a batch."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arrears.filters import BuildingChoiceField
from arrears.models import Building, Community
from arrears.models.households import Segment
from arrears.money import validate_amount
from core.dates import WindowDateField
from core.widgets import DateInput

from .models import NoticeLevel
from .services import BatchCriteria


class WordingForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=100)
    opening = forms.CharField(label=_("正文(明细表之前)"), widget=forms.Textarea(attrs={"rows": 8}))
    closing = forms.CharField(label=_("正文(明细表之后)"), widget=forms.Textarea(attrs={"rows": 8}), required=False)
    deadline_days = forms.IntegerField(label=_("缴费期限(天)"), min_value=1, max_value=365)


class BatchForm(forms.Form):
    """Who gets a letter: a community's households in arrears, narrowed by building, amount, age and segment."""

    community = forms.ModelChoiceField(label=_("小区"), queryset=Community.objects.all(), empty_label=None)
    level = forms.ChoiceField(label=_("通知级别"), choices=NoticeLevel.choices, initial=NoticeLevel.DEMAND)
    as_of = WindowDateField(past_only=True, label=_("计算截止日"), widget=DateInput())
    building = BuildingChoiceField(
        label=_("楼栋"), queryset=Building.objects.all(), required=False, empty_label=_("全部楼栋")
    )
    min_arrears = forms.DecimalField(
        label=_("欠费合计不少于(元)"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        validators=[validate_amount],
    )
    min_months = forms.IntegerField(label=_("欠费月数不少于"), required=False, min_value=0, max_value=600)
    segment = forms.ChoiceField(label=_("业主分类"), required=False, choices=[("", _("全部"))] + list(Segment.choices))
    deadline = WindowDateField(
        label=_("缴费期限"),
        required=False,
        widget=DateInput(),
        help_text=_("留空则按该级别文本设置的天数计算"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["as_of"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        community, building = data.get("community"), data.get("building")
        if community and building and building.community_id != community.pk:
            self.add_error("building", _("该楼栋不属于所选小区"))
        as_of, deadline = data.get("as_of"), data.get("deadline")
        if as_of and deadline and deadline < as_of:
            self.add_error("deadline", _("缴费期限不能早于计算截止日"))
        return data

    def criteria(self) -> BatchCriteria:
        data = self.cleaned_data
        return BatchCriteria(
            community=data["community"],
            level=data["level"],
            as_of=data["as_of"],
            building_id=data["building"].pk if data.get("building") else None,
            min_arrears=data.get("min_arrears"),
            min_months=data.get("min_months"),
            segment=data.get("segment") or None,
        )
