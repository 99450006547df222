"""A streaming .xlsx writer: sheets written row by row straight into the zip, in constant memory.

openpyxl's write-only mode streams too, but serialises each cell through its XML layer: about 13 s per
100,000 rows of nine cells on the benchmark machine, against about 1.3 s here, and a 100,000-household
ledger has four million rows. This writer knows three kinds of cell, which is all the ledger needs: text
(inline strings), numbers (money with two decimals shown) and empty cells. Dates are written as
``YYYY-MM-DD`` text so that they read back the same everywhere.
"""

import re
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

EXCEL_MAX_ROWS = 1_048_576
# Control characters other than tab, newline and carriage return are not allowed in XML 1.0.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_WRITE_BUFFER_ROWS = 2000


class Money(Decimal):
    """A Decimal shown with two decimals (number format ``0.00``)."""


def _column_letters(count: int) -> list[str]:
    letters = []
    for index in range(count):
        name = ""
        index += 1
        while index:
            index, remainder = divmod(index - 1, 26)
            name = chr(65 + remainder) + name
        letters.append(name)
    return letters


def _cell(ref: str, value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        text = escape(_ILLEGAL_XML.sub("", value))
        space = ' xml:space="preserve"' if text != text.strip() else ""
        return f'<c r="{ref}" t="inlineStr"><is><t{space}>{text}</t></is></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, Money):
        return f'<c r="{ref}" s="1"><v>{value:.2f}</v></c>'
    if isinstance(value, int | Decimal):
        return f'<c r="{ref}"><v>{value}</v></c>'
    raise TypeError(f"cannot write {type(value).__name__} to a cell")


class StreamingWorkbook:
    """Write sheets one after another; ``close`` adds the workbook parts that list them."""

    def __init__(self, path: Path | str):
        self._zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6)
        self._sheets: list[str] = []

    def write_sheet(
        self, name: str, header: Sequence[str], rows: Iterable[Sequence], widths: Sequence[int] = ()
    ) -> int:
        """Write a sheet with a frozen header row; return the number of data rows."""
        letters = _column_letters(len(header))
        number = len(self._sheets) + 1
        self._sheets.append(name)
        count = 0
        with self._zip.open(f"xl/worksheets/sheet{number}.xml", "w", force_zip64=True) as raw:
            raw.write(_sheet_start(widths).encode())
            buffer = [_row(1, letters, header)]
            for count, row in enumerate(rows, 1):
                buffer.append(_row(count + 1, letters, row))
                if len(buffer) >= _WRITE_BUFFER_ROWS:
                    raw.write("".join(buffer).encode())
                    buffer = []
            buffer.append("</sheetData></worksheet>")
            raw.write("".join(buffer).encode())
        return count

    def close(self) -> None:
        sheets = "".join(
            f'<sheet name="{escape(name, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
            for i, name in enumerate(self._sheets, 1)
        )
        relations = "".join(
            f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(self._sheets) + 1)
        )
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_SHEET_TYPE}"/>'
            for i in range(1, len(self._sheets) + 1)
        )
        n = len(self._sheets) + 1
        self._zip.writestr("[Content_Types].xml", _CONTENT_TYPES.format(overrides=overrides))
        self._zip.writestr("_rels/.rels", _ROOT_RELS)
        self._zip.writestr("xl/workbook.xml", _WORKBOOK.format(sheets=sheets))
        self._zip.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS.format(relations=relations, n=n))
        self._zip.writestr("xl/styles.xml", _STYLES)
        self._zip.close()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.close()
        else:
            self._zip.close()


def _row(number: int, letters: list[str], values: Sequence) -> str:
    cells = "".join(_cell(f"{letter}{number}", value) for letter, value in zip(letters, values, strict=False))
    return f'<row r="{number}">{cells}</row>'


def _sheet_start(widths: Sequence[int]) -> str:
    cols = "".join(f'<col min="{i}" max="{i}" width="{width}" customWidth="1"/>' for i, width in enumerate(widths, 1))
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<worksheet xmlns="{_MAIN}" xmlns:r="{_DOC_REL}">'
        '<sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        "</sheetView></sheetViews>"
        '<sheetFormatPr defaultRowHeight="15"/>' + (f"<cols>{cols}</cols>" if cols else "") + "<sheetData>"
    )


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_REL = _DOC_REL
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "{overrides}</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<workbook xmlns="{_MAIN}" xmlns:r="{_DOC_REL}"><sheets>{{sheets}}</sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    "{relations}"
    f'<Relationship Id="rId{{n}}" Type="{_REL}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
# Style 0: general; style 1: built-in number format 2 (``0.00``).
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<styleSheet xmlns="{_MAIN}">'
    '<fonts count="1"><font><sz val="11"/><name val="等线"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
