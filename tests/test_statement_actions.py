"""Acting on a statement's lines: confirm a match (verifying a pending payment), register an unmatched line as a
payment of a chosen household (through the payment services: day locks apply), and a line whose reference is a
rejected payment's is never proposed to another household."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from arrears.models import Payment
from arrears.models.ledger import PaymentChannel, PaymentStatus
from arrears.services import payment_reject
from finance.matching import MATCHED, UNMATCHED, PaymentRow, match_statement
from finance.models import StatementLineAction, StatementUpload
from finance.services import day_close
from finance.statements import StatementLine
from tests.factories_finance import community_with_households, pending, verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance(user_with_role):
    return user_with_role("finance", username="fin")


def upload(client, community, text: str, source="wechat") -> StatementUpload:
    file = SimpleUploadedFile("账单.csv", text.encode(), content_type="text/csv")
    response = client.post(reverse("finance:statements"), {"community": community.pk, "source": source, "file": file})
    assert response.status_code == 302, response.content.decode()[:500]
    return StatementUpload.objects.latest("pk")


def day_text(day):
    return day.isoformat()


def test_the_match_is_not_proposed_for_a_rejected_reference_and_says_why():
    day = timezone.localdate()
    lines = [StatementLine(2, day, Decimal("300.00"), "WX-9")]
    other_household = PaymentRow(id=1, paid_on=day, amount=Decimal("300.00"), reference="", household="3-2-102")
    rejected = [PaymentRow(id=2, paid_on=day, amount=Decimal("300.00"), reference="wx-9", household="3-2-101")]
    without = match_statement(lines, [other_household])
    assert without.lines[0].status == "possible"  # same amount, same day: proposed to 3-2-102
    result = match_statement(lines, [other_household], {"rejected": "rejected: %(household)s"}, rejected=rejected)
    assert result.lines[0].status == UNMATCHED and result.lines[0].payment_id is None
    assert result.lines[0].note == "rejected: 3-2-101"
    again = PaymentRow(id=3, paid_on=day, amount=Decimal("300.00"), reference="WX-9", household="3-2-101")
    assert match_statement(lines, [again], rejected=rejected).lines[0].status == MATCHED  # recorded again: matches


def test_an_upload_says_a_line_was_rejected(client, finance):
    community, (a, b, _c) = community_with_households()
    day = timezone.localdate() - timedelta(days=1)
    wrong = pending(a, "300.00", day=day, channel=PaymentChannel.WECHAT, reference="WX-9")
    payment_reject(payment_id=wrong.pk, rejected_by=finance, reason="不是本户")
    pending(b, "300.00", day=day, channel=PaymentChannel.WECHAT, reference="")
    client.force_login(finance)
    stored = upload(client, community, f"交易时间,金额,交易单号\n{day_text(day)},300.00,WX-9\n")
    page = client.get(reverse("finance:statement_detail", args=[stored.pk]))
    assert page.context["possible"] == []
    (line,) = page.context["unmatched_lines"]
    assert "已驳回" in line["note"] and "3-2-101" in line["note"]


def test_confirming_a_match_verifies_the_pending_payment_once(client, finance):
    community, (a, _b, _c) = community_with_households()
    day = timezone.localdate() - timedelta(days=1)
    payment = pending(a, "300.00", day=day, channel=PaymentChannel.WECHAT, reference="WX-1")
    client.force_login(finance)
    stored = upload(client, community, f"交易时间,金额,交易单号\n{day_text(day)},300.00,WX-1\n")
    page = client.get(reverse("finance:statement_detail", args=[stored.pk])).content.decode()
    assert "确认并复核" in page
    url = reverse("finance:statement_confirm", args=[stored.pk, 2])
    response = client.post(url, follow=True)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.VERIFIED and payment.verified_by == finance
    assert f"已确认,收据号 {payment.receipt_no}" in response.content.decode()
    response = client.post(url, follow=True)
    assert "已经处理过" in response.content.decode()
    assert StatementLineAction.objects.count() == 1
    assert "已确认匹配" in client.get(reverse("finance:statement_detail", args=[stored.pk])).content.decode()


def test_confirming_a_verified_match_only_marks_it(client, finance):
    community, (a, _b, _c) = community_with_households()
    day = timezone.localdate() - timedelta(days=1)
    payment = verified(a, "300.00", day=day, channel=PaymentChannel.WECHAT, reference="WX-1", verifier=finance)
    client.force_login(finance)
    stored = upload(client, community, f"交易时间,金额,交易单号\n{day_text(day)},300.00,WX-1\n")
    client.post(reverse("finance:statement_confirm", args=[stored.pk, 2]))
    action = StatementLineAction.objects.get()
    assert action.payment == payment and Payment.objects.get(pk=payment.pk).receipt_no == payment.receipt_no


def test_an_unmatched_line_is_registered_as_a_verified_payment_of_the_chosen_household(client, finance):
    community, (a, b, _c) = community_with_households()
    day = timezone.localdate() - timedelta(days=1)
    client.force_login(finance)
    stored = upload(client, community, f"交易时间,金额,交易单号\n{day_text(day)},120.50,WX-77\n")
    response = client.post(
        reverse("finance:statement_register", args=[stored.pk, 2]), {"household": "3-2-102"}, follow=True
    )
    payment = Payment.objects.get(reference="WX-77")
    assert payment.household == b and payment.amount == Decimal("120.50") and payment.paid_on == day
    assert payment.channel == PaymentChannel.WECHAT and payment.status == PaymentStatus.VERIFIED
    assert payment.allocations.exists() and "3-2-102" in response.content.decode()
    again = client.post(
        reverse("finance:statement_register", args=[stored.pk, 2]), {"household": "3-2-101"}, follow=True
    )
    assert "已经处理过" in again.content.decode() and Payment.objects.filter(reference="WX-77").count() == 1


def test_registering_is_refused_on_a_closed_day_and_for_an_unknown_room(client, finance):
    community, _households = community_with_households()
    day = timezone.localdate() - timedelta(days=2)
    day_close(community=community, day=day, closed_by=finance)
    client.force_login(finance)
    stored = upload(client, community, f"交易时间,金额,交易单号\n{day_text(day)},99.00,WX-5\n")
    url = reverse("finance:statement_register", args=[stored.pk, 2])
    assert "没有房屋「9-9-999」" in client.post(url, {"household": "9-9-999"}, follow=True).content.decode()
    response = client.post(url, {"household": "3-2-101"}, follow=True)
    assert "已日结" in response.content.decode()
    assert not Payment.objects.filter(reference="WX-5").exists() and not StatementLineAction.objects.exists()


def test_only_finance_acts_on_lines(client, finance, user_with_role):
    community, (a, _b, _c) = community_with_households()
    day = timezone.localdate() - timedelta(days=1)
    pending(a, "300.00", day=day, channel=PaymentChannel.WECHAT, reference="WX-1")
    client.force_login(finance)
    stored = upload(client, community, f"交易时间,金额,交易单号\n{day_text(day)},300.00,WX-1\n")
    for role in ("manager", "service", "staff"):
        client.force_login(user_with_role(role))
        assert client.post(reverse("finance:statement_confirm", args=[stored.pk, 2])).status_code == 403
        assert (
            client.post(
                reverse("finance:statement_register", args=[stored.pk, 2]), {"household": "3-2-101"}
            ).status_code
            == 403
        )
    assert not StatementLineAction.objects.exists()
