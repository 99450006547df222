"""Form widgets every app's forms share."""

from django import forms

ISO_DATE = "%Y-%m-%d"


class DateInput(forms.DateInput):
    """``<input type="date">``. Its value is always ISO 8601 (YYYY-MM-DD), as the HTML standard requires:
    Django would otherwise render the active locale's first input format (``2026/12/02`` in zh-hans), which the
    browser discards, leaving a required date blank."""

    input_type = "date"

    def __init__(self, attrs: dict | None = None):
        super().__init__(attrs=attrs, format=ISO_DATE)
