"""The roles are Django groups; these are their names and what each may see."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils.translation import gettext_lazy as _

MANAGER = "manager"
SUPERVISOR = "supervisor"
STAFF = "staff"
FINANCE = "finance"
SERVICE = "service"
LEGAL = "legal"

ROLE_LABELS = {
    MANAGER: _("经理"),
    SUPERVISOR: _("主管"),
    STAFF: _("员工"),
    FINANCE: _("财务"),
    SERVICE: _("客服"),
    LEGAL: _("综合部"),
}
ALL_ROLES = tuple(ROLE_LABELS)

# Roles that see every household of the company (lists mask names and phones).
HOUSEHOLD_READERS = frozenset({MANAGER, SUPERVISOR, FINANCE, SERVICE, LEGAL})
# Roles that see an owner's full name and phone number on the household page.
FULL_CONTACT_READERS = frozenset({MANAGER})
# Customer service prints and delivers the letters, legal relies on them in court, managers oversee both.
NOTICE_KEEPERS = frozenset({SERVICE, MANAGER, LEGAL})
# Supervisors follow escalations: they read the list and a notice's status, but not the letter (full name and
# address) or the delivery photos, and record nothing.
NOTICE_READERS = NOTICE_KEEPERS | {SUPERVISOR}


def roles_of(user: AbstractBaseUser | AnonymousUser) -> frozenset[str]:
    """The role names a user holds (cached on the user object for the request)."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached = cached | {MANAGER}
        user._role_names = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))
