"""The dashboard as one read: the snapshots of the chosen communities as of the range's last day (or the same
figures computed on the spot where there is none), added up, plus today's activity, scoped to the viewer.

Every figure the page and the JSON endpoints show comes from ``dashboard_for``. Communities add up: the rates are
ratios of sums, so the sums are added before dividing; a household belongs to one community, so the league's
household counts add up too.
"""

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from arrears.models import Community, Payment
from arrears.money import ZERO
from arrears.rates import CollectionRates, CollectionTotals, rates_from_totals
from assignments.models import Contact, IssueRaised, Outcome
from assignments.permissions import is_manager, staff_visible_to, supervised_departments
from core.lanes import side_by_side
from core.roles import MANAGER, SUPERVISOR, has_role
from scripts_faq.choices import ObjectionCategory

from . import figures
from .league import day_start, league_facts, league_figures, objections_weekly
from .models import DashboardSnapshot
from .snapshot import ledger_figures


def can_open_dashboard(user) -> bool:
    """Managers and supervisors open the dashboard."""
    return has_role(user, MANAGER, SUPERVISOR)


@dataclass(frozen=True)
class Filters:
    """What the page shows: some communities (all when ``community`` is None) over [start, end]."""

    communities: list[Community]
    community: Community | None
    start: date
    end: date
    # Without an explicit end date the page shows the latest day every chosen community has a snapshot of
    # (today's once the hourly refresh has run), rather than compute today's figures on the spot.
    latest_snapshot: bool = False

    @property
    def default_range(self) -> bool:
        return self.start == date(self.end.year, 1, 1)


@dataclass
class Source:
    """Where one community's figures came from: a snapshot computed at ``computed_at``, or computed now."""

    community: str
    computed_at: datetime | None


@dataclass
class Dashboard:
    """Every figure on the page."""

    filters: Filters
    sources: list[Source]
    rates: CollectionRates
    target: Decimal | None
    year_due: Decimal
    target_to_date: Decimal
    projection: Decimal
    run_rate: Decimal
    needed_per_day: Decimal | None
    series: list[tuple[date, Decimal, Decimal, Decimal, Decimal | None]]  # day, 当期实收, target, 当期应收, 收费率
    aging: list[tuple[str, Decimal]]
    principal: Decimal
    late_fee: Decimal | None
    households_in_arrears: int
    buildings: list[dict]
    staff_league: list[dict]
    department_league: list[dict]
    objection_weeks: list[tuple[date, list[int]]]
    objection_totals: list[tuple[str, str, int]]  # code, label, count over the range
    activity: dict = field(default_factory=dict)
    league_scoped: bool = False  # a supervisor's view: only their departments' people

    @property
    def as_of(self) -> date:
        return self.filters.end

    @property
    def live(self) -> bool:
        return any(source.computed_at is None for source in self.sources)

    @property
    def computed_at(self) -> datetime | None:
        """The oldest snapshot's time (None when everything was computed now)."""
        times = [source.computed_at for source in self.sources if source.computed_at is not None]
        return min(times) if times else None

    @property
    def collected(self) -> Decimal:
        return self.rates.totals.current_collected

    @property
    def series_table(self) -> list[tuple]:
        """The rows printed under the chart: the last day of each month, and the as-of day."""
        rows = []
        for index, row in enumerate(self.series):
            day = row[0]
            last = index == len(self.series) - 1
            if last or (day + timedelta(days=1)).month != day.month:
                rows.append(row)
        return rows

    @property
    def buildings_by_arrears(self) -> list[dict]:
        """Buildings with the most overdue principal first (the chart's order)."""
        return sorted(self.buildings, key=lambda row: -Decimal(row["principal"]))

    @property
    def aging_total(self) -> Decimal:
        return sum((amount for _label, amount in self.aging), ZERO)

    @property
    def objection_categories(self) -> list[str]:
        return [label for _code, label, _n in self.objection_totals]


def _dec(text) -> Decimal:
    return Decimal(text) if text not in (None, "") else ZERO


