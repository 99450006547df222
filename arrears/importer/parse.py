"""Cell values as openpyxl reads them, turned into Python values. Pure: each parser raises CellError."""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _

from arrears.money import parse_money

# 2026-01-31, or 2026/1/31 as Chinese Excel writes a date cell into a CSV file (its short date format); one
# separator throughout, the year first.
_TEXT_DATE = re.compile(r"(\d{4})([-/])(\d{1,2})\2(\d{1,2})")
_INTEGER = re.compile(r"\d+")
# Excel's day 0 (its serial 60 is the 1900-02-29 that never was; every serial here is far past it).
_EXCEL_EPOCH = date(1899, 12, 30)
_SERIALS = (32874, 73050)  # 1990-01-01 … 2099-12-31: a ledger date outside is a typo, not a date
# A float from an Excel formula may carry binary noise (123.45000000001); closer than this it is the cent.
_FLOAT_NOISE = Decimal("0.000001")


class CellError(ValueError):
    """A cell's value cannot be used; the message is the reason shown to finance."""


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_text(value, *, max_length: int) -> str:
    """Text, stripped; numbers typed into a text column (房号 1201) count as their digits."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise CellError(_("应为文字,不能是逻辑值"))
    if isinstance(value, datetime | date):
        raise CellError(_("应为文字,Excel 把它当成了日期(请把单元格设为文本格式)"))
    text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value).strip()
    if len(text) > max_length:
        raise CellError(_("不能超过 %(count)d 个字符") % {"count": max_length})
    return text


def parse_date(value) -> date:
    """An Excel date cell, ``YYYY-MM-DD`` or ``YYYY/M/D`` text, or an Excel date serial (a number, or its digits as
    text, such as a CSV file or a cell formatted as a number gives) between 1990 and 2099."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and (found := _TEXT_DATE.fullmatch(value.strip())):
        year, _separator, month, day = found.groups()
        try:
            return date(int(year), int(month), int(day))
        except ValueError:
            pass
    serial = _serial(value)
    if serial is not None:
        return _EXCEL_EPOCH + timedelta(days=serial)
    raise CellError(_("日期格式错误:「%(value)s」,应为 Excel 日期、YYYY-MM-DD 或 YYYY/M/D") % {"value": value})


def _serial(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        value = int(value.strip())
    if isinstance(value, int) and _SERIALS[0] <= value <= _SERIALS[1]:
        return value
    return None


def _decimal(value) -> Decimal:
    if isinstance(value, bool | datetime | date):
        raise CellError(_("应为数字:「%(value)s」") % {"value": value})
    if isinstance(value, float):
        return Decimal(repr(value))
    try:
        return parse_money(value)
    except ValueError as exc:
        raise CellError(_("数字格式错误:「%(value)s」") % {"value": value}) from exc


def _places(value: Decimal, places: int, max_digits: int) -> Decimal:
    if abs(value) >= Decimal(10) ** (max_digits - places):
        raise CellError(_("数字太大:「%(value)s」") % {"value": value})
    rounded = value.quantize(Decimal(1).scaleb(-places))
    if rounded != value:
        raise CellError(_("最多 %(places)d 位小数:「%(value)s」") % {"places": places, "value": value})
    return rounded


def parse_amount(value, *, places: int = 2, max_digits: int = 14) -> Decimal:
    """A number or text such as ``1,234.50``, at most ``places`` decimals; the sign is the caller's rule."""
    number = _decimal(value)
    if isinstance(value, float) and abs(number) < Decimal(10) ** (max_digits - places):
        rounded = number.quantize(Decimal(1).scaleb(-places))
        if abs(rounded - number) < _FLOAT_NOISE:
            number = rounded
    return _places(number, places, max_digits)


def parse_ratio(value, *, places: int, max_digits: int) -> Decimal:
    """A ratio as a number (0.8, 0.0005) or as a percentage text ("80%")."""
    if isinstance(value, str) and value.strip().endswith(("%", "\uff05")):
        number = _decimal(value.strip()[:-1]) / 100
    else:
        number = _decimal(value)
    if number < 0:
        raise CellError(_("不能为负数"))
    return _places(number, places, max_digits)


def parse_whole_number(value) -> int:
    """A whole number ≥ 0 (宽限天数)."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, float) and value.is_integer() and value >= 0:
        return int(value)
    if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        return int(value.strip())
    raise CellError(_("应为不小于 0 的整数:「%(value)s」") % {"value": value})


def parse_choice(value, labels: dict[str, str]) -> str:
    """The stored value of a Chinese label."""
    label = str(value).strip()
    if label in labels:
        return labels[label]
    raise CellError(_("无法识别「%(value)s」,可选:%(choices)s") % {"value": label, "choices": "、".join(labels)})
