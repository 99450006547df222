"""Background entry points of the assignments app."""

from datetime import date

from celery import shared_task
from django.utils import timezone

from assignments.services.split import campaigns_on, split_for_day


@shared_task(name="assignments.split_today")
def split_today(day: str | None = None) -> dict[str, int]:
    """The daily split of every campaign running on ``day`` (YYYY-MM-DD, default today in Asia/Shanghai).

    Safe to run twice: split_for_day returns the saved split of a day unchanged. Returns {campaign id: split run id}.
    """
    on = date.fromisoformat(day) if day else timezone.localdate()
    return {str(campaign.pk): split_for_day(campaign=campaign, day=on).pk for campaign in campaigns_on(on)}
