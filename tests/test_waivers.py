"""Late-fee waivers (减免): the service's limits, their effect on arrears_report and the household page, cancelling."""

import threading
import time
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from arrears import positions
from arrears.late_fees.services import waiver_cancel, waiver_grant
from arrears.models import LateFeeWaiver
from arrears.reports import arrears_report
from tests.factories import BuildingFactory, ChargeFactory, CommunityFactory, HouseholdFactory, UserFactory

TODAY = date(2026, 3, 31)
# 300.00 due 2026-01-31 at 0.0005 a day: 0.15 a day; 29 days to 03-01 → 4.35; 59 days to 03-31 → 8.85.
FEE_MAR_1 = Decimal("4.35")
FEE_MAR_31 = Decimal("8.85")


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    real = timezone.localdate
    monkeypatch.setattr(
        "django.utils.timezone.localdate", lambda value=None, timezone=None: TODAY if value is None else real(value)
    )


@pytest.fixture
def household(db):
    community = CommunityFactory()
    household = HouseholdFactory(
        community=community, building=BuildingFactory(community=community, name="3"), unit="2", room="1201"
    )
    ChargeFactory(household=household, amount=Decimal("300.00"), due_date=date(2026, 1, 31))
    return household


@pytest.fixture
def manager(user_with_role):
    return user_with_role("manager", username="boss")


def grant(household, manager, amount, waived_on=TODAY, reason="业主确有困难,经理批准"):
    return waiver_grant(
        household=household, amount=Decimal(amount), waived_on=waived_on, reason=reason, approved_by=manager
    )


def report_late_fee(household, as_of=TODAY) -> str:
    return arrears_report(household.community, as_of)["totals"]["late_fee"]


# The service -------------------------------------------------------------------------------------------


def test_waiver_up_to_the_late_fee_on_its_date(household, manager):
    waiver = grant(household, manager, FEE_MAR_1, waived_on=date(2026, 3, 1))
    assert waiver.amount == FEE_MAR_1 and waiver.approved_by == manager and waiver.cancelled_at is None


def test_waiver_over_the_late_fee_on_its_date_is_refused(household, manager):
    with pytest.raises(ValidationError) as caught:
        grant(household, manager, "4.36", waived_on=date(2026, 3, 1))
    assert "超过" in caught.value.message_dict["amount"][0]
    assert "4.35" in caught.value.message_dict["amount"][0]
    assert not LateFeeWaiver.objects.exists()


def test_earlier_waivers_count_against_the_limit(household, manager):
    grant(household, manager, FEE_MAR_1, waived_on=date(2026, 3, 1))
    with pytest.raises(ValidationError):
        grant(household, manager, "0.01", waived_on=date(2026, 3, 1))
    with pytest.raises(ValidationError):
        grant(household, manager, "4.51", waived_on=TODAY)
    grant(household, manager, "4.50", waived_on=TODAY)  # 8.85 accrued by then, 4.35 waived already
    assert LateFeeWaiver.objects.count() == 2


def test_a_cancelled_waiver_no_longer_counts_against_the_limit(household, manager):
    first = grant(household, manager, FEE_MAR_31)
    waiver_cancel(waiver=first, cancelled_by=manager)
    grant(household, manager, FEE_MAR_31)


def test_no_late_fee_nothing_to_waive(household, manager):
    with pytest.raises(ValidationError):
        grant(household, manager, "0.01", waived_on=date(2026, 1, 31))


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"amount": "-1.00"}, "amount"),
        ({"amount": "0"}, "amount"),
        ({"amount": "1.005"}, "amount"),
        ({"reason": "   "}, "reason"),
        ({"reason": ""}, "reason"),
        ({"waived_on": date(2026, 4, 1)}, "waived_on"),
    ],
)
def test_invalid_waiver_is_refused_and_nothing_written(household, manager, kwargs, field):
    values = {"amount": "1.00", "waived_on": TODAY, "reason": "批准"} | kwargs
    with pytest.raises(ValidationError) as caught:
        grant(household, manager, **values)
    assert field in caught.value.message_dict
    assert not LateFeeWaiver.objects.exists()


