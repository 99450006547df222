"""Issues raised (问题工单): closing one (issue_close) and the list and issue pages for each role."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from assignments.models import Assignment, Campaign, CampaignMember, IssueRaised, IssueStatus
from assignments.services.issues import issue_close
from assignments.services.split import split_for_day
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


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def world(today):
    community = CommunityFactory(code="HY", name="华苑")
    building = BuildingFactory(community=community, name="3")
    households = []
    for n in range(4):
        household = HouseholdFactory(community=community, building=building, unit="2", room=f"{1201 + n}")
        due = today - timedelta(days=40)
        ChargeFactory(
            household=household, amount=Decimal(f"{100 * (n + 1)}.00"), due_date=due, period_start=due, period_end=due
        )
        households.append(household)
    engineering = DepartmentFactory(name="工程部")
    cleaning = DepartmentFactory(name="保洁部")
    collector = StaffFactory(name="催缴员", department=cleaning)
    head = StaffFactory(name="工程主管", department=engineering, user__roles=["supervisor", "staff"])
    engineering.head = head
    engineering.save()
    cleaning_head = StaffFactory(name="保洁主管", department=cleaning, user__roles=["supervisor", "staff"])
    campaign = Campaign.objects.create(
        name="行动", start_date=today - timedelta(days=5), end_date=today + timedelta(days=5)
    )
    campaign.communities.add(community)
    for supervisor in (head, cleaning_head):  # the collector alone holds today's list
        CampaignMember.objects.create(campaign=campaign, staff=supervisor, eligible=False)
    leak = IssueRaised.objects.create(
        household=households[0],
        raised_by=collector,
        department=engineering,
        description="卫生间漏水",
        deadline=today - timedelta(days=2),
    )
    litter = IssueRaised.objects.create(
        household=households[1],
        raised_by=collector,
        department=cleaning,
        description="楼道垃圾未清",
        deadline=today + timedelta(days=3),
    )
    return {
        "households": households,
        "engineering": engineering,
        "cleaning": cleaning,
        "collector": collector,
        "head": head,
        "cleaning_head": cleaning_head,
        "campaign": campaign,
        "leak": leak,
        "litter": litter,
    }


def todays_list(staff, day):
    return list(
        Assignment.objects.filter(staff=staff, day=day).order_by("position").values_list("household_id", "position")
    )


# The service ----------------------------------------------------------------------------------------------------


def test_close_records_who_when_and_what(world):
    closer = UserFactory(roles=["service"])
    issue = issue_close(issue=world["leak"], closed_by=closer, resolution="  已更换水管  ")
    issue.refresh_from_db()
    assert issue.status == IssueStatus.CLOSED and issue.closed_by == closer
    assert issue.resolution == "已更换水管" and issue.closed_at is not None


def test_resolution_is_required(world):
    with pytest.raises(ValidationError) as error:
        issue_close(issue=world["leak"], closed_by=None, resolution="   ")
    assert error.value.message_dict["resolution"] == ["请填写处理结果"]
    world["leak"].refresh_from_db()
    assert world["leak"].status == IssueStatus.OPEN


def test_closing_twice_is_refused(world):
    issue_close(issue=world["leak"], closed_by=None, resolution="已修")
    stale = IssueRaised.objects.get(pk=world["leak"].pk)
    with pytest.raises(ValidationError) as error:
        issue_close(issue=stale, closed_by=None, resolution="再修一次")
    assert "不能重复关闭" in error.value.messages[0]
    stale.refresh_from_db()
    assert stale.resolution == "已修"


def test_closing_puts_the_household_first_on_todays_list_and_renumbers(world, today):
    split_for_day(campaign=world["campaign"], day=today)
    collector = Assignment.objects.get(day=today, household=world["households"][0]).staff
    before = todays_list(collector, today)
    assert len(before) == 4 and before[0][0] != world["households"][0].pk  # largest arrears first: it was last

    issue_close(issue=world["leak"], closed_by=None, resolution="已修")

    after = todays_list(collector, today)
    assert after[0] == (world["households"][0].pk, 1)
    assert [p for _h, p in after] == [1, 2, 3, 4]
    assert [h for h, _p in after[1:]] == [h for h, _p in before if h != world["households"][0].pk]


def test_the_next_split_puts_it_in_the_follow_up_tier_too(world, today):
    issue_close(issue=world["leak"], closed_by=None, resolution="已修")
    split_for_day(campaign=world["campaign"], day=today)
    first = Assignment.objects.filter(day=today).order_by("position").first()
    assert first.household == world["households"][0]


def test_closing_with_no_split_today_still_closes(world):
    issue_close(issue=world["litter"], closed_by=None, resolution="已清理")
    assert IssueRaised.objects.get(pk=world["litter"].pk).status == IssueStatus.CLOSED


# The pages: access ----------------------------------------------------------------------------------------------


def ids(response):
    return {row.record.pk for row in response.context["table"].page.object_list}


@pytest.mark.parametrize("role", ["service", "manager"])
def test_service_and_managers_see_every_issue(client, world, role):
    client.force_login(UserFactory(roles=[role]))
    response = client.get(reverse("issue_list"))
    assert response.status_code == 200
    assert ids(response) == {world["leak"].pk, world["litter"].pk}
    for issue in (world["leak"], world["litter"]):
        assert client.get(reverse("issue_detail", args=[issue.pk])).status_code == 200


def test_department_head_sees_only_issues_routed_to_their_department(client, world):
    client.force_login(world["head"].user)
    response = client.get(reverse("issue_list"))
    assert response.status_code == 200 and ids(response) == {world["leak"].pk}
    assert client.get(reverse("issue_detail", args=[world["leak"].pk])).status_code == 200
    assert client.get(reverse("issue_detail", args=[world["litter"].pk])).status_code == 404
    closing = client.post(reverse("issue_close", args=[world["litter"].pk]), {"resolution": "x"})
    assert closing.status_code == 404
    # Another department in the filter is not a choice: the list comes back empty, not theirs.
    other = client.get(reverse("issue_list"), {"department": world["cleaning"].pk})
    assert ids(other) == set()


def test_supervisor_of_a_department_by_role_sees_their_own_departments_issues(client, world):
    client.force_login(world["cleaning_head"].user)
    assert ids(client.get(reverse("issue_list"))) == {world["litter"].pk}


def test_head_without_the_supervisor_role_still_sees_their_departments_issues(client, world):
    plain_head = StaffFactory(name="保洁部长", department=world["cleaning"])
    world["cleaning"].head = plain_head
    world["cleaning"].save()
    client.force_login(plain_head.user)
    assert ids(client.get(reverse("issue_list"))) == {world["litter"].pk}


@pytest.mark.parametrize("roles", [["staff"], ["finance"], []])
def test_others_get_403(client, world, roles):
    client.force_login(UserFactory(roles=roles))
    assert client.get(reverse("issue_list")).status_code == 403
    assert client.get(reverse("issue_detail", args=[world["leak"].pk])).status_code == 403


def test_anonymous_goes_to_login(client, world):
    for url in (reverse("issue_list"), reverse("issue_detail", args=[world["leak"].pk])):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


# The pages: filters, deadlines, closing -------------------------------------------------------------------------


def test_filters_by_status_department_and_overdue(client, world):
    issue_close(issue=world["litter"], closed_by=None, resolution="已清理")
    client.force_login(UserFactory(roles=["service"]))
    url = reverse("issue_list")
    assert ids(client.get(url, {"status": "open"})) == {world["leak"].pk}
    assert ids(client.get(url, {"status": "closed"})) == {world["litter"].pk}
    assert ids(client.get(url, {"department": world["cleaning"].pk})) == {world["litter"].pk}
    assert ids(client.get(url, {"overdue": "yes"})) == {world["leak"].pk}
    assert ids(client.get(url, {"overdue": "no"})) == {world["litter"].pk}


def test_overdue_issues_are_highlighted_with_their_deadline(client, world, today):
    client.force_login(UserFactory(roles=["service"]))
    page = client.get(reverse("issue_list")).content.decode()
    assert len(re.findall(r'<tr class="overdue\b', page)) == 1
    assert "逾期 2 天" in page
    assert (today + timedelta(days=3)).isoformat() in page
    # Open ones first, by deadline.
    response = client.get(reverse("issue_list"))
    assert [row.record.pk for row in response.context["table"].page.object_list] == [
        world["leak"].pk,
        world["litter"].pk,
    ]


def test_htmx_gets_the_table_fragment_only(client, world):
    client.force_login(UserFactory(roles=["service"]))
    response = client.get(reverse("issue_list"), {"status": "open"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.startswith('<div id="issue-table"') and "<html" not in body


def test_closing_from_the_issue_page(client, world, today):
    split_for_day(campaign=world["campaign"], day=today)
    client.force_login(world["head"].user)
    url = reverse("issue_close", args=[world["leak"].pk])
    empty = client.post(url, {"resolution": ""})
    assert empty.status_code == 400 and "请填写处理结果" in empty.content.decode()

    done = client.post(url, {"resolution": "已更换水管"}, follow=True)
    assert "工单已关闭" in done.content.decode()
    assert "今日清单第 1 位" in done.content.decode()
    leak = IssueRaised.objects.get(pk=world["leak"].pk)
    assert leak.status == IssueStatus.CLOSED and leak.closed_by == world["head"].user

    again = client.post(url, {"resolution": "又修了"})
    assert again.status_code == 400 and "不能重复关闭" in again.content.decode()


# session, user, groups, the count, the page of issues (with households, departments, raisers), the departments of
# the filter.
LIST_QUERIES = 6


def test_issue_list_queries_do_not_grow_with_issues(client, world, today, django_assert_num_queries):
    client.force_login(UserFactory(roles=["service"]))
    with django_assert_num_queries(LIST_QUERIES):
        client.get(reverse("issue_list"))
    for household in world["households"]:
        IssueRaised.objects.create(
            household=household,
            raised_by=StaffFactory(),
            department=DepartmentFactory(),
            description="门禁坏了",
            deadline=today,
        )
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(reverse("issue_list"))
    assert response.context["table"].paginator.count == 6
