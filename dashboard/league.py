"""The staff and department league over a date range, and what owners object to, week by week.

Per staff member, for the households of one community:

- **assigned**: households dealt to them on any day of the range;
- **contacted_7d**: households they recorded a contact with in the 7 days ending on the range's last day;
- **promises** made in the range, and of those **kept** as of the range's last day (DOMAIN.md: verified payments
  from the day it was made to the promised date plus a day's grace reach the promised amount, or clear the balance
  when no amount was given);
- **cleared**: households dealt to them in the range with nothing overdue on the range's last day;
- **collected**: verified payments whose 收款日期 is a day the household was dealt to them.

A department's row counts each household once, however many of its people held it.

The pairs held in a range from 1 January come from the year's summary of first days (``FirstHeld``, kept by
triggers on the assignments) rather than from the range's assignments, a row per household and day.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Min
from django.db.models.functions import TruncDate, TruncWeek
from django.utils import timezone

from arrears import ledger_sql
from arrears.models import Community, Household, Payment
from arrears.models.ledger import PaymentStatus
from arrears.money import ZERO, format_money
from arrears.positions import owing as owing_of
from assignments.models import Assignment, Contact, Outcome, Staff
from assignments.promises import KEPT, Promise, judge_all

from .models import FirstHeld

FIELDS = ("assigned", "contacted_7d", "promises", "kept", "cleared")


def day_start(day: date) -> datetime:
    """The first instant of a local day."""
    return timezone.make_aware(datetime.combine(day, time.min))


def _promises_kept(promises: list[tuple], end: date) -> list[bool]:
    """Whether each promise (staff, household, made on, promised_date, amount) was kept as of ``end``."""
    judged = [Promise(household, made_on, promised, amount) for _s, household, made_on, promised, amount in promises]
    return [state == KEPT for state in judge_all(judged, end)]


def _collected_by_holder(community: Community, start: date, end: date) -> dict[int, Decimal]:
    """{staff id: Σ verified payments of the community in [start, end] paid on a day the household was dealt to
    them}: each payment looks up that day's assignment by (household, day), rather than every assignment of the
    range being joined to its household first."""
    if start > end:
        return {}
    sql = f"""
SELECT a.staff_id, SUM({ledger_sql.cents("p.amount")})
FROM {Payment._meta.db_table} p
JOIN {Assignment._meta.db_table} a ON a.household_id = p.household_id AND a.day = p.paid_on
WHERE p.community_id = %s AND p.status = %s AND p.paid_on >= %s AND p.paid_on <= %s
GROUP BY a.staff_id
"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [community.pk, PaymentStatus.VERIFIED, start, end])
        return {staff_id: ledger_sql.fen(total) for staff_id, total in cursor.fetchall()}


def held_in(community: Community, start: date, end: date) -> list[tuple[int, int, date]]:
    """(staff, household, first day held) of the pairs dealt in [start, end], for the households of one community.

    A range from 1 January of its last day's year (the snapshot's) reads the year's summary (``FirstHeld``): a
    pair's first day of the year is its first day in the range exactly when it is on or before ``end``. Any other
    range reads the assignments themselves.
    """
    if start == date(end.year, 1, 1):
        return list(
            FirstHeld.objects.filter(
                year=end.year, first_day__lte=end, household_id__in=community.households.order_by().values("pk")
            ).values_list("staff_id", "household_id", "first_day")
        )
    return held_directly(community, start, end)


def held_directly(community: Community, start: date, end: date) -> list[tuple[int, int, date]]:
    """:func:`held_in` from the assignments of the range (a row per household and day)."""
    assigned = Assignment.objects.filter(household__community=community, day__gte=start, day__lte=end).order_by()
    return list(
        assigned.values("staff_id", "household_id")
        .annotate(first=Min("day"))
        .values_list("staff_id", "household_id", "first")
    )


@dataclass(frozen=True)
class LeagueFacts:
    """What the league reads from the database over a range, before it is told who owes on the range's last day."""

    start: date
    end: date
    held: list[tuple[int, int, date]]  # (staff, household, first day held)
    contacted: set[tuple[int, int]]  # (staff, household) with a contact in the last 7 days
    promises: list[tuple]  # (staff, household, made on, promised date, amount)
    kept: list[bool]  # for each promise
    collected: dict[int, Decimal]  # staff → Σ verified payments on a day they held the household
    people: dict[int, tuple[str, int, str]]  # staff → (name, department id, department)


