"""The owner's page (扫码查账): one household under a signed link, no login, nothing else leaks; what the owner
may ask from it, each validated in Chinese, rate-limited and on the household's history."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from arrears.templatetags.arrears_format import format_money
from assignments.models import Contact, ContactChannel, IssueRaised, Outcome
from assignments.selectors import household_cards, household_history
from notices.letters import letter_amounts
from outreach.links import new_key, token_for
from outreach.models import OptOutSource, OutreachSettings, OwnerLink, SmsOptOut
from outreach.quiet_hours import CHINA
from outreach.services.links import owner_link_for, owner_links_revoke
from outreach.services.owner import DAILY_LIMIT, owner_callback, owner_issue, owner_promise
from tests.factories import DepartmentFactory, OwnerFactory
from tests.factories_notices import household_in_arrears, letter_community, waive

pytestmark = pytest.mark.django_db


@pytest.fixture
def community():
    return letter_community()


@pytest.fixture
def household(community):
    return household_in_arrears(community, room="101", owner__name="王小明")


@pytest.fixture
def link(household):
    return owner_link_for(household=household)


def url(link, action=""):
    return f"/o/{token_for(link.key)}/" + (f"{action}/" if action else "")


def page(client, link):
    response = client.get(url(link))
    assert response.status_code == 200
    return response.content.decode()


# What it shows ---------------------------------------------------------------------------------------------------


def test_no_login_and_the_households_figures_to_today_as_the_letter_has_them(client, household, link, user_with_role):
    waive(household, Decimal("1.00"), user_with_role("manager"))
    html = page(client, link)
    amounts = letter_amounts(household, timezone.localdate())
    assert "3-2-101" in html and "和园" in html
    assert f"¥{format_money(amounts.total)}" in html
    for line in amounts.lines:
        assert format_money(line.late_fee) in html
        assert line.period_start.isoformat() in html
    assert "减免违约金" in html and "已缴期间逾期缴纳产生的违约金" in html
    assert "0571-88886666" in html and 'href="tel:0571-88886666"' in html
    assert "物业服务中心前台(1号楼底商)" in html
    assert len(amounts.lines) == 3  # January to March 2026, all still owed


def test_it_names_nobody_and_never_says_legal_track(client, household, link):
    household.on_legal_track = True
    household.save()
    html = page(client, link)
    assert "王小明" not in html and "王**" not in html
    assert household.owner.phone not in html
    for word in ("法务", "诉讼", "律师", "legal"):
        assert word not in html


def test_it_shows_one_household_only(client, community, household, link):
    other = household_in_arrears(community, building="5", unit="1", room="909", owner__name="李四")
    html = page(client, link)
    assert "5-1-909" not in html and "李四" not in html
    assert "5-1-909" in page(client, owner_link_for(household=other))


def test_it_is_in_chinese_whatever_the_phone_asks(client, link):
    html = client.get(url(link), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "欠费明细" in html and 'lang="zh-Hans"' in html


def test_it_is_not_cached_indexed_or_referred(client, link):
    response = client.get(url(link))
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "same-origin"  # "no-referrer" makes browsers post Origin: null
    assert "noindex" in response["X-Robots-Tag"]


def test_it_is_light(client, link):
    response = client.get(url(link))
    html = response.content.decode()
    assert "<script" not in html and "stylesheet" not in html  # one inline sheet, no other request
    assert len(response.content) < 40_000


def test_opening_it_is_noted_for_the_staff(client, link):
    page(client, link)
    link.refresh_from_db()
    assert link.last_seen_at is not None


# What answers 404 ------------------------------------------------------------------------------------------------


def test_a_tampered_token_is_404(client, link):
    token = token_for(link.key)
    for bad in (token[:-1] + ("x" if token[-1] != "x" else "y"), token[:-2], token + "a", "A" * 32, "not-a-token"):
        assert client.get(f"/o/{bad}/").status_code == 404


def test_a_well_signed_unknown_key_is_404(client, link):
    assert client.get(f"/o/{token_for(new_key())}/").status_code == 404


def test_an_expired_link_is_404(client, link):
    OwnerLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(url(link)).status_code == 404
    assert client.post(url(link, "promise"), {"promise-promised_date": date.today().isoformat()}).status_code == 404
    assert not Contact.objects.exists()


def test_a_revoked_link_is_404(client, household, link):
    assert owner_links_revoke(household=household) == 1
    assert client.get(url(link)).status_code == 404
    assert client.post(url(link, "optout")).status_code == 404
    assert not SmsOptOut.objects.exists()


def test_a_link_of_the_former_owner_is_404_once_the_household_changed_hands(client, household, link):
    household.owner = OwnerFactory(community=household.community, name="新业主")
    household.save()
    assert client.get(url(link)).status_code == 404
    assert owner_link_for(household=household).pk != link.pk  # the new owner gets a new one


def test_links_expire_after_the_configured_days(household, settings):
    settings.OWNER_LINK_DAYS = 60
    link = owner_link_for(household=household)
    assert timedelta(days=59, hours=23) < link.expires_at - timezone.now() <= timedelta(days=60)
    # Reused while it has more than half its life left, so one household does not pile up links.
    assert owner_link_for(household=household).pk == link.pk
    OwnerLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() + timedelta(days=20))
    assert owner_link_for(household=household).pk != link.pk


# What the owner may do -------------------------------------------------------------------------------------------


def test_a_promise_goes_on_the_collectors_list_flagged_self_service(client, household, link):
    day = timezone.localdate() + timedelta(days=3)
    response = client.post(url(link, "promise"), {"promise-promised_date": day.isoformat(), "promise-amount": "500"})
    assert response.status_code == 302 and response["Location"].endswith("?done=promise#done")
    contact = Contact.objects.get()
    assert (contact.channel, contact.outcome, contact.staff) == (ContactChannel.SELF_SERVICE, Outcome.PROMISED, None)
    assert (contact.promised_date, contact.promised_amount) == (day, Decimal("500.00"))
    card = household_cards([household], timezone.localdate(), full_contact=False)[0]
    assert card.promise_date == day and "promise-self-service" in card.badge_codes
    assert card.last_outcome == ""  # the collector has still not been in touch
    assert "已登记承诺" in page(client, link)
    assert "已收到您的缴费承诺" in client.get(response["Location"]).content.decode()


def test_a_promise_is_validated_in_chinese(client, link):
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client.post(url(link, "promise"), {"promise-promised_date": yesterday.isoformat()})
    assert response.status_code == 400
    assert "承诺缴费日期不能早于今天" in response.content.decode()
    response = client.post(url(link, "promise"), {"promise-promised_date": ""})
    assert "请选择承诺缴费日期" in response.content.decode()
    far = timezone.localdate() + timedelta(days=200)
    assert "不能晚于" in client.post(url(link, "promise"), {"promise-promised_date": far.isoformat()}).content.decode()
    response = client.post(
        url(link, "promise"), {"promise-promised_date": timezone.localdate().isoformat(), "promise-amount": "-5"}
    )
    assert "承诺金额必须大于零" in response.content.decode()
    assert "请输入正确的金额" in client.post(url(link, "promise"), {"promise-amount": "abc"}).content.decode()
    assert not Contact.objects.exists()


def test_a_problem_becomes_an_issue_routed_to_the_communitys_department(client, community, household, link):
    engineering = DepartmentFactory(name="工程部")
    DepartmentFactory(name="客服部")
    OutreachSettings.objects.create(community=community, issue_department=engineering, issue_days=2)
    response = client.post(
        url(link, "issue"), {"issue-category": "construction_defect", "issue-description": "卫生间漏水"}
    )
    assert response.status_code == 302
    issue = IssueRaised.objects.get()
    assert issue.department == engineering and issue.raised_by is None
    assert issue.deadline == timezone.localdate() + timedelta(days=2)
    assert "卫生间漏水" in issue.description and "房屋维修" in issue.description
    assert issue.contact.channel == ContactChannel.SELF_SERVICE and issue.contact.outcome == Outcome.ISSUE
    history = household_history(household, timezone.localdate())
    assert any(entry.contact and entry.contact.pk == issue.contact_id for entry in history)


def test_a_problem_goes_to_customer_service_by_default(household):
    DepartmentFactory(name="保安部")
    service = DepartmentFactory(name="客服部")
    assert owner_issue(household=household, category="facilities", description="电梯坏了").department == service


def test_a_problem_is_validated_in_chinese(client, link):
    DepartmentFactory(name="客服部")
    response = client.post(url(link, "issue"), {"issue-category": "", "issue-description": ""})
    html = response.content.decode()
    assert response.status_code == 400 and "请选择问题类型" in html and "请描述您遇到的问题" in html
    response = client.post(url(link, "issue"), {"issue-category": "vacant", "issue-description": "x"})
    assert "请选择问题类型" in response.content.decode()  # not a problem an owner reports
    response = client.post(url(link, "issue"), {"issue-category": "other", "issue-description": "字" * 501})
    assert "不能超过" in response.content.decode()
    assert not IssueRaised.objects.exists()


def test_a_callback_request_is_on_the_collectors_list(client, household, link):
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(
        url(link, "callback"),
        {"callback-day": tomorrow.isoformat(), "callback-slot": "evening", "callback-note": "下班后"},
    )
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert contact.outcome == Outcome.CALLBACK and contact.note == "下班后"
    assert timezone.localtime(contact.callback_at).time() == time(19, 0)
    card = household_cards([household], tomorrow, full_contact=False)[0]
    assert card.callback_due and "callback-requested" in card.badge_codes


def test_a_callback_is_validated_in_chinese(client, link):
    response = client.post(url(link, "callback"), {"callback-day": "", "callback-slot": ""})
    html = response.content.decode()
    assert response.status_code == 400 and "请选择希望回电的日期" in html and "请选择希望回电的时段" in html


def test_a_slot_of_today_that_is_over_is_refused(household):
    now = datetime.combine(timezone.localdate(), time(20, 30), tzinfo=CHINA)
    with pytest.raises(Exception, match="已经过去"):
        owner_callback(household=household, day=timezone.localdate(), slot="morning", now=now)


def test_the_owner_can_stop_the_sms(client, household, link):
    household.owner.phone_alt = "139 0013 9000"
    household.owner.save()
    assert client.post(url(link, "optout")).status_code == 302
    assert set(SmsOptOut.objects.values_list("phone", "source")) == {
        (household.owner.phone, OptOutSource.OWNER_PAGE),
        ("13900139000", OptOutSource.OWNER_PAGE),
    }
    assert "您已退订催费短信" in page(client, link)


def test_the_forms_need_the_csrf_token(household, link):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    day = timezone.localdate().isoformat()
    assert strict.post(url(link, "promise"), {"promise-promised_date": day}).status_code == 403


# Rate limits -----------------------------------------------------------------------------------------------------


def test_a_second_submission_within_seconds_is_refused(client, link):
    day = (timezone.localdate() + timedelta(days=2)).isoformat()
    assert client.post(url(link, "promise"), {"promise-promised_date": day}).status_code == 302
    response = client.post(url(link, "callback"), {"callback-day": day, "callback-slot": "morning"})
    assert response.status_code == 400 and "提交太频繁,请稍后再试" in response.content.decode()
    assert Contact.objects.count() == 1


def test_at_most_three_of_a_kind_a_day(household):
    start = timezone.now()
    day = timezone.localdate() + timedelta(days=2)
    for n in range(DAILY_LIMIT):
        when = start + timedelta(minutes=n)
        owner_promise(household=household, promised_date=day, amount=None, now=when)
        Contact.objects.filter(pk=Contact.objects.latest("pk").pk).update(created_at=when)
    with pytest.raises(Exception, match="今天已提交 3 次"):
        owner_promise(household=household, promised_date=day, amount=None, now=start + timedelta(minutes=10))
    # Another kind is still open, and the next day the promise is too.
    owner_callback(household=household, day=day, slot="morning", now=start + timedelta(minutes=11))
    Contact.objects.filter(outcome=Outcome.PROMISED).update(created_at=start - timedelta(days=1, minutes=1))
    owner_promise(household=household, promised_date=day, amount=None, now=start + timedelta(minutes=12))


def test_one_households_submissions_do_not_limit_another(community, household):
    other = household_in_arrears(community, room="102")
    day = timezone.localdate() + timedelta(days=2)
    owner_promise(household=household, promised_date=day, amount=None)
    owner_promise(household=other, promised_date=day, amount=None)
    assert Contact.objects.count() == 2
