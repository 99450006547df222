import pytest
from django.contrib.auth.models import AnonymousUser

from arrears.permissions import can_read_households, can_see_full_contact, households_visible_to
from tests.factories import HouseholdFactory, UserFactory

READERS = ["manager", "supervisor", "finance", "service", "legal"]


@pytest.fixture
def households(db):
    return HouseholdFactory.create_batch(3)


@pytest.mark.parametrize("role", READERS)
def test_household_readers_see_every_household(households, user_with_role, role):
    user = user_with_role(role)
    assert can_read_households(user)
    assert set(households_visible_to(user)) == set(households)


def test_staff_see_no_household_until_the_split_exists(households, user_with_role):
    user = user_with_role("staff")
    assert not can_read_households(user)
    assert list(households_visible_to(user)) == []


def test_user_without_role_and_anonymous_see_nothing(households, user_with_role):
    assert list(households_visible_to(user_with_role())) == []
    assert list(households_visible_to(AnonymousUser())) == []


def test_superuser_counts_as_manager(households):
    admin = UserFactory(is_superuser=True, is_staff=True)
    assert set(households_visible_to(admin)) == set(households)
    assert can_see_full_contact(admin, households[0])


@pytest.mark.parametrize(("role", "full"), [("manager", True)] + [(r, False) for r in READERS[1:]] + [("staff", False)])
def test_only_managers_see_full_contact(households, user_with_role, role, full):
    assert can_see_full_contact(user_with_role(role), households[0]) is full


def test_staff_who_is_also_supervisor_reads_households(households, user_with_role):
    user = user_with_role("staff", "supervisor")
    assert set(households_visible_to(user)) == set(households)
