"""households_visible_to and can_see_full_contact for collectors: the households the split gave them today."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from arrears.permissions import can_see_full_contact, households_visible_to
from assignments.models import Assignment, Campaign
from tests.factories import HouseholdFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def split():
    """Alice holds two households today and one yesterday only; Bob holds one today."""
    today = timezone.localdate()
    campaign = Campaign.objects.create(name="集中催费", start_date=today - timedelta(days=5), end_date=today)
    alice, bob = StaffFactory(), StaffFactory()
    mine = HouseholdFactory.create_batch(2)
    yesterdays, bobs, nobodys = HouseholdFactory(), HouseholdFactory(), HouseholdFactory()
    for position, household in enumerate(mine, start=1):
        Assignment.objects.create(campaign=campaign, day=today, household=household, staff=alice, position=position)
    Assignment.objects.create(campaign=campaign, day=today - timedelta(days=1), household=yesterdays, staff=alice)
    Assignment.objects.create(campaign=campaign, day=today - timedelta(days=1), household=mine[0], staff=alice)
    Assignment.objects.create(campaign=campaign, day=today, household=bobs, staff=bob)
    return {"alice": alice, "bob": bob, "mine": mine, "yesterdays": yesterdays, "bobs": bobs, "nobodys": nobodys}


def test_a_collector_sees_the_households_assigned_today(split):
    visible = households_visible_to(split["alice"].user)
    assert sorted(visible.values_list("pk", flat=True)) == sorted(h.pk for h in split["mine"])
    assert list(households_visible_to(split["bob"].user)) == [split["bobs"]]


def test_a_staff_user_without_staff_row_sees_nothing(split, user_with_role):
    assert list(households_visible_to(user_with_role("staff"))) == []


def test_a_collector_with_a_reading_role_sees_everything(split):
    user = split["alice"].user
    user.groups.add(Group.objects.get_or_create(name="finance")[0])
    user._role_names = None
    assert households_visible_to(user).count() == 5


def test_full_contact_for_the_collector_holding_the_household_today(split, user_with_role):
    alice = split["alice"].user
    assert can_see_full_contact(alice, split["mine"][0])
    assert not can_see_full_contact(alice, split["yesterdays"])
    assert not can_see_full_contact(alice, split["bobs"])
    assert not can_see_full_contact(split["bob"].user, split["mine"][0])
    assert not can_see_full_contact(user_with_role("supervisor"), split["mine"][0])
    assert can_see_full_contact(user_with_role("manager"), split["nobodys"])


def test_tomorrow_the_collector_sees_only_tomorrows(split, monkeypatch):
    tomorrow = timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: tomorrow)
    assert list(households_visible_to(split["alice"].user)) == []
    assert not can_see_full_contact(split["alice"].user, split["mine"][0])
