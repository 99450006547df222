"""The manager's dashboard in headless Chromium (Playwright, Debian's chromium): the charts draw from the JSON
endpoints, with no console error, and changing a filter changes the figures."""

from tests.browser_support import SHOTS, browser_marks, login
from tests.factories import UserFactory
from tests.factories_dashboard import hand_league, hand_ledger

pytestmark = browser_marks


def wait_for_charts(page) -> int:
    charts = page.locator("[data-chart]")
    count = charts.count()
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-chart]')].every(e => e.getAttribute('data-drawn'))"
    )
    for index in range(count):
        chart = charts.nth(index)
        assert chart.get_attribute("data-drawn") == "true", chart.get_attribute("id")
        assert chart.locator("canvas").count() >= 1
    return count


def test_manager_sees_the_charts_and_a_filter_changes_the_figures(browser, live_server):
    ledger = hand_ledger()
    hand_league(ledger)
    UserFactory(username="jingli", roles=["manager"])
    SHOTS.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = desk.new_page()
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    login(page, live_server.url, "jingli")
    page.goto(f"{live_server.url}/dashboard/?start=2026-03-01&end=2026-03-31")
    assert wait_for_charts(page) == 6
    assert page.locator("[data-figure=current_collected]").inner_text() == "700.00"
    assert page.locator("#table-staff tbody tr").count() == 2
    page.screenshot(path=SHOTS / "dashboard-1-march.png", full_page=True)

    page.fill("input[name=end]", "2026-02-28")
    page.fill("input[name=start]", "2026-02-01")
    page.get_by_role("button", name="查看").click()
    page.wait_for_load_state("networkidle")
    assert "end=2026-02-28" in page.url
    wait_for_charts(page)
    assert page.locator("[data-figure=current_collected]").inner_text() == "300.00"
    assert page.locator("[data-figure=principal]").inner_text() == "800.00"  # B 200 (January) + C 500 + 100
    assert page.locator("#table-staff tbody tr").inner_text().strip() == "所选范围内没有分包"
    page.screenshot(path=SHOTS / "dashboard-2-february.png", full_page=True)

    # The chart's data came from the endpoint with the same filters.
    data = page.evaluate("() => fetch(document.querySelector('#chart-series').dataset.src).then(r => r.json())")
    assert data["days"][-1] == "2026-02-28" and data["collected"][-1] == "300.00"
    assert errors == []

    # Printed, the charts give way to their tables.
    page.emulate_media(media="print")
    assert not page.locator("#chart-series").is_visible()
    assert page.locator("#table-series").is_visible()
    assert page.locator("#as-of").is_visible()  # a printed page says as of when
    page.screenshot(path=SHOTS / "dashboard-3-print.png", full_page=True)
    desk.close()
