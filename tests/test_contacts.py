"""contact_record: what each outcome needs (DOMAIN.md "Outcomes of a contact"), all or nothing, once per token."""

import threading
import uuid
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from arrears.models import Payment
from arrears.models.ledger import PaymentChannel, PaymentStatus
from assignments.models import Contact, ContactChannel, IssueRaised, IssueStatus, Outcome
from assignments.services import contact_record
from assignments.services import contacts as contacts_service
from scripts_faq.choices import ObjectionCategory
from tests.factories import ChargeFactory, DepartmentFactory, HouseholdFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def household():
    household = HouseholdFactory()
    due = timezone.localdate() - timedelta(days=40)
    ChargeFactory(household=household, amount=Decimal("300.00"), due_date=due, period_start=due, period_end=due)
    return household


@pytest.fixture
def staff():
    return StaffFactory()


def counts():
    return Contact.objects.count(), Payment.objects.count(), IssueRaised.objects.count()


def errors_of(excinfo) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def record(household, staff, **kwargs):
    kwargs.setdefault("channel", ContactChannel.VISIT)
    return contact_record(household=household, staff=staff, **kwargs)


def later_today(hours=1):
    return timezone.localtime() + timedelta(hours=hours)


# What each outcome needs ---------------------------------------------------------------------------------------


def test_refused_needs_an_objection_category(household, staff):
    before = counts()
    with pytest.raises(ValidationError) as excinfo:
        record(household, staff, outcome=Outcome.REFUSED)
    assert errors_of(excinfo) == {"objection": ["拒缴时请选择拒缴理由"]}
    assert counts() == before
    contact = record(household, staff, outcome=Outcome.REFUSED, objection=ObjectionCategory.CONSTRUCTION_DEFECT)
    assert contact.objection == ObjectionCategory.CONSTRUCTION_DEFECT and contact.reached


def test_refused_with_an_unknown_category_is_rejected(household, staff):
    with pytest.raises(ValidationError) as excinfo:
        record(household, staff, outcome=Outcome.REFUSED, objection="bad_weather")
    assert errors_of(excinfo) == {"objection": ["未知的拒缴理由"]}


def test_promise_needs_a_date_from_today_and_a_positive_amount_if_any(household, staff):
    today = timezone.localdate()
    before = counts()
    with pytest.raises(ValidationError) as excinfo:
        record(household, staff, outcome=Outcome.PROMISED)
    assert errors_of(excinfo) == {"promised_date": ["请填写承诺缴费日期"]}
    with pytest.raises(ValidationError) as excinfo:
        record(
            household,
            staff,
            outcome=Outcome.PROMISED,
            promised_date=today - timedelta(days=1),
            promised_amount=Decimal("0.00"),
        )
    assert errors_of(excinfo) == {
        "promised_date": ["承诺缴费日期不能早于今天"],
        "promised_amount": ["承诺金额必须大于零"],
    }
    assert counts() == before

    contact = record(household, staff, outcome=Outcome.PROMISED, promised_date=today)
    assert (contact.promised_date, contact.promised_amount) == (today, None)
    contact = record(
        household,
        staff,
        outcome=Outcome.PROMISED,
        promised_date=today + timedelta(days=3),
        promised_amount=Decimal("150.00"),
    )
    assert contact.promised_amount == Decimal("150.00")


def test_paid_records_a_pending_payment_linked_to_the_contact(household, staff):
    contact = record(
        household,
        staff,
        outcome=Outcome.PAID,
        payment_amount=Decimal("300.00"),
        payment_channel=PaymentChannel.WECHAT,
        payment_reference="4200001234",
        note="业主微信转账",
    )
    payment = contact.payment
    assert payment is not None and Payment.objects.count() == 1
    assert payment.status == PaymentStatus.PENDING
    assert payment.amount == Decimal("300.00")
    assert payment.channel == PaymentChannel.WECHAT and payment.reference == "4200001234"
    assert payment.household == household and payment.community == household.community
    assert payment.collected_by == staff.user
    assert payment.paid_on == timezone.localdate()
    assert payment.receipt_no is None  # finance issues it when verifying


