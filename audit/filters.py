"""Filters of the audit trail page: when, who, what kind of record, what was done, and a search of the text."""

import django_filters
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.widgets import DateInput

from .selectors import audited_content_types

ACTIONS = [
    (LogEntry.Action.CREATE, _("新建")),
    (LogEntry.Action.UPDATE, _("修改")),
    (LogEntry.Action.DELETE, _("删除")),
]


def _actors(request):
    return get_user_model().objects.filter(pk__in=LogEntry.objects.values("actor_id")).order_by("username")


def _kinds(request):
    return audited_content_types().order_by("app_label", "model")


class TrailFilter(django_filters.FilterSet):
    since = django_filters.DateFilter(field_name="timestamp", lookup_expr="date__gte", label=_("从"), widget=DateInput)
    until = django_filters.DateFilter(field_name="timestamp", lookup_expr="date__lte", label=_("到"), widget=DateInput)
    actor = django_filters.ModelChoiceFilter(queryset=_actors, label=_("操作人"), empty_label=_("全部"))
    kind = django_filters.ModelChoiceFilter(
        field_name="content_type", queryset=_kinds, label=_("记录类型"), empty_label=_("全部")
    )
    action = django_filters.ChoiceFilter(choices=ACTIONS, label=_("动作"), empty_label=_("全部"))
    q = django_filters.CharFilter(method="search", label=_("搜索"))

    class Meta:
        model = LogEntry
        fields = ()

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(object_repr__icontains=value) | Q(remote_addr=value))