def test_waiver_lowers_arrears_report_from_its_date(household, manager):
    assert report_late_fee(household) == "8.85"
    grant(household, manager, "3.00", waived_on=date(2026, 3, 10))
    assert report_late_fee(household) == "5.85"
    assert report_late_fee(household, date(2026, 3, 9)) == "5.55"  # 37 days, before the waiver
    assert report_late_fee(household, date(2026, 3, 10)) == "2.70"  # 38 days × 0.15 − 3.00
    row = arrears_report(household.community, TODAY)["households"][0]
    assert row == {
        "household": "3-2-1201",
        "principal": "300.00",
        "late_fee": "5.85",
        "total": "305.85",
        "oldest_due": "2026-01-31",
    }


def test_cancelling_restores_the_late_fee_and_keeps_the_record(household, manager, user_with_role):
    waiver = grant(household, manager, "3.00")
    other_manager = user_with_role("manager")
    waiver_cancel(waiver=waiver, cancelled_by=other_manager)
    waiver.refresh_from_db()
    assert waiver.cancelled_at is not None and waiver.cancelled_by == other_manager
    assert report_late_fee(household) == "8.85"
    with pytest.raises(ValidationError) as caught:
        waiver_cancel(waiver=waiver, cancelled_by=manager)
    assert "已于" in caught.value.messages[0]
    waiver.refresh_from_db()
    assert waiver.cancelled_by == other_manager


# The pages ---------------------------------------------------------------------------------------------


def create_url(household):
    return reverse("waiver_create", args=[household.pk])


def detail(client, household, **params):
    return client.get(reverse("household_detail", args=[household.pk]), params)


def test_manager_grants_a_waiver_from_the_household_page(client, household, manager):
    client.force_login(manager)
    page = detail(client, household).content.decode()
    assert create_url(household) in page
    form = client.get(create_url(household))
    assert form.status_code == 200 and form.context["position"].late_fee == FEE_MAR_31
    assert form.context["form"]["waived_on"].value() == TODAY
    response = client.post(create_url(household), {"amount": "2.85", "waived_on": "2026-03-31", "reason": "协商"})
    assert response.status_code == 302 and response["Location"] == reverse("household_detail", args=[household.pk])
    waiver = LateFeeWaiver.objects.get()
    assert waiver.amount == Decimal("2.85") and waiver.approved_by == manager and waiver.reason == "协商"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"amount": "9.00"}, "amount", "超过"),
        ({"amount": "-1"}, "amount", "大于零"),
        ({"amount": ""}, "amount", "请填写减免金额"),
        ({"reason": ""}, "reason", "请填写减免原因"),
        ({"waived_on": "2026-13-01"}, "waived_on", "日期"),
    ],
)
def test_invalid_waiver_form_shows_the_error_and_writes_nothing(client, household, manager, data, field, message):
    client.force_login(manager)
    response = client.post(
        create_url(household), {"amount": "1.00", "waived_on": "2026-03-31", "reason": "批准"} | data
    )
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not LateFeeWaiver.objects.exists()


@pytest.mark.parametrize("role", ["supervisor", "staff", "finance", "service", "legal"])
def test_only_managers_grant_and_cancel(client, household, manager, user_with_role, role):
    waiver = grant(household, manager, "1.00")
    client.force_login(user_with_role(role))
    assert client.get(create_url(household)).status_code == 403
    response = client.post(create_url(household), {"amount": "1.00", "waived_on": "2026-03-31", "reason": "x"})
    assert response.status_code == 403
    assert client.post(reverse("waiver_cancel", args=[waiver.pk])).status_code == 403
    assert client.get(reverse("waiver_list")).status_code == 403
    waiver.refresh_from_db()
    assert waiver.cancelled_at is None and LateFeeWaiver.objects.count() == 1


