"""综合部 and managers move a household onto or off the legal track from its page, with a reason; the history is
shown on the page, and the track takes the household out of the split and the demand batches."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from arrears.models import LegalTrackChange
from arrears.services.legal import household_legal_track_set
from tests.factories import HouseholdFactory, UserFactory

pytestmark = pytest.mark.django_db


def url(household):
    return reverse("household_legal_track", args=[household.pk])


@pytest.mark.parametrize("role", ["legal", "manager"])
def test_legal_and_managers_move_a_household_on_and_off_with_a_reason(client, user_with_role, role):
    household = HouseholdFactory()
    user = user_with_role(role)
    client.force_login(user)
    page = client.get(reverse("household_detail", args=[household.pk])).content.decode()
    assert url(household) in page and "转入法务" in page
    response = client.post(url(household), {"on_track": "1", "reason": "多次拒缴,准备起诉"}, follow=True)
    household.refresh_from_db()
    assert household.on_legal_track
    content = response.content.decode()
    assert "已转法务" in content and "多次拒缴,准备起诉" in content and "撤出法务" in content
    client.post(url(household), {"on_track": "0", "reason": "业主已签还款协议"})
    household.refresh_from_db()
    assert not household.on_legal_track
    history = list(LegalTrackChange.objects.filter(household=household).values_list("on_track", "reason", "changed_by"))
    assert history == [(False, "业主已签还款协议", user.pk), (True, "多次拒缴,准备起诉", user.pk)]
    page = client.get(reverse("household_detail", args=[household.pk])).content.decode()
    assert page.index("业主已签还款协议") < page.index("多次拒缴,准备起诉")  # newest first


@pytest.mark.parametrize("role", ["supervisor", "finance", "service", "staff"])
def test_other_roles_may_not(client, user_with_role, role):
    household = HouseholdFactory()
    client.force_login(user_with_role(role))
    assert client.post(url(household), {"on_track": "1", "reason": "x"}).status_code == 403
    household.refresh_from_db()
    assert not household.on_legal_track
    if role != "staff":
        page = client.get(reverse("household_detail", args=[household.pk])).content.decode()
        assert url(household) not in page


def test_a_reason_is_required_and_nothing_changes_without_it(client, user_with_role):
    household = HouseholdFactory()
    client.force_login(user_with_role("legal"))
    response = client.post(url(household), {"on_track": "1", "reason": "  "}, follow=True)
    assert "请填写原因" in response.content.decode()
    household.refresh_from_db()
    assert not household.on_legal_track and not LegalTrackChange.objects.exists()


def test_moving_twice_the_same_way_is_refused():
    household = HouseholdFactory()
    user = UserFactory(roles=["legal"])
    household_legal_track_set(household=household, on_track=True, reason="起诉", changed_by=user)
    with pytest.raises(ValidationError, match="已转法务"):
        household_legal_track_set(household=household, on_track=True, reason="再次", changed_by=user)
    assert LegalTrackChange.objects.count() == 1


def test_a_household_on_the_track_leaves_the_next_split():
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from assignments.models import Assignment, Campaign
    from assignments.services import split_for_day
    from tests.factories import ChargeFactory, StaffFactory

    today = timezone.localdate()
    household = HouseholdFactory()
    ChargeFactory(household=household, amount=Decimal("300.00"), due_date=today - timedelta(days=30))
    StaffFactory()
    campaign = Campaign.objects.create(name="行动", start_date=today - timedelta(days=1), end_date=today)
    campaign.communities.add(household.community)
    household_legal_track_set(household=household, on_track=True, reason="起诉", changed_by=UserFactory())
    split_for_day(campaign=campaign, day=today)
    assert not Assignment.objects.filter(household=household).exists()
