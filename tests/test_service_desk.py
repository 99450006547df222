"""Service-desk payment entry (前台收款): a household by its label, validation in Chinese, a pending payment."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from arrears.models import Payment
from arrears.models.ledger import PaymentStatus
from finance.forms import household_by_label
from tests.factories import HouseholdFactory
from tests.factories_finance import community_with_households

pytestmark = pytest.mark.django_db

DESK_URL = reverse("finance:desk")


@pytest.fixture
def hy():
    community, households = community_with_households(rooms=("1201",))
    shop = HouseholdFactory(community=community, building=households[0].building, unit="", room="S01")
    return community, households[0], shop


def post(client, where, **overrides):
    data = {
        "community": where.pk,
        "household": "3-2-1201",
        "amount": "300.00",
        "channel": "cash",
        "paid_on": timezone.localdate().isoformat(),
        "reference": "",
        "note": "",
        **overrides,
    }
    return client.post(DESK_URL, data)


@pytest.mark.parametrize("role", ["service", "finance"])
def test_service_and_finance_record_a_pending_payment(client, user_with_role, hy, role):
    community, flat, _shop = hy
    user = user_with_role(role)
    client.force_login(user)
    assert client.get(DESK_URL).status_code == 200
    response = post(client, community, note="前台")
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert (payment.household, payment.amount, payment.status, payment.collected_by, payment.note) == (
        flat,
        Decimal("300.00"),
        PaymentStatus.PENDING,
        user,
        "前台",
    )
    page = client.get(response["Location"]).content.decode()
    assert "已登记 3-2-1201 收款 300.00 元,待财务复核" in page and "待复核" in page


@pytest.mark.parametrize("role", ["manager", "staff", "legal", "supervisor"])
def test_other_roles_are_refused(client, user_with_role, hy, role):
    client.force_login(user_with_role(role))
    assert client.get(DESK_URL).status_code == 403
    assert post(client, hy[0]).status_code == 403
    assert not Payment.objects.exists()


def test_a_household_without_unit_is_found_by_building_and_room(hy):
    community, flat, shop = hy
    assert household_by_label(community, "3-S01") == shop
    assert household_by_label(community, " 3-2-1201 ") == flat
    assert household_by_label(community, "3-1201") is None
    assert household_by_label(community, "9-9-9") is None


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"household": "9-9-901"}, "没有房屋「9-9-901」"),
        ({"household": ""}, "请填写房号"),
        ({"amount": ""}, "请填写收款金额"),
        ({"amount": "0"}, "收款金额必须大于零"),
        ({"amount": "1.234"}, "金额最多两位小数"),
        ({"channel": "wechat"}, "非现金收款请填写交易流水号"),
        ({"paid_on": "2026-13-01"}, "日期格式应为 YYYY-MM-DD"),
        ({"paid_on": (timezone.localdate() + timedelta(days=1)).isoformat()}, "收款日期不能晚于今天"),
        ({"community": ""}, "请选择小区"),
    ],
)
def test_bad_input_is_refused_in_chinese(client, user_with_role, hy, overrides, message):
    client.force_login(user_with_role("service"))
    response = post(client, hy[0], **overrides)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Payment.objects.exists()


def test_a_payment_recorded_at_the_desk_reaches_the_queue(client, user_with_role, hy):
    community, flat, _shop = hy
    client.force_login(user_with_role("service"))
    post(client, community, channel="wechat", reference="4200001234")
    client.force_login(user_with_role("finance"))
    page = client.get(reverse("finance:queue")).content.decode()
    assert "4200001234" in page and "3-2-1201" in page
