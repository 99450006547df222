"""Every form with a date input, in headless Chromium in Chinese: the date is filled (a browser drops a value that is
not YYYY-MM-DD, leaving the field blank) and the form submits. One browser for the module, one test per form."""

import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from arrears.models.ledger import PaymentChannel
from assignments.models import Campaign
from tests.browser_support import browser_marks, login
from tests.factories import ChargeFactory, UserFactory
from tests.factories_delivery import NoticeFactory
from tests.factories_finance import collector, community_with_households, pending, verified

pytestmark = browser_marks
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class Case:
    """A page, the date input on it, how to submit its form and what a successful submit shows."""

    user: str
    path: str
    field: str
    button: str
    success: str  # a text on the page after the submit, or a regular expression the URL matches (starts with ^)
    fill: str = ""  # a date typed first, for a field with no default
    prepare: str = ""  # a CSS selector to click before (a folded section)


def world():
    """A community with three households in arrears, a campaign, a notice, and one user per desk role."""
    today = timezone.localdate()
    community, households = community_with_households()
    ChargeFactory(household=households[0], amount=Decimal("50.00"), due_date=today - timedelta(days=900))
    UserFactory(username="jingli", roles=["manager"])
    UserFactory(username="caiwu", roles=["finance"])
    staff = collector()
    campaign = Campaign.objects.create(name="年底集中催费", start_date=today, end_date=today + timedelta(days=30))
    campaign.communities.add(community)
    notice = NoticeFactory(household=households[0], year=2000, as_of=today, deadline=today + timedelta(days=15))
    pending(households[1], "80.00", by=staff.user)
    paid = verified(households[2], "100.00", channel=PaymentChannel.CASH)
    return {"community": community, "household": households[0], "campaign": campaign, "notice": notice, "paid": paid}


def cases(data) -> dict[str, Case]:
    day = (timezone.localdate() - timedelta(days=3)).isoformat()
    later = (timezone.localdate() + timedelta(days=60)).isoformat()
    household, campaign = data["household"], data["campaign"]
    return {
        "batch": Case("jingli", "/notices/batches/new/", "as_of", "生成", r"^.*/notices/batches/\d+/$"),
        "delivery": Case("jingli", f"/notices/{data['notice'].pk}/", "delivered_on", "保存送达记录", "送达记录已保存"),
        "dashboard": Case("jingli", "/dashboard/", "end", "查看", r"^.*end=\d{4}-\d{2}-\d{2}"),
        "notice_list": Case(
            "jingli", "/notices/", "date_from", "筛选", r"^.*date_from=\d{4}-", fill=day, prepare="summary"
        ),
        "campaign_new": Case("jingli", "/campaigns/new/", "start_date", "保存", "已创建集中催费行动", fill=later),
        "campaign_edit": Case("jingli", f"/campaigns/{campaign.pk}/edit/", "start_date", "保存", "已保存"),
        "leave": Case("jingli", f"/campaigns/{campaign.pk}/", "start_date", "登记", "已登记 李丽 的休假"),
        "waiver": Case("jingli", f"/households/{household.pk}/waivers/new/", "waived_on", "确认减免", "已减免"),
        "household": Case("jingli", f"/households/{household.pk}/", "as_of", "重新计算", r"^.*as_of=\d{4}-"),
        "limitation": Case("jingli", "/notices/limitation/", "as_of", "筛选", r"^.*as_of=\d{4}-"),
        "publicity": Case("jingli", "/notices/publicity/", "as_of", "重新计算", r"^.*as_of=\d{4}-"),
        "task_sheet": Case("jingli", "/tasks/sheet/", "date", "显示", r"^.*date=\d{4}-"),
        "queue": Case("caiwu", "/finance/", "paid_from", "筛选", r"^.*paid_from=\d{4}-", fill=day),
        "desk": Case("caiwu", "/finance/desk/", "paid_on", "登记收款", "待财务复核"),
        "day": Case("caiwu", "/finance/days/", "day", "打开日结报表", r"^.*/finance/days/HY/\d{4}-\d{2}-\d{2}/$"),
        "reversal": Case("caiwu", f"/finance/payments/{data['paid'].pk}/", "reversed_on", "确认冲正", "已冲正"),
    }


EXTRA_FIELDS = {
    "desk": {"household": "3-2-101", "amount": "20.00"},
    "campaign_new": {"name": "春节前催费"},
    "waiver": {"amount": "0.01", "reason": "配合缴费"},
    "reversal": {"reason": "收款登记错误"},
}


FORMS = (
    "batch", "delivery", "dashboard", "notice_list", "campaign_new", "campaign_edit", "leave", "waiver",
    "household", "limitation", "publicity", "task_sheet", "queue", "desk", "day", "reversal",
)  # fmt: skip


@pytest.mark.parametrize("name", FORMS)
def test_the_date_is_filled_and_the_form_submits(browser, live_server, name):
    data = world()
    case = cases(data)[name]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, live_server.url, case.user)
    page.goto(live_server.url + case.path)
    if case.prepare:
        page.locator(case.prepare).first.click()
    field = page.locator(f"input[type=date][name={case.field}]").first
    if case.fill:
        field.fill(case.fill)
    value = field.input_value()
    assert ISO.match(value), f"{name}: the browser shows {value!r}"
    form = field.locator("xpath=ancestor::form")
    for other, text in EXTRA_FIELDS.get(name, {}).items():
        form.locator(f"input[name={other}], textarea[name={other}]").fill(text)
    if name == "campaign_new":  # after the running campaign: a community is in one campaign at a time
        form.locator("input[name=communities]").first.check()
        form.locator("input[name=end_date]").fill((timezone.localdate() + timedelta(days=90)).isoformat())
    if name == "delivery":
        form.locator("select[name=method]").select_option("posted")
    if name == "leave":
        form.locator("select[name=staff]").select_option(index=1)
    if name == "day":
        form.locator("select[name=community]").select_option(label="HY小区(HY)")
    form.get_by_role("button", name=case.button).click()
    page.wait_for_load_state("networkidle")
    if case.success.startswith("^"):
        page.wait_for_url(re.compile(case.success))
    else:
        assert case.success in page.inner_text("body"), (page.url, page.inner_text("body")[:1500])
    assert not page.locator(".errorlist, .errors").count(), page.inner_text("main")[:600]
    after = page.locator(f"input[type=date][name={case.field}]")
    if after.count():  # the form shown again (a filter) keeps an ISO date
        assert ISO.match(after.first.input_value())
    assert errors == []
    context.close()