def _figures_for(filters: Filters) -> tuple[list[dict], list[Source]]:
    """Each community's snapshot data as of ``end``, or the same computed now; league and objections recomputed
    when the range does not start on 1 January of the as-of year (a snapshot holds them from 1 January)."""
    end = filters.end
    snapshots = {
        s.community_id: s for s in DashboardSnapshot.objects.filter(community__in=filters.communities, as_of=end)
    }
    datas, sources = [], []
    for community in filters.communities:
        snapshot = snapshots.get(community.pk)
        if snapshot is not None:
            data = snapshot.data
            sources.append(Source(community.code, snapshot.computed_at))
            if not filters.default_range:
                data = {
                    **data,
                    "league": league_figures(community, filters.start, end),
                    "objections": objections_weekly(community, filters.start, end),
                }
        else:
            # The league's reads beside the ledger's (core.lanes), as in the snapshot.
            (data, owing), (facts, objections) = side_by_side(
                lambda c=community: ledger_figures(c, end),
                lambda c=community: (league_facts(c, filters.start, end), objections_weekly(c, filters.start, end)),
            )
            league = league_figures(community, filters.start, end, owing, facts=facts)
            data = {**data, "league": league, "objections": objections}
            sources.append(Source(community.code, None))
        datas.append(data)
    return datas, sources


def _at_latest_snapshot(filters: Filters) -> Filters:
    """The filters moved to the latest day up to ``end`` with a snapshot of every chosen community, if any."""
    latest = (
        DashboardSnapshot.objects.filter(community__in=filters.communities, as_of__lte=filters.end)
        .values("as_of")
        .annotate(n=Count("community", distinct=True))
        .filter(n=len(filters.communities))
        .order_by("-as_of")
        .values_list("as_of", flat=True)
        .first()
    )
    if latest is None or latest == filters.end:
        return filters
    start = date(latest.year, 1, 1) if filters.default_range else min(filters.start, latest)
    return replace(filters, start=start, end=latest, latest_snapshot=False)


def _sum_daily(datas: list[dict], key: str) -> dict[date, Decimal]:
    total: dict[date, Decimal] = defaultdict(lambda: ZERO)
    for data in datas:
        for day, amount in data[key].items():
            total[date.fromisoformat(day)] += Decimal(amount)
    return dict(total)


def _league(datas: list[dict], staff_ids: set[int] | None, department_ids: set[int] | None):
    numbers = ("assigned", "contacted_7d", "promises", "kept", "cleared")
    staff: dict[str, dict] = {}
    departments: dict[str, dict] = {}
    for data in datas:
        for pk, row in data["league"]["staff"].items():
            if staff_ids is not None and int(pk) not in staff_ids:
                continue
            into = staff.setdefault(pk, {**row, **dict.fromkeys(numbers, 0), "collected": ZERO, "id": int(pk)})
            for name in numbers:
                into[name] += row[name]
            into["collected"] += _dec(row["collected"])
        for pk, row in data["league"]["departments"].items():
            if department_ids is not None and int(pk) not in department_ids:
                continue
            into = departments.setdefault(pk, {**row, **dict.fromkeys(numbers, 0), "collected": ZERO, "id": int(pk)})
            for name in numbers:
                into[name] += row[name]
            into["collected"] += _dec(row["collected"])
    order = lambda row: (-row["collected"], -row["cleared"], row["name"])  # noqa: E731
    return sorted(staff.values(), key=order), sorted(departments.values(), key=order)


def _objections(datas: list[dict]):
    codes = [code for code, _label in ObjectionCategory.choices]
    weeks: dict[date, list[int]] = {}
    for data in datas:
        for week, code, n in data["objections"]:
            counts = weeks.setdefault(date.fromisoformat(week), [0] * len(codes))
            if code in codes:
                counts[codes.index(code)] += n
    totals = [sum(counts[i] for counts in weeks.values()) for i in range(len(codes))]
    return sorted(weeks.items()), [
        (code, str(label), totals[i]) for i, (code, label) in enumerate(ObjectionCategory.choices)
    ]


def activity_today(user, filters: Filters, today: date) -> dict:
    """Today's contacts, promises, payments recorded (not imported) and issues raised, in the viewer's scope."""
    start, stop = day_start(today), day_start(today + timedelta(days=1))
    contacts = Contact.objects.follow_ups().filter(created_at__gte=start, created_at__lt=stop)
    payments = Payment.objects.filter(created_at__gte=start, created_at__lt=stop, imported=False)
    issues = IssueRaised.objects.filter(created_at__gte=start, created_at__lt=stop)
    if filters.community is not None:
        contacts = contacts.filter(household__community=filters.community)
        payments = payments.filter(community=filters.community)
        issues = issues.filter(household__community=filters.community)
    if not is_manager(user):
        people = staff_visible_to(user)
        contacts = contacts.filter(staff__in=people)
        payments = payments.filter(collected_by__staff__in=people)
        issues = issues.filter(raised_by__in=people)
    counted = contacts.aggregate(
        contacts=Count("id"),
        households=Count("household", distinct=True),
        promises=Count("id", filter=Q(outcome=Outcome.PROMISED)),
        paid=Count("id", filter=Q(outcome=Outcome.PAID)),
    )
    paid = payments.aggregate(n=Count("id"), total=Sum("amount"))
    return {
        "day": today,
        "contacts": counted["contacts"],
        "households": counted["households"],
        "promises": counted["promises"],
        "paid_contacts": counted["paid"],
        "payments": paid["n"],
        "payments_amount": paid["total"] or ZERO,
        "issues": issues.count(),
    }


