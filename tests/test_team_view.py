"""The supervisor's page /team/: each person's day, who has not started, broken promises; scope and queries."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from arrears.services import payment_verify
from assignments.models import Assignment, Campaign, Contact, ContactChannel, Outcome
from tests.factories import (
    BuildingFactory,
    ChargeFactory,
    CommunityFactory,
    DepartmentFactory,
    HouseholdFactory,
    PaymentFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
URL = reverse("team_today")


@pytest.fixture
def today():
    return timezone.localdate()


def days_ago(today, n: int):
    return timezone.make_aware(datetime.combine(today - timedelta(days=n), time(10, 0)))


def contact(household, staff, outcome=Outcome.NO_ANSWER, when=None, **kwargs):
    made = Contact.objects.create(
        household=household, staff=staff, channel=ContactChannel.VISIT, outcome=outcome, **kwargs
    )
    if when is not None:
        Contact.objects.filter(pk=made.pk).update(created_at=when)
    return made


def paid(household, staff, amount, day, verify=False, **kwargs):
    payment = PaymentFactory(
        household=household, collected_by=staff.user, amount=Decimal(amount), paid_on=day, **kwargs
    )
    if verify:
        payment_verify(payment_id=payment.pk, verified_by=None)
    return payment


class World:
    """Two departments; the security supervisor heads one; a campaign with today's assignments."""

    def __init__(self, today):
        self.today = today
        self.community = CommunityFactory(code="HY", name="华苑")
        self.building = BuildingFactory(community=self.community, name="5")
        self.security = DepartmentFactory(name="保安部")
        self.cleaning = DepartmentFactory(name="保洁部")
        self.supervisor = StaffFactory(name="保安主管", department=self.security, user__roles=["supervisor", "staff"])
        self.security.head = self.supervisor
        self.security.save()
        self.campaign = Campaign.objects.create(
            name="行动", start_date=today - timedelta(days=20), end_date=today + timedelta(days=20)
        )
        self.campaign.communities.add(self.community)
        self.rooms = 0

    def household(self, owed="300.00"):
        self.rooms += 1
        household = HouseholdFactory(community=self.community, building=self.building, room=f"{100 + self.rooms}")
        due = self.today - timedelta(days=60)
        ChargeFactory(household=household, amount=Decimal(owed), due_date=due, period_start=due, period_end=due)
        return household

    def person(self, name, department, households=0):
        staff = StaffFactory(name=name, department=department)
        held = [self.household() for _ in range(households)]
        for position, household in enumerate(held, start=1):
            Assignment.objects.create(
                campaign=self.campaign, day=self.today, household=household, staff=staff, position=position
            )
        return staff, held


@pytest.fixture
def world(today):
    w = World(today)
    w.guard, w.guard_households = w.person("保安甲", w.security, households=3)
    w.idle, w.idle_households = w.person("保安乙", w.security, households=2)
    w.cleaner, w.cleaner_households = w.person("保洁丙", w.cleaning, households=2)
    h1, h2, h3 = w.guard_households
    # Today: the guard reached two households (one twice) and got one promise.
    contact(h1, w.guard)
    contact(h1, w.guard, Outcome.PROMISED, promised_date=today + timedelta(days=3), promised_amount=Decimal("100"))
    contact(h2, w.guard)
    # A promise due today, made three days ago; a broken one from ten days ago; a kept one.
    contact(h3, w.guard, Outcome.PROMISED, when=days_ago(today, 3), promised_date=today)
    w.broken_household = w.household()
    contact(
        w.broken_household,
        w.guard,
        Outcome.PROMISED,
        when=days_ago(today, 10),
        promised_date=today - timedelta(days=5),
        promised_amount=Decimal("200.00"),
    )
    kept = w.household()
    contact(
        kept,
        w.idle,
        Outcome.PROMISED,
        when=days_ago(today, 10),
        promised_date=today - timedelta(days=5),
        promised_amount=Decimal("100.00"),
    )
    paid(kept, w.idle, "100.00", today - timedelta(days=6), verify=True)
    # Broken, but a newer promise replaced it: not flagged.
    renewed = w.household()
    contact(renewed, w.guard, Outcome.PROMISED, when=days_ago(today, 10), promised_date=today - timedelta(days=5))
    contact(renewed, w.guard, Outcome.PROMISED, when=days_ago(today, 1), promised_date=today + timedelta(days=2))
    # Another department's broken promise.
    w.cleaner_broken = w.household()
    contact(
        w.cleaner_broken, w.cleaner, Outcome.PROMISED, when=days_ago(today, 10), promised_date=today - timedelta(days=5)
    )
    contact(w.cleaner_households[0], w.cleaner)
    # Money from the field today: pending, verified, yesterday's and an imported row (neither counts today).
    paid(h1, w.guard, "150.00", today)
    paid(h2, w.guard, "50.00", today, verify=True)
    paid(h2, w.guard, "70.00", today - timedelta(days=1))
    paid(h3, w.guard, "999.00", today, imported=True)
    # Took money in the field without recording a contact: has started.
    w.collector, (held,) = w.person("保安丁", w.security, households=1)
    paid(held, w.collector, "80.00", today)
    return w


def rows_by_name(response):
    table = response.context["table"]
    return {row.record.name: (row.record, row) for row in table.page.object_list}


# Figures --------------------------------------------------------------------------------------------------------


