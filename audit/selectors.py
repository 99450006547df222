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


def _of_model(label: str) -> Q:
    """Entries of one model, by its label: a join in the same statement, no lookup of the content type first."""
    app_label, model = label.split(".")
    return Q(content_type__app_label=app_label, content_type__model=model.lower())


def _audited() -> Q:
    condition = Q(pk__in=[])
    for model in audited_models():
        condition |= _of_model(model._meta.label)
    return condition


def audited_content_types() -> QuerySet[ContentType]:
    condition = Q(pk__in=[])
    for model in audited_models():
        condition |= Q(app_label=model._meta.app_label, model=model._meta.model_name)
    return ContentType.objects.filter(condition)


def trail() -> QuerySet[LogEntry]:
    """Every entry of the audited models, newest first, with its actor and the object's type."""
    return LogEntry.objects.filter(_audited()).select_related("actor", "content_type").order_by("-timestamp", "-pk")


def household_trail(household) -> QuerySet[LogEntry]:
    """The household's own entries: the household itself, and its payments, reversals, overrides, waivers, legal
    track and pins, deleted ones included (each entry keeps the object's state)."""
    payment_ids = list(household.payments.values_list("pk", flat=True))
    condition = _of_model("arrears.Household") & Q(object_id=household.pk)
    for label in _HOUSEHOLD_FIELD_MODELS:
        condition |= _of_model(label) & Q(serialized_data__fields__household=household.pk)
    if payment_ids:
        condition |= _of_model("arrears.PaymentReversal") & Q(serialized_data__fields__payment__in=payment_ids)
    return trail().filter(condition)