def test_paid_cash_needs_no_reference(household, staff):
    contact = record(household, staff, outcome=Outcome.PAID, payment_amount=Decimal("50.00"), payment_channel="cash")
    assert contact.payment.reference == ""


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, {"payment_amount": ["请填写收款金额"], "payment_channel": ["请选择收款方式"]}),
        ({"payment_amount": Decimal("0"), "payment_channel": "cash"}, {"payment_amount": ["收款金额必须大于零"]}),
        ({"payment_amount": Decimal("-5"), "payment_channel": "cash"}, {"payment_amount": ["收款金额必须大于零"]}),
        ({"payment_amount": Decimal("10"), "payment_channel": "gold"}, {"payment_channel": ["未知的收款方式"]}),
        (
            {"payment_amount": Decimal("10"), "payment_channel": "alipay"},
            {"payment_reference": ["非现金收款请填写交易流水号,便于财务复核"]},
        ),
    ],
)
def test_paid_validation_saves_nothing(household, staff, kwargs, expected):
    before = counts()
    with pytest.raises(ValidationError) as excinfo:
        record(household, staff, outcome=Outcome.PAID, **kwargs)
    assert errors_of(excinfo) == expected
    assert counts() == before


def test_issue_creates_an_issue_raised_for_the_department(household, staff):
    department = DepartmentFactory(name="工程部")
    deadline = timezone.localdate() + timedelta(days=3)
    contact = record(
        household,
        staff,
        outcome=Outcome.ISSUE,
        issue_department=department,
        issue_description="卫生间顶棚渗水",
        issue_deadline=deadline,
    )
    issue = IssueRaised.objects.get()
    assert issue.contact == contact and issue.household == household and issue.raised_by == staff
    assert (issue.department, issue.description, issue.deadline) == (department, "卫生间顶棚渗水", deadline)
    assert issue.status == IssueStatus.OPEN


def test_issue_needs_department_description_and_a_deadline_from_today(household, staff):
    before = counts()
    with pytest.raises(ValidationError) as excinfo:
        record(household, staff, outcome=Outcome.ISSUE, issue_description="   ")
    assert errors_of(excinfo) == {
        "issue_department": ["请选择负责处理的部门"],
        "issue_description": ["请填写业主反映的问题"],
        "issue_deadline": ["请填写处理期限"],
    }
    with pytest.raises(ValidationError) as excinfo:
        record(
            household,
            staff,
            outcome=Outcome.ISSUE,
            issue_department=DepartmentFactory(),
            issue_description="门禁坏了",
            issue_deadline=timezone.localdate() - timedelta(days=1),
        )
    assert errors_of(excinfo) == {"issue_deadline": ["处理期限不能早于今天"]}
    assert counts() == before


def test_callback_needs_a_time_from_today(household, staff):
    before = counts()
    with pytest.raises(ValidationError) as excinfo:
        record(household, staff, outcome=Outcome.CALLBACK)
    assert errors_of(excinfo) == {"callback_at": ["请填写约定回访时间"]}
    yesterday = timezone.make_aware(datetime.combine(timezone.localdate() - timedelta(days=1), time(18, 0)))
    with pytest.raises(ValidationError) as excinfo:
        record(household, staff, outcome=Outcome.CALLBACK, callback_at=yesterday)
    assert errors_of(excinfo) == {"callback_at": ["回访时间不能早于今天"]}
    assert counts() == before
    when = later_today()
    assert record(household, staff, outcome=Outcome.CALLBACK, callback_at=when).callback_at == when


def test_a_naive_callback_time_is_read_in_the_local_time_zone(household, staff):
    naive = datetime.combine(timezone.localdate() + timedelta(days=1), time(9, 30))
    contact = record(household, staff, outcome=Outcome.CALLBACK, callback_at=naive)
    assert timezone.localtime(contact.callback_at).replace(tzinfo=None) == naive


def test_channel_and_outcome_must_be_known(household, staff):
    with pytest.raises(ValidationError) as excinfo:
        contact_record(household=household, staff=staff, channel="pigeon", outcome="maybe")
    assert errors_of(excinfo) == {"channel": ["请选择跟进方式"], "outcome": ["请选择跟进结果"]}


def test_no_answer_is_never_reached_and_a_promise_needs_the_owner(household, staff):
    contact = record(household, staff, outcome=Outcome.NO_ANSWER, reached=True)
    assert contact.reached is False
    assert record(household, staff, outcome=Outcome.WRONG_NUMBER, channel=ContactChannel.PHONE).reached is False
    with pytest.raises(ValidationError) as excinfo:
        record(household, staff, outcome=Outcome.PROMISED, reached=False, promised_date=timezone.localdate())
    assert errors_of(excinfo) == {"reached": ["「承诺缴费」需要已联系上业主"]}


