"""Every date field of every form and filter renders an ISO date (YYYY-MM-DD), whatever the locale: a browser's
``<input type="date">`` drops any other value, which left required dates blank in zh-hans."""

import importlib
import pkgutil
from datetime import date

import django_filters
import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.utils import translation

from core.widgets import DateInput

PROJECT_APPS = ("core", "arrears", "assignments", "notices", "scripts_faq", "dashboard", "finance", "imports")


def _project_classes(base) -> list[type]:
    """Subclasses of ``base`` defined in the project, after importing every forms/filters module of its apps."""
    for app in PROJECT_APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{app}."):
            leaf = info.name.rsplit(".", 1)[-1]
            if "forms" in leaf or "filters" in leaf:
                importlib.import_module(info.name)
    found, todo = [], [base]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if sub.__module__.split(".")[0] in PROJECT_APPS:
                found.append(sub)
    return found


def _date_fields():
    for form in _project_classes(forms.BaseForm):
        for name, field in form.base_fields.items():
            if isinstance(field, forms.DateField) and not isinstance(field, forms.DateTimeField):
                yield f"{form.__module__}.{form.__name__}.{name}", field.widget
    for filterset in _project_classes(django_filters.FilterSet):
        for name, declared in filterset.base_filters.items():
            if isinstance(declared, django_filters.DateFilter):
                yield f"{filterset.__module__}.{filterset.__name__}.{name}", declared.field.widget


def test_the_project_has_date_fields_to_check():
    assert len(list(_date_fields())) >= 15


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_every_date_field_renders_iso_in_every_language(language):
    assert apps.ready
    with translation.override(language):
        for where, widget in _date_fields():
            assert isinstance(widget, DateInput), where
            html = widget.render("day", date(2026, 12, 2))
            assert 'type="date"' in html and 'value="2026-12-02"' in html, (where, html)


def test_a_plain_django_date_input_would_not_be_iso_in_chinese():
    """Why the widget exists: zh-hans lists 2026/12/02 first among its input formats."""
    with translation.override("zh-hans"):
        assert 'value="2026/12/02"' in forms.DateInput(attrs={"type": "date"}).render("day", date(2026, 12, 2))
