"""The navigation a user's roles open, for the base layout and the home page."""

from django import template

from arrears.permissions import can_read_households
from assignments.permissions import can_open_campaigns
from assignments.roles import FINANCE, MANAGER, SERVICE, STAFF, SUPERVISOR, has_role, roles_of
from notices.selectors import can_read_notices

register = template.Library()


def navigation_for(user) -> dict[str, bool]:
    """Which pages the user may open, and which notes the home page shows them."""
    if not user.is_authenticated:
        return {}
    reads_households = can_read_households(user)
    return {
        "households": reads_households,
        "imports": has_role(user, FINANCE, MANAGER),
        "admin": user.is_staff or user.is_superuser,
        "tasks": has_role(user, STAFF),
        "task_sheets": has_role(user, STAFF, SUPERVISOR, MANAGER, SERVICE),
        "campaigns": can_open_campaigns(user),
        # By role only, so the navigation costs no query; a department head without the supervisor role
        # still opens these pages from a link.
        "team": has_role(user, MANAGER, SUPERVISOR),
        "issues": has_role(user, MANAGER, SUPERVISOR, SERVICE),
        "finance": has_role(user, FINANCE, MANAGER),
        "payment_desk": has_role(user, FINANCE, SERVICE),
        "dashboard": has_role(user, MANAGER, SUPERVISOR),
        "late_fees": has_role(user, MANAGER),
        "publicity": has_role(user, MANAGER, SERVICE),
        "notices": can_read_notices(user),
        "scripts": True,
        "no_role": not roles_of(user),
    }


@register.simple_tag(takes_context=True)
def navigation(context) -> dict[str, bool]:
    """``{% navigation as nav %}``: the pages the current user may open."""
    request = context.get("request")
    return navigation_for(request.user) if request is not None else {}
