"""A statement is matched against the payments dated within a few days (STATEMENT_MATCH_DAYS) of its own lines,
not every payment between its first and last dates; its unmatched payments and lines paginate."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from arrears.models.ledger import PaymentChannel
from finance.models import StatementUpload
from tests.factories_finance import community_with_households, pending

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance(user_with_role):
    return user_with_role("finance", username="fin")


def upload(client, community, lines: list[str]) -> StatementUpload:
    text = "日期,金额,流水号\n" + "\n".join(lines) + "\n"
    file = SimpleUploadedFile("bank.csv", text.encode(), content_type="text/csv")
    response = client.post(reverse("finance:statements"), {"community": community.pk, "source": "bank", "file": file})
    assert response.status_code == 302, response.content.decode()[:500]
    return StatementUpload.objects.latest("pk")


def bank(household, amount, day, reference):
    return pending(household, amount, day=day, channel=PaymentChannel.BANK, reference=reference)


def test_only_payments_near_the_statements_own_dates_are_considered(client, finance, settings):
    settings.STATEMENT_MATCH_DAYS = 3
    community, (a, b, c) = community_with_households()
    today = timezone.localdate()
    first = today - timedelta(days=50)
    near_first = bank(a, "11.00", first + timedelta(days=2), "N1")
    far = bank(b, "22.00", first + timedelta(days=10), "F1")
    near_last = bank(c, "33.00", today - timedelta(days=1), "N2")
    client.force_login(finance)
    stored = upload(client, community, [f"{first},300,X1", f"{today},400,X2"])
    assert sorted(stored.result["unmatched_payments"]) == sorted([near_first.pk, near_last.pk])
    assert str(far.pk) not in stored.result["payments"]
    assert stored.unmatched_payment_count == 2


def test_the_window_is_configurable(client, finance, settings):
    settings.STATEMENT_MATCH_DAYS = 0
    community, (a, *_rest) = community_with_households()
    today = timezone.localdate()
    bank(a, "11.00", today - timedelta(days=1), "N1")
    same_day = bank(a, "12.00", today, "N2")
    client.force_login(finance)
    stored = upload(client, community, [f"{today},300,X1"])
    assert stored.result["unmatched_payments"] == [same_day.pk]


def test_a_payment_found_by_its_reference_is_matched_whatever_its_date(client, finance, settings):
    settings.STATEMENT_MATCH_DAYS = 1
    community, (a, *_rest) = community_with_households()
    today = timezone.localdate()
    earlier = bank(a, "300.00", today - timedelta(days=20), "REF-1")
    client.force_login(finance)
    stored = upload(client, community, [f"{today},300,REF-1"])
    assert stored.matched_count == 1 and stored.result["lines"][0]["payment_id"] == earlier.pk


def test_the_unmatched_payments_paginate(client, finance):
    community, (a, *_rest) = community_with_households()
    today = timezone.localdate()
    for n in range(60):
        bank(a, f"{n + 1}.00", today, f"P{n}")
    client.force_login(finance)
    stored = upload(client, community, [f"{today},99999,NONE"])
    url = reverse("finance:statement_detail", args=[stored.pk])
    first = client.get(url)
    assert first.status_code == 200
    assert len(first.context["unmatched_payments"]) == 50
    assert "payments_page=2" in first.content.decode()
    second = client.get(url, {"payments_page": 2})
    assert len(second.context["unmatched_payments"]) == 10
    assert client.get(url, {"payments_page": "x"}).status_code == 200


def test_the_unmatched_lines_paginate(client, finance):
    community, _households = community_with_households()
    today = timezone.localdate()
    client.force_login(finance)
    stored = upload(client, community, [f"{today},{n + 1},L{n}" for n in range(55)])
    url = reverse("finance:statement_detail", args=[stored.pk])
    first = client.get(url)
    assert len(first.context["unmatched_lines"]) == 50
    assert "lines_page=2" in first.content.decode()
    assert len(client.get(url, {"lines_page": 2}).context["unmatched_lines"]) == 5