def league_facts(community: Community, start: date, end: date) -> LeagueFacts:
    """The league's reads of one community over [start, end]; :func:`league_figures` turns them into rows."""
    held = held_in(community, start, end)
    # Only a payment on a day someone held the household counts: none before the first such day.
    first_held = min((first for _s, _h, first in held), default=None)
    contacted = set(
        Contact.objects.filter(
            household__community=community,
            staff__isnull=False,
            created_at__gte=day_start(end - timedelta(days=6)),
            created_at__lt=day_start(end + timedelta(days=1)),
        )
        .order_by()
        .values_list("staff_id", "household_id")
        .distinct()
    )
    promises = list(
        Contact.objects.filter(
            household__community=community,
            staff__isnull=False,
            outcome=Outcome.PROMISED,
            promised_date__isnull=False,
            created_at__gte=day_start(start),
            created_at__lt=day_start(end + timedelta(days=1)),
        )
        .annotate(made_on=TruncDate("created_at"))  # the local day, in the database
        .values_list("staff_id", "household_id", "made_on", "promised_date", "promised_amount")
    )
    kept = _promises_kept(promises, end)
    collected = _collected_by_holder(community, max(start, first_held or end + timedelta(days=1)), end)
    staff_ids = {s for s, _h, _f in held} | {s for s, _h in contacted} | {p[0] for p in promises} | set(collected)
    people = {
        pk: (name, department_id, department)
        for pk, name, department_id, department in Staff.objects.filter(pk__in=staff_ids).values_list(
            "pk", "name", "department_id", "department__name"
        )
    }
    return LeagueFacts(start, end, held, contacted, promises, kept, collected, people)


def league_figures(
    community: Community, start: date, end: date, owing: dict[int, Decimal] | None = None, *, facts=None
) -> dict:
    """The league of one community over [start, end] as a JSON-ready dict (rows keyed by id as strings).

    ``owing`` is ``arrears.positions.owing`` of the community's households on ``end`` when the caller has it;
    ``facts`` the range's :func:`league_facts` when the caller read them already (the snapshot reads them while
    the database works out who owes).
    """
    facts = facts or league_facts(community, start, end)
    pairs = {(staff_id, household_id) for staff_id, household_id, _first in facts.held}
    if owing is None:
        households = {household_id for _staff, household_id in pairs}
        owing = owing_of(ledger_sql.ids_scope(Household, households), end) if pairs else {}
    contacted, promises, kept, collected, people = (
        facts.contacted,
        facts.promises,
        facts.kept,
        facts.collected,
        facts.people,
    )
    staff_rows: dict[int, dict] = {}
    department_sets: dict[int, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    department_sums: dict[int, dict] = defaultdict(lambda: {"promises": 0, "kept": 0, "collected": ZERO})

    def row(staff_id: int) -> dict:
        if staff_id not in staff_rows:
            name, department_id, department = people[staff_id]
            staff_rows[staff_id] = {
                "name": name,
                "department_id": department_id,
                "department": department,
                **dict.fromkeys(FIELDS, 0),
                "collected": ZERO,
            }
        return staff_rows[staff_id]

    for staff_id, household_id in pairs:
        row(staff_id)["assigned"] += 1
        department_id = people[staff_id][1]
        department_sets[department_id]["assigned"].add(household_id)
        if household_id not in owing:
            row(staff_id)["cleared"] += 1
            department_sets[department_id]["cleared"].add(household_id)
    for staff_id, household_id in contacted:
        row(staff_id)["contacted_7d"] += 1
        department_sets[people[staff_id][1]]["contacted_7d"].add(household_id)
    for (staff_id, *_rest), was_kept in zip(promises, kept, strict=True):
        row(staff_id)["promises"] += 1
        department_sums[people[staff_id][1]]["promises"] += 1
        if was_kept:
            row(staff_id)["kept"] += 1
            department_sums[people[staff_id][1]]["kept"] += 1
    for staff_id, total in collected.items():
        row(staff_id)["collected"] += total
        department_sums[people[staff_id][1]]["collected"] += total

    departments = {}
    for department_id in set(department_sets) | set(department_sums):
        name = next(d for _n, dep_id, d in people.values() if dep_id == department_id)
        sets = department_sets[department_id]
        sums = department_sums[department_id]
        departments[str(department_id)] = {
            "name": name,
            "assigned": len(sets["assigned"]),
            "contacted_7d": len(sets["contacted_7d"]),
            "promises": sums["promises"],
            "kept": sums["kept"],
            "cleared": len(sets["cleared"]),
            "collected": format_money(sums["collected"]),
        }
    return {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "staff": {str(pk): {**r, "collected": format_money(r["collected"])} for pk, r in staff_rows.items()},
        "departments": departments,
    }


def objections_weekly(community: Community, start: date, end: date) -> list[list]:
    """[[monday (ISO), objection category, contacts]] of the refusals and disputes recorded in [start, end]."""
    rows = (
        Contact.objects.filter(
            household__community=community,
            created_at__gte=day_start(start),
            created_at__lt=day_start(end + timedelta(days=1)),
        )
        .exclude(objection="")
        .annotate(week=TruncWeek("created_at"))
        .order_by()
        .values("week", "objection")
        .annotate(n=Count("id"))
        .values_list("week", "objection", "n")
    )
    return sorted([_week_date(week).isoformat(), objection, n] for week, objection, n in rows)


def _week_date(value) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value
