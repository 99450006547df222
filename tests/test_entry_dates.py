"""Dates of money that moved (a payment, a desk payment, a reversal, a statement's lines) lie in a plausible window:
not after today, not before the community's first charge nor LEDGER_EARLIEST_DATE. Outside it: a Chinese message,
nothing written."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from arrears.entry_dates import entry_floor
from arrears.models import Payment, PaymentReversal
from arrears.models.ledger import PaymentStatus
from arrears.services import payment_record, payment_reverse
from finance.models import StatementUpload
from tests.factories import ChargeFactory
from tests.factories_finance import community_with_households, verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def hy():
    community, households = community_with_households(rooms=("1201",))
    return community, households[0]


def first_charge_start(community):
    return min(c.period_start for h in community.households.all() for c in h.charges.all())


def test_the_floor_is_the_communitys_first_charge_or_the_setting(hy, settings):
    community, household = hy
    assert entry_floor(community.pk) == first_charge_start(community)
    ChargeFactory(household=household, period_start=date(2003, 5, 1), period_end=date(2003, 5, 31))
    assert entry_floor(community.pk) == date(2003, 5, 1)
    settings.LEDGER_EARLIEST_DATE = date(2010, 1, 1)
    assert entry_floor(community.pk) == date(2010, 1, 1)
    empty, _none = community_with_households("KB", rooms=())
    assert entry_floor(empty.pk) == date(2010, 1, 1)


def test_a_payment_before_the_first_charge_is_refused(hy):
    community, household = hy
    before = first_charge_start(community) - timedelta(days=1)
    with pytest.raises(ValidationError, match="收款日期不能早于"):
        payment_record(household=household, amount=Decimal("1.00"), paid_on=before, channel="cash")
    assert not Payment.objects.exists()


@pytest.mark.parametrize("reversed_on", [date(2999, 12, 31), date(9999, 12, 31)])
def test_a_future_reversal_is_refused_and_the_payment_stays_verified(hy, user_with_role, reversed_on):
    _community, household = hy
    finance = user_with_role("finance")
    payment = verified(household, "100.00", verifier=finance)
    with pytest.raises(ValidationError, match="冲正日期不能晚于今天"):
        payment_reverse(payment_id=payment.pk, reversed_by=finance, reason="退款", reversed_on=reversed_on)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.VERIFIED and not PaymentReversal.objects.exists()


def test_the_reversal_page_refuses_a_future_date_in_chinese(client, hy, user_with_role):
    _community, household = hy
    finance = user_with_role("finance")
    payment = verified(household, "100.00", verifier=finance)
    client.force_login(finance)
    url = reverse("finance:payment", args=[payment.pk])
    response = client.post(url, {"reversed_on": "2999-12-31", "reason": "退款"})
    assert response.status_code in (200, 400)
    assert "日期不能晚于" in response.content.decode()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.VERIFIED and not PaymentReversal.objects.exists()


@pytest.mark.parametrize(
    ("paid_on", "message"),
    [("2999-12-31", "日期不能晚于"), ("9999-12-31", "日期不能晚于"), ("1999-12-31", "日期不能早于")],
)
def test_the_desk_refuses_an_implausible_date(client, hy, user_with_role, paid_on, message):
    community, _household = hy
    client.force_login(user_with_role("service"))
    data = {"community": community.pk, "household": "3-2-1201", "amount": "300.00", "channel": "cash"}
    response = client.post(reverse("finance:desk"), {**data, "paid_on": paid_on})
    assert response.status_code in (200, 400)
    assert message in response.content.decode()
    assert not Payment.objects.exists()


def test_the_desk_refuses_a_date_before_the_communitys_first_charge(client, hy, user_with_role):
    community, _household = hy
    before = first_charge_start(community) - timedelta(days=1)
    client.force_login(user_with_role("service"))
    data = {"community": community.pk, "household": "3-2-1201", "amount": "300.00", "channel": "cash"}
    response = client.post(reverse("finance:desk"), {**data, "paid_on": before.isoformat()})
    assert "收款日期不能早于" in response.content.decode()
    assert not Payment.objects.exists()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "2999-01-01"])
def test_a_statement_line_outside_the_window_is_refused_with_its_line(client, hy, user_with_role, day):
    community, _household = hy
    client.force_login(user_with_role("finance"))
    today = timezone.localdate().isoformat()
    text = f"日期,金额,流水号\n{today},300,A\n{day},100,B\n"
    file = SimpleUploadedFile("bank.csv", text.encode(), content_type="text/csv")
    response = client.post(reverse("finance:statements"), {"community": community.pk, "source": "bank", "file": file})
    assert response.status_code == 400
    page = response.content.decode()
    assert "第 3 行" in page and "日期" in page
    assert not StatementUpload.objects.exists()