@pytest.mark.parametrize("role", ["finance", "service", "legal", "supervisor"])
def test_household_readers_see_gross_waived_and_net(client, household, manager, user_with_role, role):
    grant(household, manager, "3.00", waived_on=date(2026, 3, 10), reason="维修延误补偿")
    client.force_login(user_with_role(role))
    response = detail(client, household)
    assert response.context["late_fee_gross"] == FEE_MAR_31
    assert response.context["late_fee_waived"] == Decimal("3.00")
    assert response.context["late_fee"] == Decimal("5.85")
    assert response.context["total"] == Decimal("305.85")
    content = response.content.decode()
    assert "维修延误补偿" in content and "8.85" in content and "5.85" in content
    assert "/cancel/" not in content  # no cancel button
    assert create_url(household) not in content


def test_household_page_as_of_before_the_waiver_ignores_it(client, household, manager):
    grant(household, manager, "3.00", waived_on=date(2026, 3, 10))
    client.force_login(manager)
    before = detail(client, household, as_of="2026-03-09")
    assert before.context["late_fee_waived"] == Decimal("0.00")
    assert before.context["late_fee"] == Decimal("5.55")
    assert "晚于计算日期" in before.content.decode()
    on = detail(client, household, as_of="2026-03-10")
    assert on.context["late_fee"] == Decimal("2.70")
    assert str(on.context["late_fee"]) == report_late_fee(household, date(2026, 3, 10))


def test_a_waiver_larger_than_a_later_late_fee_never_makes_it_negative(client, household, manager):
    grant(household, manager, "8.85")
    client.force_login(manager)
    response = detail(client, household)
    assert response.context["late_fee"] == Decimal("0.00") and response.context["late_fee_waived"] == Decimal("8.85")


def test_cancel_from_the_household_page(client, household, manager):
    waiver = grant(household, manager, "3.00")
    client.force_login(manager)
    page = detail(client, household).content.decode()
    cancel = reverse("waiver_cancel", args=[waiver.pk])
    assert cancel in page
    back = reverse("household_detail", args=[household.pk])
    response = client.post(cancel, {"next": back})
    assert response.status_code == 302 and response["Location"] == back
    waiver.refresh_from_db()
    assert waiver.cancelled_by == manager
    assert detail(client, household).context["late_fee"] == FEE_MAR_31
    again = client.post(cancel, {"next": "https://evil.example/"}, follow=False)
    assert again["Location"] == back  # an outside address is not followed


def test_waiver_list_filters_by_community_and_paginates(client, household, manager):
    other = CommunityFactory()
    other_household = HouseholdFactory(community=other)
    ChargeFactory(household=other_household, amount=Decimal("30000.00"), due_date=date(2025, 1, 31))
    for _ in range(55):
        grant(other_household, manager, "1.00")
    grant(household, manager, "1.00")
    client.force_login(manager)
    url = reverse("waiver_list")
    response = client.get(url)
    assert response.context["table"].paginator.count == 56
    assert len(response.context["table"].page.object_list) == 50
    mine = client.get(url, {"community": household.community.pk})
    assert [row.record.household for row in mine.context["table"].page.object_list] == [household]
    waiver_cancel(waiver=LateFeeWaiver.objects.filter(household=household).get(), cancelled_by=manager)
    assert client.get(url, {"state": "cancelled"}).context["table"].paginator.count == 1
    assert client.get(url, {"state": "active"}).context["table"].paginator.count == 55


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are only meaningful on PostgreSQL")
def test_two_managers_waiving_at_once_cannot_both_take_the_late_fee(monkeypatch):
    community = CommunityFactory()
    household = HouseholdFactory(community=community)
    ChargeFactory(household=household, amount=Decimal("300.00"), due_date=date(2026, 1, 31))
    manager = UserFactory(roles=["manager"])
    original = positions.position

    def slow_position(*args, **kwargs):
        # Widen the window between reading the late fee and writing the waiver, so that a missing lock shows.
        result = original(*args, **kwargs)
        time.sleep(0.2)
        return result

    monkeypatch.setattr("arrears.late_fees.services.position", slow_position)
    barrier = threading.Barrier(2)
    outcomes = []

    def grant_all():
        try:
            barrier.wait()
            grant(household, manager, FEE_MAR_31)
            outcomes.append("granted")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=grant_all) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["granted", "refused"]
    assert LateFeeWaiver.objects.filter(household=household).count() == 1
