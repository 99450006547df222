"""Forms of the SMS pages: a batch's choice (the notices' batch form at SMS levels), a text, an opt-out."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assignments.models import Department
from notices.forms_letters import BatchForm

from .models import BATCH_LEVELS, SmsLevel


class SmsBatchForm(BatchForm):
    """Who gets an SMS: the notice batch's filter (community, building, amount, months, segment), as of today."""

    level = forms.ChoiceField(label=_("短信类型"), choices=BATCH_LEVELS, initial=SmsLevel.REMINDER)
    # The figures of an SMS are always today's (of the day it is sent, for a batch queued overnight).
    as_of = forms.DateField(required=False, widget=forms.HiddenInput)
    deadline = None

    def clean_as_of(self):
        return timezone.localdate()


class SmsTemplateForm(forms.Form):
    text = forms.CharField(label=_("短信内容"), widget=forms.Textarea(attrs={"rows": 5, "maxlength": 500}))
    vendor_code = forms.CharField(
        label=_("服务商模板编号"),
        max_length=64,
        required=False,
        help_text=_("阿里云的模板CODE(如 SMS_123456789)或腾讯云的模板ID;内容须与服务商审核通过的模板一致"),
    )
    enabled = forms.BooleanField(label=_("启用"), required=False)


class OutreachSettingsForm(forms.Form):
    issue_department = forms.ModelChoiceField(
        label=_("业主反映问题的处理部门"),
        queryset=Department.objects.order_by("name"),
        required=False,
        empty_label=_("默认(客服部)"),
    )
    issue_days = forms.IntegerField(label=_("处理期限(天)"), min_value=1, max_value=60, initial=3)


class OptOutForm(forms.Form):
    phone = forms.CharField(label=_("手机号"), max_length=30)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)
