"""The collector's pages: today's list, recording an outcome, a household's history, the task sheet."""

import re
import sys
import uuid
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from arrears.models import Household, Payment
from arrears.models.ledger import PaymentStatus
from arrears.months import months_overdue
from arrears.positions import with_overdue
from arrears.services import payment_reject, payment_verify
from assignments.models import Assignment, Campaign, Contact, IssueRaised, IssueStatus, Outcome, Pin
from assignments.selectors import household_cards, tasks_for
from assignments.services import contact_record, split_for_day
from scripts_faq.choices import ObjectionCategory
from tests.factories import (
    BuildingFactory,
    ChargeFactory,
    CommunityFactory,
    DepartmentFactory,
    HouseholdFactory,
    OwnerFactory,
    PaymentFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

TASKS_URL = reverse("tasks_today")
SHEET_URL = reverse("task_sheet")
HTMX = {"HX-Request": "true"}


def today():
    return timezone.localdate()


def record_url(household):
    return reverse("contact_record", args=[household.pk])


def history_url(household):
    return reverse("household_history", args=[household.pk])


def owing(community, building, room, amount="300.00", days_overdue=40, phone=None):
    """A household with one charge due ``days_overdue`` days ago."""
    owner = OwnerFactory(community=community, **({"phone": phone} if phone else {}))
    household = HouseholdFactory(community=community, building=building, room=room, owner=owner)
    due = today() - timedelta(days=days_overdue)
    ChargeFactory(household=household, amount=Decimal(amount), due_date=due, period_start=due, period_end=due)
    return household


def backdate(contact, days):
    Contact.objects.filter(pk=contact.pk).update(created_at=timezone.now() - timedelta(days=days))


def new_campaign(community):
    campaign = Campaign.objects.create(
        name="集中催费", start_date=today() - timedelta(days=10), end_date=today() + timedelta(days=30)
    )
    campaign.communities.add(community)
    return campaign


@pytest.fixture
def world():
    """Alice holds five households (pinned, so the split cannot move them), Bob one; each with a story."""
    community = CommunityFactory(code="HY")
    building = BuildingFactory(community=community, name="3")
    alice = StaffFactory(user__username="alice", name="李丽")
    bob = StaffFactory(user__username="bob", name="王波")
    h = {
        "promise": owing(community, building, "101", "100.00", phone="13800000001"),
        "callback": owing(community, building, "102", "200.00"),
        "broken": owing(community, building, "103", "900.00"),
        "never": owing(community, building, "104", "800.00"),
        "refused": owing(community, building, "105", "700.00", days_overdue=70),
        "bobs": owing(community, building, "201", "500.00"),
    }
    # Stories written before today's split, as the collectors recorded them on earlier days.
    promise = contact_record(
        household=h["promise"],
        staff=alice,
        channel="phone",
        outcome=Outcome.PROMISED,
        promised_date=today() + timedelta(days=1),
    )
    backdate(promise, 2)
    callback = Contact.objects.create(
        household=h["callback"],
        staff=alice,
        channel="phone",
        outcome=Outcome.CALLBACK,
        callback_at=timezone.make_aware(datetime.combine(today() - timedelta(days=1), time(12, 0))),
    )
    backdate(callback, 3)
    broken = Contact.objects.create(
        household=h["broken"],
        staff=alice,
        channel="visit",
        outcome=Outcome.PROMISED,
        promised_date=today() - timedelta(days=5),
    )
    backdate(broken, 8)
    refused = contact_record(
        household=h["refused"],
        staff=alice,
        channel="visit",
        outcome=Outcome.REFUSED,
        objection=ObjectionCategory.SERVICE_QUALITY,
    )
    backdate(refused, 3)
    campaign = new_campaign(community)
    for key in ("promise", "callback", "broken", "never", "refused"):
        Pin.objects.create(campaign=campaign, household=h[key], staff=alice)
    Pin.objects.create(campaign=campaign, household=h["bobs"], staff=bob)
    split_for_day(campaign=campaign, day=today())
    return {"alice": alice, "bob": bob, "h": h, "campaign": campaign, "community": community, "building": building}


def supervisor_of_both(world):
    """A supervisor following Alice's and Bob's departments (a member of one, the head of the other)."""
    supervisor = StaffFactory(user__username="sup", user__roles=["supervisor"], department=world["alice"].department)
    world["bob"].department.head = supervisor
    world["bob"].department.save()
    return supervisor.user


def labels(response):
    return [card.label for card in response.context["tasks"].cards]


def card_of(response, household):
    return next(card for card in response.context["tasks"].cards if card.household_id == household.pk)


# Access --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["finance", "service", "legal", "supervisor", "manager"])
def test_tasks_is_403_without_the_staff_role(client, user_with_role, role):
    client.force_login(user_with_role(role))
    assert client.get(TASKS_URL).status_code == 403


def test_anonymous_goes_to_login(client):
    response = client.get(TASKS_URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_staff_without_staff_row_or_tasks_gets_a_friendly_message(client, user_with_role, world):
    client.force_login(user_with_role("staff"))
    response = client.get(TASKS_URL)
    assert response.status_code == 200 and "还没有对应的员工档案" in response.content.decode()
    idle = StaffFactory(user__username="idle")
    client.force_login(idle.user)
    response = client.get(TASKS_URL)
    assert response.status_code == 200 and "今天没有分给您的房屋" in response.content.decode()


def test_another_collector_gets_404_on_record_and_history(client, world):
    client.force_login(world["bob"].user)
    for url in (record_url(world["h"]["promise"]), history_url(world["h"]["promise"])):
        assert client.get(url).status_code == 404
    assert (
        client.post(record_url(world["h"]["promise"]), {"channel": "visit", "outcome": "no_answer"}).status_code == 404
    )
    assert Contact.objects.filter(staff=world["bob"]).count() == 0
    assert client.get(history_url(world["h"]["bobs"])).status_code == 200


def test_staff_keep_403_on_the_household_list(client, world):
    client.force_login(world["alice"].user)
    assert client.get(reverse("household_list")).status_code == 403


@pytest.mark.parametrize("role", ["supervisor", "manager"])
def test_supervisors_and_managers_open_history_and_record(client, user_with_role, world, role):
    client.force_login(supervisor_of_both(world) if role == "supervisor" else user_with_role(role))
    household = world["h"]["refused"]
    assert client.get(history_url(household)).status_code == 200
    assert client.get(record_url(household)).status_code == 200


@pytest.mark.parametrize("role", ["finance", "service", "legal"])
def test_other_roles_get_403_on_record_and_history(client, user_with_role, world, role):
    client.force_login(user_with_role(role))
    # Refused by the role whatever the id (core.matrix), so the answer says nothing about the household.
    assert client.get(history_url(world["h"]["refused"])).status_code == 403
    assert client.get(record_url(world["h"]["refused"])).status_code == 403


def test_a_supervisor_records_as_themselves(client, world):
    supervisor = StaffFactory(
        user__username="boss", user__roles=["staff", "supervisor"], name="主管", department=world["alice"].department
    )
    client.force_login(supervisor.user)
    response = client.post(record_url(world["h"]["never"]), {"channel": "visit", "outcome": "no_answer"})
    assert response.status_code == 302 and response["Location"] == history_url(world["h"]["never"])
    contact = Contact.objects.get(household=world["h"]["never"])
    assert contact.staff == supervisor and contact.campaign == world["campaign"]


def test_a_manager_without_staff_row_reads_but_cannot_record(client, user_with_role, world):
    client.force_login(user_with_role("manager"))
    assert "只能查看" in client.get(record_url(world["h"]["never"])).content.decode()
    response = client.post(record_url(world["h"]["never"]), {"channel": "visit", "outcome": "no_answer"})
    assert response.status_code == 403
    assert not Contact.objects.filter(household=world["h"]["never"]).exists()


# The list ------------------------------------------------------------------------------------------------------


def test_list_in_the_splits_order_with_badges(client, world):
    client.force_login(world["alice"].user)
    response = client.get(TASKS_URL)
    assert response.status_code == 200
    # Promise due tomorrow, callback due, broken promise, never contacted, then the rest (by amount).
    assert labels(response) == ["3-1-101", "3-1-102", "3-1-103", "3-1-104", "3-1-105"]
    positions = dict(
        Assignment.objects.filter(staff=world["alice"], day=today()).values_list("household_id", "position")
    )
    assert [card.position for card in response.context["tasks"].cards] == sorted(positions.values())
    h = world["h"]
    assert card_of(response, h["promise"]).badge_codes == ["promise-tomorrow"]
    assert card_of(response, h["callback"]).badge_codes == ["callback-due"]
    assert card_of(response, h["broken"]).badge_codes == ["promise-broken"]
    assert card_of(response, h["never"]).badge_codes == ["never"]
    assert card_of(response, h["refused"]).badge_codes == []
    html = response.content.decode()
    for text in ("明天承诺缴费", "回访到期", "承诺未兑现", "未联系"):
        assert text in html
    counts = response.context["tasks"]
    assert (counts.assigned, counts.contacted_today, counts.remaining) == (5, 0, 5)
    assert "3-1-201" not in html  # Bob's


def test_card_figures(client, world):
    client.force_login(world["alice"].user)
    response = client.get(TASKS_URL)
    promise = card_of(response, world["h"]["promise"])
    assert promise.overdue == Decimal("100.00")
    assert promise.late_fee == Decimal("2.00")  # 100 × 0.0005 × 40 days
    assert promise.months_overdue == months_overdue(today() - timedelta(days=40), today())
    assert promise.promise_date == today() + timedelta(days=1)
    assert promise.last_outcome == Outcome.PROMISED
    refused = card_of(response, world["h"]["refused"])
    assert refused.late_fee == Decimal("24.50")  # 700 × 0.0005 × 70 days
    assert refused.last_outcome_label == "拒缴"
    listed = [card.household_id for card in response.context["tasks"].cards]
    expected = dict(with_overdue(Household.objects.filter(pk__in=listed), today()).values_list("pk", "overdue"))
    assert {c.household_id: c.overdue for c in response.context["tasks"].cards} == expected


def test_promise_due_today_and_a_resolved_issue(world):
    alice, h = world["alice"], world["h"]
    Contact.objects.filter(household=h["promise"]).update(promised_date=today())
    issue = IssueRaised.objects.create(
        household=h["refused"],
        raised_by=alice,
        department=DepartmentFactory(name="工程部"),
        description="楼道灯不亮",
        deadline=today(),
        status=IssueStatus.CLOSED,
        closed_at=timezone.now(),
    )
    cards = {card.household_id: card for card in tasks_for(alice, today(), viewer=alice.user).cards}
    assert cards[h["promise"].pk].badge_codes == ["promise-today"]
    assert cards[h["refused"].pk].badge_codes == ["issue-resolved"]
    # A contact after the closing clears the flag.
    contact_record(household=h["refused"], staff=alice, channel="visit", outcome=Outcome.NO_ANSWER)
    cards = {card.household_id: card for card in tasks_for(alice, today(), viewer=alice.user).cards}
    assert "issue-resolved" not in cards[h["refused"].pk].badge_codes
    assert "done-today" in cards[h["refused"].pk].badge_codes
    assert issue.pk


def test_a_kept_promise_is_neither_pending_nor_broken(world):
    alice, h = world["alice"], world["h"]
    payment = PaymentFactory(household=h["broken"], amount=Decimal("900.00"), paid_on=today() - timedelta(days=6))
    payment_verify(payment_id=payment.pk, verified_by=None)
    card = tasks_for(alice, today(), viewer=alice.user).cards[2]
    assert card.household_id == h["broken"].pk
    assert not card.promise_broken and card.promise_date is None
    assert "cleared" in card.badge_codes


def test_masking_full_for_the_collector_today_masked_for_others(client, user_with_role, world):
    household = world["h"]["promise"]
    client.force_login(world["alice"].user)
    html = client.get(TASKS_URL).content.decode()
    assert 'href="tel:13800000001"' in html and household.owner.name in html
    html = client.get(history_url(household)).content.decode()
    assert 'href="tel:13800000001"' in html

    client.force_login(supervisor_of_both(world))
    html = client.get(history_url(household)).content.decode()
    assert "138****0001" in html and "13800000001" not in html and "tel:" not in html
    assert household.owner.name not in html

    client.force_login(user_with_role("manager"))
    assert "13800000001" in client.get(history_url(household)).content.decode()


def test_the_collector_opens_their_household_page_with_full_contact(client, world):
    client.force_login(world["alice"].user)
    response = client.get(reverse("household_detail", args=[world["h"]["promise"].pk]))
    assert response.status_code == 200 and response.context["full_contact"] is True
    assert client.get(reverse("household_detail", args=[world["h"]["bobs"].pk])).status_code == 404


def build_list(size: int):
    community = CommunityFactory()
    building = BuildingFactory(community=community)
    staff = StaffFactory()
    department = DepartmentFactory()
    for index in range(size):
        household = owing(community, building, f"{index + 1:03d}", f"{100 + index}.00")
        payment = PaymentFactory(household=household, amount=Decimal("10.00"), paid_on=today() - timedelta(days=5))
        payment_verify(payment_id=payment.pk, verified_by=None)
        PaymentFactory(household=household, amount=Decimal("5.00"), paid_on=today())
        promise = Contact.objects.create(
            household=household, staff=staff, channel="visit", outcome=Outcome.PROMISED, promised_date=today()
        )
        backdate(promise, 1)
        Contact.objects.create(household=household, staff=staff, channel="phone", outcome=Outcome.NO_ANSWER)
        IssueRaised.objects.create(
            household=household, raised_by=staff, department=department, description="x", deadline=today()
        )
    campaign = new_campaign(community)
    split_for_day(campaign=campaign, day=today())
    assert Assignment.objects.filter(staff=staff).count() == size
    return staff


# session, user, the user's groups, the user's Staff row; the assignments with their households (one join);
# the households' positions (the charges' statement, the waivers); contacts; the promises' payments (no balance:
# no promise here is without an amount and part paid); pending payments; issues; the collector's rejected payments.
TASKS_QUERIES = 12


@pytest.mark.parametrize("size", [3, 30])
def test_the_list_runs_a_fixed_number_of_queries(client, django_assert_num_queries, size):
    staff = build_list(size)
    client.force_login(staff.user)
    with django_assert_num_queries(TASKS_QUERIES):
        response = client.get(TASKS_URL)
    assert response.status_code == 200
    assert len(response.context["tasks"].cards) == size
    card = response.context["tasks"].cards[0]
    assert {"promise-today", "issue-open", "payment-pending", "done-today"} <= set(card.badge_codes)


# Recording -----------------------------------------------------------------------------------------------------


def test_get_form_full_page_and_htmx_fragment(client, world):
    client.force_login(world["alice"].user)
    household = world["h"]["never"]
    page = client.get(record_url(household))
    html = page.content.decode()
    assert page.status_code == 200 and "<html" in html
    # Without JavaScript every outcome's fields are there.
    for name in ("objection", "promised_date", "payment_amount", "callback_at", "issue_department"):
        assert f'name="{name}"' in html
    assert 'name="client_token"' in html

    fragment = client.get(record_url(household), headers=HTMX)
    html = fragment.content.decode()
    assert fragment.status_code == 200 and "<html" not in html and "<form" in html
    assert 'name="promised_date"' not in html and 'name="outcome"' in html
    token = re.search(r'name="client_token" value="([0-9a-f-]+)"', html).group(1)

    promised = client.get(record_url(household), {"outcome": "promised", "client_token": token}, headers=HTMX)
    html = promised.content.decode()
    assert 'name="promised_date"' in html and 'name="payment_amount"' not in html
    assert f'value="{token}"' in html  # the same submission keeps its token

    paid = client.get(record_url(household), {"outcome": "paid"}, headers=HTMX).content.decode()
    assert 'name="payment_amount"' in paid and 'name="promised_date"' not in paid


def test_refused_with_a_category_shows_the_faq_answer_and_tips(client, world):
    client.force_login(world["alice"].user)
    household = world["h"]["never"]
    response = client.get(
        record_url(household), {"outcome": "refused", "objection": ObjectionCategory.CONSTRUCTION_DEFECT}, headers=HTMX
    )
    guidance = response.context["guidance"]
    assert guidance is not None and guidance["title"]
    html = response.content.decode()
    assert 'class="guidance"' in html and guidance["title"] in html
    for tip in guidance["tips"]:
        assert tip in html
    # Without JavaScript: the 查看应对话术 button posts the form back and gets the full page with the answer,
    # recording nothing yet.
    page = client.post(
        record_url(household),
        {"guide": "1", "channel": "visit", "outcome": "refused", "objection": ObjectionCategory.CONSTRUCTION_DEFECT},
    )
    html = page.content.decode()
    assert "<html" in html and 'class="guidance"' in html and "errorlist" not in html
    form = page.context["form"]
    assert (form.chosen_outcome, form.chosen_objection) == ("refused", ObjectionCategory.CONSTRUCTION_DEFECT)
    assert not Contact.objects.filter(household=household).exists()


def test_without_the_scripts_app_the_form_still_works(client, world, monkeypatch):
    monkeypatch.setitem(sys.modules, "scripts_faq.services", None)  # import raises ImportError
    client.force_login(world["alice"].user)
    response = client.get(record_url(world["h"]["never"]), {"outcome": "refused", "objection": "vacant"}, headers=HTMX)
    assert response.status_code == 200 and response.context["guidance"] is None


def test_htmx_post_swaps_the_card_with_a_message(client, world):
    client.force_login(world["alice"].user)
    household = world["h"]["never"]
    response = client.post(
        record_url(household),
        {
            "client_token": str(uuid.uuid4()),
            "channel": "visit",
            "reached": "on",
            "outcome": "promised",
            "promised_date": (today() + timedelta(days=3)).isoformat(),
            "promised_amount": "800",
        },
        headers={**HTMX, "HX-Current-URL": "http://testserver" + TASKS_URL},
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#task-{household.pk}" and response["HX-Reswap"] == "outerHTML"
    html = response.content.decode()
    assert "<html" not in html and f'id="task-{household.pk}"' in html
    assert "已记录:承诺缴费" in html and "前一天请再回访确认" in html
    assert re.search(r'<section [^>]*id="task-counts"[^>]*hx-swap-oob="true"', html)
    contact = Contact.objects.get(household=household)
    assert contact.promised_amount == Decimal("800.00") and contact.campaign == world["campaign"]
    assert "今日已跟进" in html


def test_post_without_js_redirects_to_the_list(client, world):
    client.force_login(world["alice"].user)
    household = world["h"]["never"]
    response = client.post(record_url(household), {"channel": "phone", "outcome": "no_answer"}, follow=True)
    assert response.redirect_chain[-1][0] == TASKS_URL + f"#task-{household.pk}"
    assert "已记录:未联系上" in response.content.decode()


def test_paid_in_the_field_makes_a_pending_payment(client, world):
    client.force_login(world["alice"].user)
    household = world["h"]["never"]
    client.post(
        record_url(household),
        {"channel": "visit", "reached": "on", "outcome": "paid", "payment_amount": "800.00", "payment_channel": "cash"},
        headers=HTMX,
    )
    contact = Contact.objects.get(household=household)
    assert contact.payment.status == PaymentStatus.PENDING and contact.payment.amount == Decimal("800.00")
    assert contact.payment.collected_by == world["alice"].user


def test_issue_from_the_form(client, world):
    client.force_login(world["alice"].user)
    department = DepartmentFactory(name="工程部")
    household = world["h"]["never"]
    response = client.post(
        record_url(household),
        {
            "channel": "visit",
            "reached": "on",
            "outcome": "issue",
            "issue_department": department.pk,
            "issue_description": "楼顶渗水",
            "issue_deadline": (today() + timedelta(days=2)).isoformat(),
        },
        headers=HTMX,
    )
    assert "问题已转工程部" in response.content.decode()
    assert IssueRaised.objects.get(household=household).department == department


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"outcome": "refused"}, "objection", "拒缴时请选择拒缴理由"),
        ({"outcome": "promised"}, "promised_date", "请填写承诺缴费日期"),
        ({"outcome": "paid", "payment_amount": "0", "payment_channel": "cash"}, "payment_amount", "收款金额必须大于零"),
        ({"outcome": "callback"}, "callback_at", "请填写约定回访时间"),
        ({"outcome": "issue"}, "issue_department", "请选择负责处理的部门"),
        ({}, "outcome", "请选择跟进结果"),
        ({"outcome": "promised", "promised_date": "明天"}, "promised_date", "输入一个有效的日期"),
    ],
)
@pytest.mark.parametrize("htmx", [True, False])
def test_errors_rerender_the_form_and_save_nothing(client, world, data, field, message, htmx):
    client.force_login(world["alice"].user)
    household = world["h"]["never"]
    before = (Contact.objects.count(), Payment.objects.count(), IssueRaised.objects.count())
    response = client.post(
        record_url(household), {"channel": "visit", "reached": "on", **data}, headers=HTMX if htmx else {}
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors.get(field, []))
    html = response.content.decode()
    assert message in html
    assert ("<html" in html) is (not htmx)
    assert "HX-Retarget" not in response
    assert (Contact.objects.count(), Payment.objects.count(), IssueRaised.objects.count()) == before


