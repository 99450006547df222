"""The SMS pages: who may open them, the batch form and its preview, the texts, the opt-outs, the owner link panel,
and the letter's second QR code."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assignments.models import Contact, ContactChannel, Outcome
from notices.letters import build_letter
from notices.models import NoticeLevel
from outreach.models import OptOutSource, OwnerLink, SmsBatch, SmsBatchStatus, SmsLevel, SmsOptOut, SmsTemplate
from outreach.services.links import owner_link_for
from tests.factories import StaffFactory
from tests.factories_notices import AS_OF, household_in_arrears, letter_community, qr_modules, qr_modules_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def community():
    return letter_community()


@pytest.fixture
def households(community):
    return [household_in_arrears(community, room=str(101 + n)) for n in range(2)]


@pytest.fixture
def service(client, user_with_role):
    user = user_with_role("service")
    client.force_login(user)
    return user


@pytest.mark.parametrize("name", ["sms_batch_list", "sms_batch_new", "sms_optout_list"])
@pytest.mark.parametrize(
    ("roles", "status"),
    [(("service",), 200), (("manager",), 200), (("staff",), 403), (("finance",), 403), (("legal",), 403)],
)
def test_who_opens_the_sms_pages(client, user_with_role, name, roles, status):
    client.force_login(user_with_role(*roles))
    assert client.get(reverse(name)).status_code == status


def test_anonymous_users_log_in_first(client):
    response = client.get(reverse("sms_batch_list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_only_managers_edit_the_texts(client, community, user_with_role):
    client.force_login(user_with_role("service"))
    assert client.get(reverse("sms_template_list")).status_code == 403
    client.force_login(user_with_role("manager"))
    assert client.get(reverse("sms_template_list")).status_code == 200
    assert client.get(reverse("sms_template_edit", args=[community.pk, SmsLevel.DEMAND])).status_code == 200
    assert client.get(reverse("sms_template_edit", args=[community.pk, "nonsense"])).status_code == 404


def test_the_preview_shows_a_real_message(client, service, community, households):
    response = client.get(reverse("sms_batch_preview"), {"community": community.pk, "level": SmsLevel.DEMAND})
    html = response.content.decode()
    assert response.status_code == 200
    assert "3-2-101" in html and "催费提醒" in html and "data-sample" in html


def test_sending_a_batch_from_the_page(client, service, community, households, monkeypatch):
    from outreach.quiet_hours import CHINA

    night = timezone.now().astimezone(CHINA).replace(hour=3, minute=0)
    monkeypatch.setattr("outreach.clock.now", lambda: night)
    response = client.post(reverse("sms_batch_new"), {"community": community.pk, "level": SmsLevel.REMINDER})
    assert response.status_code == 302
    batch = SmsBatch.objects.get()
    assert batch.created_by == service and batch.total == 2
    assert batch.status == SmsBatchStatus.QUEUED and batch.scheduled_for.astimezone(CHINA).hour == 8
    detail = client.get(response["Location"])
    assert detail.status_code == 200
    progress = client.get(reverse("sms_batch_progress", args=[batch.pk])).content.decode()
    assert "已处理" in progress


def test_a_batch_made_in_working_hours_is_sent_at_once_without_a_broker(
    client, service, community, households, monkeypatch, django_capture_on_commit_callbacks
):
    from config.celery import app
    from outreach.quiet_hours import CHINA

    ten = timezone.now().astimezone(CHINA).replace(hour=10, minute=0)
    monkeypatch.setattr("outreach.clock.now", lambda: ten)
    monkeypatch.setitem(app.conf, "task_always_eager", True)  # as without a broker, whatever this run has
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("sms_batch_new"), {"community": community.pk, "level": SmsLevel.REMINDER})
    assert response.status_code == 302
    batch = SmsBatch.objects.get()
    assert batch.status == SmsBatchStatus.DONE and batch.sent == 2
    assert Contact.objects.filter(channel=ContactChannel.SMS, outcome=Outcome.MESSAGE_SENT).count() == 2


def test_the_form_refuses_a_building_of_another_community(client, service, community, households):
    other = letter_community("QT")
    building = household_in_arrears(other, building="9").building
    response = client.post(
        reverse("sms_batch_new"), {"community": community.pk, "level": SmsLevel.REMINDER, "building": building.pk}
    )
    assert response.status_code == 400 and "该楼栋不属于所选小区" in response.content.decode()


def test_a_text_is_checked_previewed_and_saved(client, user_with_role, community, households):
    client.force_login(user_with_role("manager"))
    path = reverse("sms_template_edit", args=[community.pk, SmsLevel.DEMAND])
    response = client.post(path, {"text": "{姓名}请缴费", "vendor_code": "", "enabled": "on"})
    assert response.status_code == 400 and "未知的占位符" in response.content.decode()
    response = client.post(path, {"text": "{房号}欠{合计}元", "vendor_code": "SMS_1", "enabled": "on", "preview": "1"})
    assert response.status_code == 200 and "3-2-101欠" in response.content.decode()
    assert not SmsTemplate.objects.exists()
    response = client.post(path, {"text": "{房号}欠{合计}元", "vendor_code": "SMS_1", "enabled": "on"})
    assert response.status_code == 302
    saved = SmsTemplate.objects.get()
    assert (saved.level, saved.text, saved.vendor_code, saved.enabled) == (
        SmsLevel.DEMAND,
        "{房号}欠{合计}元",
        "SMS_1",
        True,
    )


def test_opt_outs_are_added_checked_and_removed(client, service):
    response = client.post(reverse("sms_optout_list"), {"phone": "0571-888", "note": ""})
    assert response.status_code == 400 and "请输入正确的11位手机号码" in response.content.decode()
    assert (
        client.post(reverse("sms_optout_list"), {"phone": "+86 138 0013 8000", "note": "来电要求"}).status_code == 302
    )
    entry = SmsOptOut.objects.get()
    assert (entry.phone, entry.source, entry.created_by) == ("13800138000", OptOutSource.DESK, service)
    html = client.get(reverse("sms_optout_list")).content.decode()
    assert "138****8000" in html and "13800138000" not in html
    assert client.post(reverse("sms_optout_remove", args=[entry.pk])).status_code == 302
    assert not SmsOptOut.objects.exists()


def test_the_household_page_shows_the_link_and_revokes_it(client, service, households):
    household = households[0]
    path = reverse("household_detail", args=[household.pk])
    html = client.get(path).content.decode()
    assert "业主查账链接" in html and "生成链接" in html
    client.post(reverse("owner_link_issue", args=[household.pk]))
    link = OwnerLink.objects.get()
    assert "https://wuye.example.com/o/" in client.get(path).content.decode()
    client.post(reverse("owner_link_revoke", args=[household.pk]))
    link.refresh_from_db()
    assert link.revoked_at is not None and link.revoked_by == service


def test_the_link_panel_is_not_for_collectors(client, households):
    from assignments.models import Assignment, Campaign

    staff = StaffFactory()
    campaign = Campaign.objects.create(name="c", start_date=timezone.localdate(), end_date=timezone.localdate())
    Assignment.objects.create(
        campaign=campaign, staff=staff, household=households[0], day=timezone.localdate(), position=1
    )
    client.force_login(staff.user)
    response = client.get(reverse("household_detail", args=[households[0].pk]))
    assert response.status_code == 200 and "业主查账链接" not in response.content.decode()
    assert client.post(reverse("owner_link_revoke", args=[households[0].pk])).status_code == 403


def test_the_letter_carries_the_households_own_qr_code_beside_the_communitys(households):
    household = households[0]
    link = owner_link_for(household=household)
    from outreach.links import owner_url

    letter = build_letter(
        household,
        as_of=AS_OF,
        level=NoticeLevel.DEMAND,
        deadline=AS_OF + timedelta(days=15),
        number="HY-TZ-2026-00001",
        owner_url=owner_url(link.key),
    )
    assert qr_modules(letter.owner_qr) == qr_modules_of(owner_url(link.key))
    assert letter.qr and letter.qr != letter.owner_qr  # the community's 二维码内容 stays as it was
    from notices.letters import render_letter_html

    html = render_letter_html(letter)
    assert "扫码查账(本户专用)" in html and "扫码缴费 / 联系" in html


def test_a_rendered_notice_gets_the_households_link(households, tmp_path, settings):
    from notices.services import BatchCriteria, batch_create, batch_render

    settings.MEDIA_ROOT = tmp_path
    community = households[0].community
    batch = batch_create(
        criteria=BatchCriteria(community=community, level=NoticeLevel.REMINDER, as_of=AS_OF), enqueue=False
    )
    batch_render(batch_id=batch.pk)
    assert set(OwnerLink.objects.values_list("household_id", flat=True)) == {h.pk for h in households}
