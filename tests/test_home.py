import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.factories import UserFactory

HOME = reverse("home")


def test_anonymous_home_goes_to_login(client, db):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next=/"


def test_login_page_is_chinese_and_logs_in(client, user_with_role):
    user_with_role("manager", username="li")
    page = client.get(reverse("login"))
    content = page.content.decode()
    assert page.status_code == 200
    assert "登录" in content and "用户名" in content and "密码" in content
    response = client.post(reverse("login"), {"username": "li", "password": "pass-word-123"})
    assert response.status_code == 302 and response.url == HOME


def test_login_with_a_wrong_password_shows_an_error(client, user_with_role):
    user_with_role("manager", username="li")
    response = client.post(reverse("login"), {"username": "li", "password": "wrong"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


def test_logout_is_a_post_and_returns_to_login(client, user_with_role):
    client.force_login(user_with_role("manager"))
    content = client.get(HOME).content.decode()
    assert f'action="{reverse("logout")}" method="post"' in content
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response.url == reverse("login")
    assert client.get(HOME).status_code == 302


@pytest.mark.parametrize("role", ["manager", "supervisor", "finance", "service", "legal"])
def test_household_readers_are_sent_to_the_household_list(client, user_with_role, role):
    client.force_login(user_with_role(role))
    content = client.get(HOME).content.decode()
    assert f'href="{reverse("household_list")}"' in content
    assert "今日任务" not in content


def test_finance_sees_the_import_link_and_others_do_not(client, user_with_role):
    client.force_login(user_with_role("finance"))
    assert f'href="{reverse("import_upload")}"' in client.get(HOME).content.decode()
    client.force_login(user_with_role("supervisor"))
    assert f'href="{reverse("import_upload")}"' not in client.get(HOME).content.decode()


def test_a_collector_lands_on_todays_tasks(client, user_with_role):
    user_with_role("staff", username="baoan")
    response = client.post(reverse("login"), {"username": "baoan", "password": "pass-word-123"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("tasks_today")
    content = response.content.decode()
    assert "今日任务" in content and f'href="{reverse("password_change")}"' in content
    assert reverse("household_list") not in content and reverse("campaign_list") not in content


def test_a_collector_with_another_role_keeps_the_home_page_with_tasks_first(client, user_with_role):
    client.force_login(user_with_role("staff", "supervisor"))
    response = client.get(HOME)
    assert response.status_code == 200
    content = response.content.decode()
    assert content.index(f'href="{reverse("tasks_today")}"') < content.index(f'href="{reverse("team_today")}"')


def test_admin_link_for_staff_users_and_superusers(client, db):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    superuser.save()
    client.force_login(superuser)
    content = client.get(HOME).content.decode()
    assert f'href="{reverse("admin:index")}"' in content
    assert f'href="{reverse("household_list")}"' in content


def test_user_without_role_is_told_to_ask_for_one(client, user_with_role):
    user = user_with_role()
    user.save()  # UserFactory saves the password only when it adds roles
    client.force_login(user)
    assert "还没有分配角色" in client.get(HOME).content.decode()


def test_pages_use_local_static_files_only(client, user_with_role):
    client.force_login(user_with_role("manager"))
    content = client.get(HOME).content.decode()
    assert "/static/css/app.css" in content and "/static/js/htmx.min.js" in content
    assert "//cdn" not in content and "unpkg" not in content and "jsdelivr" not in content


@pytest.fixture
def english_leaves_no_trace():
    """A request in English leaves English active in the thread; put the default back for later tests."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def test_language_switch_to_english(client, user_with_role, english_leaves_no_trace):
    client.force_login(user_with_role("finance"))
    content = client.get(HOME).content.decode()
    assert f'action="{reverse("set_language")}"' in content and 'value="en"' in content
    response = client.post(reverse("set_language"), {"language": "en", "next": HOME})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    english = client.get(HOME).content.decode()
    assert "Household arrears" in english and "Import ledger" in english and "Log out" in english


def test_the_manager_follows_every_department_and_a_supervisor_their_own(client, user_with_role):
    client.force_login(user_with_role("manager"))
    content = client.get(HOME).content.decode()
    assert "各部门" in content and "本部门" not in content
    client.force_login(user_with_role("supervisor"))
    content = client.get(HOME).content.decode()
    assert "本部门" in content and "各部门" not in content
