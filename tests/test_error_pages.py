"""The product's own 404, 403 and 500 pages, in Chinese, also with DEBUG on as in the demo; admins keep Django's
technical pages there."""

import pytest
from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


def test_an_unknown_address_shows_the_chinese_404_page(client, user_with_role, debug):
    client.force_login(user_with_role("staff"))
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    content = response.content.decode()
    assert "页面不存在" in content and "返回首页" in content and "URLconf" not in content


def test_a_missing_household_shows_the_chinese_404_page(client, user_with_role, debug):
    client.force_login(user_with_role("manager"))
    response = client.get("/households/999999/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode() and "Raised by" not in response.content.decode()


def test_an_address_without_its_slash_is_still_redirected(client, user_with_role, debug):
    client.force_login(user_with_role("manager"))
    response = client.get("/households")
    assert response.status_code == 301 and response["Location"] == "/households/"


def test_a_page_the_role_may_not_open_shows_the_chinese_403_page(client, user_with_role, debug):
    client.force_login(user_with_role("supervisor"))
    response = client.get("/late-fees/")
    assert response.status_code == 403
    assert "没有权限" in response.content.decode()


def test_an_error_shows_the_chinese_500_page_and_is_logged(client, user_with_role, debug, monkeypatch, caplog):
    def broken(user):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("arrears.views.home.navigation_for", broken)
    client.force_login(user_with_role("manager"))
    response = client.get("/")
    assert response.status_code == 500
    content = response.content.decode()
    assert "系统出错" in content and "the database went away" not in content
    assert any("Internal Server Error: /" in record.getMessage() for record in caplog.records)


def test_an_admin_keeps_the_technical_pages_in_debug(client, debug):
    admin = User.objects.create(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and "URLconf" in response.content.decode()


def test_in_english_the_pages_are_english(client, user_with_role, debug):
    client.force_login(user_with_role("staff"))
    client.cookies["django_language"] = "en"
    assert "Page not found" in client.get("/no-such-page/").content.decode()
