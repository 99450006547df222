"""The supervisor's page: each person's day so far, and the broken promises of their people.

The number of queries does not depend on the number of people: the per-person figures are subqueries of one staff
query, and the promises, their payments and the households' arrears are one query each.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django_tables2 import RequestConfig

from arrears.models import Household, Payment
from arrears.models.households import household_label
from arrears.models.ledger import PaymentStatus
from arrears.money import ZERO
from arrears.positions import owing
from assignments.filters import TeamFilter
from assignments.models import Assignment, Contact, Outcome, Staff
from assignments.permissions import can_open_team, staff_visible_to
from assignments.promises import Promise, judge_all
from assignments.tables import BrokenPromiseTable, TeamTable
from core.exports import table_export
from core.lists import ListPage

MONEY = DecimalField(max_digits=14, decimal_places=2)
PAGE_SIZE = 60
BROKEN_PER_PAGE = 20


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The first instant of a local day and of the next one."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def _count(queryset: QuerySet, field: str = "pk", distinct: bool = False) -> Coalesce:
    counted = queryset.order_by().values("staff_id").annotate(n=Count(field, distinct=distinct)).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _paid(status: str, day: date) -> Coalesce:
    summed = (
        Payment.objects.filter(collected_by=OuterRef("user_id"), paid_on=day, status=status, imported=False)
        .order_by()
        .values("collected_by")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(Subquery(summed, output_field=MONEY), Value(ZERO), output_field=MONEY)


def team_queryset(staff: QuerySet[Staff], day: date) -> QuerySet[Staff]:
    """Staff annotated with their day: assigned, contacts_today, contacted (households), promises_made,
    paid_pending and paid_verified (payments they collected that day, not imported), and not_started."""
    start, end = day_bounds(day)
    contacts = Contact.objects.filter(staff=OuterRef("pk"), created_at__gte=start, created_at__lt=end)
    return (
        staff.select_related("department")
        .annotate(
            assigned=_count(Assignment.objects.filter(staff=OuterRef("pk"), day=day)),
            contacts_today=_count(contacts),
            contacted=_count(contacts, "household_id", distinct=True),
            promises_made=_count(contacts.filter(outcome=Outcome.PROMISED)),
            paid_pending=_paid(PaymentStatus.PENDING, day),
            paid_verified=_paid(PaymentStatus.VERIFIED, day),
        )
        .annotate(
            # 未开始: households to visit today, and neither a contact nor a payment recorded yet.
            not_started=Case(
                When(Q(assigned__gt=0, contacts_today=0, paid_pending=0, paid_verified=0), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )


@dataclass(frozen=True)
class PromiseRow:
    """A household's latest promise, as the team page shows it."""

    household_id: int
    label: str
    community: str
    staff_id: int
    collector: str
    made_on: date
    promised_date: date
    amount: Decimal | None
    arrears: Decimal
    state: str  # pending / kept / broken


def latest_promises(staff: QuerySet[Staff], day: date) -> list[PromiseRow]:
    """The latest promise of each household that one of ``staff`` got a promise from, when that latest one is
    theirs, judged as of ``day`` (DOMAIN.md: kept when verified payments reach it by the date plus a day's grace)."""
    households = Contact.objects.filter(outcome=Outcome.PROMISED, staff__in=staff).values("household_id")
    _start, end = day_bounds(day)
    rows = (
        Contact.objects.filter(outcome=Outcome.PROMISED, household_id__in=households, created_at__lt=end)
        .annotate(ours=Case(When(staff__in=staff, then=Value(True)), default=Value(False), output_field=BooleanField()))
        .order_by("household_id", "created_at", "pk")
        .values_list(
            "household_id",
            "created_at",
            "promised_date",
            "promised_amount",
            "staff_id",
            "staff__name",
            "ours",
            "household__building__name",
            "household__unit",
            "household__room",
            "household__community__name",
        )
    )
    latest = {row[0]: row for row in rows}  # ordered by time: the last one wins
    latest = {h: row for h, row in latest.items() if row[6] and row[2] is not None}
    owed = owing(Household.objects.filter(pk__in=households), day)
    promises = {
        household_id: Promise.from_contact(household_id, row[1], row[2], row[3]) for household_id, row in latest.items()
    }
    states = judge_all(list(promises.values()), day)
    result = []
    for (household_id, row), promise, state in zip(latest.items(), promises.values(), states, strict=True):
        result.append(
            PromiseRow(
                household_id=household_id,
                label=household_label(row[7], row[8], row[9]),
                community=row[10],
                staff_id=row[4],
                collector=row[5],
                made_on=promise.made_on,
                promised_date=promise.promised_date,
                amount=promise.amount,
                arrears=owed.get(household_id, ZERO),
                state=state,
            )
        )
    return result


def promise_counts(promises: list[PromiseRow], day: date) -> dict[int, dict[str, int]]:
    """Per collector: promises due (date reached, still within the day's grace) and broken ones still owing."""
    counts: dict[int, dict[str, int]] = defaultdict(lambda: {"due": 0, "broken": 0})
    for p in promises:
        if p.state == "pending" and p.promised_date <= day:
            counts[p.staff_id]["due"] += 1
        elif is_flagged_broken(p):
            counts[p.staff_id]["broken"] += 1
    return dict(counts)


def is_flagged_broken(p: PromiseRow) -> bool:
    """Broken and the household still owes (a promise paid late but in full needs nobody's attention)."""
    return p.state == "broken" and p.arrears > 0


class TeamView(ListPage):
    """Per person today: assigned, contacted, promises, payments, who has not started; then broken promises."""

    allowed = staticmethod(can_open_team)
    table_class = TeamTable
    export_name = gettext_lazy("团队今日进度")
    filterset_class = TeamFilter
    table_pagination = {"per_page": PAGE_SIZE}
    template_name = "assignments/manage/team.html"
    results_template_name = "assignments/manage/team_results.html"

    def get_queryset(self):
        return team_queryset(staff_visible_to(self.request.user).filter(active=True), self.today)

    @property
    def today(self) -> date:
        return timezone.localdate()

    def _promises(self) -> list[PromiseRow]:
        if not hasattr(self, "_promise_rows"):
            # The filtered people, as a subquery: the same scope as the table, whatever the page.
            people = Staff.objects.filter(pk__in=self.object_list.values("pk"))
            self._promise_rows = latest_promises(people, self.today)
        return self._promise_rows

    def get_table_kwargs(self):
        return {"promise_counts": promise_counts(self._promises(), self.today)}

    def render_to_response(self, context, **response_kwargs):
        if export := table_export(self.request, context["broken"], gettext_lazy("违约承诺"), "_export_broken"):
            return export
        return super().render_to_response(context, **response_kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        broken = BrokenPromiseTable([p for p in self._promises() if is_flagged_broken(p)])
        RequestConfig(self.request, paginate={"per_page": BROKEN_PER_PAGE}).configure(broken)
        totals = self.object_list.aggregate(
            people=Count("pk"),
            assigned_total=Sum("assigned"),
            contacted_total=Sum("contacted"),
            promises_total=Sum("promises_made"),
            pending_total=Sum("paid_pending"),
            verified_total=Sum("paid_verified"),
            # Not named like the annotation it counts: the aggregate's alias would shadow it.
            not_started_total=Count("pk", filter=Q(not_started=True)),
        )
        totals["pending_total"] = totals["pending_total"] or ZERO
        totals["verified_total"] = totals["verified_total"] or ZERO
        totals["paid_total"] = totals["pending_total"] + totals["verified_total"]
        context.update(
            today=self.today,
            broken=broken,
            totals=totals,
        )
        return context
