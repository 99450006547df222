"""Daily close (日结): totals by channel and collector, refused while anything is pending, and a closed day is
locked in the services and through the views."""

import threading
import time
from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from arrears.models import DayClose, Payment, PaymentReversal
from arrears.models.ledger import PaymentChannel, PaymentStatus
from arrears.services import payment_record, payment_reject, payment_reverse, payment_verify
from finance.selectors import day_report
from finance.services import day_close
from tests.factories import PaymentFactory
from tests.factories_finance import collector, community_with_households, pending, verified, yesterday

pytestmark = pytest.mark.django_db


def day_url(community, day, name="finance:day"):
    return reverse(name, args=[community.code, day.isoformat()])


@pytest.fixture
def finance(user_with_role):
    return user_with_role("finance", username="fin")


@pytest.fixture
def day_world(finance):
    """Yesterday in HY: alice took 100.00 cash and 250.50 WeChat, bob 80.00 WeChat; the desk (finance) 40.00 by
    bank; one rejected payment, one of the day before, and one of another community (none of them count)."""
    community, (a, b, c) = community_with_households()
    alice, bob = collector("alice", "李丽"), collector("bob", "王波")
    day = yesterday()
    verified(a, "100.00", day=day, by=alice.user, verifier=finance)
    verified(b, "250.50", day=day, channel=PaymentChannel.WECHAT, by=alice.user, reference="WX1", verifier=finance)
    verified(c, "80.00", day=day, channel=PaymentChannel.WECHAT, by=bob.user, reference="WX2", verifier=finance)
    verified(a, "40.00", day=day, channel=PaymentChannel.BANK, by=finance, reference="B1", verifier=finance)
    rejected = pending(c, "999.00", day=day, by=bob.user)
    payment_reject(payment_id=rejected.pk, rejected_by=finance, reason="重复登记")
    verified(a, "7.00", day=day - timedelta(days=1), by=alice.user, verifier=finance)
    other, (elsewhere,) = community_with_households("QT", rooms=("201",))
    verified(elsewhere, "500.00", day=day, by=alice.user, verifier=finance)
    return community, day, alice, bob


def test_totals_by_channel_and_collector_are_the_days_verified_payments(day_world, finance):
    community, day, alice, bob = day_world
    report = day_report(community, day)
    assert [(line.key, line.count, line.amount) for line in report.by_channel] == [
        ("bank", 1, Decimal("40.00")),
        ("cash", 1, Decimal("100.00")),
        ("wechat", 2, Decimal("330.50")),
    ]
    by_collector = {line.label: (line.count, line.amount) for line in report.by_collector}
    assert by_collector == {"李丽": (2, Decimal("350.50")), "王波": (1, Decimal("80.00")), "fin": (1, Decimal("40.00"))}
    assert (report.received_count, report.received, report.reversed, report.net) == (
        4,
        Decimal("470.50"),
        Decimal("0.00"),
        Decimal("470.50"),
    )
    assert (report.pending_today, report.pending_up_to) == (0, 0)


def test_close_keeps_the_snapshot_and_refuses_a_second_close(day_world, finance):
    community, day, *_ = day_world
    closed = day_close(community=community, day=day, closed_by=finance)
    assert closed.totals["received"] == "470.50" and closed.totals["net"] == "470.50"
    assert {row["label"]: row["amount"] for row in closed.totals["by_channel"]} == {
        "银行转账": "40.00",
        "现金": "100.00",
        "微信": "330.50",
    }
    with pytest.raises(ValidationError, match="已经日结"):
        day_close(community=community, day=day, closed_by=finance)
    assert DayClose.objects.count() == 1