def test_each_persons_day(client, world):
    client.force_login(world.supervisor.user)
    response = client.get(URL)
    assert response.status_code == 200
    rows = rows_by_name(response)
    guard, guard_row = rows["保安甲"]
    assert (guard.assigned, guard.contacts_today, guard.contacted, guard.promises_made) == (3, 3, 2, 1)
    assert guard.paid_pending == Decimal("150.00") and guard.paid_verified == Decimal("50.00")
    assert guard_row.get_cell("promises_due") == 1
    assert "1" in guard_row.get_cell("promises_broken")
    idle, idle_row = rows["保安乙"]
    assert (idle.assigned, idle.contacts_today, idle.paid_pending, idle.paid_verified) == (
        2,
        0,
        Decimal("0.00"),
        Decimal("0.00"),
    )
    assert idle_row.get_cell("promises_broken") == 0  # their promise was kept
    assert "未开始" in idle_row.get_cell("status") and "not-started" in idle_row.attrs["class"]
    assert "今日无任务" in rows["保安主管"][1].get_cell("status")
    assert "进行中" in rows["保安丁"][1].get_cell("status") and "not-started" not in rows["保安丁"][1].attrs["class"]
    totals = response.context["totals"]
    assert totals["not_started_total"] == 1 and totals["assigned_total"] == 6
    assert totals["paid_total"] == Decimal("280.00")


def test_not_started_is_highlighted_on_the_page(client, world):
    client.force_login(world.supervisor.user)
    page = client.get(URL).content.decode()
    assert page.count('class="not-started') == 1
    assert "未开始" in page


def test_broken_promises_of_their_people(client, world, today):
    client.force_login(world.supervisor.user)
    broken = list(client.get(URL).context["broken"].data)
    assert [(p.household_id, p.collector, p.promised_date, p.amount) for p in broken] == [
        (world.broken_household.pk, "保安甲", today - timedelta(days=5), Decimal("200.00"))
    ]


def test_only_not_started_filter(client, world):
    client.force_login(world.supervisor.user)
    rows = rows_by_name(client.get(URL, {"not_started": "1"}))
    assert set(rows) == {"保安乙"}


# Scope ----------------------------------------------------------------------------------------------------------


def test_supervisor_never_sees_another_department(client, world):
    """Other departments are filtered out: not in the list, not in the broken promises, and asking for one by the
    department filter gives an empty list (it is not one of the offered choices)."""
    client.force_login(world.supervisor.user)
    response = client.get(URL)
    assert set(rows_by_name(response)) == {"保安甲", "保安乙", "保安丁", "保安主管"}
    assert world.cleaner_broken.pk not in {p.household_id for p in response.context["broken"].data}
    asked = client.get(URL, {"department": world.cleaning.pk})
    assert asked.status_code == 200
    assert rows_by_name(asked) == {} and list(asked.context["broken"].data) == []
    assert "保洁丙" not in asked.content.decode()


def test_supervisor_role_without_heading_follows_their_own_department(client, world):
    lead = StaffFactory(name="保洁领班", department=world.cleaning, user__roles=["supervisor", "staff"])
    client.force_login(lead.user)
    response = client.get(URL)
    assert set(rows_by_name(response)) == {"保洁丙", "保洁领班"}
    assert {p.household_id for p in response.context["broken"].data} == {world.cleaner_broken.pk}


def test_manager_sees_every_department_and_filters_by_one(client, world):
    client.force_login(UserFactory(roles=["manager"]))
    everyone = client.get(URL)
    assert set(rows_by_name(everyone)) == {"保安甲", "保安乙", "保安丁", "保安主管", "保洁丙"}
    assert len(everyone.context["broken"].data) == 2
    cleaning = client.get(URL, {"department": world.cleaning.pk})
    assert set(rows_by_name(cleaning)) == {"保洁丙"}
    assert [p.household_id for p in cleaning.context["broken"].data] == [world.cleaner_broken.pk]


@pytest.mark.parametrize("roles", [["service"], ["staff"], ["finance"], ["legal"], []])
def test_other_roles_get_403(client, world, roles):
    client.force_login(UserFactory(roles=roles))
    assert client.get(URL).status_code == 403


def test_anonymous_goes_to_login(client, world):
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_htmx_gets_the_results_fragment(client, world):
    client.force_login(world.supervisor.user)
    body = client.get(URL, HTTP_HX_REQUEST="true").content.decode()
    assert body.startswith('<div id="team-results"') and "<html" not in body


# Queries --------------------------------------------------------------------------------------------------------

# session, user, groups, the count, the page of people (every figure a subquery), the totals, the promises, the
# payments on them (their balances are read only for a promise without an amount and part paid), the households'
# arrears (their balances, then those whose allocations straddle the day), the departments of the filter.
TEAM_QUERIES = 11


def test_queries_do_not_grow_with_people(client, world, today, django_assert_num_queries):
    client.force_login(world.supervisor.user)
    with django_assert_num_queries(TEAM_QUERIES):
        client.get(URL)
    for n in range(6):
        staff, held = world.person(f"新保安{n}", world.security, households=2)
        contact(held[0], staff, Outcome.PROMISED, when=days_ago(today, 9), promised_date=today - timedelta(days=4))
        contact(held[1], staff)
        paid(held[1], staff, "10.00", today)
    with django_assert_num_queries(TEAM_QUERIES):
        response = client.get(URL)
    assert len(rows_by_name(response)) == 10
    assert len(response.context["broken"].data) == 7
