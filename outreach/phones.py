"""Mainland mobile numbers as SMS needs them: 11 digits starting with 1, whatever the owner's record looks like."""

import re

_SEPARATORS = re.compile(r"[,;/、，；]+")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalize_mobile(raw: str) -> str | None:
    """``+86 138-0013-8000`` → ``13800138000``; None when it is not a mainland mobile number (a landline, a typo)."""
    digits = "".join(ch for ch in raw or "" if ch.isdigit() or ch == "+")
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) == 11:
            digits = digits[len(prefix) :]
            break
    return digits if _MOBILE.match(digits) else None


def mobiles_of(*fields: str) -> list[str]:
    """Every distinct mobile number in the owner's phone fields, in the order written (``phone`` first)."""
    found: list[str] = []
    for field in fields:
        for part in _SEPARATORS.split(field or ""):
            # "138 0013 8000" is one number; "0571-88886666 13800138000" is two.
            candidates = [part] if normalize_mobile(part) else part.split()
            for candidate in candidates:
                number = normalize_mobile(candidate)
                if number and number not in found:
                    found.append(number)
    return found


def first_mobile(*fields: str) -> str | None:
    """The number an SMS goes to: the first mobile of the owner's phone fields."""
    numbers = mobiles_of(*fields)
    return numbers[0] if numbers else None
