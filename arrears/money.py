"""Money helpers: Decimal only, rounded half-up to the fen at the end of a calculation."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
RATE_PLACES = Decimal("0.0001")

# The largest single charge, payment or waiver the ledger accepts (yuan). Every input path (forms, imports,
# statements, the API) refuses more, with a message in Chinese; the ledger's sums in SQL rely on it (integer fen).
MAX_AMOUNT = Decimal("10000000.00")


def amount_too_large(value: object = None) -> str:
    """The message for an amount above MAX_AMOUNT (naming ``value`` when given), in Chinese."""
    from django.utils.translation import gettext as _

    limit = f"{MAX_AMOUNT:,.2f}"
    if value is None:
        return _("金额不能超过单笔上限 %(limit)s 元") % {"limit": limit}
    return _("金额「%(value)s」超过单笔上限 %(limit)s 元") % {"value": value, "limit": limit}


def validate_amount(value) -> None:
    """Form and service validator: ValidationError (in Chinese) for an amount above MAX_AMOUNT. Zero and negative
    amounts are refused by each service with its own words (收款金额必须大于零, 应收金额不能为负数 …)."""
    from django.core.exceptions import ValidationError

    if value is not None and value > MAX_AMOUNT:
        raise ValidationError(amount_too_large(), code="too_large")


def round_money(value: Decimal) -> Decimal:
    """Round to two places, half up (the only rounding the ledger uses)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def round_rate(value: Decimal) -> Decimal:
    """Round a ratio to four places, half up."""
    return Decimal(value).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def parse_money(text: str | int | Decimal) -> Decimal:
    """Parse an amount such as ``1,234.50`` or ``1234.5``; raise ValueError on anything else."""
    if isinstance(text, Decimal):
        value = text
    elif isinstance(text, int):
        value = Decimal(text)
    else:
        cleaned = str(text).strip().replace(",", "").replace("，", "").replace("¥", "").replace("￥", "")
        try:
            value = Decimal(cleaned)
        except InvalidOperation as exc:
            raise ValueError(text) from exc
    if not value.is_finite():
        raise ValueError(text)
    return value


def format_money(value: Decimal) -> str:
    """Two decimals, as the JSON interface prints money."""
    return f"{round_money(value):.2f}"


def format_rate(value: Decimal | None) -> str | None:
    """Four decimals, or None where the denominator was zero."""
    return None if value is None else f"{round_rate(value):.4f}"
