"""Who may open the finance pages: finance acts; managers read the queue; the service desk records payments."""

from core.roles import FINANCE, MANAGER, SERVICE, has_role


def can_act(user) -> bool:
    """Verify, reject, reverse, close days, match statements, export the ledger."""
    return has_role(user, FINANCE)


def can_read_queue(user) -> bool:
    return has_role(user, FINANCE, MANAGER)


def can_record_at_desk(user) -> bool:
    return has_role(user, FINANCE, SERVICE)
