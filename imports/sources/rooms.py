"""A household written as one text: ``3-2-1201``, ``3-1201``, ``3栋2单元1201室``, ``3号楼2单元1201``."""

import re

from django.utils.translation import gettext as _

from arrears.importer.parse import CellError

_SEPARATED = re.compile(r"[-—_/\\]")
_WORDED = re.compile(
    r"(?P<building>[0-9A-Za-z]+)\s*(?:号楼|栋|幢|座|楼)\s*(?:(?P<unit>[0-9A-Za-z]+)\s*单元)?\s*(?P<room>[0-9A-Za-z]+)\s*(?:室|号)?"
)
MAX_PART = 20


def parse_household(text: str) -> tuple[str, str, str]:
    """(楼栋, 单元, 房号); the unit is empty when the text has none."""
    text = text.strip().replace(" ", "")
    if match := _WORDED.fullmatch(text):
        parts = (match["building"], match["unit"] or "", match["room"])
    else:
        pieces = [piece.strip() for piece in _SEPARATED.split(text)]
        if len(pieces) == 3:
            parts = tuple(pieces)
        elif len(pieces) == 2:
            parts = (pieces[0], "", pieces[1])
        else:
            raise CellError(
                _("无法识别房屋「%(value)s」,应为 楼栋-单元-房号(如 3-2-1201)或 楼栋-房号") % {"value": text}
            )
    if not parts[0] or not parts[2] or any(len(part) > MAX_PART for part in parts):
        raise CellError(_("无法识别房屋「%(value)s」,应为 楼栋-单元-房号(如 3-2-1201)或 楼栋-房号") % {"value": text})
    return parts
