"""Logging in as a user meets it: lockout after repeated wrong passwords (by login name and by address), the
cool-off, an admin's unlock; sign-out after inactivity; the rules for an employee's first password."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from core.sessions import REFRESH_KEY, REFRESH_SECONDS
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
LIMIT = settings.AXES_FAILURE_LIMIT


@pytest.fixture(autouse=True)
def axes_on():
    with override_settings(AXES_ENABLED=True):
        yield


def attempt(client, username, password, address="198.51.100.20"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_the_limit_is_five_wrong_passwords_and_the_cool_off_fifteen_minutes():
    assert LIMIT == 5 and timedelta(minutes=15) == settings.AXES_COOLOFF_TIME


def test_wrong_passwords_lock_the_login_with_a_message_in_chinese(client):
    UserFactory(username="s001")
    for _ in range(LIMIT - 1):
        response = attempt(client, "s001", "wrong")
        assert response.status_code == 200 and "请输入一个正确的" in response.content.decode()
    locked = attempt(client, "s001", "wrong")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "登录失败次数过多" in page and "15 分钟后再试" in page and "管理员" in page
    assert 'value="s001"' in page  # the form is there again, the login name kept
    # The right password does not get in while locked.
    right = attempt(client, "s001", "pass-word-123")
    assert right.status_code == 429 and "_auth_user_id" not in client.session


def test_the_lockout_holds_for_the_login_name_from_another_address(client):
    UserFactory(username="s001")
    for _ in range(LIMIT):
        attempt(client, "s001", "wrong", address="198.51.100.20")
    assert attempt(client, "s001", "pass-word-123", address="192.0.2.99").status_code == 429


def test_the_lockout_holds_for_the_address_with_another_login_name(client):
    UserFactory(username="s002")
    for number in range(LIMIT):
        attempt(client, f"guess{number}", "wrong", address="198.51.100.20")
    assert attempt(client, "s002", "pass-word-123", address="198.51.100.20").status_code == 429
    assert attempt(client, "s002", "pass-word-123", address="192.0.2.99").status_code == 302


def test_after_the_cool_off_the_right_password_logs_in(client):
    UserFactory(username="s001")
    for _ in range(LIMIT):
        attempt(client, "s001", "wrong")
    assert attempt(client, "s001", "pass-word-123").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))
    assert attempt(client, "s001", "pass-word-123").status_code == 302


def test_an_admin_unlocks_from_the_admin(client):
    UserFactory(username="s001")
    for _ in range(LIMIT):
        attempt(client, "s001", "wrong")
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    admin_client = type(client)()
    admin_client.force_login(admin)
    listing = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200 and "s001" in listing.content.decode()
    ids = list(AccessAttempt.objects.values_list("pk", flat=True))
    admin_client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )
    assert not AccessAttempt.objects.exists()
    assert attempt(client, "s001", "pass-word-123").status_code == 302


def test_a_good_login_clears_the_count(client):
    UserFactory(username="s001")
    for _ in range(LIMIT - 1):
        attempt(client, "s001", "wrong")
    assert attempt(client, "s001", "pass-word-123").status_code == 302
    client.logout()
    for _ in range(LIMIT - 1):
        attempt(client, "s001", "wrong")
    assert attempt(client, "s001", "pass-word-123").status_code == 302


# Sign-out after inactivity ------------------------------------------------------------------------------------------


def test_a_session_lasts_eight_hours_from_the_latest_request(client):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600 and not settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    UserFactory(username="s001")
    response = attempt(client, "s001", "pass-word-123")
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 8 * 3600
    session = Session.objects.get(session_key=client.session.session_key)
    assert session.expire_date > timezone.now() + timedelta(hours=7, minutes=59)


def test_activity_pushes_the_expiry_forward(client):
    UserFactory(username="s001")
    attempt(client, "s001", "pass-word-123")
    key = client.session.session_key
    # As if the last refresh was long ago and the session were about to run out.
    store = client.session
    store[REFRESH_KEY] = store[REFRESH_KEY] - REFRESH_SECONDS - 1
    store.save()
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(minutes=1))
    assert Session.objects.get(session_key=key).expire_date < timezone.now() + timedelta(minutes=2)
    assert client.get(reverse("scripts_home")).status_code == 200
    assert Session.objects.get(session_key=key).expire_date > timezone.now() + timedelta(hours=7, minutes=59)


def test_a_request_soon_after_the_last_does_not_write_the_session(client):
    UserFactory(username="s001")
    attempt(client, "s001", "pass-word-123")
    key = client.session.session_key
    before = Session.objects.get(session_key=key).expire_date
    client.get(reverse("scripts_home"))
    assert Session.objects.get(session_key=key).expire_date == before


def test_an_idle_session_ends_and_the_next_page_asks_to_log_in(client):
    UserFactory(username="s001")
    attempt(client, "s001", "pass-word-123")
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(reverse("scripts_home"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


# An employee's first password -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab3-xyz", "密码太短,至少需要 10 个字符"),
        ("20261203123", "密码只包含数字"),
        ("wangxiaoming1", "相似"),
        ("password123", "太常见"),
    ],
)
def test_a_weak_first_password_is_refused_in_chinese(client, user_with_role, password, message):
    staff = StaffFactory(user__username="wangxiaoming", user__first_name="王小明")
    staff.user.set_unusable_password()
    staff.user.save()
    client.force_login(user_with_role("manager"))
    response = client.post(
        reverse("staff_password", args=[staff.pk]), {"new_password1": password, "new_password2": password}
    )
    assert response.status_code == 200 and message in response.content.decode()
    staff.user.refresh_from_db()
    assert not staff.user.has_usable_password()


def test_a_good_first_password_is_set(client, user_with_role):
    staff = StaffFactory(user__username="wangxiaoming")
    client.force_login(user_with_role("manager"))
    response = client.post(
        reverse("staff_password", args=[staff.pk]),
        {"new_password1": "Lantern-river-88", "new_password2": "Lantern-river-88"},
    )
    assert response.status_code == 302
    staff.user.refresh_from_db()
    assert staff.user.check_password("Lantern-river-88")
