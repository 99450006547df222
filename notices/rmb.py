"""Amounts in Chinese capital numerals (人民币大写), as financial documents write them: 壹仟贰佰叁拾肆元伍角陆分."""

from decimal import Decimal

from arrears.money import round_money

DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ("", "拾", "佰", "仟")
GROUP_UNITS = ("", "万", "亿", "万亿")


def _group_words(group: int) -> str:
    """0 < group < 10000, with 零 for inner zeros (一千零五 → 壹仟零伍)."""
    words = []
    zero_pending = False
    for position in range(3, -1, -1):
        digit = group // 10**position % 10
        if digit == 0:
            zero_pending = bool(words)
            continue
        if zero_pending:
            words.append("零")
            zero_pending = False
        words.append(DIGITS[digit] + SMALL_UNITS[position])
    return "".join(words)


def _yuan_words(yuan: int) -> str:
    if yuan == 0:
        return ""
    groups = []
    while yuan:
        groups.append(yuan % 10000)
        yuan //= 10000
    if len(groups) > len(GROUP_UNITS):
        raise ValueError("amount too large")
    words = []
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            continue
        # A zero between groups (or a leading zero inside a lower group) is read as one 零: 壹万零伍拾.
        if words and (groups[index + 1] == 0 or group < 1000):
            words.append("零")
        words.append(_group_words(group) + GROUP_UNITS[index])
    return "".join(words)


def rmb_in_words(amount: Decimal) -> str:
    """``Decimal("1234.56")`` → 壹仟贰佰叁拾肆元伍角陆分; whole yuan end in 整; zero is 零元整.

    Rounded half-up to the fen first. Negative amounts are written with a leading 负.
    """
    value = round_money(amount)
    if value < 0:
        return "负" + rmb_in_words(-value)
    fen_total = int(value * 100)
    yuan, jiao, fen = fen_total // 100, fen_total // 10 % 10, fen_total % 10
    head = _yuan_words(yuan)
    if not head and not jiao and not fen:
        return "零元整"
    words = head + "元" if head else ""
    if jiao:
        words += DIGITS[jiao] + "角"
    elif fen and head:
        words += "零"
    if fen:
        words += DIGITS[fen] + "分"
    else:
        words += "整"
    return words
