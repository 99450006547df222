"""The owner's page in headless Chromium at 375 px: readable without zooming, no request but the page itself,
a promise made with the phone's own date picker field, and a bad token answering 404."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from arrears.templatetags.arrears_format import format_money
from assignments.models import Contact, ContactChannel, Outcome
from notices.letters import letter_amounts
from outreach.links import token_for
from outreach.services.links import owner_link_for
from tests.browser_support import SHOTS, browser_marks
from tests.factories import BuildingFactory, ChargeFactory, CommunityFactory, HouseholdFactory

pytestmark = browser_marks


@pytest.fixture
def owner_link():
    today = timezone.localdate()
    community = CommunityFactory(
        code="HY",
        name="和园",
        contact_phone="0571-88886666",
        payment_channels="物业服务中心前台(1号楼底商)\n微信缴费:关注“和园物业”公众号,进入“物业缴费”",
    )
    household = HouseholdFactory(
        community=community, building=BuildingFactory(community=community, name="3"), unit="2", room="1201"
    )
    for months in (1, 2, 3, 4):
        due = today - timedelta(days=30 * months)
        ChargeFactory(
            household=household,
            amount=Decimal("660.00"),
            period_start=due - timedelta(days=29),
            period_end=due,
            due_date=due,
        )
    return household, owner_link_for(household=household)


def test_the_owners_page_on_a_phone(browser, live_server, owner_link):
    SHOTS.mkdir(parents=True, exist_ok=True)
    household, link = owner_link
    context = browser.new_context(viewport={"width": 375, "height": 812}, locale="en-US", device_scale_factor=2)
    page = context.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    url = f"{live_server.url}/o/{token_for(link.key)}/"

    response = page.goto(url)
    assert response.status == 200
    assert requests == [url]  # nothing else to fetch on a weak connection
    assert page.locator("header h1").inner_text().startswith("和园")
    assert page.get_by_text("房号 3-2-1201").is_visible()
    amounts = letter_amounts(household, timezone.localdate())
    assert page.locator(".total .amount").inner_text() == f"¥{format_money(amounts.total)}"
    assert amounts.principal == Decimal("2640.00") and amounts.late_fee > 0
    assert page.locator("ul.periods li").count() == 4
    # Nothing wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.get_by_role("link", name="致电服务中心 0571-88886666").get_attribute("href") == "tel:0571-88886666"
    page.screenshot(path=str(SHOTS / "owner-page-375.png"), full_page=True)

    # A date in the past is refused, in Chinese, and the section stays open on the error.
    page.get_by_text("承诺缴费日期").click()
    yesterday = timezone.localdate() - timedelta(days=1)
    page.evaluate(
        "day => { const input = document.querySelector('#id_promise-promised_date'); input.removeAttribute('min');"
        " input.value = day; }",
        yesterday.isoformat(),
    )
    page.get_by_role("button", name="提交承诺").click()
    page.wait_for_load_state()
    assert page.get_by_text("承诺缴费日期不能早于今天").is_visible()

    day = timezone.localdate() + timedelta(days=5)
    page.fill("#id_promise-promised_date", day.isoformat())
    page.fill("#id_promise-amount", "1320")
    page.get_by_role("button", name="提交承诺").click()
    page.wait_for_load_state()
    assert page.get_by_text("已收到您的缴费承诺").is_visible()
    assert page.get_by_text(f"已登记承诺:{day.year}年{day.month}月{day.day}日前缴费").is_visible()
    page.screenshot(path=str(SHOTS / "owner-page-375-promised.png"), full_page=True)
    contact = Contact.objects.get(household=household)
    assert (contact.channel, contact.outcome, contact.promised_date) == (
        ContactChannel.SELF_SERVICE,
        Outcome.PROMISED,
        day,
    )

    bad = page.goto(url[:-2] + ("A/" if url[-2] != "A" else "B/"))
    assert bad.status == 404
    assert errors == []
    context.close()
