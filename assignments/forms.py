"""Forms of the collector's pages. They parse input only; what each outcome needs is checked by
assignments.services.contact_record, whose errors come back keyed by these same field names."""

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arrears.models.ledger import PaymentChannel
from arrears.money import validate_amount
from assignments.models import STAFF_CHANNELS, STAFF_OUTCOMES, ContactChannel, Department, Outcome
from core.dates import WindowDateField
from core.widgets import DateInput
from scripts_faq.choices import ObjectionCategory

# Money taken at the door or on the phone: 代扣 (direct debit) never is.
FIELD_PAYMENT_CHANNELS = [(value, label) for value, label in PaymentChannel.choices if value != "direct_debit"]

# The fields each outcome needs, besides channel, reached, outcome and note (shown for every outcome).
OUTCOME_FIELDS = {
    Outcome.PAID: ("payment_amount", "payment_channel", "payment_reference"),
    Outcome.PROMISED: ("promised_date", "promised_amount"),
    Outcome.REFUSED: ("objection",),
    Outcome.DISPUTED: ("objection",),
    Outcome.CALLBACK: ("callback_at",),
    Outcome.ISSUE: ("issue_department", "issue_description", "issue_deadline"),
}
# Field groups in the order the form shows them when it shows them all (no JavaScript).
GROUPS = (
    ("objection", _("拒缴或有异议时填写"), ("objection",)),
    ("promise", _("承诺缴费时填写"), ("promised_date", "promised_amount")),
    ("payment", _("已缴费时填写"), ("payment_amount", "payment_channel", "payment_reference")),
    ("callback", _("约定回访时填写"), ("callback_at",)),
    ("issue", _("需解决问题时填写"), ("issue_department", "issue_description", "issue_deadline")),
)


def _money_input() -> forms.NumberInput:
    return forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "inputmode": "decimal"})


class ContactForm(forms.Form):
    """The outcome of one visit or call (跟进结果)."""

    client_token = forms.UUIDField(widget=forms.HiddenInput, required=False)
    channel = forms.ChoiceField(
        label=_("方式"),
        choices=STAFF_CHANNELS,
        widget=forms.RadioSelect,
        initial=ContactChannel.VISIT,
        error_messages={"required": _("请选择跟进方式")},
    )
    reached = forms.BooleanField(label=_("已联系上业主"), required=False, initial=True)
    outcome = forms.ChoiceField(
        label=_("结果"),
        choices=STAFF_OUTCOMES,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择跟进结果")},
    )
    objection = forms.ChoiceField(
        label=_("拒缴理由"), choices=[("", _("请选择…")), *ObjectionCategory.choices], required=False
    )
    promised_date = WindowDateField(label=_("承诺缴费日期"), required=False, widget=DateInput())
    promised_amount = forms.DecimalField(
        label=_("承诺金额(选填)"),
        max_digits=14,
        decimal_places=2,
        required=False,
        widget=_money_input(),
        validators=[validate_amount],
    )
    payment_amount = forms.DecimalField(
        label=_("收款金额"),
        max_digits=14,
        decimal_places=2,
        required=False,
        widget=_money_input(),
        validators=[validate_amount],
    )
    payment_channel = forms.ChoiceField(
        label=_("收款方式"), choices=[("", _("请选择…")), *FIELD_PAYMENT_CHANNELS], required=False
    )
    payment_reference = forms.CharField(
        label=_("交易流水号"),
        max_length=100,
        required=False,
        help_text=_("微信、支付宝、转账、POS 必填;现金可不填"),
    )
    callback_at = forms.DateTimeField(
        label=_("回访时间"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    issue_department = forms.ModelChoiceField(
        label=_("处理部门"), queryset=Department.objects.order_by("name"), required=False, empty_label=_("请选择…")
    )
    issue_description = forms.CharField(label=_("问题描述"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    issue_deadline = WindowDateField(label=_("处理期限"), required=False, widget=DateInput())
    note = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["promised_date"].widget.attrs["min"] = today.isoformat()
        self.fields["issue_deadline"].widget.attrs["min"] = today.isoformat()
        self.fields["callback_at"].widget.attrs["min"] = f"{today.isoformat()}T00:00"
        if not self.is_bound and not self.initial.get("client_token"):
            self.initial["client_token"] = uuid.uuid4()

    @property
    def chosen_outcome(self) -> str:
        """The outcome picked so far (bound data, else the initial value)."""
        value = self.data.get("outcome") if self.is_bound else self.initial.get("outcome")
        return value if value in Outcome.values else ""

    @property
    def chosen_objection(self) -> str:
        value = self.data.get("objection") if self.is_bound else self.initial.get("objection")
        return value if value in ObjectionCategory.values else ""

    def groups(self, *, show_all: bool) -> list[dict]:
        """The outcome-specific field groups to render: all of them, or those the chosen outcome needs."""
        wanted = set(OUTCOME_FIELDS.get(self.chosen_outcome, ()))
        groups = []
        for code, legend, names in GROUPS:
            if show_all or wanted & set(names):
                groups.append({"code": code, "legend": legend, "fields": [self[name] for name in names]})
        return groups

    def service_kwargs(self) -> dict:
        """The cleaned values as contact_record takes them."""
        data = dict(self.cleaned_data)
        data["objection"] = data.get("objection") or ""
        data["payment_channel"] = data.get("payment_channel") or None
        return data

    def add_service_errors(self, error) -> None:
        """Put a ValidationError from contact_record next to its fields (or on top when it names none)."""
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                target = name if name in self.fields and name != "client_token" else None
                for message in messages:
                    self.add_error(target, message)
        else:
            for message in error.messages:
                self.add_error(None, message)


class ContactEditForm(ContactForm):
    """A contact changed the same day: its outcome, promise, callback and note; never into or out of 已缴费 or
    需解决问题 (their payment or issue belongs to finance or a department)."""

    EDITABLE_OUTCOMES = [(value, label) for value, label in Outcome.choices if value not in ("paid", "issue")]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("client_token", *OUTCOME_FIELDS[Outcome.PAID], *OUTCOME_FIELDS[Outcome.ISSUE]):
            del self.fields[name]
        self.fields["outcome"].choices = self.EDITABLE_OUTCOMES

    @classmethod
    def initial_for(cls, contact) -> dict:
        return {name: getattr(contact, name) for name in EDIT_FIELDS}

    def service_kwargs(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in EDIT_FIELDS}
        data["objection"] = data.get("objection") or ""
        data["note"] = data.get("note") or ""
        return data


EDIT_FIELDS = (
    "channel", "reached", "outcome", "objection", "promised_date", "promised_amount", "callback_at", "note",
)  # fmt: skip
