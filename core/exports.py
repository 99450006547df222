"""Excel (.xlsx) export of the django-tables2 lists, through django-tables2's own ExportMixin.

A list view adds ``TableExportMixin`` before ``SingleTableMixin`` and names its file; the shared ``table.html``
shows an export link (the current filters and sort kept) on every table whose view supports it. The export runs
the table's own ``render_*`` methods, so masked names and phones stay masked; columns of buttons and checkboxes
are left out with ``exclude_from_export=True``. Every row is exported, not only the page shown.

Cells a table renders as HTML (a link on the room, a badge on a status) are written as their text, and amounts
rendered as ``1,234.50`` are written as numbers, so that a spreadsheet can sum them; any other text (room
numbers, dates, masked phones) stays text.

Text that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return: an issue's
description, a waiver's reason, a masked name such as ``=**``) is written as a text cell with Excel's quote
prefix, so it shows as typed and stays text when edited (``guard_sheet``; the day report uses it too). Only
.xlsx is offered: any other ``?_export=`` value is refused with 400.
"""

import html
import re
from decimal import Decimal
from io import BytesIO

from django.http import HttpResponseBadRequest
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django_tables2.export.export import TableExport
from django_tables2.export.views import ExportMixin
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

XLSX = TableExport.XLSX
_MONEY = re.compile(r"^-?\d{1,3}(,\d{3})*\.\d{2}$|^-?\d+\.\d{2}$")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\\/*?:\[\]]")
_MAX_COLUMN_WIDTH = 60


def guard_text(value) -> bool:
    """Whether a spreadsheet would read ``value`` as the start of a formula."""
    return isinstance(value, str) and value.startswith(_FORMULA_START)


def guard_sheet(sheet) -> None:
    """Every cell of ``sheet`` whose text would run as a formula becomes a quote-prefixed text cell."""
    for row in sheet.iter_rows():
        for cell in row:
            if guard_text(cell.value):
                cell.data_type = "s"
                cell.quotePrefix = True


def dataset_xlsx(dataset) -> bytes:
    """A tablib dataset as .xlsx bytes: bold headers, frozen first row, columns as wide as their text."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _SHEET_TITLE_FORBIDDEN.sub("-", str(dataset.title or "Sheet"))[:31]
    rows = ([dataset.headers] if dataset.headers else []) + list(dataset)
    for row in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value for value in row])
    if dataset.headers:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    guard_sheet(sheet)
    for column in sheet.iter_cols():
        width = max((len(str(cell.value)) for cell in column if cell.value is not None), default=0)
        sheet.column_dimensions[column[0].column_letter].width = min(width + 2, _MAX_COLUMN_WIDTH)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def format_refused(requested: str) -> HttpResponseBadRequest:
    """The answer to an export format that is not offered."""
    message = _("不支持的导出格式:%(format)s。仅提供 Excel(xlsx)。") % {"format": requested[:20]}
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


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

    def export(self):
        return dataset_xlsx(self.dataset) if self.format == XLSX else super().export()


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
    """For a view that builds its own tables: the .xlsx response when ``?<trigger>=xlsx`` asks for it, a 400 when
    another format is asked for, else None.

    Either way the table learns its export link (``table.html`` shows it). A page with several tables gives
    each its own ``trigger``.
    """
    table.export_formats = (XLSX,)
    table.export_trigger_param = trigger
    requested = request.GET.get(trigger)
    if requested == XLSX:
        return spreadsheet_response(table, name)
    if requested:
        return format_refused(requested)
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

    def render_to_response(self, context, **kwargs):
        requested = self.request.GET.get(self.export_trigger_param)
        if requested and requested not in self.export_formats:
            return format_refused(requested)
        return super().render_to_response(context, **kwargs)

    def get_table(self, **kwargs):
        table = super().get_table(**kwargs)
        table.export_formats = self.export_formats
        table.export_trigger_param = self.export_trigger_param
        return table
