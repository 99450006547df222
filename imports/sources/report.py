"""The skipped rows of a conversion, one line per sheet and reason, with the rows as short ranges."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .convert import Skipped

# Past this many row numbers a line says 等 and the count: the point is the reason, not every row.
MAX_ROWS_LISTED = 30


@dataclass(frozen=True)
class SkippedLine:
    sheet: str
    reason: str
    count: int
    rows: str


def row_ranges(numbers: list[int]) -> str:
    """``5、9–12、20``; cut with 等 past MAX_ROWS_LISTED numbers."""
    numbers = sorted(set(numbers))
    shown, rest = numbers[:MAX_ROWS_LISTED], numbers[MAX_ROWS_LISTED:]
    parts, start = [], None
    for index, number in enumerate(shown):
        if start is None:
            start = number
        if index + 1 == len(shown) or shown[index + 1] != number + 1:
            parts.append(str(start) if start == number else f"{start}–{number}")
            start = None
    text = "、".join(parts)
    return text + _(" 等") if rest else text


def skipped_summary(skipped: list[Skipped]) -> list[SkippedLine]:
    grouped: dict[tuple[str, str], list[int]] = {}
    for item in skipped:
        grouped.setdefault((item.sheet, item.reason), []).append(item.row)
    return [SkippedLine(sheet, reason, len(rows), row_ranges(rows)) for (sheet, reason), rows in grouped.items()]
