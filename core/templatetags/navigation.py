"""The navigation a user's roles open, for the base layout and the home page.

By role only, so the navigation costs no query and this module needs no app above it; each page still checks its
own access (a department head without the supervisor role opens the team pages from a link).
"""

from django import template

from core.roles import (
    FINANCE,
    HOUSEHOLD_READERS,
    MANAGER,
    NOTICE_READERS,
    SERVICE,
    STAFF,
    SUPERVISOR,
    has_role,
    roles_of,
)

register = template.Library()


def navigation_for(user) -> dict[str, bool]:
    """Which pages the user may open, and which notes the home page shows them."""
    if not user.is_authenticated:
        return {}
    return {
        "households": has_role(user, *HOUSEHOLD_READERS),
        "imports": has_role(user, FINANCE, MANAGER),
        "admin": user.is_staff or user.is_superuser,
        "tasks": has_role(user, STAFF),
        "task_sheets": has_role(user, STAFF, SUPERVISOR, MANAGER, SERVICE),
        "campaigns": has_role(user, MANAGER, SUPERVISOR),
        "team": has_role(user, MANAGER, SUPERVISOR),
        # A manager follows every department: the team page is the whole company's, not 本部门.
        "team_is_company": has_role(user, MANAGER),
        "issues": has_role(user, MANAGER, SUPERVISOR, SERVICE),
        "finance": has_role(user, FINANCE, MANAGER),
        "payment_desk": has_role(user, FINANCE, SERVICE),
        "dashboard": has_role(user, MANAGER, SUPERVISOR),
        "late_fees": has_role(user, MANAGER),
        "publicity": has_role(user, MANAGER, SERVICE),
        "notices": has_role(user, *NOTICE_READERS),
        "sms": has_role(user, MANAGER, SERVICE),
        "audit": has_role(user, MANAGER),
        "scripts": True,
        "no_role": not roles_of(user),
    }


@register.simple_tag(takes_context=True)
def navigation(context) -> dict[str, bool]:
    """``{% navigation as nav %}``: the pages the current user may open."""
    request = context.get("request")
    return navigation_for(request.user) if request is not None else {}
