from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from arrears.models import OwnerSegment
from arrears.models.households import Occupancy, OwnerKind, Segment
from arrears.services import payment_reverse, payment_verify
from tests.factories import (
    BuildingFactory,
    ChargeFactory,
    CommunityFactory,
    HouseholdFactory,
    OwnerFactory,
    PaymentFactory,
    UserFactory,
)

TODAY = date(2026, 3, 31)
READERS = ["manager", "supervisor", "finance", "service", "legal"]
LIST_URL = reverse("household_list")
# session, user, the user's groups, the page count, the page of households, their owners' segment tags,
# the buildings for the building filter.
LIST_QUERIES = 7
# session, user, groups, the household, its owner's tags, the charges due (the positions' statement, then the
# charges with their fee items), charges not yet due, the household's position (the statement, its waivers),
# payments, their allocations, the household's waivers, its legal-track history, its valid owner link (扫码查账).
# A manager's page also reads the household's audit trail: its entries, its payments' ids, and the records they name.
DETAIL_QUERIES = 22


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    """Pages compute 'as of today'; today is 2026-03-31 in these tests."""
    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return TODAY if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)


def household_owing(amount="300.00", due=date(2026, 1, 31), **kwargs):
    household = HouseholdFactory(**kwargs)
    ChargeFactory(
        household=household, amount=Decimal(amount), due_date=due, period_start=due.replace(day=1), period_end=due
    )
    return household


def rows(response):
    return [row.record for row in response.context["table"].page.object_list]


