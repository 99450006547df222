"""Who reads the audit trail: managers (it holds owners' names and phones as they were changed)."""

from core.roles import MANAGER, has_role


def can_read_trail(user) -> bool:
    return has_role(user, MANAGER)
