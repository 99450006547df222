"""Forms of the owner's page. They parse input only; the rules (and their Chinese messages) are the services'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .services.owner import CALLBACK_SLOTS, DESCRIPTION_MAX, NOTE_MAX, PROBLEM_CATEGORIES

_DATE = {"invalid": _("请输入正确的日期"), "required": _("请选择日期")}


def _date_input(today, days: int) -> forms.DateInput:
    from datetime import timedelta

    return forms.DateInput(
        attrs={"type": "date", "min": today.isoformat(), "max": (today + timedelta(days=days)).isoformat()},
        format="%Y-%m-%d",
    )


class PromiseForm(forms.Form):
    promised_date = forms.DateField(label=_("我将在此日期前缴费"), required=False, error_messages=_DATE)
    amount = forms.DecimalField(
        label=_("金额(元,选填)"),
        required=False,
        max_digits=14,
        decimal_places=2,
        error_messages={
            "invalid": _("请输入正确的金额"),
            "max_decimal_places": _("金额最多两位小数"),
            "max_digits": _("金额过大,请核对"),
            "max_whole_digits": _("金额过大,请核对"),
        },
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "inputmode": "decimal"}),
    )

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, prefix="promise", **kwargs)
        self.fields["promised_date"].widget = _date_input(today, 90)


class CallbackForm(forms.Form):
    day = forms.DateField(label=_("希望回电的日期"), required=False, error_messages=_DATE)
    slot = forms.ChoiceField(
        label=_("时段"),
        choices=[(key, label) for key, (_start, label) in CALLBACK_SLOTS.items()],
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("请选择希望回电的时段")},
    )
    note = forms.CharField(label=_("备注(选填)"), required=False, widget=forms.TextInput(attrs={"maxlength": NOTE_MAX}))

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, prefix="callback", **kwargs)
        self.fields["day"].widget = _date_input(today, 14)
        if not self.is_bound:
            self.initial.setdefault("day", today)


class IssueForm(forms.Form):
    category = forms.ChoiceField(
        label=_("问题类型"),
        choices=[("", _("请选择…")), *PROBLEM_CATEGORIES.items()],
        required=False,
        error_messages={"invalid_choice": _("请选择问题类型")},
    )
    description = forms.CharField(
        label=_("问题描述"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": DESCRIPTION_MAX}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="issue", **kwargs)