def detail_url(household, **params):
    url = reverse("household_detail", args=[household.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


# Access ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", READERS)
def test_household_readers_open_the_list_and_the_page(client, user_with_role, role):
    household = household_owing()
    client.force_login(user_with_role(role))
    assert client.get(LIST_URL).status_code == 200
    assert client.get(detail_url(household)).status_code == 200


def test_staff_get_403_on_the_list_and_404_on_a_household(client, user_with_role):
    household = household_owing()
    client.force_login(user_with_role("staff"))
    assert client.get(LIST_URL).status_code == 403
    assert client.get(detail_url(household)).status_code == 404


def test_user_without_role_gets_403(client, user_with_role):
    household = household_owing()
    user = user_with_role()
    user.save()  # UserFactory saves the password only when it adds roles
    client.force_login(user)
    assert client.get(LIST_URL).status_code == 403
    assert client.get(detail_url(household)).status_code == 403  # the same for any id: nothing to guess


def test_anonymous_users_go_to_login(client, db):
    household = household_owing()
    for url in (LIST_URL, detail_url(household)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login") + "?next=")


def test_unknown_household_is_404(client, user_with_role):
    client.force_login(user_with_role("manager"))
    assert client.get(reverse("household_detail", args=[999999])).status_code == 404


# The list ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["supervisor", "finance", "service", "legal"])
def test_list_masks_names_and_phones(client, user_with_role, role):
    person = OwnerFactory(name="张三丰", phone="13812345678")
    household_owing(owner=person, community=person.community)
    company = OwnerFactory(name="华为技术有限公司", phone="0571-88886666", kind=OwnerKind.ORGANISATION)
    household_owing(owner=company, community=company.community)
    client.force_login(user_with_role(role))
    content = client.get(LIST_URL).content.decode()
    assert "张**" in content and "138****5678" in content
    assert "华为**" in content and "********6666" in content
    for secret in ("张三丰", "13812345678", "华为技术", "88886666"):
        assert secret not in content


def test_managers_see_full_names_and_phones_in_the_list(client, user_with_role):
    person = OwnerFactory(name="张三丰", phone="13812345678")
    household_owing(owner=person, community=person.community)
    client.force_login(user_with_role("manager"))
    content = client.get(LIST_URL).content.decode()
    assert "张三丰" in content and "13812345678" in content and "张**" not in content


def _searchable():
    community = CommunityFactory()
    building = BuildingFactory(community=community, name="3")
    zhang = household_owing(
        community=community,
        building=building,
        room="1201",
        owner=OwnerFactory(community=community, name="张三丰", phone="13812345678", phone_alt="0571-88886666"),
    )
    li = household_owing(
        community=community,
        building=building,
        room="1202",
        owner=OwnerFactory(community=community, name="李四", phone="13900001111"),
    )
    return zhang, li


@pytest.mark.parametrize(
    "text", ["张三", "三丰", "13812345678", "5678", "138 1234 5678", "88886666", "0571-8888"]
)  # fmt: skip
def test_a_manager_finds_a_household_by_owner_name_or_phone(client, user_with_role, text):
    zhang, _li = _searchable()
    client.force_login(user_with_role("manager"))
    assert rows(client.get(LIST_URL, {"q": text})) == [zhang]


@pytest.mark.parametrize("role", ["supervisor", "finance", "service", "legal"])
def test_roles_that_see_masked_names_cannot_search_by_name_or_phone(client, user_with_role, role):
    zhang, _li = _searchable()
    client.force_login(user_with_role(role))
    for text in ("张三丰", "张", "13812345678", "5678"):
        assert rows(client.get(LIST_URL, {"q": text})) == [], text
    assert rows(client.get(LIST_URL, {"q": "3-1-1201"})) == [zhang]  # the room still finds it


def test_list_shows_label_community_occupancy_segments_and_arrears(client, user_with_role):
    community = CommunityFactory(name="阳光花园")
    building = BuildingFactory(community=community, name="3")
    household = household_owing(
        "1234.50", community=community, building=building, unit="2", room="1201", occupancy=Occupancy.VACANT
    )
    OwnerSegment.objects.create(owner=household.owner, segment=Segment.HARD_REFUSER)
    OwnerSegment.objects.create(owner=household.owner, segment=Segment.KEY_PERSON)
    client.force_login(user_with_role("supervisor"))
    content = client.get(LIST_URL).content.decode()
    assert f'href="{detail_url(household)}">3-2-1201</a>' in content
    assert "阳光花园" in content
    assert "空置" in content
    assert "钉子户、关键人物" in content
    assert "1,234.50" in content


def test_arrears_count_only_charges_due_before_today_less_payments(client, user_with_role):
    household = household_owing("300.00")
    ChargeFactory(
        household=household,
        amount=Decimal("500.00"),
        due_date=TODAY,
        period_start=date(2026, 3, 1),
        period_end=date(2026, 3, 31),
    )
    payment_verify(payment_id=PaymentFactory(household=household).pk, verified_by=None)
    client.force_login(user_with_role("finance"))
    [record] = rows(client.get(LIST_URL))
    assert record.overdue == Decimal("200.00")


def test_default_order_is_arrears_descending_and_sortable_ascending(client, user_with_role):
    small, large, middle = household_owing("10.00"), household_owing("900.00"), household_owing("300.00")
    client.force_login(user_with_role("manager"))
    assert rows(client.get(LIST_URL)) == [large, middle, small]
    assert rows(client.get(LIST_URL, {"sort": "overdue"})) == [small, middle, large]
    assert rows(client.get(LIST_URL, {"sort": "-overdue"})) == [large, middle, small]


def test_sort_by_label(client, user_with_role):
    community = CommunityFactory()
    building = BuildingFactory(community=community, name="1")
    b = household_owing("1.00", community=community, building=building, unit="1", room="102")
    a = household_owing("2.00", community=community, building=building, unit="1", room="101")
    client.force_login(user_with_role("manager"))
    assert rows(client.get(LIST_URL, {"sort": "label"})) == [a, b]


def test_filter_by_building(client, user_with_role):
    community = CommunityFactory()
    one, two = BuildingFactory(community=community, name="1"), BuildingFactory(community=community, name="2")
    in_one = household_owing(community=community, building=one)
    household_owing(community=community, building=two)
    client.force_login(user_with_role("manager"))
    response = client.get(LIST_URL, {"building": one.pk})
    assert rows(response) == [in_one]
    assert f'<option value="{two.pk}">2</option>' in response.content.decode()  # one community: no group


def test_filter_by_occupancy(client, user_with_role):
    vacant = household_owing(occupancy=Occupancy.VACANT)
    household_owing(occupancy=Occupancy.OCCUPIED)
    client.force_login(user_with_role("manager"))
    assert rows(client.get(LIST_URL, {"occupancy": Occupancy.VACANT})) == [vacant]


def test_filter_by_segment(client, user_with_role):
    refuser = household_owing()
    OwnerSegment.objects.create(owner=refuser.owner, segment=Segment.HARD_REFUSER)
    swing = household_owing()
    OwnerSegment.objects.create(owner=swing.owner, segment=Segment.SWING)
    household_owing()
    client.force_login(user_with_role("manager"))
    assert rows(client.get(LIST_URL, {"segment": Segment.HARD_REFUSER})) == [refuser]


def test_filter_by_minimum_arrears(client, user_with_role):
    exactly, above = household_owing("500.00"), household_owing("800.00")
    household_owing("499.99")
    paid_up = household_owing("600.00")
    payment_verify(payment_id=PaymentFactory(household=paid_up, amount=Decimal("600.00")).pk, verified_by=None)
    client.force_login(user_with_role("manager"))
    assert rows(client.get(LIST_URL, {"min_overdue": "500"})) == [above, exactly]


def test_search_by_room_label(client, user_with_role):
    community = CommunityFactory()
    building = BuildingFactory(community=community, name="3")
    wanted = household_owing(community=community, building=building, unit="2", room="1201")
    no_unit = household_owing(community=community, building=building, unit="", room="1301")
    household_owing(community=community, building=building, unit="2", room="501")
    client.force_login(user_with_role("manager"))
    assert rows(client.get(LIST_URL, {"q": "3-2-1201"})) == [wanted]
    assert rows(client.get(LIST_URL, {"q": "1201"})) == [wanted]
    assert rows(client.get(LIST_URL, {"q": "3-1301"})) == [no_unit]


def test_list_is_paginated_by_50(client, user_with_role):
    for _ in range(55):
        household_owing()
    client.force_login(user_with_role("manager"))
    assert len(rows(client.get(LIST_URL))) == 50
    response = client.get(LIST_URL, {"page": 2})
    assert len(rows(response)) == 5
    assert "第 2 / 2 页" in response.content.decode()


def test_htmx_request_gets_only_the_table(client, user_with_role):
    household_owing()
    client.force_login(user_with_role("manager"))
    full = client.get(LIST_URL).content.decode()
    fragment = client.get(LIST_URL, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" in full and 'id="household-table"' in full
    assert "<html" not in fragment and fragment.lstrip().startswith('<div id="household-table"')


def test_htmx_history_restore_gets_the_whole_page(client, user_with_role):
    client.force_login(user_with_role("manager"))
    response = client.get(LIST_URL, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in response.content.decode()


@pytest.mark.parametrize("count", [5, 60])
def test_list_runs_a_fixed_number_of_queries(client, user_with_role, django_assert_num_queries, count):
    community = CommunityFactory()
    buildings = [BuildingFactory(community=community, name=str(n)) for n in range(1, 4)]
    for n in range(count):
        household = household_owing(community=community, building=buildings[n % 3])
        OwnerSegment.objects.create(owner=household.owner, segment=Segment.SWING)
    client.force_login(user_with_role("manager"))
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(LIST_URL)
    assert len(rows(response)) == min(count, 50)


@pytest.fixture
def english_leaves_no_trace():
    """A request in English leaves English active in the thread; put the default back for later tests."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def test_list_headings_in_english(client, user_with_role, english_leaves_no_trace):
    household_owing()
    client.force_login(user_with_role("manager"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    content = client.get(LIST_URL).content.decode()
    assert "Household arrears" in content
    assert "Overdue principal" in content
    assert "Occupancy" in content
    assert "房屋欠费" not in content


# The household page -----------------------------------------------------------------------------------------


@pytest.fixture
def worked_example(db):
    """DOMAIN.md: 300.00 due 2026-01-31, 100.00 paid (and verified) on 2026-03-02."""
    owner = OwnerFactory(name="张三丰", phone="13812345678", phone_alt="13900001111", address="阳光路 1 号")
    household = household_owing("300.00", owner=owner, community=owner.community)
    payment = PaymentFactory(household=household, amount=Decimal("100.00"), paid_on=date(2026, 3, 2))
    payment_verify(payment_id=payment.pk, verified_by=UserFactory(username="cashier"))
    return household


def test_detail_shows_the_worked_example_late_fee(client, user_with_role, worked_example):
    client.force_login(user_with_role("finance"))
    response = client.get(detail_url(worked_example, as_of="2026-03-31"))
    content = response.content.decode()
    assert response.context["principal"] == Decimal("200.00")
    assert response.context["late_fee"] == Decimal("7.35")
    assert response.context["total"] == Decimal("207.35")
    assert "7.35" in content and "207.35" in content
    assert "违约金" in content and "滞纳金" not in content


def test_detail_as_of_today_by_default(client, user_with_role, worked_example):
    client.force_login(user_with_role("finance"))
    response = client.get(detail_url(worked_example))
    assert response.context["as_of"] == TODAY
    assert response.context["late_fee"] == Decimal("7.35")


def test_detail_as_of_an_earlier_date(client, user_with_role, worked_example):
    client.force_login(user_with_role("finance"))
    response = client.get(detail_url(worked_example, as_of="2026-03-01"))
    # Feb 1 – Mar 1 at 300.00: 29 × 0.15 = 4.35; the payment of Mar 2 is not counted yet.
    assert response.context["principal"] == Decimal("300.00")
    assert response.context["late_fee"] == Decimal("4.35")


def test_detail_ignores_a_bad_date(client, user_with_role, worked_example):
    client.force_login(user_with_role("finance"))
    response = client.get(detail_url(worked_example, as_of="31/03/2026"))
    assert response.status_code == 200
    assert response.context["as_of"] == TODAY
    assert "YYYY-MM-DD" in response.content.decode()


def test_detail_shows_charges_payments_and_allocations(client, user_with_role, worked_example):
    ChargeFactory(
        household=worked_example,
        amount=Decimal("450.00"),
        period_start=date(2026, 4, 1),
        period_end=date(2026, 4, 30),
        due_date=date(2026, 4, 30),
    )
    client.force_login(user_with_role("supervisor"))
    response = client.get(detail_url(worked_example))
    content = response.content.decode()
    due, not_due = response.context["charges"]
    assert (due.amount, due.paid, due.outstanding, due.late_fee) == (
        Decimal("300.00"),
        Decimal("100.00"),
        Decimal("200.00"),
        Decimal("7.35"),
    )
    assert not not_due.is_due and not_due.outstanding == Decimal("450.00") and not_due.late_fee == Decimal("0.00")
    assert response.context["principal"] == Decimal("200.00")
    [payment] = response.context["payments"]
    assert payment.receipt_no in content
    assert "cashier" not in content or payment.collected_by is None
    assert "现金" in content and "已复核" in content
    assert "2026-03-02" in content
    assert "未到期" in content


def test_detail_shows_reversal_allocations_as_negative(client, user_with_role, worked_example):
    payment = worked_example.payments.get()
    payment_reverse(payment_id=payment.pk, reversed_by=None, reason="银行退票", reversed_on=date(2026, 3, 10))
    client.force_login(user_with_role("finance"))
    response = client.get(detail_url(worked_example))
    content = response.content.decode()
    assert "-100.00" in content and "冲正" in content
    assert response.context["principal"] == Decimal("300.00")


def test_detail_masks_the_owner_for_other_roles(client, user_with_role, worked_example):
    client.force_login(user_with_role("supervisor"))
    content = client.get(detail_url(worked_example)).content.decode()
    assert "张**" in content and "138****5678" in content
    for secret in ("张三丰", "13812345678", "13900001111", "阳光路"):
        assert secret not in content


def test_detail_shows_full_contact_to_managers(client, user_with_role, worked_example):
    client.force_login(user_with_role("manager"))
    content = client.get(detail_url(worked_example)).content.decode()
    assert "张三丰" in content
    assert 'href="tel:13812345678"' in content
    assert "13900001111" in content and "阳光路 1 号" in content


def test_detail_shows_the_policy_in_force(client, user_with_role, worked_example):
    client.force_login(user_with_role("manager"))
    content = client.get(detail_url(worked_example)).content.decode()
    assert "0.05%" in content and "18.25%" in content
    assert "不设上限" in content


@pytest.mark.parametrize("size", [1, 8])
def test_detail_runs_a_fixed_number_of_queries(client, user_with_role, django_assert_num_queries, size):
    owner = OwnerFactory()
    OwnerSegment.objects.create(owner=owner, segment=Segment.ABSENTEE)
    household = HouseholdFactory(owner=owner, community=owner.community)
    collector = UserFactory()
    for month in range(1, size + 1):
        ChargeFactory(
            household=household,
            period_start=date(2025, month, 1),
            period_end=date(2025, month, 28),
            due_date=date(2025, month, 28),
        )
        ChargeFactory(
            household=household,
            period_start=date(2026, month, 1),
            period_end=date(2026, month, 28),
            due_date=date(2026, 4 + month % 8, 28),
        )
        payment = PaymentFactory(household=household, paid_on=date(2026, 2, month), collected_by=collector)
        payment_verify(payment_id=payment.pk, verified_by=None)
    client.force_login(user_with_role("manager"))
    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(detail_url(household))
    assert len(response.context["payments"]) == size


def test_household_without_owner_shows_on_the_list_and_its_page(client, user_with_role):
    household = household_owing(owner=None)
    client.force_login(user_with_role("manager"))
    assert rows(client.get(LIST_URL)) == [household]
    response = client.get(detail_url(household))
    assert response.status_code == 200
    assert "未登记业主" in response.content.decode()


def test_detail_page_in_english_says_late_fee(client, user_with_role, worked_example, english_leaves_no_trace):
    client.force_login(user_with_role("finance"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    content = client.get(detail_url(worked_example, as_of="2026-03-31")).content.decode()
    assert "Late fee" in content and "Overdue principal" in content and "7.35" in content
