"""A foreign sheet read whole (python-calamine: .xlsx and .xls), merged cells filled, its header row found."""

import re
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter
from python_calamine import CalamineError, CalamineWorkbook

from arrears.importer.parse import is_blank

from .cells import cell_text

# The header is looked for in the first rows only: below them the sheet is data.
HEADER_SEARCH_ROWS = 15
# 合计 / 总 计 / 本页小计 …: a totals row is summed by the sheet's author, not a household's amount.
_TOTALS = re.compile(r"^(?:本页|本月|全部|本期)?\s*(?:合\s*计|总\s*计|小\s*计|共\s*计|累\s*计|总\s*额)")


class SourceError(Exception):
    """The file cannot be read as a workbook, or lacks the sheet or header a converter needs."""


@dataclass
class SourceSheet:
    """The sheet's cells as rows of values (Excel row numbers start at 1), merged ranges filled with their value."""

    name: str
    rows: list[list] = field(default_factory=list)

    def row(self, number: int) -> list:
        return self.rows[number - 1]

    def __len__(self) -> int:
        return len(self.rows)


def column_label(index: int, header: str = "") -> str:
    """``金额(E 列)``: the header finance sees and the column letter, for an error in the original sheet."""
    letter = get_column_letter(index + 1)
    return _("%(header)s(%(letter)s 列)") % {"header": header, "letter": letter} if header else f"{letter}"


def read_workbook(path: Path | str) -> dict[str, SourceSheet]:
    """Every sheet of the workbook, by name, in the workbook's order."""
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheets = {}
        for name in workbook.sheet_names:
            sheet = workbook.get_sheet_by_name(name)
            rows = [list(row) for row in sheet.to_python(skip_empty_area=False)]
            _fill_merged(rows, sheet.merged_cell_ranges or [])
            sheets[name] = SourceSheet(name=name, rows=[[None if cell == "" else cell for cell in r] for r in rows])
    except (CalamineError, OSError, ValueError) as exc:
        raise SourceError(_("文件不是有效的 Excel 工作簿(.xlsx 或 .xls)")) from exc
    return sheets


def _fill_merged(rows: list[list], ranges) -> None:
    """A merged cell's value in every cell it covers: a 房号 merged over three rows belongs to all three."""
    for (top, left), (bottom, right) in ranges:
        if top >= len(rows):
            continue
        value = rows[top][left] if left < len(rows[top]) else None
        for number in range(top, min(bottom, len(rows) - 1) + 1):
            row = rows[number]
            if len(row) <= right:
                row.extend([None] * (right + 1 - len(row)))
            for column in range(left, right + 1):
                row[column] = value


def is_blank_row(row: list) -> bool:
    return all(is_blank(cell) for cell in row)


def totals_label(row: list) -> str | None:
    """The text that makes the row a totals row (合计, 总计, 小计 …), or None."""
    for cell in row:
        if isinstance(cell, str) and _TOTALS.match(cell.strip()):
            return cell.strip()
    return None


def normalise_header(value) -> str:
    """A header as finance's variants of it compare: no spaces, no unit in brackets, no line breaks or stars."""
    text = re.sub(r"\s+", "", cell_text(value))
    text = re.sub("[(\uff08\\[\u3010][^)\uff09\\]\u3011]*[)\uff09\\]\u3011]", "", text)
    return re.sub("^[*]+|[*:\uff1a]+$", "", text)


def find_header(sheet: SourceSheet, score) -> int:
    """The Excel number of the header row: among the first rows, the one whose header names (header_names: its
    own cells, and for its empty cells the nearest above) ``score`` counts most of.

    So a title row above the header scores less, and under group headings (计费周期 over 开始时间 and 结束时间,
    merged or not) the lower row wins, carrying the names of the columns above it too.
    """
    best, best_score = 0, 0
    for number in range(1, min(len(sheet), HEADER_SEARCH_ROWS) + 1):
        found = score(header_names(sheet, number))
        # A tie goes to the lower of two adjacent rows (sub-headings under merged group headings), never further.
        if found > best_score or (found == best_score and found > 0 and number == best + 1):
            best, best_score = number, found
    if not best:
        raise SourceError(
            _("工作表「%(sheet)s」的前 %(rows)d 行中找不到表头") % {"sheet": sheet.name, "rows": HEADER_SEARCH_ROWS}
        )
    return best


def header_names(sheet: SourceSheet, number: int) -> list[str]:
    """Each column's header: the header row's cell, or the nearest one above it when that is empty."""
    width = max((len(row) for row in sheet.rows[:number]), default=0)
    names = []
    for index in range(width):
        name = ""
        for above in range(number, 0, -1):
            row = sheet.row(above)
            if index < len(row) and not is_blank(row[index]):
                name = normalise_header(row[index])
                break
        names.append(name)
    return names