def test_double_submit_records_once(client, world):
    client.force_login(world["alice"].user)
    household = world["h"]["never"]
    data = {
        "client_token": str(uuid.uuid4()),
        "channel": "visit",
        "reached": "on",
        "outcome": "paid",
        "payment_amount": "800",
        "payment_channel": "cash",
    }
    first = client.post(record_url(household), data, headers=HTMX)
    second = client.post(record_url(household), data, headers=HTMX)
    assert first.status_code == second.status_code == 200
    assert Contact.objects.filter(household=household).count() == 1
    assert Payment.objects.filter(household=household).count() == 1


# History -------------------------------------------------------------------------------------------------------


def test_history_lists_contacts_promises_payments_and_issues_newest_first(client, world):
    alice, household = world["alice"], world["h"]["broken"]
    paid = contact_record(
        household=household,
        staff=alice,
        channel="visit",
        outcome=Outcome.PAID,
        payment_amount=Decimal("100.00"),
        payment_channel="wechat",
        payment_reference="WX1",
    )
    payment_reject(payment_id=paid.payment_id, rejected_by=None, reason="流水号查不到")
    department = DepartmentFactory(name="保洁部")
    issue_contact = contact_record(
        household=household,
        staff=alice,
        channel="visit",
        outcome=Outcome.ISSUE,
        issue_department=department,
        issue_description="楼道垃圾",
        issue_deadline=today(),
    )
    IssueRaised.objects.filter(contact=issue_contact).update(
        status=IssueStatus.CLOSED, closed_at=timezone.now() + timedelta(minutes=5), resolution="已清理"
    )
    client.force_login(alice.user)
    response = client.get(history_url(household))
    assert response.status_code == 200
    entries = response.context["entries"]
    assert [e.kind for e in entries] == ["issue_closed", "contact", "contact", "contact"]
    assert [e.contact.outcome for e in entries[1:]] == [Outcome.ISSUE, Outcome.PAID, Outcome.PROMISED]
    assert entries[3].promise_state == "broken"
    html = response.content.decode()
    for text in ("已驳回", "驳回原因:流水号查不到", "楼道垃圾", "保洁部", "已清理", "未兑现", "问题已解决"):
        assert text in html


