"""Campaign management: the services (campaigns, members, leave, pins) and the pages for each role."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from assignments.models import Assignment, Campaign, CampaignMember, Pin, SplitRun, StaffLeave
from assignments.services.campaigns import (
    campaign_create,
    campaign_update,
    leave_add,
    leave_remove,
    member_set,
    pin_remove,
    pin_set,
)
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


def owing(community, building, room, amount="300.00", today=None):
    household = HouseholdFactory(community=community, building=building, unit="1", room=room)
    due = (today or timezone.localdate()) - timedelta(days=60)
    ChargeFactory(household=household, amount=Decimal(amount), due_date=due, period_start=due, period_end=due)
    return household


@pytest.fixture
def world(today):
    community = CommunityFactory(code="HY", name="华苑")
    other_community = CommunityFactory(code="LY", name="丽苑")
    buildings = [BuildingFactory(community=community, name=str(n)) for n in (1, 2)]
    households = [owing(community, buildings[i % 2], f"{101 + i}", f"{100 * (i + 1)}.00", today) for i in range(6)]
    security = DepartmentFactory(name="保安部")
    cleaning = DepartmentFactory(name="保洁部")
    guards = [StaffFactory(name=f"保安{i}", department=security, user__username=f"guard{i}") for i in range(2)]
    cleaners = [StaffFactory(name=f"保洁{i}", department=cleaning, user__username=f"clean{i}") for i in range(2)]
    supervisor = StaffFactory(
        name="保安主管", department=security, user__username="sup", user__roles=["supervisor", "staff"]
    )
    security.head = supervisor
    security.save()
    manager = UserFactory(username="boss", roles=["manager"])
    campaign = campaign_create(
        name="冬季集中催费",
        communities=[community],
        start_date=today - timedelta(days=10),
        end_date=today + timedelta(days=30),
        created_by=manager,
    )
    return {
        "community": community,
        "other_community": other_community,
        "households": households,
        "guards": guards,
        "cleaners": cleaners,
        "supervisor": supervisor,
        "manager": manager,
        "campaign": campaign,
        "security": security,
        "cleaning": cleaning,
    }


# Services: campaigns --------------------------------------------------------------------------------------------


def test_campaign_create_saves_communities_and_values(world, today):
    campaign = campaign_create(
        name=" 春季清欠 ",
        communities=[world["other_community"]],
        start_date=today,
        end_date=today + timedelta(days=5),
        target=Decimal("0.8500"),
        threshold=Decimal("50.00"),
        created_by=world["manager"],
    )
    campaign.refresh_from_db()
    assert campaign.name == "春季清欠"
    assert list(campaign.communities.all()) == [world["other_community"]]
    assert campaign.target == Decimal("0.8500") and campaign.threshold == Decimal("50.00")
    assert campaign.created_by == world["manager"]


def test_end_before_start_is_refused_in_chinese(world, today):
    with pytest.raises(ValidationError) as error:
        campaign_create(
            name="错日期", communities=[world["other_community"]], start_date=today, end_date=today - timedelta(days=1)
        )
    assert error.value.message_dict["end_date"] == ["结束日期不能早于开始日期"]


def test_same_community_on_overlapping_dates_is_refused(world, today):
    with pytest.raises(ValidationError) as error:
        campaign_create(
            name="重叠",
            communities=[world["community"], world["other_community"]],
            start_date=today + timedelta(days=30),
            end_date=today + timedelta(days=40),
        )
    message = error.value.messages[0]
    assert "华苑" in message and "冬季集中催费" in message and "不能重叠" in message
    assert Campaign.objects.count() == 1


def test_same_community_on_later_dates_and_other_community_on_same_dates_are_fine(world, today):
    campaign_create(
        name="下一轮",
        communities=[world["community"]],
        start_date=today + timedelta(days=31),
        end_date=today + timedelta(days=60),
    )
    campaign_create(name="丽苑", communities=[world["other_community"]], start_date=today, end_date=today)
    assert Campaign.objects.count() == 3


def test_update_may_keep_its_own_dates_but_not_move_onto_another(world, today):
    campaign = world["campaign"]
    campaign_update(
        campaign=campaign,
        name="冬季集中催费(延长)",
        communities=[world["community"]],
        start_date=campaign.start_date,
        end_date=campaign.end_date + timedelta(days=5),
        target=Decimal("0.9000"),
        threshold=Decimal("1.00"),
    )
    campaign.refresh_from_db()
    assert campaign.name == "冬季集中催费(延长)" and campaign.target == Decimal("0.9000")
    later = campaign_create(
        name="明年",
        communities=[world["other_community"]],
        start_date=today + timedelta(days=100),
        end_date=today + timedelta(days=120),
    )
    with pytest.raises(ValidationError):
        campaign_update(
            campaign=later,
            name="明年",
            communities=[world["community"]],
            start_date=today,
            end_date=today + timedelta(days=120),
            target=Decimal("0.8"),
            threshold=Decimal("0.01"),
        )


# Services: members and leave ------------------------------------------------------------------------------------


def test_member_set_excludes_a_person_and_overrides_a_weight(world, today):
    campaign = world["campaign"]
    guard, cleaner = world["guards"][0], world["cleaners"][0]
    member_set(campaign=campaign, staff=guard, eligible=False, weight=None)
    member_set(campaign=campaign, staff=cleaner, eligible=True, weight=Decimal("2"))
    member_set(campaign=campaign, staff=cleaner, eligible=True, weight=Decimal("3"))
    assert CampaignMember.objects.get(staff=cleaner).weight == Decimal("3")
    split_for_day(campaign=campaign, day=today)
    held = dict(Assignment.objects.filter(day=today).values_list("household_id", "staff_id"))
    assert guard.pk not in held.values()
    assert list(held.values()).count(cleaner.pk) == 3  # weight 3 of 1+3+1+1 (+ supervisor 1) over 6 households


def test_member_weight_out_of_range_is_refused(world):
    with pytest.raises(ValidationError) as error:
        member_set(campaign=world["campaign"], staff=world["guards"][0], eligible=True, weight=Decimal("101"))
    assert error.value.message_dict["weight"] == ["权重应在 0 与 100 之间"]


def test_leave_add_and_remove(world, today):
    guard = world["guards"][0]
    leave = leave_add(staff=guard, start_date=today, end_date=today + timedelta(days=2), reason="年假")
    with pytest.raises(ValidationError) as overlap:
        leave_add(staff=guard, start_date=today + timedelta(days=2), end_date=today + timedelta(days=4))
    assert "不能重叠" in overlap.value.messages[0]
    with pytest.raises(ValidationError) as backwards:
        leave_add(staff=guard, start_date=today, end_date=today - timedelta(days=1))
    assert backwards.value.message_dict["end_date"] == ["结束日期不能早于开始日期"]
    split_for_day(campaign=world["campaign"], day=today)
    assert not Assignment.objects.filter(staff=guard, day=today).exists()
    leave_remove(leave=leave)
    assert not StaffLeave.objects.exists()


# Services: pins -------------------------------------------------------------------------------------------------


def test_pin_moves_todays_assignment_to_the_end_of_the_new_list_and_renumbers_the_old(world, today):
    campaign = world["campaign"]
    split_for_day(campaign=campaign, day=today)
    first = Assignment.objects.filter(day=today).order_by("staff_id", "position").first()
    old_staff, household = first.staff, first.household
    new_staff = next(s for s in world["cleaners"] if s.pk != old_staff.pk)
    new_count = Assignment.objects.filter(staff=new_staff, day=today).count()

    pin_set(campaign=campaign, household=household, staff=new_staff, created_by=world["manager"])

    moved = Assignment.objects.get(day=today, household=household)
    assert moved.staff == new_staff and moved.position == new_count + 1
    old_positions = list(
        Assignment.objects.filter(staff=old_staff, day=today).order_by("position").values_list("position", flat=True)
    )
    assert old_positions == list(range(1, len(old_positions) + 1))
    assert Pin.objects.get(campaign=campaign, household=household).staff == new_staff
    # Tomorrow's split keeps it where the pin says.
    split_for_day(campaign=campaign, day=today + timedelta(days=1))
    assert Assignment.objects.get(day=today + timedelta(days=1), household=household).staff == new_staff


def test_pin_refuses_a_household_outside_the_campaign_and_a_person_who_left(world, today):
    campaign = world["campaign"]
    elsewhere = owing(world["other_community"], BuildingFactory(community=world["other_community"], name="9"), "901")
    with pytest.raises(ValidationError) as outside:
        pin_set(campaign=campaign, household=elsewhere, staff=world["guards"][0])
    assert outside.value.message_dict["household"] == ["该房屋不在本次行动的小区范围内"]
    gone = StaffFactory(name="离职者", active=False)
    with pytest.raises(ValidationError) as inactive:
        pin_set(campaign=campaign, household=world["households"][0], staff=gone)
    assert "已离职" in inactive.value.message_dict["staff"][0]


def test_pin_again_replaces_and_pin_remove_deletes(world):
    campaign, household = world["campaign"], world["households"][0]
    pin_set(campaign=campaign, household=household, staff=world["guards"][0])
    pin = pin_set(campaign=campaign, household=household, staff=world["guards"][1])
    assert Pin.objects.count() == 1 and pin.staff == world["guards"][1]
    pin_remove(pin=pin)
    assert not Pin.objects.exists()


# Pages: access --------------------------------------------------------------------------------------------------


def _urls(campaign):
    return {
        "list": reverse("campaign_list"),
        "create": reverse("campaign_create"),
        "detail": reverse("campaign_detail", args=[campaign.pk]),
        "edit": reverse("campaign_edit", args=[campaign.pk]),
    }


def test_manager_opens_every_campaign_page(client, world):
    client.force_login(world["manager"])
    for url in _urls(world["campaign"]).values():
        assert client.get(url).status_code == 200, url


def test_supervisor_reads_campaigns_but_may_not_edit_them(client, world):
    campaign = world["campaign"]
    client.force_login(world["supervisor"].user)
    urls = _urls(campaign)
    assert client.get(urls["list"]).status_code == 200
    assert client.get(urls["detail"]).status_code == 200
    assert client.get(urls["create"]).status_code == 403
    assert client.get(urls["edit"]).status_code == 403
    assert client.post(reverse("campaign_split", args=[campaign.pk])).status_code == 403
    member_url = reverse("campaign_member_set", args=[campaign.pk, world["guards"][0].pk])
    assert client.post(member_url, {"eligible": "on"}).status_code == 403
    assert client.post(reverse("campaign_leave_add", args=[campaign.pk]), {}).status_code == 403
    assert not SplitRun.objects.exists() and not CampaignMember.objects.exists()


@pytest.mark.parametrize("roles", [["service"], ["staff"], ["finance"], ["legal"], []])
def test_other_roles_get_403_on_campaign_pages(client, world, roles):
    client.force_login(UserFactory(roles=roles))
    for url in _urls(world["campaign"]).values():
        assert client.get(url).status_code == 403, url


def test_anonymous_goes_to_login(client, world):
    for url in _urls(world["campaign"]).values():
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


# Pages: manager's actions ---------------------------------------------------------------------------------------


def test_manager_creates_a_campaign_and_overlap_shows_a_chinese_error(client, world, today):
    client.force_login(world["manager"])
    data = {
        "name": "丽苑清欠",
        "communities": [world["other_community"].pk],
        "start_date": today.isoformat(),
        "end_date": (today + timedelta(days=10)).isoformat(),
        "target_percent": "85",
        "threshold": "100.00",
    }
    response = client.post(reverse("campaign_create"), data)
    created = Campaign.objects.get(name="丽苑清欠")
    assert response.status_code == 302 and response.url == reverse("campaign_detail", args=[created.pk])
    assert created.target == Decimal("0.8500") and created.threshold == Decimal("100.00")

    clash = client.post(reverse("campaign_create"), {**data, "name": "又一个"})
    assert clash.status_code == 400
    assert "不能重叠" in clash.content.decode()
    backwards = client.post(
        reverse("campaign_create"), {**data, "name": "倒序", "end_date": (today - timedelta(days=1)).isoformat()}
    )
    assert "结束日期不能早于开始日期" in backwards.content.decode()
    assert not Campaign.objects.filter(name__in=["又一个", "倒序"]).exists()


def test_manager_edits_a_campaign(client, world):
    campaign = world["campaign"]
    client.force_login(world["manager"])
    form = client.get(reverse("campaign_edit", args=[campaign.pk]))
    assert form.context["form"].initial["target_percent"] == Decimal("80")
    response = client.post(
        reverse("campaign_edit", args=[campaign.pk]),
        {
            "name": "冬季集中催费(二期)",
            "communities": [world["community"].pk],
            "start_date": campaign.start_date.isoformat(),
            "end_date": campaign.end_date.isoformat(),
            "target_percent": "90",
            "threshold": "0.01",
        },
    )
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.name == "冬季集中催费(二期)" and campaign.target == Decimal("0.9000")


def test_split_button_generates_once_and_says_so_the_second_time(client, world, today):
    campaign = world["campaign"]
    client.force_login(world["manager"])
    url = reverse("campaign_split", args=[campaign.pk])
    page = client.get(reverse("campaign_detail", args=[campaign.pk])).content.decode()
    assert "今日分包尚未生成" in page and "生成今日分包" in page

    first = client.post(url, follow=True)
    assert "已生成今日分包:6 户分给 5 人" in first.content.decode()
    positions = list(Assignment.objects.order_by("pk").values_list("household_id", "staff_id", "position"))
    second = client.post(url, follow=True).content.decode()
    assert "今日分包已生成过,重复生成不会改变结果" in second
    assert "再次生成不会改变结果" in second
    assert SplitRun.objects.filter(campaign=campaign, day=today).count() == 1
    assert list(Assignment.objects.order_by("pk").values_list("household_id", "staff_id", "position")) == positions

    page = client.get(reverse("campaign_detail", args=[campaign.pk]))
    people = {row.name: row for row in page.context["people"].data}
    assert sum(row.count for row in people.values()) == 6
    assert sum(row.arrears for row in people.values()) == Decimal("2100.00")
    stats = page.context["stats"]
    assert (stats["households"], stats["staff"], stats["min"], stats["max"]) == (6, 5, 1, 2)


def test_split_of_a_campaign_not_running_today_is_refused(client, world, today):
    later = campaign_create(
        name="明年",
        communities=[world["other_community"]],
        start_date=today + timedelta(days=5),
        end_date=today + timedelta(days=9),
    )
    client.force_login(world["manager"])
    response = client.post(reverse("campaign_split", args=[later.pk]), follow=True)
    assert "不在执行期内" in response.content.decode()
    assert not SplitRun.objects.exists()


def test_manager_sets_a_member_and_records_and_deletes_leave(client, world, today):
    campaign, guard = world["campaign"], world["guards"][0]
    client.force_login(world["manager"])
    response = client.post(reverse("campaign_member_set", args=[campaign.pk, guard.pk]), {"weight": "1.5"})
    assert response.status_code == 302
    member = CampaignMember.objects.get(campaign=campaign, staff=guard)
    assert member.eligible is False and member.weight == Decimal("1.50")

    add = reverse("campaign_leave_add", args=[campaign.pk])
    data = {"staff": guard.pk, "start_date": today.isoformat(), "end_date": today.isoformat(), "reason": "病假"}
    assert client.post(add, data).status_code == 302
    clash = client.post(add, data)
    assert clash.status_code == 400 and "不能重叠" in clash.content.decode()
    leave = StaffLeave.objects.get(staff=guard)
    page = client.get(reverse("campaign_detail", args=[campaign.pk])).content.decode()
    assert "病假" in page
    assert client.post(reverse("campaign_leave_remove", args=[campaign.pk, leave.pk])).status_code == 302
    assert not StaffLeave.objects.exists()


# Pages: pins ----------------------------------------------------------------------------------------------------


def _pin(client, campaign, household_label, staff):
    return client.post(
        reverse("campaign_pin_set", args=[campaign.pk]),
        {"community": campaign.communities.get().pk, "household": household_label, "staff": staff.pk},
    )


def test_supervisor_pins_a_household_to_their_own_people_by_label(client, world):
    campaign, guard = world["campaign"], world["guards"][1]
    client.force_login(world["supervisor"].user)
    response = _pin(client, campaign, "1-1-101", guard)
    assert response.status_code == 302
    pin = Pin.objects.get()
    assert pin.staff == guard and pin.household.label == "1-1-101" and pin.created_by == world["supervisor"].user
    # The full-width dash a phone keyboard gives is read as the same label.
    assert _pin(client, campaign, "2－1－102", guard).status_code == 302
    assert Pin.objects.count() == 2


def test_supervisor_may_not_pin_to_another_department_nor_take_or_remove_its_pins(client, world):
    campaign, cleaner = world["campaign"], world["cleaners"][0]
    client.force_login(world["supervisor"].user)
    response = _pin(client, campaign, "1-1-101", cleaner)
    assert response.status_code == 400 and not Pin.objects.exists()

    theirs = pin_set(campaign=campaign, household=world["households"][0], staff=cleaner)
    taken = _pin(client, campaign, world["households"][0].label, world["guards"][0])
    assert taken.status_code == 400 and "只有经理或其主管可以改动" in taken.content.decode()
    assert Pin.objects.get().staff == cleaner
    remove = client.post(reverse("campaign_pin_remove", args=[campaign.pk, theirs.pk]))
    assert remove.status_code == 404 and Pin.objects.exists()
    # The page lists only their own people and their pins.
    page = client.get(reverse("campaign_detail", args=[campaign.pk]))
    names = {row.name for row in page.context["people"].data}
    assert names == {"保安0", "保安1", "保安主管"}
    assert list(page.context["pins"].data) == []


def test_unknown_household_label_is_a_form_error(client, world):
    client.force_login(world["manager"])
    response = _pin(client, world["campaign"], "9-9-999", world["guards"][0])
    assert response.status_code == 400
    assert "没有房屋“9-9-999”" in response.content.decode()


def test_manager_removes_a_pin(client, world):
    pin = pin_set(campaign=world["campaign"], household=world["households"][0], staff=world["cleaners"][0])
    client.force_login(world["manager"])
    response = client.post(reverse("campaign_pin_remove", args=[world["campaign"].pk, pin.pk]))
    assert response.status_code == 302 and not Pin.objects.exists()


# Query counts ---------------------------------------------------------------------------------------------------

# session, user, groups, the count, the page of campaigns, their communities, the communities of the filter.
LIST_QUERIES = 7


def test_campaign_list_queries_do_not_grow_with_campaigns(client, world, today, django_assert_num_queries):
    client.force_login(world["manager"])
    with django_assert_num_queries(LIST_QUERIES):
        client.get(reverse("campaign_list"))
    for n in range(5):
        start = today + timedelta(days=100 + 10 * n)
        campaign_create(name=f"第{n}期", communities=[world["community"]], start_date=start, end_date=start)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(reverse("campaign_list"))
    assert response.context["table"].paginator.count == 6


# session, user, groups, the campaign and its communities, today's run, today's assignments, the overdue principal
# of the households held (their balances, then those whose allocations straddle the day), members, leave today,
# pins per person, the people, the pins' count and page, the people offered by the pin form, the leave list, the
# people offered by the leave form.
DETAIL_QUERIES = 18


def test_campaign_page_queries_do_not_grow_with_people(client, world, today, django_assert_num_queries):
    campaign = world["campaign"]
    split_for_day(campaign=campaign, day=today)
    pin_set(campaign=campaign, household=world["households"][0], staff=world["guards"][0])
    client.force_login(world["manager"])
    with django_assert_num_queries(DETAIL_QUERIES):
        client.get(reverse("campaign_detail", args=[campaign.pk]))
    for n in range(5):
        staff = StaffFactory(name=f"新人{n}", department=world["cleaning"])
        leave_add(staff=staff, start_date=today, end_date=today)
        member_set(campaign=campaign, staff=staff, eligible=True, weight=Decimal("2"))
        pin_set(campaign=campaign, household=world["households"][n + 1], staff=staff)
    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(reverse("campaign_detail", args=[campaign.pk]))
    assert len(response.context["people"].data) == 10
