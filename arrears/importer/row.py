"""One row's cells parsed column by column; every bad cell is reported, not just the first."""

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from arrears.money import MAX_AMOUNT

from .parse import (
    CellError,
    is_blank,
    parse_amount,
    parse_choice,
    parse_date,
    parse_ratio,
    parse_text,
    parse_whole_number,
)
from .result import ImportResult

# Parsed values by (parser, type, value, options): a ledger repeats the same dates, amounts, codes and buildings
# on thousands of rows, and the parsers are pure. Only good values are kept (an error's message is translated).
_PARSED: dict[tuple, object] = {}
_PARSED_LIMIT = 200_000


def forget_parsed_cells() -> None:
    """Empty the cache of parsed values (after an import: a worker process should not keep it)."""
    _PARSED.clear()


class RowCells:
    """Parses the cells of one row; ``failed`` tells whether any of them was bad."""

    __slots__ = ("failed", "result", "row", "sheet")

    def __init__(self, result: ImportResult, sheet: str, row: int):
        self.result = result
        self.sheet = sheet
        self.row = row
        self.failed = False

    def error(self, column: str, reason: str) -> None:
        self.result.add_error(sheet=self.sheet, row=self.row, column=column, reason=reason)
        self.failed = True

    def _parse(self, column: str, value, parser, key: tuple, *, required: bool, default=None, **options):
        """``parser(value, **options)``, or the value parsed before under ``key`` (the parser, the value's type
        and value, and the options: 1, 1.0 and True are equal keys otherwise)."""
        parsed = _PARSED.get(key)
        if parsed is not None:
            return parsed
        if is_blank(value):
            if required:
                self.error(column, _("不能为空"))
            return default
        try:
            parsed = parser(value, **options)
        except CellError as exc:
            self.error(column, str(exc))
            return None
        if len(_PARSED) >= _PARSED_LIMIT:
            _PARSED.clear()
        _PARSED[key] = parsed
        return parsed

    def text(self, column: str, value, *, max_length: int, required: bool = False, unique: bool = False) -> str:
        """Text; ``unique`` for a column whose every row differs (收据号): parsed without filling the cache."""
        if unique and value.__class__ is str and 0 < len(value) <= max_length and value.strip() == value:
            return value
        key = (parse_text, value.__class__, value, max_length)
        return self._parse(column, value, parse_text, key, required=required, default="", max_length=max_length) or ""

    def date(self, column: str, value) -> date | None:
        return self._parse(column, value, parse_date, (parse_date, value.__class__, value), required=True)

    def amount(
        self,
        column: str,
        value,
        *,
        positive: bool = False,
        places: int = 2,
        max_digits: int = 14,
        maximum: Decimal | None = MAX_AMOUNT,
    ) -> Decimal | None:
        """A required amount ≥ 0 (> 0 when ``positive``), at most ``maximum`` (the ledger's bound for money)."""
        key = (parse_amount, value.__class__, value, places, max_digits)
        number = self._parse(column, value, parse_amount, key, required=True, places=places, max_digits=max_digits)
        if number is not None and maximum is not None and number > maximum:
            self.error(column, _("金额不能超过 %(maximum)s 元") % {"maximum": f"{maximum:,.2f}"})
            return None
        if number is not None and number < 0:
            self.error(column, _("金额不能为负数"))
            return None
        if number is not None and positive and number == 0:
            self.error(column, _("金额必须大于零"))
            return None
        return number

    def ratio(
        self, column: str, value, *, places: int, max_digits: int, maximum: Decimal, required: bool = True
    ) -> Decimal | None:
        key = (parse_ratio, value.__class__, value, places, max_digits)
        number = self._parse(column, value, parse_ratio, key, required=required, places=places, max_digits=max_digits)
        if number is not None and number > maximum:
            self.error(column, _("不能大于 %(maximum)s") % {"maximum": maximum})
            return None
        return number

    def whole_number(self, column: str, value) -> int | None:
        key = (parse_whole_number, value.__class__, value)
        return self._parse(column, value, parse_whole_number, key, required=True)

    def choice(self, column: str, value, labels: dict[str, str], *, default: str | None = None) -> str | None:
        """The stored value of a label; an empty cell is ``default``, or an error when there is none."""
        # The label maps are module constants: their id stands for them.
        key = (parse_choice, value.__class__, value, id(labels))
        return self._parse(column, value, parse_choice, key, required=default is None, default=default, labels=labels)
