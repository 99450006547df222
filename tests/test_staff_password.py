"""A manager sets the password of an imported employee, who can then log in; nobody else may."""

import pytest
from django.urls import reverse

from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_manager_sets_a_password_and_the_employee_logs_in(client, user_with_role):
    staff = StaffFactory(user__username="s100")
    staff.user.set_unusable_password()
    staff.user.save()
    client.force_login(user_with_role("manager"))
    url = reverse("staff_password", args=[staff.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"new_password1": "abc", "new_password2": "abd"})
    assert bad.status_code == 200
    staff.user.refresh_from_db()
    assert not staff.user.has_usable_password()
    response = client.post(url, {"new_password1": "hard-to-guess-77", "new_password2": "hard-to-guess-77"})
    assert response.status_code == 302
    client.logout()
    assert client.login(username="s100", password="hard-to-guess-77")


@pytest.mark.parametrize("role", ["supervisor", "staff", "finance", "service", "legal"])
def test_other_roles_may_not(client, user_with_role, role):
    staff = StaffFactory()
    client.force_login(user_with_role(role))
    assert client.get(reverse("staff_password", args=[staff.pk])).status_code == 403


def test_team_page_links_managers_to_it(client, user_with_role):
    staff = StaffFactory()
    client.force_login(user_with_role("manager"))
    assert reverse("staff_password", args=[staff.pk]) in client.get(reverse("team_today")).content.decode()