def test_close_is_refused_while_the_day_or_an_earlier_day_has_pending_payments(finance):
    community, (a, b, _c) = community_with_households()
    day = yesterday()
    same_day = pending(a, "10.00", day=day)
    with pytest.raises(ValidationError, match="1 笔"):
        day_close(community=community, day=day, closed_by=finance)
    payment_verify(payment_id=same_day.pk, verified_by=finance)
    earlier = pending(b, "20.00", day=day - timedelta(days=3))
    with pytest.raises(ValidationError, match="待复核"):
        day_close(community=community, day=day, closed_by=finance)
    # A pending payment of a later day does not hold this one back.
    pending(b, "30.00", day=timezone.localdate())
    payment_reject(payment_id=earlier.pk, rejected_by=finance, reason="查无此款")
    assert day_close(community=community, day=day, closed_by=finance).day == day


def test_a_future_day_cannot_be_closed(finance):
    community, _ = community_with_households()
    with pytest.raises(ValidationError, match="未来"):
        day_close(community=community, day=timezone.localdate() + timedelta(days=1), closed_by=finance)


def test_a_closed_day_refuses_record_verify_reject_and_reverse(day_world, finance):
    community, day, alice, _bob = day_world
    household = community.households.order_by("room").first()
    before = Payment.objects.filter(community=community, paid_on=day, status=PaymentStatus.VERIFIED).first()
    day_close(community=community, day=day, closed_by=finance)

    with pytest.raises(ValidationError, match="已日结"):
        payment_record(household=household, amount=Decimal("5.00"), paid_on=day, channel="cash")
    # A pending payment dated on the closed day (written past the services) can be neither verified nor rejected.
    stray = PaymentFactory(household=household, paid_on=day, amount=Decimal("5.00"))
    with pytest.raises(ValidationError, match="已日结"):
        payment_verify(payment_id=stray.pk, verified_by=finance)
    with pytest.raises(ValidationError, match="已日结"):
        payment_reject(payment_id=stray.pk, rejected_by=finance, reason="x")
    with pytest.raises(ValidationError, match="已日结"):
        payment_reverse(payment_id=before.pk, reversed_by=finance, reason="错账", reversed_on=day)
    stray.refresh_from_db()
    before.refresh_from_db()
    assert stray.status == PaymentStatus.PENDING and stray.receipt_no is None
    assert before.status == PaymentStatus.VERIFIED and not PaymentReversal.objects.exists()
    # Other days and other communities are not locked.
    payment_record(household=household, amount=Decimal("5.00"), paid_on=day - timedelta(days=1), channel="cash")


def test_a_correction_is_a_reversal_dated_on_an_open_day_and_leaves_the_closed_day_as_it_was(day_world, finance):
    community, day, *_ = day_world
    payment = Payment.objects.get(community=community, paid_on=day, amount=Decimal("250.50"))
    day_close(community=community, day=day, closed_by=finance)
    today = timezone.localdate()
    payment_reverse(payment_id=payment.pk, reversed_by=finance, reason="微信退款", reversed_on=today)
    closed_day = day_report(community, day)
    assert (closed_day.received, closed_day.reversed) == (Decimal("470.50"), Decimal("0.00"))
    correction_day = day_report(community, today)
    assert (correction_day.reversal_count, correction_day.reversed, correction_day.net) == (
        1,
        Decimal("250.50"),
        Decimal("-250.50"),
    )


# Views -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["service", "staff", "legal", "supervisor"])
def test_day_pages_are_for_finance_only(client, user_with_role, day_world, role):
    community, day, *_ = day_world
    client.force_login(user_with_role(role))
    for url in (reverse("finance:days"), day_url(community, day), day_url(community, day, "finance:day_export")):
        assert client.get(url).status_code == 403
    assert client.post(day_url(community, day, "finance:day_close")).status_code == 403
    assert not DayClose.objects.exists()