def test_history_shows_kept_and_pending_promises(client, world):
    alice, household = world["alice"], world["h"]["never"]
    contact_record(
        household=household,
        staff=alice,
        channel="phone",
        outcome=Outcome.PROMISED,
        promised_date=today() + timedelta(days=2),
        promised_amount=Decimal("100.00"),
    )
    client.force_login(alice.user)
    entries = client.get(history_url(household)).context["entries"]
    assert entries[0].promise_state == "pending"
    payment = PaymentFactory(household=household, amount=Decimal("100.00"), paid_on=today())
    payment_verify(payment_id=payment.pk, verified_by=None)
    entries = client.get(history_url(household)).context["entries"]
    assert entries[0].promise_state == "kept"


# The task sheet ------------------------------------------------------------------------------------------------


def sheet_labels(response):
    return [card.label for card in response.context["tasks"].cards]


def test_sheet_for_the_collector_today(client, world):
    client.force_login(world["alice"].user)
    response = client.get(SHEET_URL)
    assert response.status_code == 200
    assert sheet_labels(response) == ["3-1-101", "3-1-102", "3-1-103", "3-1-104", "3-1-105"]
    html = response.content.decode()
    assert "欠费任务单" in html and "李丽" in html and today().isoformat() in html
    assert "13800000001" in html and "@media print" not in html  # print CSS lives in collector.css
    assert "collector.css" in html