def test_disputed_keeps_an_optional_objection(household, staff):
    assert record(household, staff, outcome=Outcome.DISPUTED).objection == ""
    contact = record(household, staff, outcome=Outcome.DISPUTED, objection=ObjectionCategory.START_DATE)
    assert contact.objection == ObjectionCategory.START_DATE


def test_fields_of_other_outcomes_are_dropped(household, staff):
    """A form without JavaScript shows every field: only the chosen outcome's are kept."""
    contact = record(
        household,
        staff,
        outcome=Outcome.PROMISED,
        promised_date=timezone.localdate() + timedelta(days=1),
        objection=ObjectionCategory.VACANT,
        callback_at=later_today(),
        payment_amount=Decimal("100.00"),
        payment_channel="cash",
        issue_department=DepartmentFactory(),
        issue_description="x",
        issue_deadline=timezone.localdate(),
    )
    assert contact.objection == "" and contact.callback_at is None and contact.payment is None
    assert Payment.objects.count() == 0 and IssueRaised.objects.count() == 0


def test_campaign_and_note_are_kept(household, staff):
    from assignments.models import Campaign

    campaign = Campaign.objects.create(
        name="春季", start_date=timezone.localdate(), end_date=timezone.localdate() + timedelta(days=30)
    )
    contact = record(household, staff, outcome=Outcome.NO_ANSWER, note="  敲门无人  ", campaign=campaign)
    assert contact.campaign == campaign and contact.note == "敲门无人"


# All or nothing ------------------------------------------------------------------------------------------------


def test_a_failing_payment_leaves_no_contact(household, staff, monkeypatch):
    def refuse(**kwargs):
        raise ValidationError("收款日期不能晚于今天")

    monkeypatch.setattr(contacts_service, "payment_record", refuse)
    before = counts()
    with pytest.raises(ValidationError) as excinfo:
        record(household, staff, outcome=Outcome.PAID, payment_amount=Decimal("10"), payment_channel="cash")
    assert errors_of(excinfo) == {"payment_amount": ["收款日期不能晚于今天"]}
    assert counts() == before


def test_a_failing_issue_leaves_no_contact(household, staff, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(IssueRaised.objects, "create", broken)
    before = counts()
    with pytest.raises(RuntimeError):
        record(
            household,
            staff,
            outcome=Outcome.ISSUE,
            issue_department=DepartmentFactory(),
            issue_description="电梯异响",
            issue_deadline=timezone.localdate(),
        )
    assert counts() == before


# Double taps ---------------------------------------------------------------------------------------------------


def paid(household, staff, token):
    return record(
        household,
        staff,
        outcome=Outcome.PAID,
        payment_amount=Decimal("300.00"),
        payment_channel="cash",
        client_token=token,
    )


def test_the_same_client_token_records_once(household, staff):
    token = uuid.uuid4()
    first = paid(household, staff, token)
    again = paid(household, staff, token)
    assert again.pk == first.pk
    assert counts() == (1, 1, 0)
    third = paid(household, staff, uuid.uuid4())
    assert third.pk != first.pk and counts() == (2, 2, 0)


def test_a_token_lost_to_a_concurrent_request_returns_the_winner(household, staff, monkeypatch):
    """The race: both requests miss the first lookup; the loser's insert hits the unique constraint."""
    token = uuid.uuid4()
    winner = paid(household, staff, token)
    real = contacts_service._existing
    calls = []

    def miss_first_time(client_token):
        calls.append(client_token)
        return None if len(calls) == 1 else real(client_token)

    monkeypatch.setattr(contacts_service, "_existing", miss_first_time)
    assert paid(household, staff, token).pk == winner.pk
    assert len(calls) == 2
    assert counts() == (1, 1, 0)


def test_a_token_of_another_household_is_refused(household, staff):
    token = uuid.uuid4()
    paid(household, staff, token)
    with pytest.raises(ValidationError) as excinfo:
        paid(HouseholdFactory(), staff, token)
    assert "client_token" in errors_of(excinfo)
    assert counts() == (1, 1, 0)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent inserts need PostgreSQL")
def test_concurrent_double_taps_record_once_on_postgresql(household, staff):
    token = uuid.uuid4()
    barrier = threading.Barrier(4)
    results, errors = [], []

    def tap():
        try:
            barrier.wait()
            results.append(paid(household, staff, token).pk)
        except Exception as exc:  # surfaced by the assert below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=tap) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(results)) == 1
    assert counts() == (1, 1, 0)
