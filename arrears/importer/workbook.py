"""Reading the import's sheets: an .xlsx (python-calamine), .csv files named by sheet (房屋.csv …), or a .zip of them.

Whatever the format, a sheet is its header row and then rows of cell values: str, float, bool, date or datetime
from an .xlsx, str from a .csv. The rows come out in the spec's column order with their row number in the file.
"""

import codecs
import contextlib
import csv
import functools
import io
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import IO, BinaryIO

from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

from .columns import SheetSpec
from .parse import is_blank
from .result import ImportResult

HEADER_ROW = 1
# What Chinese Excel saves as "CSV" is GBK (GB18030 is its superset); newer versions and other tools save UTF-8.
CSV_ENCODINGS = ("utf-8-sig", "gb18030")
# A .zip of CSV files is read member by member as a stream: refuse archives that claim to unpack to more than this.
MAX_UNPACKED_BYTES = 1024 * 1024 * 1024
READ_CHUNK = 1024 * 1024


class WorkbookError(Exception):
    """The file cannot be read as a workbook, a CSV file or a zip of CSV files; the message says why, in Chinese."""


class Workbook:
    """Sheets by name; ``sheet(name)`` opens one: its number of rows (header included) and its rows, header first."""

    def __init__(self, sheetnames: list[str]):
        self.sheetnames = sheetnames

    def sheet(self, name: str) -> tuple[int, Iterator]:
        raise NotImplementedError

    def close(self) -> None:
        pass


class _Xlsx(Workbook):
    def __init__(self, path: Path):
        try:
            self._book = CalamineWorkbook.from_path(str(path))
            names = list(self._book.sheet_names)
        except (CalamineError, OSError, ValueError) as exc:
            raise WorkbookError(_("文件不是有效的 Excel 工作簿(.xlsx)")) from exc
        super().__init__(names)

    def sheet(self, name: str) -> tuple[int, Iterator]:
        try:
            sheet = self._book.get_sheet_by_name(name)
        except CalamineError as exc:
            raise WorkbookError(_("工作表「%(name)s」无法读取:%(error)s") % {"name": name, "error": exc}) from exc
        # Row numbers stay those Excel shows even when the used area does not start at A1.
        if sheet.start in (None, (0, 0)):
            return sheet.height, sheet.iter_rows()
        return sheet.height + sheet.start[0], _padded(sheet)

    def close(self) -> None:
        self._book.close()


def _padded(sheet) -> Iterator[list]:
    """Rows of a sheet whose used area does not start at A1: blank rows and columns put back in front."""
    first_row, first_column = sheet.start
    for _index in range(first_row):
        yield []
    for row in sheet.iter_rows():
        yield [""] * first_column + list(row)


class _Csv(Workbook):
    """CSV files, each one sheet named by its file name without the extension, read as a stream: a sheet of two
    million rows is never in memory whole. ``files`` opens each afresh (a file on disk or a member of a zip)."""

    def __init__(self, files: dict[str, Callable[[], BinaryIO]], *, archive: zipfile.ZipFile | None = None):
        self._files = files
        self._archive = archive
        self._open: list[IO] = []
        super().__init__(list(files))

    def sheet(self, name: str) -> tuple[int, Iterator]:
        opener = self._files.pop(name)
        encoding, lines = _encoding_and_lines(opener, name=name)
        stream = io.TextIOWrapper(opener(), encoding=encoding, newline="")
        self._open.append(stream)
        return lines + 1, csv.reader(stream)

    def close(self) -> None:
        for stream in self._open:
            stream.close()
        self._open.clear()
        if self._archive is not None:
            self._archive.close()


