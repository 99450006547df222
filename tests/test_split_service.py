"""The daily split as the manager and the command meet it: scope, eligibility, stability, leave, JSON."""

import json
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from arrears.models import OwnerSegment
from arrears.models.households import Segment
from arrears.services import payment_verify
from assignments.models import Assignment, Campaign, CampaignMember, Pin, SplitRun, StaffLeave
from assignments.services import split_for_day
from tests.factories import (
    BuildingFactory,
    ChargeFactory,
    CommunityFactory,
    HouseholdFactory,
    PaymentFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 1)


@pytest.fixture
def world():
    community = CommunityFactory(code="HY")
    households = []
    for b in range(1, 4):
        building = BuildingFactory(community=community, name=str(b))
        for r in range(5):
            household = HouseholdFactory(community=community, building=building, unit="1", room=f"{r + 1}01")
            ChargeFactory(household=household, amount=Decimal(100 * (r + 1)), due_date=date(2026, 1, 31))
            households.append(household)
    paid = HouseholdFactory(community=community, building=building, unit="2", room="101")
    ChargeFactory(household=paid, amount=Decimal("100.00"), due_date=date(2026, 1, 31))
    payment = PaymentFactory(household=paid, amount=Decimal("100.00"), paid_on=date(2026, 2, 10))
    payment_verify(payment_id=payment.pk, verified_by=None)
    staff = [StaffFactory(user__username=f"s{i}", seniority=1 + (i % 3)) for i in range(4)]
    campaign = Campaign.objects.create(name="冬季集中催费", start_date=date(2026, 2, 1), end_date=date(2026, 12, 31))
    campaign.communities.add(community)
    return {"community": community, "households": households, "paid": paid, "staff": staff, "campaign": campaign}


def held(campaign, day):
    return dict(Assignment.objects.filter(campaign=campaign, day=day).values_list("household_id", "staff_id"))


def test_every_household_in_arrears_exactly_once_and_counts_even(world):
    run = split_for_day(campaign=world["campaign"], day=DAY)
    split = held(world["campaign"], DAY)
    assert set(split) == {h.pk for h in world["households"]}
    assert world["paid"].pk not in split
    assert sorted(Counter(split.values()).values()) == [3, 4, 4, 4]
    assert run.stats["households"] == 15 and run.stats["staff"] == 4
    assert (run.stats["min"], run.stats["max"]) == (3, 4)
    assert run.stats["new"] == 15 and run.stats["moved"] == 0 and run.stats["dropped"] == 0


def test_running_twice_for_a_day_changes_nothing(world):
    first = split_for_day(campaign=world["campaign"], day=DAY)
    before = list(Assignment.objects.order_by("pk").values_list("household_id", "staff_id", "position"))
    again = split_for_day(campaign=world["campaign"], day=DAY)
    assert again.pk == first.pk
    assert list(Assignment.objects.order_by("pk").values_list("household_id", "staff_id", "position")) == before


def test_next_day_keeps_collectors_and_leave_moves_only_their_households(world):
    campaign = world["campaign"]
    split_for_day(campaign=campaign, day=DAY)
    day1 = held(campaign, DAY)
    split_for_day(campaign=campaign, day=DAY + timedelta(days=1))
    assert held(campaign, DAY + timedelta(days=1)) == day1

    away = world["staff"][1]
    StaffLeave.objects.create(staff=away, start_date=DAY + timedelta(days=2), end_date=DAY + timedelta(days=2))
    split_for_day(campaign=campaign, day=DAY + timedelta(days=2))
    day3 = held(campaign, DAY + timedelta(days=2))
    assert away.pk not in day3.values()
    for household_id, staff_id in day3.items():
        if day1[household_id] != away.pk:
            assert staff_id == day1[household_id]
    # Back from leave: they get back their households, which others held only while they were away.
    split_for_day(campaign=campaign, day=DAY + timedelta(days=3))
    day4 = held(campaign, DAY + timedelta(days=3))
    assert {h for h, s in day4.items() if s == away.pk} == {h for h, s in day1.items() if s == away.pk}
    run = SplitRun.objects.get(campaign=campaign, day=DAY + timedelta(days=3))
    assert run.stats["moved"] == len({h for h, s in day1.items() if s == away.pk})


def test_pins_weights_exclusions_and_legal_track(world):
    campaign = world["campaign"]
    s0, s1, s2, s3 = world["staff"]
    pinned = world["households"][0]
    Pin.objects.create(campaign=campaign, household=pinned, staff=s3)
    CampaignMember.objects.create(campaign=campaign, staff=s0, eligible=False)
    CampaignMember.objects.create(campaign=campaign, staff=s1, weight=Decimal("2"))
    legal = world["households"][1]
    legal.on_legal_track = True
    legal.save()
    split_for_day(campaign=campaign, day=DAY)
    split = held(campaign, DAY)
    assert legal.pk not in split and len(split) == 14
    assert split[pinned.pk] == s3.pk
    counts = Counter(split.values())
    assert s0.pk not in counts
    # 14 × 2/4, × 1/4, × 1/4: the remainder's tie goes to s3, who already holds a household (the pin).
    assert counts[s1.pk] == 7 and counts[s2.pk] == 3 and counts[s3.pk] == 4


def test_hard_refusers_go_to_experienced_staff(world):
    hard = world["households"][4]
    OwnerSegment.objects.create(owner=hard.owner, segment=Segment.HARD_REFUSER)
    split_for_day(campaign=world["campaign"], day=DAY)
    holder = Assignment.objects.get(household=hard, day=DAY).staff
    assert holder.seniority >= 2


def test_command_json(world, capsys):
    call_command("split_arrears", "--date", DAY.isoformat(), "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["date"] == "2026-03-01"
    assert sorted(a["staff"] for a in data["assignments"]) == ["s0", "s1", "s2", "s3"]
    listed = [h for a in data["assignments"] for h in a["households"]]
    assert len(listed) == len(set(listed)) == 15
    assert all(h.startswith("HY:") for h in listed)
    assert {k: data["stats"][k] for k in ("households", "staff", "min", "max", "moved", "new", "dropped")} == {
        "households": 15,
        "staff": 4,
        "min": 3,
        "max": 4,
        "moved": 0,
        "new": 15,
        "dropped": 0,
    }
    # Each list is in the day's order: nobody contacted yet, so largest arrears first.
    for entry in data["assignments"]:
        rooms = [h.rsplit("-", 1)[1] for h in entry["households"]]
        assert rooms == sorted(rooms, reverse=True)


def test_command_rejects_bad_date_and_no_campaign(db):
    with pytest.raises(CommandError, match="日期格式应为 YYYY-MM-DD"):
        call_command("split_arrears", "--date", "2026-02-30")
    with pytest.raises(CommandError, match="没有进行中的集中催费行动"):
        call_command("split_arrears", "--date", "2026-03-01")
