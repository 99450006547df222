"""The daily split: load the day's facts, deal (assignments.split), order each list, save."""

import statistics
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from arrears.bulk import insert_rows
from arrears.models import Household, OwnerSegment
from arrears.models.households import Segment
from arrears.money import ZERO
from arrears.positions import overdue_principal
from assignments.models import (
    Assignment,
    Campaign,
    CampaignMember,
    Contact,
    ContactChannel,
    IssueRaised,
    IssueStatus,
    Outcome,
    Pin,
    SplitRun,
    Staff,
    StaffLeave,
)
from assignments.priority import TaskFacts, order_tasks
from assignments.promises import BROKEN, PENDING, Promise, judge_all
from assignments.split import Collector, HouseholdSlot, deal


def campaigns_on(day: date):
    """The campaigns running on a day."""
    return Campaign.objects.filter(start_date__lte=day, end_date__gte=day).order_by("pk")


def households_in_scope(campaign: Campaign, day: date) -> dict[int, Decimal]:
    """{household id: overdue principal} of the campaign's households that are in scope on the day."""
    households = Household.objects.filter(community__in=campaign.communities.all(), on_legal_track=False)
    return {pk: owed for pk, owed in overdue_principal(households, day).items() if owed >= campaign.threshold}


def collectors_for(campaign: Campaign, day: date) -> list[Collector]:
    """Every staff member as the dealing sees them on the day (ineligible ones included, marked)."""
    on_leave = set(StaffLeave.objects.filter(start_date__lte=day, end_date__gte=day).values_list("staff_id", flat=True))
    members = {m.staff_id: m for m in CampaignMember.objects.filter(campaign=campaign)}
    collectors = []
    for staff in Staff.objects.order_by().only("pk", "weight", "seniority", "active"):
        member = members.get(staff.pk)
        weight = member.weight if member is not None and member.weight is not None else staff.weight
        eligible = staff.active and staff.pk not in on_leave and (member is None or member.eligible)
        collectors.append(Collector(key=str(staff.pk), weight=weight, seniority=staff.seniority, eligible=eligible))
    return collectors


def _previous_day(campaign: Campaign, day: date) -> date | None:
    run = SplitRun.objects.filter(campaign=campaign, day__lt=day).order_by("-day").first()
    return run.day if run else None


def task_facts(household_ids: list[int], arrears: dict[int, Decimal], day: date, communities) -> dict[int, TaskFacts]:
    """What the ordering needs of each household: contacts, promises, callbacks, resolved issues."""
    wanted = set(household_ids)
    last_contact: dict[int, tuple] = {}  # the last follow-up, the owner's own requests included
    last_staff: dict[int, object] = {}  # when a collector last recorded one
    last_promise: dict[int, Promise] = {}
    for household_id, created_at, channel, outcome, promised_date, promised_amount, callback_at in (
        Contact.objects.follow_ups()
        .filter(household__community__in=communities, created_at__date__lte=day)
        .order_by("created_at", "pk")
        .values_list(
            "household_id", "created_at", "channel", "outcome", "promised_date", "promised_amount", "callback_at"
        )
    ):
        if household_id not in wanted:
            continue
        last_contact[household_id] = (created_at, outcome, callback_at)
        if channel != ContactChannel.SELF_SERVICE:
            last_staff[household_id] = created_at
        if outcome == Outcome.PROMISED and promised_date is not None:
            last_promise[household_id] = Promise.from_contact(household_id, created_at, promised_date, promised_amount)
    states = dict(zip(last_promise, judge_all(list(last_promise.values()), day), strict=True))
    resolved: dict[int, object] = {}
    closed_issues = IssueRaised.objects.filter(status=IssueStatus.CLOSED, household__community__in=communities)
    for household_id, closed_at in closed_issues.order_by().values_list("household_id", "closed_at"):
        if household_id in wanted and (household_id not in resolved or closed_at > resolved[household_id]):
            resolved[household_id] = closed_at
    facts = {}
    for pk in household_ids:
        if pk not in last_contact and pk not in resolved:  # most households: nothing recorded yet
            facts[pk] = TaskFacts(str(pk), arrears.get(pk, ZERO))
            continue
        contact = last_contact.get(pk)
        staff_contact_at = last_staff.get(pk)
        state = states.get(pk)
        open_promise = last_promise[pk].promised_date if state == PENDING else None
        broken = state == BROKEN
        closed_at = resolved.get(pk)
        facts[pk] = TaskFacts(
            key=str(pk),
            arrears=arrears.get(pk, ZERO),
            contacted=staff_contact_at is not None,
            open_promise_date=open_promise,
            promise_broken=broken,
            callback_due=timezone.localdate(contact[2])
            if contact and contact[1] == Outcome.CALLBACK and contact[2]
            else None,
            issue_resolved=closed_at is not None and (staff_contact_at is None or closed_at > staff_contact_at),
        )
    return facts


