"""A collector's day in headless Chromium at phone size, and the manager seeing it (Playwright, Debian's chromium)."""

from datetime import timedelta
from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps
from django.utils import timezone

from assignments.models import Campaign
from assignments.services import split_for_day
from scripts_faq.models import FaqAnswer
from tests.browser_support import SHOTS, browser_marks, login
from tests.factories import (
    BuildingFactory,
    ChargeFactory,
    CommunityFactory,
    HouseholdFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = browser_marks


@pytest.fixture
def day_of_work():
    # A transactional test before this one may have flushed what the data migration loaded.
    if not FaqAnswer.objects.exists():
        import_module("scripts_faq.migrations.0002_seed_content").load(apps, None)
    today = timezone.localdate()
    community = CommunityFactory(code="HY")
    building = BuildingFactory(community=community, name="3")
    for room in ("1201", "1202"):
        household = HouseholdFactory(community=community, building=building, unit="2", room=room)
        ChargeFactory(household=household, amount=Decimal("660.00"), due_date=today - timedelta(days=40))
    collector = StaffFactory(user__username="baoan01", name="李保安")
    collector.user.set_password("pass-word-123")
    collector.user.save()
    manager = UserFactory(username="jingli", roles=["manager"])
    campaign = Campaign.objects.create(
        name="年底集中催费", start_date=today - timedelta(days=1), end_date=today + timedelta(days=30)
    )
    campaign.communities.add(community)
    split_for_day(campaign=campaign, day=today)
    return {"collector": collector, "manager": manager}


def htmx_settled(page):
    """Wait until htmx has swapped and settled: handlers on new content exist only after that."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
    )


def test_collector_records_a_refusal_and_a_promise_and_the_manager_sees_it(browser, live_server, day_of_work):
    SHOTS.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    phone = browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN")
    page = phone.new_page()
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    login(page, live_server.url, "baoan01")
    page.goto(f"{live_server.url}/tasks/")
    cards = page.locator("article.task")
    assert cards.count() == 2
    page.screenshot(path=SHOTS / "01-tasks.png", full_page=True)

    # First household: refuses because of a construction defect; the FAQ answer appears at once.
    first = cards.nth(0)
    first.get_by_text("记录结果").click()
    form = first.locator("form.record-form")
    form.wait_for()
    form.locator("label.tile", has_text="拒缴").click()
    form.locator("select[name=objection]").wait_for()
    htmx_settled(page)
    form.locator("select[name=objection]").select_option("construction_defect")
    guidance = first.locator("aside.guidance")
    guidance.wait_for()
    guidance.locator("summary").click()
    assert "商品房买卖合同" in guidance.inner_text()
    page.screenshot(path=SHOTS / "02-refusal-faq.png", full_page=True)
    form.get_by_role("button", name="保存").click()
    first.get_by_text("已保存").or_(first.locator(".task-flash")).first.wait_for()

    # Second household: promises to pay tomorrow.
    second = page.locator("article.task").nth(1)
    second.get_by_text("记录结果").click()
    form = second.locator("form.record-form")
    form.wait_for()
    form.locator("label.tile", has_text="承诺缴费").click()
    form.locator("input[name=promised_date]").wait_for()
    htmx_settled(page)
    tomorrow = timezone.localdate() + timedelta(days=1)
    form.locator("input[name=promised_date]").fill(tomorrow.isoformat())
    form.get_by_role("button", name="保存").click()
    second.locator(".task-flash").wait_for()
    page.screenshot(path=SHOTS / "03-promise.png", full_page=True)
    assert errors == []

    # The manager's team page counts today's promise.
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    manager_page = desk.new_page()
    day_of_work["manager"].set_password("pass-word-123")
    day_of_work["manager"].save()
    login(manager_page, live_server.url, "jingli")
    manager_page.goto(f"{live_server.url}/team/")
    text = manager_page.inner_text("main")
    assert "李保安" in text
    promises = manager_page.locator("li", has_text="今日承诺").locator(".value")
    assert promises.inner_text().strip() == "1"
    manager_page.screenshot(path=SHOTS / "04-manager-team.png", full_page=True)
    phone.close()
    desk.close()
