"""The Celery task that runs the daily split at 06:00, called in-process (the same code a worker runs)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.utils import timezone

from assignments.models import Assignment, Campaign, SplitRun
from assignments.tasks import split_today
from tests.factories import BuildingFactory, ChargeFactory, CommunityFactory, HouseholdFactory, StaffFactory

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 2)


def campaign_over(code: str, start: date, end: date, households: int = 3) -> Campaign:
    community = CommunityFactory(code=code)
    building = BuildingFactory(community=community, name="1")
    for n in range(households):
        household = HouseholdFactory(community=community, building=building, room=f"{n + 101}")
        ChargeFactory(household=household, amount=Decimal("200.00"), due_date=date(2026, 1, 31))
    campaign = Campaign.objects.create(name=f"行动{code}", start_date=start, end_date=end)
    campaign.communities.add(community)
    return campaign


@pytest.fixture
def campaigns():
    StaffFactory.create_batch(2)
    running = campaign_over("A", date(2026, 3, 1), date(2026, 3, 31))
    also_running = campaign_over("B", DAY, DAY, households=2)
    ended = campaign_over("C", date(2026, 1, 1), date(2026, 2, 28))
    return running, also_running, ended


def test_task_splits_every_campaign_running_that_day(campaigns):
    running, also_running, ended = campaigns
    result = split_today(DAY.isoformat())
    runs = {run.campaign_id: run for run in SplitRun.objects.filter(day=DAY)}
    assert set(runs) == {running.pk, also_running.pk}
    assert result == {str(running.pk): runs[running.pk].pk, str(also_running.pk): runs[also_running.pk].pk}
    assert Assignment.objects.filter(campaign=running, day=DAY).count() == 3
    assert Assignment.objects.filter(campaign=also_running, day=DAY).count() == 2
    assert not SplitRun.objects.filter(campaign=ended).exists()


def test_running_the_task_twice_changes_nothing(campaigns):
    first = split_today(DAY.isoformat())
    before = list(Assignment.objects.order_by("pk").values_list("pk", "household_id", "staff_id", "position"))
    second = split_today(DAY.isoformat())
    assert second == first
    assert SplitRun.objects.count() == 2
    assert list(Assignment.objects.order_by("pk").values_list("pk", "household_id", "staff_id", "position")) == before


def test_without_a_date_the_task_splits_today(campaigns, monkeypatch):
    monkeypatch.setattr("assignments.tasks.timezone.localdate", lambda: DAY + timedelta(days=1))
    result = split_today()
    assert list(SplitRun.objects.values_list("day", flat=True)) == [DAY + timedelta(days=1)]
    assert len(result) == 1


def test_no_campaign_running_is_not_an_error(campaigns):
    assert split_today("2025-06-01") == {}


def test_beat_runs_it_at_six_in_the_morning_shanghai_time():
    entry = settings.CELERY_BEAT_SCHEDULE["split-today"]
    assert entry["task"] == split_today.name == "assignments.split_today"
    assert entry["schedule"] == crontab(hour=6, minute=0)
    assert settings.CELERY_TIMEZONE == settings.TIME_ZONE == "Asia/Shanghai"
    assert timezone.get_default_timezone_name() == "Asia/Shanghai"