def dashboard_for(user, filters: Filters, *, today: date | None = None) -> Dashboard:
    """The whole dashboard for ``user`` (a manager sees every league row; a supervisor their departments')."""
    today = today or timezone.localdate()
    if filters.latest_snapshot:
        filters = _at_latest_snapshot(filters)
    datas, sources = _figures_for(filters)
    end = filters.end
    year = end.year
    totals = CollectionTotals(
        year=year,
        current_due=sum((_dec(d["totals"]["current_due"]) for d in datas), ZERO),
        current_collected=sum((_dec(d["totals"]["current_collected"]) for d in datas), ZERO),
        arrears_at_year_start=sum((_dec(d["totals"]["arrears_at_year_start"]) for d in datas), ZERO),
        arrears_recovered=sum((_dec(d["totals"]["arrears_recovered"]) for d in datas), ZERO),
        households_clear=sum(d["totals"]["households_clear"] for d in datas),
        households_with_due=sum(d["totals"]["households_with_due"] for d in datas),
    )
    rates = rates_from_totals(totals)
    due_daily = _sum_daily(datas, "due_daily")
    year_due = sum(due_daily.values(), ZERO)
    year_dues = [sum((_dec(v) for v in d["due_daily"].values()), ZERO) for d in datas]
    target = figures.weighted_target((_dec(d["target"]), due) for d, due in zip(datas, year_dues, strict=True))
    year_start = date(year, 1, 1)
    collected = figures.cumulative(_sum_daily(datas, "collected_daily"), year_start, end)
    due = dict(figures.cumulative({d: v for d, v in due_daily.items() if d <= end}, year_start, end))
    target_value = target or ZERO
    series = [
        (
            day,
            amount,
            figures.target_on(day, target=target_value, year_due=year_due),
            due[day],
            amount / due[day] if due[day] else None,
        )
        for day, amount in collected
    ]
    by_day = dict(collected)
    late_fees = [d["totals"].get("late_fee") for d in datas]
    manager = is_manager(user)
    staff_ids = None if manager else set(staff_visible_to(user).values_list("pk", flat=True))
    department_ids = None if manager else set(supervised_departments(user).values_list("pk", flat=True))
    staff_league, department_league = _league(datas, staff_ids, department_ids)
    objection_weeks, objection_totals = _objections(datas)
    several = len(datas) > 1
    buildings = [
        {**row, "label": f"{d['community']} {row['building']}" if several else row["building"]}
        for d in datas
        for row in d["buildings"]
    ]
    return Dashboard(
        filters=filters,
        sources=sources,
        rates=rates,
        target=target,
        year_due=year_due,
        target_to_date=figures.target_on(end, target=target_value, year_due=year_due) if end.year == year else ZERO,
        projection=figures.projection(by_day, end),
        run_rate=figures.run_rate(by_day, end),
        needed_per_day=figures.needed_per_day(
            collected=totals.current_collected, target=target_value, year_due=year_due, as_of=end
        ),
        series=series,
        aging=[
            (str(label), sum((_dec(d["aging"][i]) for d in datas), ZERO))
            for i, (label, _low, _high) in enumerate(figures.AGING_BUCKETS)
        ],
        principal=sum((_dec(d["totals"]["principal"]) for d in datas), ZERO),
        late_fee=None if None in late_fees else sum((_dec(v) for v in late_fees), ZERO),
        households_in_arrears=sum(d["totals"]["households_in_arrears"] for d in datas),
        buildings=buildings,
        staff_league=staff_league,
        department_league=department_league,
        objection_weeks=objection_weeks,
        objection_totals=objection_totals,
        activity=activity_today(user, filters, today),
        league_scoped=not manager,
    )