def test_managers_read_the_days_but_do_not_close_them(client, user_with_role, day_world):
    community, day, *_ = day_world
    client.force_login(user_with_role("manager"))
    for url in (reverse("finance:days"), day_url(community, day), day_url(community, day, "finance:day_export")):
        assert client.get(url).status_code == 200
    assert "确认日结" not in client.get(day_url(community, day)).content.decode()
    assert client.post(day_url(community, day, "finance:day_close"), {"confirm": "1"}).status_code == 403
    assert not DayClose.objects.exists()


def test_close_page_shows_totals_and_closes(client, finance, day_world):
    community, day, *_ = day_world
    client.force_login(finance)
    response = client.get(day_url(community, day))
    assert response.status_code == 200
    page = response.content.decode()
    assert "470.50" in page and "330.50" in page and "李丽" in page and "确认日结" in page
    assert 'name="confirm" value="1" required' in page
    response = client.post(day_url(community, day, "finance:day_close"), follow=True)  # not ticked
    assert "请勾选" in response.content.decode() and not DayClose.objects.exists()
    response = client.post(day_url(community, day, "finance:day_close"), {"confirm": "1"}, follow=True)
    assert "已日结" in response.content.decode()
    assert DayClose.objects.get().closed_by == finance
    assert "确认日结" not in client.get(day_url(community, day)).content.decode()


def test_close_page_refuses_with_pending_and_links_to_them(client, finance):
    community, (a, *_rest) = community_with_households()
    day = yesterday()
    pending(a, "12.00", day=day)
    client.force_login(finance)
    page = client.get(day_url(community, day)).content.decode()
    assert "确认日结" not in page and "处理完才能日结" in page
    response = client.post(day_url(community, day, "finance:day_close"), {"confirm": "1"}, follow=True)
    assert "待复核" in response.content.decode()
    assert not DayClose.objects.exists()


def test_closed_day_refuses_edits_through_the_views(client, finance, user_with_role, day_world):
    community, day, *_ = day_world
    household = community.households.order_by("room").first()
    payment = Payment.objects.filter(community=community, paid_on=day, status=PaymentStatus.VERIFIED).first()
    day_close(community=community, day=day, closed_by=finance)
    stray = PaymentFactory(household=household, paid_on=day, amount=Decimal("5.00"))  # written past the services
    client.force_login(finance)
    htmx = {"HTTP_HX_REQUEST": "true"}

    response = client.post(reverse("finance:verify", args=[stray.pk]), **htmx)
    assert "已日结" in response.content.decode()
    response = client.post(reverse("finance:reject", args=[stray.pk]), {"reason": "x"}, **htmx)
    assert "已日结" in response.content.decode()
    response = client.post(
        reverse("finance:payment", args=[payment.pk]), {"reversed_on": day.isoformat(), "reason": "错账"}
    )
    assert response.status_code == 400 and "已日结" in response.content.decode()
    response = client.post(
        reverse("finance:desk"),
        {"community": community.pk, "household": household.label, "amount": "5", "channel": "cash", "paid_on": day},
    )
    assert response.status_code == 400 and "已日结" in response.content.decode()
    stray.refresh_from_db()
    payment.refresh_from_db()
    assert stray.status == PaymentStatus.PENDING and payment.status == PaymentStatus.VERIFIED
    assert Payment.objects.filter(community=community, paid_on=day, amount=Decimal("5.00")).count() == 1

    # The correction: a reversal dated today (open) goes through.
    response = client.post(
        reverse("finance:payment", args=[payment.pk]),
        {"reversed_on": timezone.localdate().isoformat(), "reason": "错账"},
    )
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REVERSED


def test_day_report_exports_to_xlsx_with_chinese_headers(client, finance, day_world):
    community, day, *_ = day_world
    client.force_login(finance)
    response = client.get(day_url(community, day, "finance:day_export"))
    assert response.status_code == 200
    assert "filename*=utf-8''" in response["Content-Disposition"]
    workbook = load_workbook(BytesIO(response.content))
    assert workbook.sheetnames == ["汇总", "按收款人", "收款明细", "冲正明细"]
    summary = list(workbook["汇总"].iter_rows(values_only=True))
    assert summary[2] == ("收款方式", "笔数", "金额(元)")
    assert ("实收合计", 4, 470.5) in summary
    details = list(workbook["收款明细"].iter_rows(values_only=True))
    assert details[0] == ("收据号", "房屋", "金额(元)", "收款方式", "交易流水号", "收款人", "状态")
    assert len(details) == 5


