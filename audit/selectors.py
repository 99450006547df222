"""Reading the audit trail: every entry of the audited models, and one household's own entries."""

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from .registry import audited_models

# Models whose entries belong to a household through a `household` field (kept in the entry's serialized state).
_HOUSEHOLD_FIELD_MODELS = (
    "arrears.Payment",
    "arrears.LateFeeOverride",
    "arrears.LateFeeWaiver",
    "arrears.LegalTrackChange",
    "assignments.Pin",
)


def _content_type(label: str) -> ContentType:
    app_label, model = label.split(".")
    return ContentType.objects.get_by_natural_key(app_label, model.lower())


def audited_content_types() -> QuerySet[ContentType]:
    types = ContentType.objects.get_for_models(*audited_models()).values()
    return ContentType.objects.filter(pk__in=[t.pk for t in types])


def trail() -> QuerySet[LogEntry]:
    """Every entry of the audited models, newest first, with its actor and the object's type."""
    return (
        LogEntry.objects.filter(content_type__in=audited_content_types())
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")
    )


def household_trail(household) -> QuerySet[LogEntry]:
    """The household's own entries: the household itself, and its payments, reversals, overrides, waivers, legal
    track and pins, deleted ones included (each entry keeps the object's state)."""
    payment_ids = list(household.payments.values_list("pk", flat=True))
    condition = Q(content_type=_content_type("arrears.Household"), object_id=household.pk)
    for label in _HOUSEHOLD_FIELD_MODELS:
        condition |= Q(content_type=_content_type(label), serialized_data__fields__household=household.pk)
    if payment_ids:
        condition |= Q(
            content_type=_content_type("arrears.PaymentReversal"), serialized_data__fields__payment__in=payment_ids
        )
    return trail().filter(condition)
