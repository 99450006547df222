"""The dashboard as JSON, part by part, for the charts (money as two-decimal strings, rates as four)."""

from arrears.money import format_money, format_rate

from .selectors import Dashboard


def summary(board: Dashboard) -> dict:
    totals = board.rates.totals
    return {
        "as_of": board.as_of.isoformat(),
        "start": board.filters.start.isoformat(),
        "communities": [source.community for source in board.sources],
        "computed_at": board.computed_at.isoformat() if board.computed_at else None,
        "live": board.live,
        "target": format_rate(board.target),
        "year_due": format_money(board.year_due),
        "target_to_date": format_money(board.target_to_date),
        "projection": format_money(board.projection),
        "run_rate": format_money(board.run_rate),
        "needed_per_day": None if board.needed_per_day is None else format_money(board.needed_per_day),
        "rates": {
            "year": totals.year,
            "current_due": format_money(totals.current_due),
            "current_collected": format_money(totals.current_collected),
            "collection_rate": format_rate(board.rates.collection_rate),
            "arrears_at_year_start": format_money(totals.arrears_at_year_start),
            "arrears_recovered": format_money(totals.arrears_recovered),
            "recovery_rate": format_rate(board.rates.recovery_rate),
            "overall_rate": format_rate(board.rates.overall_rate),
            "household_rate": format_rate(board.rates.household_rate),
        },
        "totals": {
            "principal": format_money(board.principal),
            "late_fee": None if board.late_fee is None else format_money(board.late_fee),
            "total": None if board.late_fee is None else format_money(board.principal + board.late_fee),
            "households_in_arrears": board.households_in_arrears,
        },
    }


def series(board: Dashboard) -> dict:
    return {
        "as_of": board.as_of.isoformat(),
        "target": format_rate(board.target),
        "days": [day.isoformat() for day, *_rest in board.series],
        "collected": [format_money(row[1]) for row in board.series],
        "target_line": [format_money(row[2]) for row in board.series],
        "due": [format_money(row[3]) for row in board.series],
        "rate": [format_rate(row[4]) for row in board.series],
        "projection": format_money(board.projection),
        "needed_per_day": None if board.needed_per_day is None else format_money(board.needed_per_day),
    }


def aging(board: Dashboard) -> dict:
    return {
        "as_of": board.as_of.isoformat(),
        "buckets": [{"bucket": label, "principal": format_money(amount)} for label, amount in board.aging],
        "total": format_money(board.aging_total),
    }


def buildings(board: Dashboard) -> dict:
    return {
        "as_of": board.as_of.isoformat(),
        "buildings": [
            {"building": row["label"], "principal": row["principal"], "households": row["households"]}
            for row in board.buildings
        ],
    }


def _league_row(row: dict) -> dict:
    return {
        "id": row["id"],
        "name": row["name"],
        **({"department": row["department"]} if "department" in row else {}),
        "assigned": row["assigned"],
        "contacted_7d": row["contacted_7d"],
        "promises": row["promises"],
        "kept": row["kept"],
        "cleared": row["cleared"],
        "collected": format_money(row["collected"]),
    }


def league(board: Dashboard) -> dict:
    return {
        "start": board.filters.start.isoformat(),
        "end": board.as_of.isoformat(),
        "staff": [_league_row(row) for row in board.staff_league],
        "departments": [_league_row(row) for row in board.department_league],
    }


def objections(board: Dashboard) -> dict:
    return {
        "start": board.filters.start.isoformat(),
        "end": board.as_of.isoformat(),
        "categories": [{"code": code, "label": label, "total": n} for code, label, n in board.objection_totals],
        "weeks": [{"week": week.isoformat(), "counts": counts} for week, counts in board.objection_weeks],
    }


def activity(board: Dashboard) -> dict:
    today = board.activity
    return {**today, "day": today["day"].isoformat(), "payments_amount": format_money(today["payments_amount"])}


PARTS = {
    "summary": summary,
    "series": series,
    "aging": aging,
    "buildings": buildings,
    "league": league,
    "objections": objections,
    "activity": activity,
}
