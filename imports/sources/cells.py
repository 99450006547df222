"""Cells of foreign sheets as Python values: amounts with ¥ and separators, dates as serials or text, periods.

Pure functions; each raises CellError with the reason shown to finance.
"""

import re
from calendar import monthrange
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from arrears.importer.parse import CellError, is_blank
from arrears.money import CENT

# Excel's day 0 in the 1900 system, shifted for its fictitious 1900-02-29 (serials from 61 on).
_EXCEL_EPOCH = date(1899, 12, 30)
# Serials finance's sheets hold: 1990-01-01 .. 2099-12-31; a bigger or smaller number is not a date.
_SERIAL_RANGE = (32874, 73050)
_CURRENCY = re.compile(r"[¥￥元\s]|RMB|CNY", re.IGNORECASE)
_THOUSANDS = re.compile("[,\uff0c'\u2019]")
# Full-width digits, point, minus and brackets typed with a Chinese input method.
_FULL_WIDTH = str.maketrans(
    {chr(0xFF10 + digit): str(digit) for digit in range(10)}
    | {"\uff0e": ".", "\uff0d": "-", "\uff08": "(", "\uff09": ")"}
)
_DASHES = {"-", "—", "--", "——", "/"}
_DATE_TEXT = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?)?"
)
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_MONTH_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?")
_COMPACT_MONTH = re.compile(r"(\d{4})(\d{2})")
_PERIOD_TOKEN = r"\d{4}\s*[-/.年]\s*\d{1,2}(?:\s*[-/.月]\s*\d{1,2}\s*日?|\s*月)?"
_PERIOD_RANGE = re.compile(rf"({_PERIOD_TOKEN})\s*(?:~|\uff5e|至|到|\u2014|-)\s*({_PERIOD_TOKEN})")


def parse_money_cell(value) -> Decimal:
    """``1234.5``, ``"1,234.50"``, ``"¥1,234.50"``, ``"1234.50元"``; a dash or blank is zero."""
    if is_blank(value):
        return Decimal("0.00")
    if isinstance(value, bool | date):
        raise CellError(_("应为金额:「%(value)s」") % {"value": value})
    if isinstance(value, float):
        number = Decimal(repr(value))
        rounded = number.quantize(CENT)
        if abs(rounded - number) < Decimal("0.000001"):  # binary noise of a formula's result
            number = rounded
    elif isinstance(value, int):
        number = Decimal(value)
    else:
        text = _CURRENCY.sub("", str(value).translate(_FULL_WIDTH))
        if text in _DASHES:
            return Decimal("0.00")
        negative = text.startswith("(") and text.endswith(")")
        text = _THOUSANDS.sub("", text.strip("()"))
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise CellError(_("金额格式错误:「%(value)s」") % {"value": value}) from None
        if not number.is_finite():
            raise CellError(_("金额格式错误:「%(value)s」") % {"value": value})
        if negative:
            number = -number
    if number != number.quantize(CENT):
        raise CellError(_("金额最多两位小数:「%(value)s」") % {"value": value})
    return number.quantize(CENT)


def _serial(number: float) -> date:
    if not (_SERIAL_RANGE[0] <= number <= _SERIAL_RANGE[1]):
        raise CellError(_("日期格式错误:「%(value)s」不是 Excel 日期") % {"value": number})
    return _EXCEL_EPOCH + timedelta(days=int(number))


def _make_date(year: str, month: str, day: str, value) -> date:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise CellError(_("日期不存在:「%(value)s」") % {"value": value}) from None


def parse_date_cell(value) -> date:
    """A date cell, an Excel serial (45292, also as text), or text such as 2026-01-31, 2026/1/31, 2026年1月31日,
    20260131, with or without a time of day."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool) or is_blank(value):
        raise CellError(_("日期不能为空"))
    if isinstance(value, int | float):
        return _serial(value)
    text = str(value).strip().translate(_FULL_WIDTH)
    if match := _DATE_TEXT.fullmatch(text):
        return _make_date(*match.groups(), value)
    if match := _COMPACT_DATE.fullmatch(text):
        return _make_date(*match.groups(), value)
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        return _serial(float(text))
    raise CellError(_("日期格式错误:「%(value)s」,应为 Excel 日期或 2026-01-31") % {"value": value})


def month_end(day: date) -> date:
    return day.replace(day=monthrange(day.year, day.month)[1])


def _month(text: str, value) -> tuple[date, date] | None:
    match = _MONTH_TEXT.fullmatch(text) or _COMPACT_MONTH.fullmatch(text)
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        raise CellError(_("月份不存在:「%(value)s」") % {"value": value})
    start = date(year, month, 1)
    return start, month_end(start)


def parse_period_cell(value) -> tuple[date, date]:
    """A billing period: a month (2026-01, 2026年1月, 202601), a date (its month), or a range
    (2026-01-01~2026-03-31, 2026.01-2026.03: from the first month's first day to the last month's last)."""
    if isinstance(value, int | float) and not isinstance(value, bool) and 190001 <= value <= 209912:
        value = cell_text(value)  # 202601 typed into a number cell
    if isinstance(value, date | int | float) and not isinstance(value, bool):
        start = parse_date_cell(value)
        return start.replace(day=1), month_end(start)
    if is_blank(value):
        raise CellError(_("所属期不能为空"))
    text = str(value).strip().translate(_FULL_WIDTH)
    if found := _month(text, value):
        return found
    if match := _PERIOD_RANGE.fullmatch(text):
        first, last = _period_end(match.group(1), value, end=False), _period_end(match.group(2), value, end=True)
        if last < first:
            raise CellError(_("所属期的结束早于开始:「%(value)s」") % {"value": value})
        return first, last
    try:
        day = parse_date_cell(text)
    except CellError:
        raise CellError(
            _("所属期格式错误:「%(value)s」,应为 2026-01、2026年1月 或 2026-01-01~2026-03-31") % {"value": value}
        ) from None
    return day.replace(day=1), month_end(day)


def _period_end(text: str, value, *, end: bool) -> date:
    if found := _month(text, value):
        return found[1] if end else found[0]
    try:
        return parse_date_cell(text)
    except CellError:
        raise CellError(_("所属期格式错误:「%(value)s」") % {"value": value}) from None


def cell_text(value) -> str:
    """A cell as text: 1201.0 read from a number cell is ``1201``; a date is ISO."""
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()
