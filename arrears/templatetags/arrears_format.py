"""Template filters for money and rates on the arrears pages."""

from decimal import ROUND_HALF_UP, Decimal

from django import template

from arrears.money import round_money

register = template.Library()


def format_money(value) -> str:
    """Two decimals with comma thousands separators, as accounts print them in either language: 1,234.50."""
    if value is None or value == "":
        return ""
    return f"{round_money(Decimal(value)):,.2f}"


@register.filter
def money(value) -> str:
    """Render an amount of money as 1,234.50."""
    return format_money(value)


@register.filter
def percent(value, places: int = 4) -> str:
    """Render a ratio as a percentage without trailing zeros: 0.1825 → 18.25%, 0.0005 → 0.05%."""
    if value is None or value == "":
        return ""
    scaled = (Decimal(value) * 100).quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP)
    text = f"{scaled:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"
