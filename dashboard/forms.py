"""The dashboard's filters: community and date range (default: this year to today)."""

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arrears.models import Community
from core.dates import WindowDateField
from core.widgets import DateInput

from .selectors import Filters


class DashboardFilterForm(forms.Form):
    community = forms.ModelChoiceField(
        label=_("小区"), queryset=Community.objects.order_by("code"), required=False, empty_label=_("全部小区")
    )
    start = WindowDateField(label=_("开始日期"), required=False, widget=DateInput())
    end = WindowDateField(label=_("截至日期"), required=False, widget=DateInput())

    def __init__(self, *args, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        # The range shown when nothing was chosen: this year to today.
        self.fields["start"].initial = date(self.today.year, 1, 1)
        self.fields["end"].initial = self.today

    def clean(self):
        cleaned = super().clean()
        end = cleaned.get("end") or self.today
        start = cleaned.get("start") or date(end.year, 1, 1)
        if end > self.today:
            self.add_error("end", _("截至日期不能晚于今天"))
        if start > end:
            self.add_error("start", _("开始日期不能晚于截至日期"))
        cleaned["start"], cleaned["end"] = start, end
        return cleaned

    def filters(self) -> Filters:
        """The filters of a valid form (the defaults for a form with errors)."""
        cleaned = self.cleaned_data if self.is_valid() else {}
        community = cleaned.get("community")
        end = cleaned.get("end") or self.today
        start = cleaned.get("start") or date(end.year, 1, 1)
        communities = [community] if community else list(self.fields["community"].queryset)
        return Filters(
            communities=communities,
            community=community,
            start=start,
            end=end,
            latest_snapshot=not (self.data.get("end") and self.is_valid()),
        )
