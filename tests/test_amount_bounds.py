"""Amounts above arrears.money.MAX_AMOUNT (10,000,000.00) or below zero are refused at every input, in Chinese,
with nothing written; a notices batch over a ledger that already holds such amounts still finishes."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from arrears.late_fees.services import waiver_grant
from arrears.models import Charge, LateFeeWaiver, Payment
from arrears.money import MAX_AMOUNT
from arrears.services import charge_post, payment_record
from assignments.models import Assignment, Campaign, Contact
from assignments.services import contact_record
from finance.models import StatementUpload
from tests.factories import FeeItemFactory, StaffFactory
from tests.factories_finance import community_with_households

pytestmark = pytest.mark.django_db
TOO_MUCH = MAX_AMOUNT + Decimal("0.01")


@pytest.fixture
def hy():
    community, households = community_with_households(rooms=("1201", "1202"))
    return community, households[0]


def test_the_services_refuse_more_than_the_limit(hy):
    _community, household = hy
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="单笔上限 10,000,000.00 元"):
        payment_record(household=household, amount=TOO_MUCH, paid_on=today, channel="cash")
    with pytest.raises(ValidationError, match="单笔上限"):
        charge_post(
            household=household,
            fee_item=FeeItemFactory(),
            period_start=date(2026, 2, 1),
            period_end=date(2026, 2, 28),
            amount=Decimal("999999999999.99"),
            due_date=date(2026, 2, 28),
        )
    assert not Payment.objects.exists() and Charge.objects.filter(household=household).count() == 1
    payment_record(household=household, amount=MAX_AMOUNT, paid_on=today, channel="cash")  # the limit itself


def test_a_waiver_above_the_limit_is_refused(hy, user_with_role):
    _community, household = hy
    with pytest.raises(ValidationError, match="单笔上限"):
        waiver_grant(
            household=household,
            amount=TOO_MUCH,
            waived_on=timezone.localdate(),
            reason="测试",
            approved_by=user_with_role("manager"),
        )
    assert not LateFeeWaiver.objects.exists()


def test_a_contact_with_an_implausible_payment_or_promise_is_refused(hy):
    _community, household = hy
    staff = StaffFactory()
    with pytest.raises(ValidationError) as paid:
        contact_record(
            household=household,
            staff=staff,
            channel="visit",
            outcome="paid",
            payment_amount=TOO_MUCH,
            payment_channel="cash",
        )
    assert "单笔上限" in str(paid.value.message_dict["payment_amount"])
    with pytest.raises(ValidationError) as promised:
        contact_record(
            household=household,
            staff=staff,
            channel="visit",
            outcome="promised",
            promised_date=timezone.localdate() + timedelta(days=3),
            promised_amount=TOO_MUCH,
        )
    assert "单笔上限" in str(promised.value.message_dict["promised_amount"])
    assert not Contact.objects.exists() and not Payment.objects.exists()


@pytest.mark.parametrize(("amount", "message"), [("999999999999.99", "单笔上限"), ("10000000.01", "单笔上限")])
def test_the_desk_refuses_an_implausible_amount(client, hy, user_with_role, amount, message):
    community, _household = hy
    client.force_login(user_with_role("service"))
    data = {"community": community.pk, "household": "3-2-1201", "channel": "cash"}
    response = client.post(
        reverse("finance:desk"), {**data, "amount": amount, "paid_on": timezone.localdate().isoformat()}
    )
    assert message in response.content.decode()
    assert not Payment.objects.exists()


def test_the_record_form_refuses_an_implausible_field_payment(client, hy):
    community, household = hy
    staff = StaffFactory()
    today = timezone.localdate()
    campaign = Campaign.objects.create(name="冬季催费", start_date=today, end_date=today + timedelta(days=9))
    campaign.communities.add(community)
    Assignment.objects.create(campaign=campaign, day=today, household=household, staff=staff)
    client.force_login(staff.user)
    data = {"channel": "visit", "outcome": "paid", "payment_amount": "999999999999.99", "payment_channel": "cash"}
    response = client.post(reverse("contact_record", args=[household.pk]), data)
    assert "单笔上限" in response.content.decode()
    assert not Payment.objects.exists() and not Contact.objects.exists()


@pytest.mark.parametrize("amount", ["99999999999.99", "-5.00"])
def test_the_waiver_form_refuses_an_implausible_amount(client, hy, user_with_role, amount):
    _community, household = hy
    client.force_login(user_with_role("manager"))
    response = client.post(
        reverse("waiver_create", args=[household.pk]),
        {"amount": amount, "waived_on": timezone.localdate().isoformat(), "reason": "测试"},
    )
    assert response.status_code == 400
    assert not LateFeeWaiver.objects.exists()


def test_a_statement_line_above_the_limit_is_refused_with_its_line(client, hy, user_with_role):
    community, _household = hy
    client.force_login(user_with_role("finance"))
    today = timezone.localdate().isoformat()
    text = f"日期,金额,流水号\n{today},300,A\n{today},999999999999.99,B\n"
    file = SimpleUploadedFile("bank.csv", text.encode(), content_type="text/csv")
    response = client.post(reverse("finance:statements"), {"community": community.pk, "source": "bank", "file": file})
    assert response.status_code == 400
    page = response.content.decode()
    assert "第 3 行" in page and "单笔上限" in page
    assert not StatementUpload.objects.exists()


def test_a_batch_over_a_ledger_holding_implausible_amounts_still_finishes(settings, tmp_path):
    from notices.models import BatchStatus, Notice, NoticeLevel
    from notices.services import BatchCriteria, batch_create, batch_render
    from tests.factories_notices import AS_OF, household_in_arrears, letter_community

    settings.MEDIA_ROOT = tmp_path / "media"
    community = letter_community()
    sound = household_in_arrears(community, room="101")
    huge = household_in_arrears(community, room="102", amount=Decimal("999999999999.99"), paid_late=False)
    assert Charge.objects.filter(household=huge).count() == 3  # written before the bound (directly, as of old)
    batch = batch_create(
        criteria=BatchCriteria(community=community, level=NoticeLevel.DEMAND, as_of=AS_OF), enqueue=False
    )
    batch = batch_render(batch_id=batch.pk)
    assert batch.status == BatchStatus.DONE
    assert list(Notice.objects.values_list("household_id", flat=True)) == [sound.pk]
    assert batch.household_ids == [sound.pk]


def test_the_batch_preview_says_which_households_are_left_out(client, user_with_role):
    from tests.factories_notices import AS_OF, household_in_arrears, letter_community

    community = letter_community()
    household_in_arrears(community, room="101")
    household_in_arrears(community, room="102", amount=Decimal("999999999999.99"), paid_late=False)
    client.force_login(user_with_role("service"))
    data = {"community": community.pk, "level": "demand", "as_of": AS_OF.isoformat()}
    response = client.get(reverse("notice_batch_preview"), data)
    assert response.status_code == 200
    assert response.context["preview"].count == 1
    assert "1 户有超过单笔上限" in response.content.decode()
