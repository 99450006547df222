"""Statement matching acts, in headless Chromium: finance uploads a WeChat bill, confirms a match (the payment is
verified) and registers an unmatched line as a payment of the household it names."""

from datetime import timedelta

from django.utils import timezone

from arrears.models import Payment
from arrears.models.ledger import PaymentChannel, PaymentStatus
from tests.browser_support import SHOTS, browser_marks, login
from tests.factories import UserFactory
from tests.factories_finance import community_with_households, pending

pytestmark = browser_marks


def test_finance_confirms_a_match_and_registers_an_unmatched_line(browser, live_server, tmp_path):
    community, (a, b, _c) = community_with_households()
    day = timezone.localdate() - timedelta(days=1)
    payment = pending(a, "300.00", day=day, channel=PaymentChannel.WECHAT, reference="WX-1")
    UserFactory(username="caiwu", roles=["finance"])
    bill = tmp_path / "微信账单.csv"
    bill.write_text(
        f"交易时间,金额,交易单号\n{day.isoformat()},300.00,WX-1\n{day.isoformat()},88.00,WX-2\n", encoding="utf-8"
    )
    desk = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = desk.new_page()
    login(page, live_server.url, "caiwu")
    page.goto(f"{live_server.url}/finance/statements/")
    page.select_option("select[name=community]", str(community.pk))
    page.select_option("select[name=source]", "wechat")
    page.set_input_files("input[name=file]", str(bill))
    page.get_by_role("button", name="上传并对账").click()
    page.wait_for_load_state("networkidle")

    page.locator("#line-2").get_by_role("button", name="确认并复核").click()
    page.wait_for_load_state("networkidle")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.VERIFIED
    assert page.locator("#line-2").get_by_text("已确认匹配").count() == 1

    row = page.locator("#line-3")
    row.locator("input[name=household]").fill("3-2-102")
    row.get_by_role("button", name="登记为收款").click()
    page.wait_for_load_state("networkidle")
    registered = Payment.objects.get(reference="WX-2")
    assert registered.household == b and registered.status == PaymentStatus.VERIFIED
    assert registered.receipt_no in page.inner_text("#line-3")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "statement-acts.png", full_page=True)
    desk.close()
