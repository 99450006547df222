"""An entry's changes as people read them: field label, before, after; related records by name, looked up in bulk."""

from collections import defaultdict
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


def _shown(value, field, names: dict) -> str:
    if value in (None, "None", ""):
        return "—"
    if isinstance(field, models.ForeignKey):
        return names.get((field.related_model, str(value)), f"#{value}")
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return _("是") if str(value) == "True" else _("否")
    return str(value)


def _m2m_text(values: dict) -> tuple[str, str]:
    objects = "、".join(str(name) for name in values.get("objects", []))
    operation = values.get("operation", "")
    return ({"add": _("加入"), "delete": _("移除"), "clear": _("清空")}.get(operation, operation), objects)


def describe(entries: list[LogEntry]) -> dict[int, list[Change]]:
    """Each entry's changes by entry id, the related records of every entry named with one query per model."""
    wanted: dict = defaultdict(set)
    fields_of: dict = {}
    for entry in entries:
        model = entry.content_type.model_class()
        for name, values in (entry.changes or {}).items():
            try:
                field = model._meta.get_field(name) if model else None
            except FieldDoesNotExist:
                field = None
            fields_of[(entry.pk, name)] = field
            if isinstance(field, models.ForeignKey) and isinstance(values, list):
                wanted[field.related_model].update(str(v) for v in values if v not in (None, "None", ""))
    names = {}
    for model, pks in wanted.items():
        for obj in model._default_manager.filter(pk__in=pks).select_related():  # str() may follow its keys
            names[(model, str(obj.pk))] = str(obj)
    described = {}
    for entry in entries:
        changes = []
        for name, values in (entry.changes or {}).items():
            field = fields_of.get((entry.pk, name))
            label = str(getattr(field, "verbose_name", name))
            if isinstance(values, dict):  # a many-to-many change: {"type": "m2m", "operation": …, "objects": […]}
                operation, objects = _m2m_text(values)
                changes.append(Change(label, operation, objects))
            elif isinstance(values, list) and len(values) == 2:
                changes.append(Change(label, _shown(values[0], field, names), _shown(values[1], field, names)))
        described[entry.pk] = changes
    return described


def as_text(changes: list[Change]) -> str:
    return ";".join(f"{change.field}: {change.before} → {change.after}" for change in changes)


def record_kind(entry: LogEntry) -> str:
    """The entry's kind of record in the UI's words (the model's verbose name)."""
    model = entry.content_type.model_class()
    return str(model._meta.verbose_name) if model else entry.content_type.model
