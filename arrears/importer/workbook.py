"""Reading the workbook: streamed (openpyxl read-only), headers checked, rows in the spec's column order."""

import zipfile
from collections.abc import Iterator
from pathlib import Path

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from .columns import SheetSpec
from .parse import is_blank
from .result import ImportResult

HEADER_ROW = 1


class WorkbookError(Exception):
    """The file is not a workbook openpyxl can read."""


def open_workbook(path: Path | str) -> Workbook:
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise WorkbookError(_("文件不是有效的 Excel 工作簿(.xlsx)")) from exc


def column_order(worksheet, spec: SheetSpec, result: ImportResult) -> list[int] | None:
    """Where each of the spec's columns is in the sheet, or None (and errors) when the header row is wrong."""
    # Some writers leave a wrong size in the file; read-only mode would trust it and stop early.
    worksheet.reset_dimensions()
    header = next(worksheet.iter_rows(min_row=HEADER_ROW, max_row=HEADER_ROW, values_only=True), ())
    names = [str(cell).strip() if not is_blank(cell) else "" for cell in header]
    positions: dict[str, int] = {}
    ok = True
    for index, name in enumerate(names):
        if not name:
            continue
        if name not in spec.columns:
            result.add_error(sheet=spec.name, row=HEADER_ROW, column=name, reason=_("未知的列"))
            ok = False
        elif name in positions:
            result.add_error(sheet=spec.name, row=HEADER_ROW, column=name, reason=_("列重复"))
            ok = False
        positions.setdefault(name, index)
    for name in spec.columns:
        if name not in positions:
            result.add_error(sheet=spec.name, row=HEADER_ROW, column=name, reason=_("缺少列"))
            ok = False
    return [positions[name] for name in spec.columns] if ok else None


def iter_rows(worksheet, order: list[int]) -> Iterator[tuple[int, tuple]]:
    """(Excel row number, values in the spec's column order) for every row that is not blank."""
    width = max(order) + 1
    for number, row in enumerate(worksheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True), HEADER_ROW + 1):
        if len(row) < width:
            row = (*row, *(None,) * (width - len(row)))
        values = tuple(row[index] for index in order)
        if all(is_blank(value) for value in values):
            continue
        yield number, values
