"""The notices list and a notice's page: roles, filters (delivery status above all), masking, query counts."""

from datetime import date

import pytest
from django.urls import reverse

from arrears.models.households import OwnerKind
from notices.models import NoticeLevel
from tests.factories import BuildingFactory, CommunityFactory, HouseholdFactory, OwnerFactory
from tests.factories_delivery import DeliveryFactory, NoticeFactory

LIST_URL = reverse("notice_list")
KEEPERS = ["service", "manager", "legal"]


def numbers(response) -> set[str]:
    return {row.record.number for row in response.context["table"].page.object_list}


def detail_url(notice) -> str:
    return reverse("notice_detail", args=[notice.pk])


# Access ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [*KEEPERS, "supervisor"])
def test_notice_roles_open_the_list_and_a_notice(client, user_with_role, role):
    notice = NoticeFactory()
    client.force_login(user_with_role(role))
    assert client.get(LIST_URL).status_code == 200
    assert client.get(detail_url(notice)).status_code == 200


@pytest.mark.parametrize("role", ["staff", "finance", None])
def test_other_roles_get_403(client, user_with_role, role):
    notice = NoticeFactory()
    client.force_login(user_with_role(*([role] if role else [])))
    assert client.get(LIST_URL).status_code == 403
    assert client.get(detail_url(notice)).status_code == 403


def test_anonymous_users_go_to_the_login_page(client, db):
    notice = NoticeFactory()
    for url in (LIST_URL, detail_url(notice)):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_an_unknown_notice_is_404(client, user_with_role):
    client.force_login(user_with_role("service"))
    assert client.get(reverse("notice_detail", args=[999999])).status_code == 404


def test_the_navigation_shows_notices_to_their_roles_only(client, user_with_role):
    client.force_login(user_with_role("service"))
    assert f'href="{LIST_URL}"' in client.get(reverse("home")).content.decode()
    client.force_login(user_with_role("finance"))
    assert f'href="{LIST_URL}"' not in client.get(reverse("home")).content.decode()


def test_the_list_links_to_the_limitation_list_for_keepers_only(client, user_with_role):
    client.force_login(user_with_role("legal"))
    assert reverse("limitation_risk") in client.get(LIST_URL).content.decode()
    client.force_login(user_with_role("supervisor"))
    assert reverse("limitation_risk") not in client.get(LIST_URL).content.decode()


# Filters -----------------------------------------------------------------------------------------------


@pytest.fixture
def delivered_and_not(db):
    delivered = NoticeFactory(number="HY-2026-000001")
    DeliveryFactory(notice=delivered, delivered_on=date(2026, 3, 2))
    DeliveryFactory(notice=delivered, delivered_on=date(2026, 3, 5))  # twice: still one row
    pending = NoticeFactory(number="HY-2026-000002")
    return delivered, pending


def test_filter_by_delivery_status(client, user_with_role, delivered_and_not):
    client.force_login(user_with_role("service"))
    assert numbers(client.get(LIST_URL, {"delivery": "delivered"})) == {"HY-2026-000001"}
    assert numbers(client.get(LIST_URL, {"delivery": "not_delivered"})) == {"HY-2026-000002"}
    assert numbers(client.get(LIST_URL)) == {"HY-2026-000001", "HY-2026-000002"}


def test_the_delivery_column_shows_the_latest_delivery(client, user_with_role, delivered_and_not):
    client.force_login(user_with_role("service"))
    response = client.get(LIST_URL)
    rows = {row.record.number: row.record for row in response.context["table"].page.object_list}
    assert rows["HY-2026-000001"].delivered_on == date(2026, 3, 5)
    assert rows["HY-2026-000002"].delivered_on is None
    content = response.content.decode()
    assert "已送达" in content and "2026-03-05" in content and "未送达" in content


def test_filter_by_community_level_and_building(client, user_with_role):
    here = CommunityFactory(code="HERE")
    building = BuildingFactory(community=here, name="8")
    NoticeFactory(number="A", household=HouseholdFactory(community=here, building=building))
    NoticeFactory(number="B", household=HouseholdFactory(community=here), level=NoticeLevel.LAWYER)
    NoticeFactory(number="C", household=HouseholdFactory(community=CommunityFactory(code="THERE")))
    client.force_login(user_with_role("legal"))
    assert numbers(client.get(LIST_URL, {"community": here.pk})) == {"A", "B"}
    assert numbers(client.get(LIST_URL, {"level": NoticeLevel.LAWYER})) == {"B"}
    assert numbers(client.get(LIST_URL, {"building": building.pk})) == {"A"}


