"""No horizontal scroll: the dashboard and the finance desk fit a 375 px phone and a 1366 px laptop."""

import pytest

from arrears.models.ledger import PaymentChannel
from tests.browser_support import SHOTS, browser_marks, login
from tests.factories import UserFactory
from tests.factories_dashboard import hand_league, hand_ledger
from tests.factories_finance import collector, community_with_households, pending

pytestmark = browser_marks
WIDTHS = (375, 1366)


def overflow(page) -> dict:
    """How far the page is wider than the window, and the widest elements sticking out (for the message)."""
    return page.evaluate(
        """() => {
          const root = document.documentElement;
          const limit = root.clientWidth;
          const wide = [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > limit + 1)
            .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));
          return {scroll: root.scrollWidth, client: limit, wide};
        }"""
    )


def assert_fits(page, name: str, width: int) -> None:
    page.wait_for_load_state("networkidle")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"layout-{name}-{width}.png", full_page=True)
    measured = overflow(page)
    assert measured["scroll"] <= measured["client"], measured


@pytest.mark.parametrize("width", WIDTHS)
def test_the_dashboard_has_no_horizontal_scroll(browser, live_server, width):
    hand_league(hand_ledger())
    UserFactory(username="jingli", roles=["manager"])
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    login(page, live_server.url, "jingli")
    page.goto(f"{live_server.url}/dashboard/?start=2026-03-01&end=2026-03-31")
    page.wait_for_function("() => [...document.querySelectorAll('[data-chart]')].every(e => e.dataset.drawn)")
    assert_fits(page, "dashboard", width)
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_finance_queue_has_no_horizontal_scroll(browser, live_server, width):
    _community, households = community_with_households(rooms=("1201", "1202", "1203"))
    staff = collector(name="欧阳晓明")
    for household in households:
        pending(household, "12345.67", by=staff.user, channel=PaymentChannel.WECHAT, reference="4200001234567890123456")
    UserFactory(username="caiwu", roles=["finance"])
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    login(page, live_server.url, "caiwu")
    page.goto(f"{live_server.url}/finance/")
    assert_fits(page, "finance", width)
    context.close()
