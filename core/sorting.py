"""Natural order for the labels people read: 2 before 10, 3-2-1201 before 3-10-101, 2栋 before 12栋."""

import re

_DIGITS = re.compile(r"(\d+)")


def natural_key(label) -> tuple:
    """A sort key comparing runs of digits as numbers; numbers sort before text at the same place."""
    parts = (part for part in _DIGITS.split(str(label)) if part)
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in parts)
