"""A collector edits or withdraws their own contact (a promise included) the same day, kept in the history; a
promise saved twice is one promise."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from arrears.models.ledger import PaymentChannel
from assignments.models import Campaign, Contact, ContactRevision, Outcome, RevisionKind
from assignments.selectors import household_cards
from assignments.services import contact_edit, contact_record, contact_withdraw, split_for_day
from tests.factories import ChargeFactory, HouseholdFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def held():
    """A household in arrears dealt to a collector today."""
    today = timezone.localdate()
    household = HouseholdFactory()
    ChargeFactory(household=household, amount=Decimal("300.00"), due_date=today - timedelta(days=40))
    staff = StaffFactory()
    campaign = Campaign.objects.create(name="行动", start_date=today, end_date=today + timedelta(days=10))
    campaign.communities.add(household.community)
    split_for_day(campaign=campaign, day=today)
    return household, staff


def promise(household, staff, days=3, amount="500.00", token=None):
    return contact_record(
        household=household,
        staff=staff,
        channel="visit",
        outcome=Outcome.PROMISED,
        promised_date=timezone.localdate() + timedelta(days=days),
        promised_amount=Decimal(amount) if amount else None,
        client_token=token or uuid.uuid4(),
    )


def edit_url(contact):
    return reverse("contact_edit", args=[contact.pk])


def history(client, household):
    return client.get(reverse("household_history", args=[household.pk])).content.decode()


def test_a_promise_saved_twice_is_one_promise(held):
    household, staff = held
    first = promise(household, staff)
    again = promise(household, staff)  # another token: a second tab, a retry after a lost answer
    assert again.pk == first.pk
    assert Contact.objects.filter(household=household).count() == 1
    other_day = promise(household, staff, days=5)
    assert other_day.pk != first.pk  # a different date is a new promise


def test_a_double_submitted_promise_shows_once_in_the_history(client, held):
    household, staff = held
    client.force_login(staff.user)
    day = (timezone.localdate() + timedelta(days=2)).isoformat()
    for token in (uuid.uuid4(), uuid.uuid4()):
        data = {"client_token": str(token), "channel": "visit", "reached": "on", "outcome": "promised"}
        response = client.post(reverse("contact_record", args=[household.pk]), {**data, "promised_date": day})
        assert response.status_code == 302
    assert history(client, household).count('class="event outcome-promised') == 1


def test_the_collector_edits_their_promise_and_the_history_keeps_what_it_said(client, held):
    household, staff = held
    contact = promise(household, staff)
    client.force_login(staff.user)
    page = history(client, household)
    assert edit_url(contact) in page
    new_day = timezone.localdate() + timedelta(days=7)
    form = client.get(edit_url(contact)).content.decode()
    assert 'value="500.00"' in form and "承诺缴费" in form
    response = client.post(
        edit_url(contact),
        {"channel": "phone", "reached": "on", "outcome": "promised", "promised_date": new_day.isoformat(),
         "promised_amount": "300.00", "note": "改为下周"},
    )  # fmt: skip
    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.promised_date, contact.promised_amount, contact.channel) == (new_day, Decimal("300.00"), "phone")
    revision = ContactRevision.objects.get(contact=contact)
    assert revision.kind == RevisionKind.EDITED and revision.before["promised_amount"] == "500.00"
    page = history(client, household)
    assert "修改前:" in page and "500.00" in page and "改为下周" in page


def test_the_collector_withdraws_a_contact_and_it_counts_nowhere(client, held):
    household, staff = held
    contact = contact_record(household=household, staff=staff, channel="visit", outcome=Outcome.REFUSED,
                             objection="no_reason")  # fmt: skip
    client.force_login(staff.user)
    response = client.post(edit_url(contact), {"withdraw": "1", "reason": "记错了房屋"})
    assert response.status_code == 302
    assert not Contact.objects.filter(pk=contact.pk).exists()
    assert Contact.all_objects.get(pk=contact.pk).withdrawn_at is not None
    card = household_cards([household], timezone.localdate(), full_contact=True)[0]
    assert not card.last_outcome
    page = history(client, household)
    assert "<s>拒缴</s>" in page and "撤回" in page and "记错了房屋" in page
    assert edit_url(contact) not in page  # a withdrawn contact is not changed again


def test_only_ones_own_contact_of_the_day_and_never_a_payment(held):
    household, staff = held
    contact = promise(household, staff)
    other = StaffFactory()
    with pytest.raises(ValidationError, match="只能修改自己记录的跟进"):
        contact_withdraw(contact_id=contact.pk, staff=other)
    Contact.objects.filter(pk=contact.pk).update(created_at=timezone.now() - timedelta(days=1))
    with pytest.raises(ValidationError, match="只能在记录当天"):
        contact_withdraw(contact_id=contact.pk, staff=staff)
    paid = contact_record(household=household, staff=staff, channel="visit", outcome=Outcome.PAID,
                          payment_amount=Decimal("50.00"), payment_channel=PaymentChannel.CASH)  # fmt: skip
    with pytest.raises(ValidationError, match="已登记收款"):
        contact_edit(contact_id=paid.pk, staff=staff, channel="visit", outcome=Outcome.PAID)
    assert not ContactRevision.objects.exists()


def test_an_edit_is_checked_like_a_new_contact(held):
    household, staff = held
    contact = promise(household, staff)
    with pytest.raises(ValidationError) as error:
        contact_edit(contact_id=contact.pk, staff=staff, channel="visit", outcome=Outcome.PROMISED)
    assert "promised_date" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        contact_edit(contact_id=contact.pk, staff=staff, channel="visit", outcome=Outcome.ISSUE)
    assert "outcome" in error.value.message_dict


def test_someone_elses_contact_is_not_found(client, held):
    household, staff = held
    contact = promise(household, staff)
    client.force_login(StaffFactory().user)
    assert client.get(edit_url(contact)).status_code == 404


def test_an_edit_refreshes_the_dashboard_soon(held, monkeypatch):
    household, staff = held
    contact = promise(household, staff)
    asked = []
    monkeypatch.setattr("assignments.services.contact_changes.figures_changed",
                        lambda community_ids: asked.append(list(community_ids)))  # fmt: skip
    contact_withdraw(contact_id=contact.pk, staff=staff)
    assert asked == [[household.community_id]]
