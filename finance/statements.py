"""Reading a bank, WeChat or Alipay statement (CSV or .xlsx) into lines of date, amount and reference.

The header row is found among the first rows (banks print a preamble above it) by its column names, Chinese or
English, with the usual synonyms (交易时间, 金额(元), 交易单号 …). Money out (a negative amount, an empty income cell,
or 支出 in a 收/支 column) and total rows (合计) are skipped; any other row that cannot be read makes the whole file
an error that names its line, so nothing is matched from half a file.
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from arrears.money import CENT, MAX_AMOUNT, amount_too_large, parse_money

MAX_ERRORS = 20
HEADER_SEARCH_ROWS = 30
_ZIP_MAGIC = b"PK\x03\x04"

DATE_NAMES = (
    "日期",
    "交易日期",
    "交易时间",
    "记账日期",
    "入账日期",
    "入账时间",
    "收款日期",
    "支付时间",
    "付款时间",
    "date",
    "transactiondate",
    "valuedate",
    "time",
)
AMOUNT_NAMES = (
    "金额",
    "交易金额",
    "收入金额",
    "收入",
    "贷方金额",
    "贷方发生额",
    "入账金额",
    "收款金额",
    "amount",
    "credit",
    "creditamount",
)
REFERENCE_NAMES = (
    "流水号",
    "交易流水号",
    "交易单号",
    "商户单号",
    "业务流水号",
    "订单号",
    "交易号",
    "凭证号",
    "参考号",
    "reference",
    "ref",
    "referenceno",
    "transactionid",
)
DIRECTION_NAMES = ("收/支", "收支", "收支类型")
TOTAL_WORDS = ("合计", "总计", "小计", "total")
_BRACKETS = re.compile(r"[(（][^)）]*[)）]")
_SPACES = re.compile(r"[\s_:：]+")
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})(?!\d)"),
)


@dataclass(frozen=True)
class StatementLine:
    """One line of money in: the file's line number (as a spreadsheet or editor shows it), date, amount, reference."""

    line: int
    day: date
    amount: Decimal
    reference: str


class StatementError(Exception):
    """The file cannot be read: a list of (line number, reason), line 0 for the file as a whole."""

    def __init__(self, errors: list[tuple[int, str]]):
        super().__init__("; ".join(f"{line}: {reason}" for line, reason in errors))
        self.errors = errors


def header_key(text) -> str:
    """A header cell as compared: no bracketed unit, spaces or colons, lower case (金额(元) → 金额)."""
    return _SPACES.sub("", _BRACKETS.sub("", str(text or ""))).lower()


def _find(keys: list[str], names: tuple[str, ...]) -> int | None:
    for name in names:  # the order of ``names`` is the preference when a file has several
        if name in keys:
            return keys.index(name)
    return None


def parse_day(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and 20000 < value < 80000:  # an Excel date serial number
        return date(1899, 12, 30) + timedelta(days=int(value))
    text = str(value).strip()
    for pattern in _DATE_PATTERNS:
        found = pattern.match(text)
        if found:
            year, month, day = (int(part) for part in found.groups())
            return date(year, month, day)
    raise ValueError(text)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rows_of_csv(data: bytes):
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # gb18030 decodes nearly anything; kept for completeness
        raise StatementError([(0, _("无法识别文件编码,请保存为 UTF-8 或 GBK 编码的 CSV"))])
    reader = csv.reader(io.StringIO(text))
    try:
        for row in reader:
            yield reader.line_num, row
    except csv.Error as exc:
        raise StatementError([(reader.line_num, _("CSV 格式错误:%(error)s") % {"error": exc})]) from exc


def _rows_of_xlsx(data: bytes):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise StatementError([(0, _("文件不是有效的 Excel 工作簿(.xlsx)"))]) from exc
    try:
        sheet = workbook.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(row)
    finally:
        workbook.close()


def read_rows(filename: str, data: bytes):
    """(line number, cells) of the file's first sheet, or of the CSV."""
    name = filename.lower()
    if name.endswith(".xlsx") or data.startswith(_ZIP_MAGIC):
        return _rows_of_xlsx(data)
    if name.endswith(".csv") or name.endswith(".txt"):
        return _rows_of_csv(data)
    raise StatementError([(0, _("请上传 CSV 或 Excel(.xlsx)格式的流水文件"))])


def parse_statement(
    filename: str, data: bytes, *, earliest: date | None = None, latest: date | None = None
) -> list[StatementLine]:
    """The statement's lines of money in; StatementError with every bad line (up to MAX_ERRORS).

    A line dated outside ``earliest`` … ``latest`` (by default LEDGER_EARLIEST_DATE … today) or of more than
    MAX_AMOUNT is a bad line: no statement covers the year 1 or next year."""
    earliest = earliest or settings.LEDGER_EARLIEST_DATE
    latest = latest or timezone.localdate()
    rows = iter(read_rows(filename, data))
    columns = None
    for number, cells in rows:
        keys = [header_key(cell) for cell in cells]
        day_col, amount_col = _find(keys, DATE_NAMES), _find(keys, AMOUNT_NAMES)
        if day_col is not None and amount_col is not None:
            columns = (day_col, amount_col, _find(keys, REFERENCE_NAMES), _find(keys, DIRECTION_NAMES))
            break
        if number >= HEADER_SEARCH_ROWS:
            break
    if columns is None:
        raise StatementError([(0, _("找不到表头:需要「日期」和「金额」两列(可选「流水号」),中英文列名均可"))])
    day_col, amount_col, ref_col, direction_col = columns

    lines: list[StatementLine] = []
    errors: list[tuple[int, str]] = []
    for number, cells in rows:
        if len(errors) >= MAX_ERRORS:
            break
        cells = list(cells)

        def cell(index, cells=cells):
            return cells[index] if index is not None and index < len(cells) else None

        texts = [_text(value) for value in cells]
        if not any(texts):
            continue
        day_text = _text(cell(day_col)).lower()
        label = day_text or texts[0].lower()
        if any(word in label for word in TOTAL_WORDS):
            continue
        if direction_col is not None and "支" in _text(cell(direction_col)) and "收" not in _text(cell(direction_col)):
            continue
        raw_amount = cell(amount_col)
        if _text(raw_amount) in ("", "-", "/"):
            continue  # nothing came in on this line (an outflow in a separate column)
        try:
            amount = parse_money(raw_amount if not isinstance(raw_amount, float) else repr(raw_amount))
        except ValueError:
            errors.append((number, _("金额「%(value)s」无法识别") % {"value": _text(raw_amount)}))
            continue
        if amount <= 0:
            continue
        if amount != amount.quantize(CENT):
            errors.append((number, _("金额「%(value)s」超过两位小数") % {"value": _text(raw_amount)}))
            continue
        if amount > MAX_AMOUNT:
            errors.append((number, amount_too_large(_text(raw_amount))))
            continue
        raw_day = cell(day_col)
        try:
            day = parse_day(raw_day)
        except (ValueError, TypeError):
            errors.append((number, _("日期「%(value)s」无法识别,应为 YYYY-MM-DD") % {"value": _text(raw_day)}))
            continue
        if not earliest <= day <= latest:
            errors.append(
                (
                    number,
                    _("日期「%(value)s」不在 %(earliest)s 至 %(latest)s 之内")
                    % {"value": _text(raw_day), "earliest": earliest, "latest": latest},
                )
            )
            continue
        lines.append(StatementLine(line=number, day=day, amount=amount.quantize(CENT), reference=_text(cell(ref_col))))
    if errors:
        raise StatementError(errors)
    if not lines:
        raise StatementError([(0, _("文件中没有收入流水"))])
    return lines
