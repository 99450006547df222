"""The limitation-risk list: old unpaid charges with no delivered notice since, oldest first."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from arrears.models import Allocation
from arrears.models.ledger import PaymentStatus
from notices.selectors import limitation_date, limitation_risk, months_before, risk_cutoff, years_after
from tests.factories import BuildingFactory, ChargeFactory, CommunityFactory, HouseholdFactory, PaymentFactory
from tests.factories_delivery import DeliveryFactory, NoticeFactory

AS_OF = date(2026, 3, 31)
CUTOFF = date(2023, 9, 30)  # 2.5 years before AS_OF
URL = reverse("limitation_risk")


def charge(household=None, due=date(2023, 8, 31), amount="1200.00", **kwargs):
    """A yearly charge due on ``due`` (2.6 years before AS_OF by default)."""
    household = household or HouseholdFactory(**kwargs)
    return ChargeFactory(
        household=household,
        amount=Decimal(amount),
        due_date=due,
        period_start=due.replace(month=1, day=1),
        period_end=due.replace(month=12, day=31),
    )


def deliver(household, on: date):
    return DeliveryFactory(notice=NoticeFactory(household=household), delivered_on=on)


def pay(charge, amount: str, on: date):
    """A verified payment allocated to ``charge`` (written directly: the allocation rules are tested elsewhere)."""
    payment = PaymentFactory(
        household=charge.household, amount=Decimal(amount), paid_on=on, status=PaymentStatus.VERIFIED
    )
    Allocation.objects.create(payment=payment, charge=charge, amount=Decimal(amount), applied_on=on)


def listed(as_of=AS_OF, **kwargs) -> list:
    return list(limitation_risk(as_of=as_of, **kwargs))


# Dates ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 3, 31), 30, date(2023, 9, 30)),
        (date(2026, 8, 31), 6, date(2026, 2, 28)),
        (date(2026, 1, 15), 1, date(2025, 12, 15)),
        (date(2024, 2, 29), -12, date(2025, 2, 28)),
    ],
)
def test_months_before_keeps_the_day_or_takes_the_month_end(day, months, expected):
    assert months_before(day, months) == expected


def test_years_after_and_the_cutoff():
    assert years_after(date(2024, 2, 29), 3) == date(2027, 2, 28)
    assert years_after(date(2023, 8, 31), 3) == date(2026, 8, 31)
    assert risk_cutoff(AS_OF) == CUTOFF


# Which charges ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_charge_due_two_point_six_years_ago_and_unpaid_is_listed():
    old = charge()
    rows = listed()
    assert [row.pk for row in rows] == [old.pk]
    assert rows[0].outstanding == Decimal("1200.00")
    assert rows[0].last_delivery is None
    assert limitation_date(rows[0]) == date(2026, 8, 31)


@pytest.mark.django_db
def test_a_charge_due_less_than_two_and_a_half_years_ago_is_not_listed():
    charge(due=CUTOFF)  # due on the cutoff day: exactly 2.5 years old, not more
    charge(due=date(2024, 1, 31))
    assert listed() == []


@pytest.mark.django_db
def test_a_delivered_notice_after_the_due_date_removes_the_charge():
    old = charge()
    deliver(old.household, date(2025, 6, 1))
    assert listed() == []


@pytest.mark.django_db
def test_a_delivery_before_the_due_date_does_not_count():
    old = charge()
    deliver(old.household, date(2023, 8, 1))
    rows = listed()
    assert [row.pk for row in rows] == [old.pk]
    assert rows[0].last_delivery == date(2023, 8, 1)
    assert limitation_date(rows[0]) == date(2026, 8, 31)


@pytest.mark.django_db
def test_a_delivery_after_the_due_date_restarts_the_period_but_can_itself_grow_old():
    old = charge(due=date(2022, 6, 30))
    deliver(old.household, date(2023, 6, 1))  # restarted the period, which now ends 2026-06-01
    rows = listed()
    assert [row.pk for row in rows] == [old.pk]
    assert rows[0].last_delivery == date(2023, 6, 1)
    assert limitation_date(rows[0]) == date(2026, 6, 1)


@pytest.mark.django_db
def test_a_delivery_after_the_as_of_date_does_not_count_yet():
    old = charge()
    deliver(old.household, date(2026, 4, 15))
    assert [row.pk for row in listed()] == [old.pk]
    assert listed(as_of=date(2026, 4, 30)) == []


@pytest.mark.django_db
def test_a_notice_delivered_to_another_household_does_not_count():
    old = charge()
    deliver(HouseholdFactory(community=old.household.community), date(2025, 6, 1))
    assert [row.pk for row in listed()] == [old.pk]


@pytest.mark.django_db
def test_an_undelivered_notice_does_not_count():
    old = charge()
    NoticeFactory(household=old.household)
    assert [row.pk for row in listed()] == [old.pk]


@pytest.mark.django_db
def test_a_paid_charge_is_not_listed_and_a_part_paid_one_shows_what_is_left():
    paid = charge()
    pay(paid, "1200.00", date(2024, 1, 10))
    part = charge()
    pay(part, "200.00", date(2024, 1, 10))
    rows = listed()
    assert [row.pk for row in rows] == [part.pk]
    assert rows[0].outstanding == Decimal("1000.00")


@pytest.mark.django_db
def test_a_payment_after_the_as_of_date_is_ignored():
    old = charge()
    pay(old, "1200.00", date(2026, 3, 20))
    assert listed() == []
    assert [row.pk for row in listed(as_of=date(2026, 3, 19))] == [old.pk]


@pytest.mark.django_db
def test_oldest_due_first():
    community = CommunityFactory()
    newer = charge(due=date(2023, 8, 31), community=community)
    oldest = charge(due=date(2021, 12, 31), community=community)
    middle = charge(due=date(2022, 12, 31), community=community)
    assert [row.pk for row in listed()] == [oldest.pk, middle.pk, newer.pk]


# The page -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["legal", "manager", "service"])
def test_legal_managers_and_service_open_the_list(client, user_with_role, role):
    charge()
    client.force_login(user_with_role(role))
    response = client.get(URL, {"as_of": AS_OF.isoformat()})
    assert response.status_code == 200
    assert len(response.context["table"].page.object_list) == 1


@pytest.mark.parametrize("role", ["supervisor", "staff", "finance"])
def test_other_roles_get_403(client, user_with_role, role):
    client.force_login(user_with_role(role))
    assert client.get(URL).status_code == 403


def test_anonymous_users_go_to_the_login_page(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_page_shows_the_columns(client, user_with_role):
    old = charge(amount="1234.50")
    deliver(old.household, date(2023, 8, 1))
    client.force_login(user_with_role("legal"))
    content = client.get(URL, {"as_of": AS_OF.isoformat()}).content.decode()
    assert old.household.label in content
    assert "1,234.50" in content
    assert "2023-08-31" in content  # due date
    assert "2026-08-31" in content  # limitation date
    assert ">153<" in content  # days left from 2026-03-31
    assert "2023-08-01" in content and "不计" in content


def test_a_charge_past_its_limitation_date_says_so(client, user_with_role):
    charge(due=date(2022, 12, 31))
    client.force_login(user_with_role("legal"))
    content = client.get(URL, {"as_of": AS_OF.isoformat()}).content.decode()
    assert "已届满 90 天" in content


def test_a_malformed_date_falls_back_to_today_with_a_message(client, user_with_role):
    client.force_login(user_with_role("legal"))
    response = client.get(URL, {"as_of": "2026-13-01"})
    assert response.status_code == 200
    assert "日期格式应为" in response.content.decode()


def test_filter_by_community_and_building(client, user_with_role):
    here = CommunityFactory(code="HERE")
    there = CommunityFactory(code="THERE")
    building = BuildingFactory(community=here, name="8")
    in_building = charge(community=here, building=building)
    elsewhere_in_community = charge(community=here, building=BuildingFactory(community=here, name="9"))
    charge(community=there)
    client.force_login(user_with_role("legal"))

    def pks(**params):
        response = client.get(URL, {"as_of": AS_OF.isoformat(), **params})
        return {row.record.pk for row in response.context["table"].page.object_list}

    assert pks(community=here.pk) == {in_building.pk, elsewhere_in_community.pk}
    assert pks(building=building.pk) == {in_building.pk}


def test_htmx_gets_the_table_only(client, user_with_role):
    client.force_login(user_with_role("legal"))
    response = client.get(URL, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<html" not in response.content.decode()


def test_a_page_of_many_rows_takes_a_bounded_number_of_queries(client, user_with_role, django_assert_max_num_queries):
    community = CommunityFactory()
    for index in range(60):
        household = HouseholdFactory(community=community)
        charge(household, due=date(2021, 1, 1 + index % 28))
        if index % 3 == 0:
            deliver(household, date(2021, 1, 1))  # before the due date: does not count, but is shown
    client.force_login(user_with_role("legal"))
    # session, user, groups, the count, the page of charges (with their household, building, community,
    # fee item, paid amount and last delivery), the communities and the buildings of the filter.
    with django_assert_max_num_queries(7):
        response = client.get(URL, {"as_of": AS_OF.isoformat()})
    assert response.context["table"].paginator.count == 60
    assert len(response.context["table"].page.object_list) == 50