def test_search_by_number_or_room(client, user_with_role):
    household = HouseholdFactory(building=BuildingFactory(name="3"), unit="2", room="1201")
    NoticeFactory(number="HY-2026-000123", household=household)
    NoticeFactory(number="HY-2026-000456")
    client.force_login(user_with_role("service"))
    assert numbers(client.get(LIST_URL, {"q": "000123"})) == {"HY-2026-000123"}
    assert numbers(client.get(LIST_URL, {"q": "3-2-1201"})) == {"HY-2026-000123"}


def test_filter_by_date_range(client, user_with_role):
    NoticeFactory(number="JAN", as_of=date(2026, 1, 15))
    NoticeFactory(number="FEB", as_of=date(2026, 2, 15))
    NoticeFactory(number="MAR", as_of=date(2026, 3, 15))
    client.force_login(user_with_role("manager"))
    response = client.get(LIST_URL, {"date_from": "2026-02-01", "date_to": "2026-03-15"})
    assert numbers(response) == {"FEB", "MAR"}


def test_htmx_gets_the_table_only(client, user_with_role, delivered_and_not):
    client.force_login(user_with_role("service"))
    response = client.get(LIST_URL, {"delivery": "delivered"}, HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert "<html" not in content
    assert "HY-2026-000001" in content and "HY-2026-000002" not in content


# Masking -----------------------------------------------------------------------------------------------


def test_addressees_are_masked_on_the_list(client, user_with_role):
    NoticeFactory(addressee="张大山", household=HouseholdFactory(owner=OwnerFactory(name="张大山")))
    organisation = OwnerFactory(name="华为技术有限公司", kind=OwnerKind.ORGANISATION)
    NoticeFactory(addressee="华为技术有限公司", household=HouseholdFactory(owner=organisation))
    client.force_login(user_with_role("manager"))
    content = client.get(LIST_URL).content.decode()
    assert "张大山" not in content and "张**" in content
    assert "华为技术有限公司" not in content and "华为**" in content


def test_the_notice_page_shows_the_full_addressee_to_keepers_only(client, user_with_role):
    notice = NoticeFactory(addressee="张大山")
    client.force_login(user_with_role("service"))
    assert "张大山" in client.get(detail_url(notice)).content.decode()
    client.force_login(user_with_role("supervisor"))
    content = client.get(detail_url(notice)).content.decode()
    assert "张大山" not in content and "张**" in content


def test_the_notice_page_shows_amounts_household_and_deliveries(client, user_with_role):
    notice = NoticeFactory(number="HY-2026-000777")
    DeliveryFactory(notice=notice, delivered_on=date(2026, 3, 4), tracking_no="EMS123456", method="ems")
    client.force_login(user_with_role("legal"))
    content = client.get(detail_url(notice)).content.decode()
    assert "304.35" in content and "4.35" in content and "300.00" in content
    assert reverse("household_detail", args=[notice.household.pk]) in content
    assert "EMS123456" in content and "2026-03-04" in content


def test_supervisors_get_no_form_no_letter_and_no_photo_link(client, user_with_role):
    notice = NoticeFactory(pdf="notices/letters/x.pdf")
    DeliveryFactory(notice=notice, photo="notices/deliveries/x.jpg")
    client.force_login(user_with_role("supervisor"))
    response = client.get(detail_url(notice))
    content = response.content.decode()
    assert response.context["form"] is None
    assert 'enctype="multipart/form-data"' not in content
    assert reverse("notice_pdf", args=[notice.pk]) not in content
    assert reverse("delivery_photo", args=[notice.deliveries.get().pk]) not in content


# Query count -------------------------------------------------------------------------------------------


def test_the_list_takes_a_bounded_number_of_queries(client, user_with_role, django_assert_max_num_queries):
    community = CommunityFactory()
    for index in range(60):
        notice = NoticeFactory(household=HouseholdFactory(community=community))
        if index % 2:
            DeliveryFactory(notice=notice)
    client.force_login(user_with_role("service"))
    # session, user, groups, the count, the page of notices (household, building, owner, community and the
    # latest delivery joined or as subqueries), the communities and the buildings of the filter.
    with django_assert_max_num_queries(7):
        response = client.get(LIST_URL, {"delivery": "delivered"})
    assert response.context["table"].paginator.count == 30
    with django_assert_max_num_queries(7):
        response = client.get(LIST_URL)
    assert len(response.context["table"].page.object_list) == 50


def test_the_list_links_to_the_batches_for_those_who_make_them(client, user_with_role):
    client.force_login(user_with_role("service"))
    assert reverse("notice_batch_list") in client.get(LIST_URL).content.decode()
    client.force_login(user_with_role("legal"))
    assert reverse("notice_batch_list") not in client.get(LIST_URL).content.decode()
