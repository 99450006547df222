"""The pending-payment queue: verify and reject one by one (htmx), bulk verify, who may do what, and the
collector seeing the reason of a rejection."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from arrears.models import Allocation, Payment
from arrears.models.ledger import PaymentChannel, PaymentStatus
from arrears.services import payment_reject, payment_verify
from assignments.models import Assignment, Campaign
from tests.factories_finance import collector, community_with_households, pending, yesterday

pytestmark = pytest.mark.django_db

QUEUE_URL = reverse("finance:queue")
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def finance(user_with_role):
    return user_with_role("finance", username="fin")


@pytest.fixture
def queue(db):
    """Three pending payments of HY (alice's cash, alice's WeChat, bob's cash) and one of QT (bob)."""
    community, (a, b, c) = community_with_households()
    other, (d,) = community_with_households("QT", rooms=("201",))
    alice, bob = collector("alice", "李丽"), collector("bob", "王波")
    payments = [
        pending(a, "100.00", by=alice.user),
        pending(b, "250.50", channel=PaymentChannel.WECHAT, reference="WX42", by=alice.user),
        pending(c, "80.00", by=bob.user, day=yesterday() - timedelta(days=1)),
        pending(d, "60.00", by=bob.user),
    ]
    return community, other, alice, bob, payments


@pytest.mark.parametrize("role", ["service", "staff", "legal", "supervisor"])
def test_queue_is_refused_to_other_roles(client, user_with_role, queue, role):
    client.force_login(user_with_role(role))
    assert client.get(QUEUE_URL).status_code == 403
    payment = queue[-1][0]
    assert client.post(reverse("finance:verify", args=[payment.pk])).status_code == 403
    assert client.post(reverse("finance:reject", args=[payment.pk]), {"reason": "x"}).status_code == 403
    assert client.post(reverse("finance:bulk_verify"), {"ids": [payment.pk]}).status_code == 403
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


def test_anonymous_goes_to_login(client):
    response = client.get(QUEUE_URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_manager_reads_the_queue_without_actions_and_cannot_verify(client, user_with_role, queue):
    payment = queue[-1][0]
    client.force_login(user_with_role("manager"))
    response = client.get(QUEUE_URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "李丽" in page and "WX42" in page
    assert reverse("finance:verify", args=[payment.pk]) not in page and "复核勾选的收款" not in page
    assert client.post(reverse("finance:verify", args=[payment.pk])).status_code == 403


def test_finance_sees_every_pending_payment_oldest_first_and_filters(client, finance, queue):
    community, other, alice, bob, payments = queue
    payment_reject(payment_id=payments[3].pk, rejected_by=finance, reason="x")
    client.force_login(finance)
    rows = list(client.get(QUEUE_URL).context["table"].page.object_list)
    assert [row.record.pk for row in rows] == [payments[2].pk, payments[0].pk, payments[1].pk]
    filtered = client.get(QUEUE_URL, {"community": community.pk, "collected_by": alice.user.pk, "channel": "wechat"})
    assert [row.record.pk for row in filtered.context["table"].page.object_list] == [payments[1].pk]
    by_date = client.get(QUEUE_URL, {"paid_from": yesterday().isoformat(), "collected_by": bob.user.pk})
    assert [row.record.pk for row in by_date.context["table"].page.object_list] == []
    fragment = client.get(QUEUE_URL, {"community": other.pk}, **HTMX)
    assert fragment.templates[0].name == "finance/queue_results.html"


def test_verify_issues_the_receipt_allocates_and_swaps_the_row(client, finance, queue):
    payment = queue[-1][0]
    client.force_login(finance)
    response = client.post(reverse("finance:verify", args=[payment.pk]), **HTMX)
    assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.VERIFIED and payment.verified_by == finance
    assert payment.receipt_no == f"HY-{timezone.localdate().year}-000001"
    body = response.content.decode()
    assert body.lstrip().startswith(f'<tr id="payment-{payment.pk}"') and payment.receipt_no in body
    assert Allocation.objects.filter(payment=payment).get().amount == Decimal("100.00")


def test_a_payment_handled_by_someone_else_says_so(client, finance, user_with_role, queue):
    payment = queue[-1][0]
    other = user_with_role("finance", username="fin2")
    payment_verify(payment_id=payment.pk, verified_by=other)
    client.force_login(finance)
    response = client.post(reverse("finance:verify", args=[payment.pk]), **HTMX)
    assert "已由 fin2 处理" in response.content.decode()
    response = client.post(reverse("finance:reject", args=[payment.pk]), {"reason": "重复"}, follow=True)
    assert "已由 fin2 处理" in response.content.decode()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.VERIFIED and payment.receipt_no.endswith("000001")


def test_reject_needs_a_reason(client, finance, queue):
    payment = queue[-1][0]
    client.force_login(finance)
    response = client.post(reverse("finance:reject", args=[payment.pk]), {"reason": "  "}, **HTMX)
    body = response.content.decode()
    assert "请填写驳回原因" in body and reverse("finance:verify", args=[payment.pk]) in body
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


def test_rejected_payment_and_its_reason_reach_the_collector(client, finance, queue):
    community, _other, alice, bob, payments = queue
    payment = payments[0]
    client.force_login(finance)
    response = client.post(reverse("finance:reject", args=[payment.pk]), {"reason": "现金未交到财务"}, **HTMX)
    assert "已驳回:现金未交到财务" in response.content.decode()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REJECTED and payment.rejection_reason == "现金未交到财务"

    client.force_login(alice.user)
    tasks = client.get(reverse("tasks_today")).content.decode()
    assert "被财务驳回" in tasks and "现金未交到财务" in tasks and payment.household.label in tasks
    # Another collector does not see it.
    client.force_login(bob.user)
    assert "现金未交到财务" not in client.get(reverse("tasks_today")).content.decode()
    # The household's history shows it to whoever holds the household today.
    campaign = Campaign.objects.create(
        name="集中催费", start_date=timezone.localdate(), end_date=timezone.localdate() + timedelta(days=5)
    )
    Assignment.objects.create(campaign=campaign, day=timezone.localdate(), household=payment.household, staff=bob)
    history = client.get(reverse("household_history", args=[payment.household_id])).content.decode()
    assert "近期被财务驳回的收款" in history and "现金未交到财务" in history


def test_old_rejections_leave_the_collectors_page(client, finance, queue):
    _community, _other, alice, _bob, payments = queue
    payment_reject(payment_id=payments[0].pk, rejected_by=finance, reason="很久以前")
    Payment.objects.filter(pk=payments[0].pk).update(verified_at=timezone.now() - timedelta(days=30))
    client.force_login(alice.user)
    assert "很久以前" not in client.get(reverse("tasks_today")).content.decode()


def test_bulk_verify_verifies_the_ticked_and_reports_the_rest(client, finance, queue):
    _community, _other, _alice, _bob, payments = queue
    payment_reject(payment_id=payments[1].pk, rejected_by=finance, reason="重复")
    client.force_login(finance)
    ids = [payments[0].pk, payments[1].pk, payments[2].pk]
    data = {"ids": ids, "next": QUEUE_URL, "confirm": "1"}
    response = client.post(reverse("finance:bulk_verify"), data, follow=True)
    page = response.content.decode()
    assert "已复核 2 笔收款" in page and "已驳回" in page
    statuses = dict(Payment.objects.filter(pk__in=ids).values_list("pk", "status"))
    assert statuses == {
        payments[0].pk: PaymentStatus.VERIFIED,
        payments[1].pk: PaymentStatus.REJECTED,
        payments[2].pk: PaymentStatus.VERIFIED,
    }
    assert Payment.objects.get(pk=payments[3].pk).status == PaymentStatus.PENDING
    # Oldest first: the payment of the day before yesterday took the first number.
    assert Payment.objects.get(pk=payments[2].pk).receipt_no.endswith("000001")


def test_bulk_verify_asks_for_confirmation_first(client, finance, queue):
    _community, _other, _alice, _bob, payments = queue
    client.force_login(finance)
    ids = [payments[0].pk, payments[2].pk]
    response = client.post(reverse("finance:bulk_verify"), {"ids": ids, "next": QUEUE_URL})
    assert response.status_code == 200
    page = response.content.decode()
    total = payments[0].amount + payments[2].amount
    assert "确认批量复核" in page and "2 笔收款" in page and f"{total:,.2f}" in page
    assert 'name="confirm" value="1"' in page and page.count('name="ids"') == 2
    assert not Payment.objects.filter(pk__in=ids, status=PaymentStatus.VERIFIED).exists()  # nothing yet
    client.post(reverse("finance:bulk_verify"), {"ids": ids, "next": QUEUE_URL, "confirm": "1"})
    assert Payment.objects.filter(pk__in=ids, status=PaymentStatus.VERIFIED).count() == 2


def test_bulk_verify_with_nothing_ticked_says_so(client, finance, queue):
    client.force_login(finance)
    response = client.post(reverse("finance:bulk_verify"), {}, follow=True)
    assert "请先勾选" in response.content.decode()


def test_next_must_stay_on_the_site(client, finance, queue):
    client.force_login(finance)
    response = client.post(reverse("finance:bulk_verify"), {"next": "https://evil.example/"})
    assert response["Location"] == QUEUE_URL


# session, user, groups; communities and collectors for the filter form; count; page of payments
QUEUE_QUERIES = 7


@pytest.mark.parametrize("extra", [0, 40])
def test_queue_queries_do_not_grow_with_payments(client, finance, queue, extra, django_assert_max_num_queries):
    community, _other, alice, _bob, payments = queue
    household = payments[0].household
    for _ in range(extra):
        pending(household, "1.00", by=alice.user)
    client.force_login(finance)
    with django_assert_max_num_queries(QUEUE_QUERIES):
        response = client.get(QUEUE_URL)
    assert response.status_code == 200
    assert response.context["table"].paginator.count == 4 + extra


@pytest.mark.parametrize(
    "role, queue_link, desk_link",
    [("finance", True, True), ("manager", True, False), ("service", False, True), ("staff", False, False)],
)
def test_navigation_shows_the_finance_pages_by_role(client, user_with_role, role, queue_link, desk_link):
    client.force_login(user_with_role(role))
    page = client.get(reverse("home")).content.decode()
    assert (f'href="{QUEUE_URL}"' in page) is queue_link
    assert (f'href="{reverse("finance:desk")}"' in page) is desk_link
