"""The year's first-held summary (dashboard.FirstHeld, kept by triggers on the assignments) against the assignments
themselves: after random inserts, deletes and moves (one statement of several rows each, as the split, the
reassignments and the cascades write them), across a year's end, its rows are exactly each (year, household,
collector)'s earliest day, and the league's pairs read from it are those read from the assignments."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arrears.bulk import copy_rows
from assignments.models import Assignment, Campaign
from dashboard.league import held_directly, held_in
from dashboard.models import FirstHeld
from tests.factories import CommunityFactory, HouseholdFactory, StaffFactory

pytestmark = pytest.mark.django_db

FIRST = date(2025, 12, 27)  # the days run across 1 January
DAYS = 10


@pytest.fixture
def world():
    community, other = CommunityFactory(), CommunityFactory()
    households = [HouseholdFactory(community=community) for _n in range(3)] + [HouseholdFactory(community=other)]
    staff = [StaffFactory() for _n in range(3)]
    campaigns = [Campaign.objects.create(name=f"c{n}", start_date=FIRST, end_date=date(2026, 2, 1)) for n in (1, 2)]
    return {"community": community, "households": households, "staff": staff, "campaigns": campaigns}


key = st.tuples(st.integers(0, 1), st.integers(0, DAYS - 1), st.integers(0, 3))  # campaign, day, household
operation = st.one_of(
    st.tuples(st.just("insert"), st.lists(st.tuples(key, st.integers(0, 2)), min_size=1, max_size=8)),
    st.tuples(st.just("delete"), st.integers(0, 3), st.integers(0, 2)),  # a household's rows, or a person's
    st.tuples(st.just("delete_day"), st.integers(0, DAYS - 1)),
    st.tuples(st.just("move_staff"), st.integers(0, DAYS - 1), st.integers(0, 2), st.integers(0, 2)),
    st.tuples(st.just("move_day"), st.integers(0, 3), st.integers(-3, 3)),
    st.tuples(st.just("position"), st.integers(0, DAYS - 1)),
    st.tuples(st.just("save"), st.integers(0, 2)),
)


def apply(world, op) -> None:
    households, staff, campaigns = world["households"], world["staff"], world["campaigns"]
    kind, *args = op
    rows = Assignment.objects.all()
    if kind == "insert":
        taken = set(rows.values_list("campaign_id", "day", "household_id"))
        fresh = {}
        for (campaign, offset, household), person in args[0]:
            triple = (campaigns[campaign].pk, FIRST + timedelta(days=offset), households[household].pk)
            if triple not in taken:
                fresh[triple] = staff[person].pk
        if not fresh:
            return
        if connection.vendor == "postgresql" and len(fresh) > 2:  # the split's way: one COPY
            copy_rows(
                Assignment,
                ("campaign", "day", "household", "staff", "position"),
                [(*t, s, 1) for t, s in fresh.items()],
            )
        else:
            Assignment.objects.bulk_create(
                [Assignment(campaign_id=c, day=d, household_id=h, staff_id=s) for (c, d, h), s in fresh.items()]
            )
    elif kind == "delete":
        household, person = args
        if person == 0:  # as deleting the household or the campaign does
            rows.filter(household=households[household]).delete()
        else:  # as deleting the staff member does
            rows.filter(staff=staff[person]).delete()
    elif kind == "delete_day":
        rows.filter(day=FIRST + timedelta(days=args[0])).delete()
    elif kind == "move_staff":
        offset, old, new = args
        rows.filter(day__gte=FIRST + timedelta(days=offset), staff=staff[old]).update(staff=staff[new])
    elif kind == "move_day":
        household, shift = args
        try:
            with transaction.atomic():
                for row in rows.filter(household=households[household]).order_by("day" if shift < 0 else "-day"):
                    Assignment.objects.filter(pk=row.pk).update(day=row.day + timedelta(days=shift))
        except IntegrityError:
            pass  # that day of the campaign already holds the household: nothing moved
    elif kind == "position":
        changed = list(rows.filter(day=FIRST + timedelta(days=args[0])))
        for row in changed:
            row.position += 1
        Assignment.objects.bulk_update(changed, ["position"])
    elif kind == "save":  # save() writes every column, the holder's among them
        row = rows.order_by("pk").first()
        if row is not None:
            row.staff = staff[args[0]]
            row.save()


def expected() -> set[tuple[int, int, int, date]]:
    earliest: dict[tuple[int, int, int], date] = {}
    for household_id, staff_id, day in Assignment.objects.values_list("household_id", "staff_id", "day"):
        pair = (day.year, household_id, staff_id)
        earliest[pair] = min(earliest.get(pair, day), day)
    return {(*pair, first) for pair, first in earliest.items()}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(operation, min_size=1, max_size=10))
def test_the_summary_is_the_earliest_day_of_each_pair_and_year(world, ops):
    try:
        for op in ops:
            apply(world, op)
            summary = set(FirstHeld.objects.values_list("year", "household_id", "staff_id", "first_day"))
            assert summary == expected(), op
        community = world["community"]
        for end in (date(2025, 12, 31), date(2026, 1, 1), date(2026, 1, 3), date(2026, 2, 1)):
            start = date(end.year, 1, 1)
            assert sorted(held_in(community, start, end)) == sorted(held_directly(community, start, end)), end
    finally:
        Assignment.objects.all().delete()
    assert not FirstHeld.objects.exists()


def test_a_range_not_from_the_first_of_january_reads_the_assignments(world):
    community, (a, b, *_rest), (x, y, _z) = world["community"], world["households"], world["staff"]
    campaign = world["campaigns"][0]
    for offset, household, person in ((5, a, x), (6, a, y), (7, a, x), (7, b, y), (8, b, x)):
        Assignment.objects.create(
            campaign=campaign, day=FIRST + timedelta(days=offset), household=household, staff=person
        )
    # x holds a on 01-01 and 01-03, y on 01-02; y holds b on 01-03, x on 01-04.
    assert sorted(held_in(community, date(2026, 1, 2), date(2026, 1, 3))) == sorted(
        [(x.pk, a.pk, date(2026, 1, 3)), (y.pk, a.pk, date(2026, 1, 2)), (y.pk, b.pk, date(2026, 1, 3))]
    )
    assert sorted(held_in(community, date(2026, 1, 1), date(2026, 1, 2))) == sorted(
        [(x.pk, a.pk, date(2026, 1, 1)), (y.pk, a.pk, date(2026, 1, 2))]
    )