def _encoding_and_lines(opener: Callable[[], BinaryIO], *, name: str) -> tuple[str, int]:
    """The first of CSV_ENCODINGS the whole file decodes in, and its number of line breaks: one pass over the file
    a megabyte at a time for each encoding tried (a file that is not UTF-8 shows it within its first rows)."""
    for encoding in CSV_ENCODINGS:
        decoder = codecs.getincrementaldecoder(encoding)()
        lines = 0
        try:
            with opener() as stream:
                while chunk := stream.read(READ_CHUNK):
                    decoder.decode(chunk)
                    lines += chunk.count(b"\n")
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        except (OSError, zipfile.BadZipFile, RuntimeError, NotImplementedError) as exc:
            raise WorkbookError(_("「%(name)s」无法读取") % {"name": name}) from exc
        return encoding, lines
    raise WorkbookError(_("「%(name)s」的编码无法识别:请另存为 UTF-8 或 GBK 编码的 CSV") % {"name": name})


def _is_xlsx(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return "[Content_Types].xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def _zip_of_csv(path: Path) -> _Csv:
    try:
        archive = zipfile.ZipFile(path)
        members = [
            info
            for info in archive.infolist()
            if not info.is_dir()
            and info.filename.lower().endswith(".csv")
            and not PurePosixPath(info.filename).name.startswith(("._", "."))
        ]
    except (zipfile.BadZipFile, OSError) as exc:
        raise WorkbookError(_("文件不是有效的 zip 压缩包")) from exc
    if sum(info.file_size for info in members) > MAX_UNPACKED_BYTES:
        archive.close()
        raise WorkbookError(_("压缩包解压后太大"))
    if not members:
        archive.close()
        raise WorkbookError(_("压缩包中没有 .csv 文件"))
    files = {_member_name(info): functools.partial(archive.open, info) for info in members}
    return _Csv(files, archive=archive)


def _member_name(info: zipfile.ZipInfo) -> str:
    """The sheet name of a zip member: Windows' zip tools write Chinese names in GBK without saying so."""
    name = info.filename
    if not info.flag_bits & 0x800:  # not flagged UTF-8: Python decoded the name as cp437
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            name = name.encode("cp437").decode("gb18030")
    return PurePosixPath(name).stem.strip()


def open_workbook(path: Path | str, *more: Path | str) -> Workbook:
    """The sheets of an .xlsx, of one or more .csv files, or of a .zip of .csv files.

    A .csv file's sheet is its name without the extension (``房屋.csv`` is the sheet 房屋).
    """
    paths = [Path(path), *(Path(p) for p in more)]
    if all(p.suffix.lower() == ".csv" for p in paths):
        if not all(p.is_file() for p in paths):
            raise WorkbookError(_("文件无法读取"))
        return _Csv({p.stem.strip(): functools.partial(p.open, "rb") for p in paths})
    if len(paths) > 1:
        raise WorkbookError(_("多个文件时只能是 .csv 文件"))
    if paths[0].suffix.lower() == ".zip" and not _is_xlsx(paths[0]):
        return _zip_of_csv(paths[0])
    return _Xlsx(paths[0])


def column_order(header: tuple | list, spec: SheetSpec, result: ImportResult) -> list[int] | None:
    """Where each of the spec's columns is in the sheet, or None (and errors) when the header row is wrong."""
    names = [str(cell).strip() if not is_blank(cell) else "" for cell in header]
    if names:
        names[0] = names[0].lstrip("\ufeff")  # a BOM the CSV's decoding left
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


def iter_rows(rows: Iterator, order: list[int]) -> Iterator[tuple[int, tuple]]:
    """(row number in the file, values in the spec's column order) for every row after the header that is not
    blank; ``rows`` has already given its header."""
    width = max(order) + 1
    in_order = order == list(range(width))
    for number, row in enumerate(rows, HEADER_ROW + 1):
        if len(row) < width:
            row = (*row, *("",) * (width - len(row)))
        values = tuple(row[:width]) if in_order else tuple([row[index] for index in order])
        first = values[0]
        # The first column (小区编码, 工号) is filled on nearly every row: then the row is not blank.
        if (first.__class__ is not str or not first.strip()) and all(is_blank(value) for value in values):
            continue
        yield number, values
