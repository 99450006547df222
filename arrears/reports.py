"""The arrears report: the stable JSON interface of ``arrears_report`` and what the pages show of it."""

from datetime import date

from core.lanes import side_by_side

from .models import Community
from .money import format_money, format_rate
from .positions import in_arrears
from .selectors import rates_and_owing


def arrears_report(community: Community, as_of: date) -> dict:
    """The report as one JSON-ready dict: money as two-decimal strings, rates as four-decimal strings."""
    # Two reads side by side (core.lanes): the rates, and who owes with their 违约金 (which finds who owes itself
    # rather than wait for the rates' scan to tell it).
    (rates, _owing), households = side_by_side(
        lambda: rates_and_owing(community, year=as_of.year, as_of=as_of),
        lambda: in_arrears(community.households.all(), as_of),
    )
    principal = sum((h.principal for h in households), start=0)
    late = sum((h.late_fee for h in households), start=0)
    totals = rates.totals
    return {
        "as_of": as_of.isoformat(),
        "community": community.code,
        "households": [
            {
                "household": h.label,
                "principal": format_money(h.principal),
                "late_fee": format_money(h.late_fee),
                "total": format_money(h.total),
                "oldest_due": h.oldest_due.isoformat() if h.oldest_due else None,
            }
            for h in households
        ],
        "totals": {
            "principal": format_money(principal),
            "late_fee": format_money(late),
            "total": format_money(principal + late),
            "households_in_arrears": len(households),
        },
        "rates": {
            "year": totals.year,
            "current_due": format_money(totals.current_due),
            "current_collected": format_money(totals.current_collected),
            "collection_rate": format_rate(rates.collection_rate),
            "arrears_at_year_start": format_money(totals.arrears_at_year_start),
            "arrears_recovered": format_money(totals.arrears_recovered),
            "recovery_rate": format_rate(rates.recovery_rate),
            "overall_rate": format_rate(rates.overall_rate),
            "household_rate": format_rate(rates.household_rate),
        },
    }
