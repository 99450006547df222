"""A supervisor's reach on the collector's pages is their departments: the history, the record form and the task
sheet of a household or person of another department are a 404, and an issue routed elsewhere stays unread."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from arrears.models import Payment
from assignments.models import Assignment, Campaign, Contact, IssueRaised
from tests.factories import (
    BuildingFactory,
    ChargeFactory,
    CommunityFactory,
    DepartmentFactory,
    HouseholdFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
SECRET = "工程部内部:卫生间防水层未做"


def owing(community, building, room):
    household = HouseholdFactory(community=community, building=building, room=room)
    due = timezone.localdate() - timedelta(days=40)
    ChargeFactory(household=household, amount=Decimal("300.00"), due_date=due, period_start=due, period_end=due)
    return household


@pytest.fixture
def world():
    today = timezone.localdate()
    community = CommunityFactory(code="HY")
    building = BuildingFactory(community=community, name="3")
    cleaning, engineering = DepartmentFactory(name="保洁部"), DepartmentFactory(name="工程部")
    boss = StaffFactory(user__username="boss", user__roles=["staff", "supervisor"], name="主管", department=cleaning)
    cleaner = StaffFactory(user__username="cleaner", name="保洁员", department=cleaning)
    engineer = StaffFactory(user__username="engineer", name="工程员", department=engineering)
    campaign = Campaign.objects.create(name="冬季催费", start_date=today, end_date=today + timedelta(days=9))
    campaign.communities.add(community)
    ours, theirs = owing(community, building, "101"), owing(community, building, "102")
    Assignment.objects.create(campaign=campaign, day=today, household=ours, staff=cleaner)
    Assignment.objects.create(campaign=campaign, day=today, household=theirs, staff=engineer)
    for household, raiser in ((theirs, engineer), (ours, cleaner)):
        IssueRaised.objects.create(
            household=household,
            raised_by=raiser,
            department=engineering,
            description=SECRET,
            deadline=today + timedelta(days=3),
        )
    return {"boss": boss, "cleaner": cleaner, "engineer": engineer, "ours": ours, "theirs": theirs}


def history(household):
    return reverse("household_history", args=[household.pk])


def record(household):
    return reverse("contact_record", args=[household.pk])


def test_a_supervisor_cannot_read_another_departments_household(client, world):
    client.force_login(world["boss"].user)
    assert client.get(history(world["theirs"])).status_code == 404
    assert client.get(record(world["theirs"])).status_code == 404


def test_a_supervisor_cannot_record_a_payment_on_another_departments_household(client, world):
    client.force_login(world["boss"].user)
    data = {"channel": "visit", "outcome": "paid", "payment_amount": "300.00", "payment_channel": "cash"}
    assert client.post(record(world["theirs"]), data).status_code == 404
    assert not Payment.objects.exists() and not Contact.objects.exists()


def test_a_supervisor_reads_and_records_on_their_own_peoples_households(client, world):
    client.force_login(world["boss"].user)
    assert client.get(history(world["ours"])).status_code == 200
    response = client.post(record(world["ours"]), {"channel": "visit", "outcome": "no_answer"})
    assert response.status_code == 302
    assert Contact.objects.get().staff == world["boss"]


def test_an_issue_routed_to_another_department_is_not_read_in_the_history(client, world):
    client.force_login(world["boss"].user)
    page = client.get(history(world["ours"])).content.decode()
    assert SECRET not in page
    client.force_login(world["cleaner"].user)  # the collector who raised it reads it
    assert SECRET in client.get(history(world["ours"])).content.decode()
    client.force_login(UserFactory(roles=["manager"]))
    assert SECRET in client.get(history(world["theirs"])).content.decode()


def test_a_supervisor_prints_only_their_departments_task_sheets(client, world):
    client.force_login(world["boss"].user)
    sheet = reverse("task_sheet")
    assert client.get(sheet, {"staff": world["engineer"].pk}).status_code == 404
    assert client.get(sheet, {"staff": world["cleaner"].pk}).status_code == 200
    people = client.get(sheet).context["people"]
    assert [person.name for person in people] == ["保洁员"]


def test_customer_service_and_managers_still_print_everyones_sheet(client, world):
    for roles in (["service"], ["manager"]):
        client.force_login(UserFactory(roles=roles))
        assert client.get(reverse("task_sheet"), {"staff": world["engineer"].pk}).status_code == 200
