"""The public arrears list (欠费公示): months overdue, the rows, the PDF's text and privacy, access."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from arrears.models import Building
from arrears.months import add_months, months_overdue
from arrears.services import payment_verify
from config.celery import app
from notices.models import PdfJob
from notices.publicity import building_title, publicity_for, publicity_html
from tests.factories import (
    BuildingFactory,
    ChargeFactory,
    CommunityFactory,
    HouseholdFactory,
    OwnerFactory,
    PaymentFactory,
)

TODAY = date(2026, 3, 31)
OWNER_NAME = "王大锤"
OWNER_PHONE = "13912345678"


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    real = timezone.localdate
    monkeypatch.setattr(
        "django.utils.timezone.localdate", lambda value=None, timezone=None: TODAY if value is None else real(value)
    )


# Months overdue ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("oldest_due", "as_of", "months"),
    [
        (date(2026, 1, 31), date(2026, 2, 1), 0),
        (date(2026, 1, 31), date(2026, 2, 27), 0),
        (date(2026, 1, 31), date(2026, 2, 28), 1),  # 01-31 + 1 month is the last day of February
        (date(2026, 1, 31), date(2026, 3, 30), 1),
        (date(2026, 1, 31), date(2026, 3, 31), 2),
        (date(2025, 12, 15), date(2026, 3, 14), 2),
        (date(2025, 12, 15), date(2026, 3, 15), 3),
        (date(2023, 3, 31), date(2024, 2, 29), 11),  # leap year February
        (date(2024, 2, 29), date(2025, 2, 28), 12),
        (date(2026, 3, 31), date(2026, 3, 31), 0),
    ],
)
def test_months_overdue(oldest_due, as_of, months):
    assert months_overdue(oldest_due, as_of) == months


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)), st.integers(min_value=0, max_value=5000))
def test_months_overdue_is_the_largest_whole_month_count(oldest_due, days):
    as_of = oldest_due + timedelta(days=days)
    months = months_overdue(oldest_due, as_of)
    assert months >= 0
    assert add_months(oldest_due, months) <= as_of < add_months(oldest_due, months + 1)
    assert months_overdue(oldest_due, as_of + timedelta(days=1)) >= months


# The list ----------------------------------------------------------------------------------------------


def owing(household, amount="300.00", due=date(2026, 1, 31)):
    return ChargeFactory(
        household=household, amount=Decimal(amount), due_date=due, period_start=due.replace(day=1), period_end=due
    )


@pytest.fixture
def building(db):
    """Building 3 of a community: rooms owing, one paid up, one on the legal track; building 4 owes too."""
    community = CommunityFactory(name="和园小区", company_name="和园物业服务有限公司", contact_phone="0571-88886666")
    three = BuildingFactory(community=community, name="3")
    owner = OwnerFactory(community=community, name=OWNER_NAME, phone=OWNER_PHONE)

    def room(unit, number, **kwargs):
        return HouseholdFactory(community=community, building=three, unit=unit, room=number, owner=owner, **kwargs)

    owing(room("2", "1201"), "300.00", date(2026, 1, 31))
    old = room("1", "201")
    owing(old, "450.50", date(2025, 12, 15))
    owing(old, "300.00", date(2026, 2, 28))
    owing(room("1", "1001"), "88.00", date(2026, 3, 30))
    paid = room("1", "301")
    owing(paid)
    payment_verify(payment_id=PaymentFactory(household=paid, amount=Decimal("300.00")).pk, verified_by=None)
    owing(room("1", "401", on_legal_track=True), "9999.00")
    owing(room("1", "501"), "120.00", date(2026, 4, 30))  # not due yet
    four = BuildingFactory(community=community, name="4")
    owing(HouseholdFactory(community=community, building=four, unit="1", room="777"), "55.00")
    return three


def test_rows_are_rooms_months_and_principal_by_room(building):
    publicity = publicity_for(building, TODAY)
    assert [(r.room, r.months_overdue, r.principal) for r in publicity.rows] == [
        ("3-1-201", 3, Decimal("750.50")),
        ("3-1-1001", 0, Decimal("88.00")),
        ("3-2-1201", 2, Decimal("300.00")),
    ]
    assert publicity.total == Decimal("1138.50")


def test_an_earlier_date_counts_only_what_was_due_before_it(building):
    publicity = publicity_for(building, date(2026, 2, 28))
    assert [(r.room, r.months_overdue, r.principal) for r in publicity.rows] == [
        ("3-1-201", 2, Decimal("450.50")),
        ("3-1-301", 1, Decimal("300.00")),  # paid on 2026-03-02, after this date
        ("3-2-1201", 1, Decimal("300.00")),  # 01-31 + 1 month = 02-28
    ]


def test_html_never_holds_names_or_phones(building):
    html = publicity_html(publicity_for(building, TODAY))
    assert "3-1-201" in html and "750.50" in html
    assert OWNER_NAME not in html and OWNER_PHONE not in html and OWNER_PHONE[-4:] not in html
    assert "3-1-401" not in html and "9,999.00" not in html  # legal track
    assert "3-1-301" not in html and "4-1-777" not in html
    assert "滞纳金" not in html and "停水" not in html and "停电" not in html


def pdf_pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


@pytest.fixture
def make_pdf(client, django_capture_on_commit_callbacks, settings, tmp_path, monkeypatch):
    """Ask for the 公示 as the page does (a job; run at once, as without a broker) and download its file."""
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setitem(app.conf, "task_always_eager", True)

    def make(as_of: str | None = None, **target):
        data = {key: value.pk for key, value in target.items()}
        if as_of:
            data["as_of"] = as_of
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("publicity_job_new"), data)
        if response.status_code != 302:
            return response
        job = PdfJob.objects.latest("pk")
        assert response["Location"] == reverse("publicity_job", args=[job.pk])
        page = client.get(response["Location"]).content.decode()
        assert reverse("publicity_job_pdf", args=[job.pk]) in page  # done: the download button
        download = client.get(reverse("publicity_job_pdf", args=[job.pk]))
        read = HttpResponse(b"".join(download.streaming_content), status=download.status_code)
        for header in ("Content-Type", "Content-Disposition"):
            read[header] = download[header]
        return read

    return make


# The pages ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["manager", "service"])
def test_pdf_lists_rooms_and_amounts_without_names(client, user_with_role, building, role, make_pdf):
    client.force_login(user_with_role(role))
    response = make_pdf("2026-03-31", building=building)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"] and ".pdf" in response["Content-Disposition"]
    text = "\n".join(pdf_pages(response.content))
    for room, amount in [("3-1-201", "750.50"), ("3-1-1001", "88.00"), ("3-2-1201", "300.00")]:
        assert room in text and amount in text
    assert "1,138.50" in text
    assert "欠费本金" in text and "不含违约金" in text and "2026-03-31" in text
    assert OWNER_NAME not in text and OWNER_PHONE not in text
    assert "3-1-401" not in text and "4-1-777" not in text


def test_long_list_repeats_the_heading_on_every_page(client, user_with_role, building, make_pdf):
    for index in range(70):
        household = HouseholdFactory(community=building.community, building=building, unit="9", room=f"{index + 1}")
        owing(household, "10.00")
    client.force_login(user_with_role("manager"))
    response = make_pdf(building=building)
    pages = pdf_pages(response.content)
    assert len(pages) >= 2
    for text in pages:
        assert "欠费公示(截至 2026-03-31)" in text  # the running header
        assert "房号" in text and "欠费月数" in text  # the column heads
    assert "3-9-70" in pages[-1]


@pytest.mark.parametrize("role", ["staff", "finance", "legal", "supervisor"])
def test_other_roles_get_403(client, user_with_role, building, role):
    client.force_login(user_with_role(role))
    assert client.get(reverse("publicity_index")).status_code == 403
    assert client.post(reverse("publicity_job_new"), {"building": building.pk}).status_code == 403
    assert not PdfJob.objects.exists()


def test_unknown_building_is_404_and_bad_dates_400(client, user_with_role, building):
    client.force_login(user_with_role("service"))
    missing = Building.objects.order_by("-pk").first().pk + 1
    url = reverse("publicity_job_new")
    assert client.post(url, {"building": missing}).status_code == 404
    assert client.post(url, {"building": building.pk, "as_of": "2026-02-30"}).status_code == 400
    response = client.post(url, {"building": building.pk, "as_of": "2026-04-01"})
    assert response.status_code == 400 and "不能晚于 2026-03-31" in response.content.decode()
    assert client.post(url, {}).status_code == 400
    assert client.get(url).status_code == 405
    assert not PdfJob.objects.exists()


def test_picker_lists_buildings_in_arrears_with_their_links(client, user_with_role, building):
    client.force_login(user_with_role("service"))
    response = client.get(reverse("publicity_index"))
    assert response.status_code == 200
    ((community, buildings),) = response.context["communities"]
    assert [(b.building.name, b.households, b.principal) for b in buildings] == [
        ("3", 3, Decimal("1138.50")),
        ("4", 1, Decimal("55.00")),
    ]
    content = response.content.decode()
    assert reverse("publicity_job_new") in content
    assert f'name="building" value="{building.pk}"' in content and 'name="as_of" value="2026-03-31"' in content
    assert f'name="community" value="{community.pk}"' in content
    assert OWNER_NAME not in content
    earlier = client.get(reverse("publicity_index"), {"as_of": "2025-12-15"})
    assert earlier.context["communities"][0][1] == []


def test_home_page_links_the_picker_for_service_and_managers_only(client, user_with_role, db):
    client.force_login(user_with_role("service"))
    assert reverse("publicity_index") in client.get(reverse("home")).content.decode()
    client.force_login(user_with_role("finance"))
    assert reverse("publicity_index") not in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize(("name", "title"), [("3", "3栋"), ("A座", "A座"), ("12幢", "12幢"), ("东区1", "东区1栋")])
def test_building_title(name, title):
    assert building_title(name) == title


def test_the_pdf_is_in_chinese_when_the_reader_uses_english(client, user_with_role, building, make_pdf):
    client.force_login(user_with_role("manager"))
    client.cookies["django_language"] = "en"
    assert "Public arrears list" in client.get(reverse("publicity_index")).content.decode()
    response = make_pdf("2026-03-31", building=building)
    text = "\n".join(pdf_pages(response.content))
    assert "欠费本金" in text and "不含违约金" in text


def test_a_whole_community_in_one_pdf_each_building_on_its_own_pages(client, user_with_role, building, make_pdf):
    client.force_login(user_with_role("service"))
    response = make_pdf("2026-03-31", community=building.community)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    pages = pdf_pages(response.content)
    assert len(pages) == 2  # buildings 3 and 4, each its own list with its own page numbers
    assert "3栋" in pages[0] and "3-1-201" in pages[0] and "4-1-777" not in pages[0]
    assert "4栋" in pages[1] and "4-1-777" in pages[1] and "55.00" in pages[1]
    assert all("第 1 / 1 页" in page for page in pages)
    job = PdfJob.objects.get()
    assert (job.status, job.done, job.total) == ("done", 3, 3)


def test_a_job_is_seen_only_by_who_asked_for_it(client, user_with_role, building, make_pdf):
    client.force_login(user_with_role("service"))
    make_pdf(building=building)
    job = PdfJob.objects.get()
    client.force_login(user_with_role("manager"))
    for name in ("publicity_job", "publicity_job_progress", "publicity_job_pdf"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404


def test_the_progress_fragment_polls_while_the_job_is_queued(client, user_with_role, building):
    client.force_login(user_with_role("service"))
    response = client.post(reverse("publicity_job_new"), {"building": building.pk})  # on commit: never, here
    job = PdfJob.objects.get()
    assert response["Location"] == reverse("publicity_job", args=[job.pk])
    fragment = client.get(reverse("publicity_job_progress", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in fragment and "排队中" in fragment
    assert client.get(reverse("publicity_job_pdf", args=[job.pk])).status_code == 404
