"""Dates people type in a URL, a form or a command: one parser, within bounds, with the message in Chinese.

A date outside the window is refused rather than computed: no ledger holds a charge before
``LEDGER_EARLIEST_DATE`` (settings, default 2000-01-01), and nothing is reckoned more than a year ahead
(``MAX_FUTURE_DAYS``), so a typo such as 0001-01-01 or 2999-12-31 gets a message, not a page of nonsense or a 500.
"""

from datetime import date, timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .widgets import DateInput

MAX_FUTURE_DAYS = 366


class DateInputError(ValueError):
    """A typed date that does not parse or lies outside its window; ``str()`` is the message in Chinese."""


def earliest_date() -> date:
    return settings.LEDGER_EARLIEST_DATE


def latest_date() -> date:
    return timezone.localdate() + timedelta(days=MAX_FUTURE_DAYS)


def parse_date(text: str, *, earliest: date | None = None, latest: date | None = None) -> date:
    """``YYYY-MM-DD`` as a date between ``earliest`` and ``latest`` (by default the window above)."""
    raw = (text or "").strip()
    try:
        value = date.fromisoformat(raw)
    except ValueError as exc:
        raise DateInputError(_("日期格式应为 YYYY-MM-DD(如 2026-01-31):%(value)s") % {"value": raw[:20]}) from exc
    return check_window(value, earliest=earliest, latest=latest)


def check_window(value: date, *, earliest: date | None = None, latest: date | None = None) -> date:
    """``value`` when it lies between ``earliest`` and ``latest`` (by default the window above)."""
    earliest = earliest or earliest_date()
    latest = latest or latest_date()
    if value < earliest:
        raise DateInputError(_("日期不能早于 %(earliest)s:%(value)s") % {"earliest": earliest, "value": value})
    if value > latest:
        raise DateInputError(_("日期不能晚于 %(latest)s:%(value)s") % {"latest": latest, "value": value})
    return value


class WindowDateField(forms.DateField):
    """A form's date within the window above; ``past_only`` ends the window today (a date something happened on:
    a payment, a reversal, a delivery). A date outside it is a field error in Chinese, never a computation."""

    widget = DateInput

    def __init__(self, *, past_only: bool = False, **kwargs):
        self.past_only = past_only
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value in self.empty_values:
            return
        label = str(self.label or _("日期"))
        if self.past_only and value > timezone.localdate():
            raise ValidationError(_("%(label)s不能晚于今天") % {"label": label}, code="future")
        earliest, latest = earliest_date(), latest_date()
        if value < earliest:
            message = _("%(label)s不能早于 %(earliest)s") % {"label": label, "earliest": earliest}
            raise ValidationError(message, code="too_early")
        if value > latest:
            message = _("%(label)s不能晚于 %(latest)s") % {"label": label, "latest": latest}
            raise ValidationError(message, code="too_late")


def date_param(request, name: str = "as_of", *, default: date | None = None, latest: date | None = None):
    """``?<name>=YYYY-MM-DD`` of a page, or ``default`` (today): ``(date, message)``, where the message says why a
    bad value was replaced by the default ("" when there was nothing to replace)."""
    default = default or timezone.localdate()
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default, ""
    try:
        return parse_date(raw, latest=latest), ""
    except DateInputError as exc:
        return default, _("%(reason)s,已按 %(default)s 计算。") % {"reason": exc, "default": default}