@transaction.atomic
def split_for_day(*, campaign: Campaign, day: date) -> SplitRun:
    """The campaign's split for a day. Running it again for the same day returns the saved split unchanged."""
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
    existing = SplitRun.objects.filter(campaign=campaign, day=day).first()
    if existing is not None:
        return existing

    scope = households_in_scope(campaign, day)
    previous_day = _previous_day(campaign, day)
    previous = {}
    if previous_day is not None:
        previous = {
            household_id: (staff_id, former_id)
            for household_id, staff_id, former_id in Assignment.objects.filter(campaign=campaign, day=previous_day)
            .order_by()  # not the lists' order (by department and username): three joins and a sort of 100,000
            .values_list("household_id", "staff_id", "former_staff_id")
        }
    pins = dict(Pin.objects.filter(campaign=campaign).values_list("household_id", "staff_id"))
    communities = list(campaign.communities.all())
    hard_refuser = OwnerSegment.objects.filter(owner_id=OuterRef("owner_id"), segment=Segment.HARD_REFUSER)
    building_of: dict[int, int] = {}
    slots = []
    for pk, building_id, hard in (
        Household.objects.filter(community__in=communities)
        .order_by()  # not 楼栋-单元-房号 order: the dealing sorts for itself
        .annotate(hard=Exists(hard_refuser))
        .values_list("pk", "building_id", "hard")
    ):
        owed = scope.get(pk)
        if owed is None:
            continue
        building_of[pk] = building_id
        prev_staff, former = previous.get(pk, (None, None))
        pinned_to = pins.get(pk)
        slots.append(
            HouseholdSlot(
                str(pk),
                str(building_id),
                owed,
                hard,
                str(prev_staff) if prev_staff else None,
                str(former) if former else None,
                str(pinned_to) if pinned_to is not None else None,
            )
        )
    collectors = collectors_for(campaign, day)
    eligible = {c.key for c in collectors if c.eligible and c.weight > 0}
    dealt = {int(h): int(s) for h, s in deal(slots, collectors).items()}

    by_staff: dict[int, list[TaskFacts]] = defaultdict(list)
    ordering = task_facts(list(dealt), scope, day, communities)
    for household_id, staff_id in dealt.items():
        by_staff[staff_id].append(ordering[household_id])

    def rows():
        for staff_id, tasks in by_staff.items():
            for position, task in enumerate(order_tasks(tasks, day), start=1):
                household_id = int(task.key)
                prev_staff, former = previous.get(household_id, (None, None))
                if prev_staff is not None and prev_staff != staff_id and str(prev_staff) not in eligible:
                    former = prev_staff  # taken from someone away: remembered so it can go back to them
                if former == staff_id:
                    former = None
                yield (campaign.pk, day, household_id, staff_id, position, former)

    # COPY on PostgreSQL: a day's split is a hundred thousand rows at scale. The rows are made as they are sent, so
    # the database keeps its indexes up while the lists are being ordered.
    insert_rows(Assignment, ("campaign_id", "day", "household_id", "staff_id", "position", "former_staff_id"), rows())
    stats = split_stats(
        dealt=dealt,
        scope=scope,
        building_of=building_of,
        previous={h: s for h, (s, _f) in previous.items()},
        eligible_count=len(eligible),
    )
    return SplitRun.objects.create(campaign=campaign, day=day, stats=stats)


def split_stats(
    *,
    dealt: dict[int, int],
    scope: dict[int, Decimal],
    building_of: dict[int, int],
    previous: dict[int, int],
    eligible_count: int,
) -> dict:
    """The split's quality: counts per person, spread of arrears, buildings per person, movement since yesterday."""
    counts = Counter(dealt.values())
    totals: dict[int, Decimal] = defaultdict(Decimal)
    buildings: dict[int, set] = defaultdict(set)
    for household_id, staff_id in dealt.items():
        totals[staff_id] += scope[household_id]
        buildings[staff_id].add(building_of[household_id])
    people = list(counts)
    amounts = [float(totals[s]) for s in people]  # a statistic for display, not money
    mean = statistics.fmean(amounts) if amounts else 0.0
    cv = statistics.pstdev(amounts) / mean if amounts and mean else None
    per_person = [len(buildings[s]) for s in people]
    return {
        "households": len(dealt),
        "staff": eligible_count,
        "min": min(counts.values(), default=0) if len(counts) == eligible_count else 0,
        "max": max(counts.values(), default=0),
        "moved": sum(1 for h, s in dealt.items() if h in previous and previous[h] != s),
        "new": sum(1 for h in dealt if h not in previous),
        "dropped": sum(1 for h in previous if h not in dealt),
        "arrears_cv": round(cv, 4) if cv is not None else None,
        "buildings_per_person_mean": round(statistics.fmean(per_person), 2) if per_person else None,
        "buildings_per_person_max": max(per_person, default=0),
    }


def assignments_of(*, staff: Staff, day: date):
    """A collector's assignments for a day, in order."""
    return Assignment.objects.filter(staff=staff, day=day).order_by("position")


def active_assignment(*, household_id: int, day: date) -> Assignment | None:
    """Who holds a household today, if anyone."""
    return (
        Assignment.objects.filter(household_id=household_id, day=day)
        .filter(Q(campaign__start_date__lte=day) & Q(campaign__end_date__gte=day))
        .select_related("staff")
        .first()
    )
