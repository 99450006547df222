"""Who may see which households: the one scope every household page and list goes through.

Roles decide most of it (core.roles). A collector (staff role only) sees the households dealt to them for the day;
the split lives above the ledger, so the app that deals households registers that scope here at start-up
(:func:`add_personal_scope`, called from assignments' AppConfig.ready) rather than the ledger importing it.
"""

from collections.abc import Callable

from django.db.models import QuerySet

from core.roles import FULL_CONTACT_READERS, HOUSEHOLD_READERS, LEGAL, MANAGER, STAFF, has_role

from .models import Household

# user -> a lazy queryset of the household ids that user holds personally today (evaluated as a subquery).
PersonalScope = Callable[[object], QuerySet]
_personal_scopes: list[PersonalScope] = []


def add_personal_scope(scope: PersonalScope) -> None:
    """Let ``scope(user)`` (household ids, as a values() queryset) open those households to a collector."""
    if scope not in _personal_scopes:
        _personal_scopes.append(scope)


def _held_personally(user) -> QuerySet[Household]:
    households = Household.objects.none()
    for scope in _personal_scopes:
        households = households | Household.objects.filter(pk__in=scope(user))
    return households


def can_read_households(user) -> bool:
    """Whether the user holds a role that reads household lists."""
    return has_role(user, *HOUSEHOLD_READERS)


def households_visible_to(user) -> QuerySet[Household]:
    """Households the user may see: all for HOUSEHOLD_READERS; for a collector (staff role only), the households
    they hold today; none for anyone else."""
    if can_read_households(user):
        return Household.objects.all()
    if has_role(user, STAFF):
        return _held_personally(user)
    return Household.objects.none()


def sees_every_full_contact(user) -> bool:
    """Whether the user sees every owner's full name and phone, in lists too, and so may search by them (managers).

    Nobody else searches by name or phone: finding a household by a name its list masks would reveal the name."""
    return has_role(user, *FULL_CONTACT_READERS)


def can_see_full_contact(user, household: Household) -> bool:
    """Whether the user may see the owner's full name and phone number of this household: managers, and the
    collector who holds the household today (PIPL: everyone else sees 张** · 138****5678)."""
    if sees_every_full_contact(user):
        return True
    if not has_role(user, STAFF):
        return False
    return _held_personally(user).filter(pk=household.pk).exists()


def can_move_legal_track(user) -> bool:
    """综合部 and managers move a household onto or off the legal track."""
    return has_role(user, LEGAL, MANAGER)
