"""Excel (.xlsx) export of the django-tables2 lists, through django-tables2's own ExportMixin.

A list view adds ``TableExportMixin`` before ``SingleTableMixin`` and names its file; the shared ``table.html``
shows an export link (the current filters and sort kept) on every table whose view supports it. The export runs
the table's own ``render_*`` methods, so masked names and phones stay masked; columns of buttons and checkboxes
are left out with ``exclude_from_export=True``. Every row is exported, not only the page shown.

Cells a table renders as HTML (a link on the room, a badge on a status) are written as their text, and amounts
rendered as ``1,234.50`` are written as numbers, so that a spreadsheet can sum them; any other text (room
numbers, dates, masked phones) stays text.
"""

import html
import re
from decimal import Decimal

from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.http import content_disposition_header
from django_tables2.export.export import TableExport
from django_tables2.export.views import ExportMixin

XLSX = TableExport.XLSX
_MONEY = re.compile(r"^-?\d{1,3}(,\d{3})*\.\d{2}$|^-?\d+\.\d{2}$")


def spreadsheet_value(value):
    """A table cell as a spreadsheet cell: HTML to text, amounts to numbers."""
    if not isinstance(value, str):
        return value
    text = html.unescape(strip_tags(value)).strip() if "<" in value or "&" in value else value
    if _MONEY.match(text):
        return Decimal(text.replace(",", ""))
    return text


class SpreadsheetExport(TableExport):
    """django-tables2's export with each cell passed through ``spreadsheet_value``."""

    def table_to_dataset(self, table, exclude_columns, dataset_kwargs=None):
        dataset = super().table_to_dataset(table, exclude_columns, dataset_kwargs)
        headers = dataset.headers
        rows = [tuple(spreadsheet_value(value) for value in row) for row in dataset]
        dataset.wipe()
        dataset.headers = headers
        for row in rows:
            dataset.append(row)
        return dataset


def export_filename(name) -> str:
    return f"{name}-{timezone.localdate():%Y%m%d}.{XLSX}"


def spreadsheet_response(table, name, exclude_columns=()):
    """The whole table as an .xlsx download named ``<name>-<date>.xlsx`` (RFC 6266 ``filename*`` for Chinese)."""
    exporter = SpreadsheetExport(
        export_format=XLSX, table=table, exclude_columns=exclude_columns, dataset_kwargs={"title": str(name)[:31]}
    )
    response = exporter.response(filename=export_filename(name))
    response["Content-Disposition"] = content_disposition_header(True, export_filename(name))
    return response


def table_export(request, table, name, trigger: str = "_export"):
    """For a view that builds its own tables: the .xlsx response when ``?<trigger>=xlsx`` asks for it, else None.

    Either way the table learns its export link (``table.html`` shows it). A page with several tables gives
    each its own ``trigger``.
    """
    table.export_formats = (XLSX,)
    table.export_trigger_param = trigger
    if request.GET.get(trigger) == XLSX:
        return spreadsheet_response(table, name)
    return None


class TableExportMixin(ExportMixin):
    """``?_export=xlsx`` returns the table as ``<export_name>-<date>.xlsx`` with the table's (Chinese) headers."""

    export_class = SpreadsheetExport
    export_formats = (XLSX,)
    export_name = "export"

    def get_export_filename(self, export_format):
        return export_filename(self.export_name)

    def get_dataset_kwargs(self):
        # An Excel sheet name is at most 31 characters.
        return self.dataset_kwargs or {"title": str(self.export_name)[:31]}

    def create_export(self, export_format):
        response = super().create_export(export_format)
        # Django would MIME-encode a Chinese file name; RFC 6266's filename* is what browsers read.
        response["Content-Disposition"] = content_disposition_header(True, self.get_export_filename(export_format))
        return response

    def get_table(self, **kwargs):
        table = super().get_table(**kwargs)
        table.export_formats = self.export_formats
        table.export_trigger_param = self.export_trigger_param
        return table
