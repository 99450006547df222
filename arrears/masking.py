"""Masking of an owner's name and phone number for lists (PIPL): 张** · 138****5678."""

import re

_MASK = "**"
_SEPARATORS = re.compile(r"[,;/、，；]+")
_NOT_DIGIT = re.compile(r"\D")


def mask_name(name: str, *, organisation: bool = False) -> str:
    """A person keeps the first character (张**), an organisation the first two (华为**)."""
    name = (name or "").strip()
    if not name:
        return ""
    keep = 2 if organisation else 1
    if len(name) <= keep:
        keep = len(name) - 1
    return name[:keep] + _MASK


def mask_phone(phone: str) -> str:
    """A mainland mobile keeps 3 + 4 digits (138****5678); any other number only its last 4."""
    masked = (_mask_one(part) for part in _SEPARATORS.split(phone or ""))
    return " / ".join(part for part in masked if part)


def _mask_one(phone: str) -> str:
    digits = _NOT_DIGIT.sub("", phone)
    if not digits:
        return ""
    if len(digits) == 13 and digits.startswith("861"):
        digits = digits[2:]
    if len(digits) == 11 and digits.startswith("1"):
        return f"{digits[:3]}****{digits[-4:]}"
    if len(digits) <= 4:
        return "****"
    return "*" * (len(digits) - 4) + digits[-4:]
