from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from arrears.models import OwnerSegment
from arrears.models.households import Segment
from arrears.services import payment_verify
from tests.factories import ChargeFactory, HouseholdFactory, PaymentFactory, StaffFactory, UserFactory

CHANGELISTS = [
    "arrears_community",
    "arrears_building",
    "arrears_household",
    "arrears_owner",
    "arrears_feeitem",
    "arrears_charge",
    "arrears_payment",
    "arrears_allocation",
    "arrears_paymentreversal",
    "assignments_department",
    "assignments_staff",
]
LEDGER = ["arrears_charge", "arrears_payment", "arrears_allocation", "arrears_paymentreversal"]


@pytest.fixture
def admin_client(client, db):
    user = UserFactory(username="root", is_superuser=True, is_staff=True)
    user.save()
    client.force_login(user)
    household = HouseholdFactory(room="1201")
    OwnerSegment.objects.create(owner=household.owner, segment=Segment.SWING)
    ChargeFactory(household=household)
    payment_verify(payment_id=PaymentFactory(household=household, paid_on=date(2026, 3, 2)).pk, verified_by=user)
    StaffFactory()
    return client


@pytest.mark.parametrize("name", CHANGELISTS)
def test_changelists_load_for_a_superuser(admin_client, name):
    assert admin_client.get(reverse(f"admin:{name}_changelist")).status_code == 200


@pytest.mark.parametrize("name", LEDGER)
def test_the_ledger_cannot_be_added_in_the_admin(admin_client, name):
    assert admin_client.get(reverse(f"admin:{name}_add")).status_code == 403


def test_a_payment_is_shown_read_only_with_its_allocations(admin_client):
    from arrears.models import Payment

    payment = Payment.objects.get()
    url = reverse("admin:arrears_payment_change", args=[payment.pk])
    response = admin_client.get(url)
    content = response.content.decode()
    assert response.status_code == 200
    assert payment.receipt_no in content
    assert 'name="_save"' not in content
    assert admin_client.post(url, {"amount": "1.00"}).status_code == 403
    payment.refresh_from_db()
    assert payment.amount == Decimal("100.00")


def test_household_search_by_room_and_owner_name(admin_client):
    from arrears.models import Household

    household = Household.objects.get()
    url = reverse("admin:arrears_household_changelist")
    assert household.label in admin_client.get(url, {"q": "1201"}).content.decode()
    assert household.label in admin_client.get(url, {"q": household.owner.name}).content.decode()
    assert household.label not in admin_client.get(url, {"q": "no-such-room"}).content.decode()


def test_household_changelist_filters_by_community_and_occupancy(admin_client):
    from arrears.models import Household

    household = Household.objects.get()
    url = reverse("admin:arrears_household_changelist")
    response = admin_client.get(url, {"community__id__exact": household.community_id, "occupancy__exact": "occupied"})
    assert response.status_code == 200
    assert household.label in response.content.decode()


def test_staff_admin_lists_staff(admin_client):
    response = admin_client.get(reverse("admin:assignments_staff_changelist"))
    assert "员工" in response.content.decode()


def test_non_staff_users_cannot_open_the_admin(client, user_with_role):
    client.force_login(user_with_role("manager"))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
