"""Undo and confirmation in headless Chromium: a collector edits then withdraws their promise from the card they
just saved; finance confirms a bulk verification and the day's close before anything is written."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from arrears.models import DayClose, Payment
from arrears.models.ledger import PaymentStatus
from assignments.models import Campaign, Contact
from assignments.services import split_for_day
from tests.browser_support import browser_marks, login
from tests.factories import ChargeFactory, HouseholdFactory, StaffFactory, UserFactory
from tests.factories_finance import community_with_households, pending

pytestmark = browser_marks


def settled(page):
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")


def test_a_collector_edits_and_withdraws_a_promise_the_same_day(browser, live_server):
    today = timezone.localdate()
    household = HouseholdFactory()
    ChargeFactory(household=household, amount=Decimal("300.00"), due_date=today - timedelta(days=40))
    StaffFactory(user__username="baoan01", name="李保安")
    campaign = Campaign.objects.create(name="行动", start_date=today, end_date=today + timedelta(days=9))
    campaign.communities.add(household.community)
    split_for_day(campaign=campaign, day=today)
    phone = browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN")
    page = phone.new_page()
    login(page, live_server.url, "baoan01")
    page.goto(f"{live_server.url}/tasks/")
    card = page.locator("article.task").first
    card.get_by_text("记录结果").click()
    form = card.locator("form.record-form")
    form.wait_for()
    form.locator("label.tile", has_text="承诺缴费").click()
    form.locator("input[name=promised_date]").wait_for()
    settled(page)
    form.locator("input[name=promised_date]").fill((today + timedelta(days=3)).isoformat())
    form.locator("input[name=promised_amount]").fill("500")
    form.get_by_role("button", name="保存").click()
    flash = card.locator(".task-flash")
    flash.wait_for()
    flash.get_by_role("link", name="修改或撤回").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("input[name=promised_amount]").input_value() == "500.00"
    page.fill("input[name=promised_amount]", "300")
    page.get_by_role("button", name="保存修改").click()
    page.wait_for_load_state("networkidle")
    assert "已修改" in page.inner_text("main") and "修改前:" in page.inner_text("main")
    page.get_by_role("link", name="修改或撤回").click()
    page.fill("input[name=reason]", "记错了房屋")
    page.get_by_role("button", name="撤回").click()
    page.wait_for_load_state("networkidle")
    assert "已撤回这条跟进记录" in page.inner_text("main")
    assert page.locator("li.event.withdrawn s", has_text="承诺缴费").count() == 1
    assert not Contact.objects.filter(household=household).exists()
    phone.close()


def test_finance_confirms_a_bulk_verification_and_the_days_close(browser, live_server):
    community, households = community_with_households()
    day = timezone.localdate() - timedelta(days=1)
    for household in households[:2]:
        pending(household, "100.00", day=day)
    UserFactory(username="caiwu", roles=["finance"])
    desk = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = desk.new_page()
    login(page, live_server.url, "caiwu")
    page.goto(f"{live_server.url}/finance/")
    for box in page.locator("input[name=ids]").all():
        box.check()
    page.get_by_role("button", name="复核勾选的收款").click()
    page.wait_for_load_state("networkidle")
    assert "确认批量复核" in page.inner_text("main") and "200.00" in page.inner_text("main")
    assert not Payment.objects.filter(status=PaymentStatus.VERIFIED).exists()
    page.get_by_role("button", name="确认复核").click()
    page.wait_for_load_state("networkidle")
    assert "已复核 2 笔收款" in page.inner_text("main")

    page.goto(f"{live_server.url}/finance/days/{community.code}/{day.isoformat()}/")
    page.get_by_role("button", name="确认日结").click()  # the box is not ticked: the browser asks for it
    assert not DayClose.objects.exists()
    page.get_by_label("已核对当天的收款和冲正").check()
    page.get_by_role("button", name="确认日结").click()
    page.wait_for_load_state("networkidle")
    assert "已日结" in page.inner_text("main")
    assert DayClose.objects.filter(community=community, day=day).exists()
    desk.close()