# session, user, groups; community; day close; by channel; by collector; reversals; pending; payments; reversal rows
CLOSE_PAGE_QUERIES = 12


@pytest.mark.parametrize("extra", [0, 12])
def test_close_page_queries_do_not_grow_with_payments(client, finance, day_world, extra, django_assert_max_num_queries):
    community, day, alice, _bob = day_world
    household = community.households.first()
    for _ in range(extra):
        verified(household, "1.00", day=day, by=alice.user, verifier=finance)
    client.force_login(finance)
    with django_assert_max_num_queries(CLOSE_PAGE_QUERIES):
        response = client.get(day_url(community, day))
    assert response.status_code == 200
    assert len(response.context["payments"]) == 4 + extra


# Concurrency (PostgreSQL) ------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are only meaningful on PostgreSQL")
def test_closing_waits_for_a_payment_being_recorded_on_that_day(user_with_role):
    """A payment recorded while the day is being closed: the close waits for it, then refuses (it is pending)."""
    finance = user_with_role("finance")
    community, (household, *_rest) = community_with_households()
    day = yesterday()
    recorded, errors = threading.Event(), []

    def record():
        try:
            with transaction.atomic():
                payment_record(household=household, amount=Decimal("9.00"), paid_on=day, channel="cash")
                recorded.set()
                time.sleep(0.3)  # the close starts meanwhile and must wait for this commit
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    def close():
        recorded.wait(5)
        try:
            day_close(community=community, day=day, closed_by=finance)
        except ValidationError as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=record), threading.Thread(target=close)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [type(error) for error in errors] == [ValidationError] and "待复核" in str(errors[0])
    assert not DayClose.objects.exists()
    assert Payment.objects.get().status == PaymentStatus.PENDING


def test_closed_days_list_opens_a_day_and_exports(client, finance, day_world):
    community, day, *_ = day_world
    day_close(community=community, day=day, closed_by=finance)
    client.force_login(finance)
    response = client.get(reverse("finance:days"), {"community": community.pk, "day": day.isoformat()})
    assert response.status_code == 302 and response["Location"] == day_url(community, day)
    page = client.get(reverse("finance:days")).content.decode()
    assert day_url(community, day) in page and "470.50" in page
    rows = list(load_workbook(BytesIO(client.get(reverse("finance:days"), {"_export": "xlsx"}).content)).active.values)
    assert rows[0] == ("日期", "小区", "实收(元)", "冲正(元)", "日结人", "日结时间")
    assert rows[1][:4] == (day.isoformat(), "HY小区", 470.5, 0)
    bad = client.get(reverse("finance:days"), {"community": community.pk, "day": "明天"})
    assert bad.status_code == 200 and "日期格式应为 YYYY-MM-DD" in bad.content.decode()


def test_payment_page_offers_the_reversal_to_finance_only(client, finance, user_with_role, day_world):
    community, day, *_ = day_world
    payment = Payment.objects.filter(community=community, paid_on=day, status=PaymentStatus.VERIFIED).first()
    client.force_login(user_with_role("manager"))
    assert client.get(reverse("finance:payment", args=[payment.pk])).status_code == 403
    client.force_login(finance)
    page = client.get(reverse("finance:payment", args=[payment.pk])).content.decode()
    assert payment.receipt_no in page and "确认冲正" in page
    response = client.post(reverse("finance:payment", args=[payment.pk]), {"reversed_on": "", "reason": ""})
    assert response.status_code == 400 and "请填写冲正原因" in response.content.decode()
