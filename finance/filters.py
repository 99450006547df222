"""Filter sets of the finance lists."""

import django_filters
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField

from arrears.models import Community, Payment
from arrears.models.ledger import PaymentChannel, PaymentStatus
from core.widgets import DateInput

from .models import StatementUpload
from .selectors import person_name


class CollectorChoiceField(ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return person_name(obj)


class CollectorFilter(django_filters.ModelChoiceFilter):
    field_class = CollectorChoiceField


def pending_collectors(request):
    """The people who recorded at least one pending payment."""
    users = Payment.objects.filter(status=PaymentStatus.PENDING).values("collected_by")
    return get_user_model().objects.filter(pk__in=users).select_related("staff").order_by("username")


class PendingPaymentFilter(django_filters.FilterSet):
    community = django_filters.ModelChoiceFilter(
        label=_("小区"), queryset=Community.objects.order_by("code"), empty_label=_("全部小区")
    )
    collected_by = CollectorFilter(label=_("收款人"), queryset=pending_collectors, empty_label=_("全部"))
    channel = django_filters.ChoiceFilter(label=_("收款方式"), choices=PaymentChannel.choices, empty_label=_("全部"))
    paid_from = django_filters.DateFilter(
        label=_("收款日期起"),
        field_name="paid_on",
        lookup_expr="gte",
        widget=DateInput(),
    )
    paid_to = django_filters.DateFilter(
        label=_("收款日期止"),
        field_name="paid_on",
        lookup_expr="lte",
        widget=DateInput(),
    )

    class Meta:
        model = Payment
        fields = ["community", "collected_by", "channel", "paid_from", "paid_to"]


class StatementUploadFilter(django_filters.FilterSet):
    community = django_filters.ModelChoiceFilter(
        label=_("小区"), queryset=Community.objects.order_by("code"), empty_label=_("全部小区")
    )

    class Meta:
        model = StatementUpload
        fields = ["community"]