def test_sheet_for_a_supervisor_picking_a_person_is_masked(client, user_with_role, world):
    client.force_login(supervisor_of_both(world))
    response = client.get(SHEET_URL, {"staff": world["bob"].pk, "date": today().isoformat()})
    assert sheet_labels(response) == ["3-1-201"]
    html = response.content.decode()
    assert "王波" in html and "138****" in html
    assert {person.name: person.households for person in response.context["people"]} == {"李丽": 5, "王波": 1}
    other_day = client.get(SHEET_URL, {"staff": world["bob"].pk, "date": (today() + timedelta(days=1)).isoformat()})
    assert other_day.context["tasks"].cards == []
    client.force_login(user_with_role("supervisor"))  # no Staff row and no department: the picker, empty
    response = client.get(SHEET_URL)
    assert response.context["staff"] is None and response.context["people"] == []


def test_sheet_for_service_and_managers(client, user_with_role, world):
    client.force_login(user_with_role("service"))
    assert sheet_labels(client.get(SHEET_URL, {"staff": world["alice"].pk})) == [
        "3-1-101",
        "3-1-102",
        "3-1-103",
        "3-1-104",
        "3-1-105",
    ]
    client.force_login(user_with_role("manager"))
    assert "13800000001" in client.get(SHEET_URL, {"staff": world["alice"].pk}).content.decode()


def test_sheet_access_for_staff_and_others(client, user_with_role, world):
    client.force_login(world["bob"].user)
    assert client.get(SHEET_URL, {"staff": world["alice"].pk}).status_code == 404
    assert client.get(SHEET_URL, {"staff": "x"}).status_code == 404
    response = client.get(SHEET_URL, {"date": "2020-01-01"})
    assert response.context["day"] == today() and "只能查看今天的任务单" in response.content.decode()
    response = client.get(SHEET_URL, {"date": "not-a-date"})
    assert "日期格式应为" in response.content.decode()
    client.force_login(user_with_role("finance"))
    assert client.get(SHEET_URL).status_code == 403


# Pure helpers --------------------------------------------------------------------------------------------------


def test_household_cards_without_an_owner(world):
    household = HouseholdFactory(owner=None)
    card = household_cards([household], today(), full_contact=True)[0]
    assert card.owner_name == "" and card.phones == [] and card.badge_codes == ["never", "cleared"]
