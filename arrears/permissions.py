"""Who may see which households: the one scope every arrears view goes through."""

from django.db.models import QuerySet
from django.utils import timezone

from assignments.models import Assignment
from assignments.roles import FULL_CONTACT_READERS, HOUSEHOLD_READERS, STAFF, has_role

from .models import Household


def can_read_households(user) -> bool:
    """Whether the user holds a role that reads household lists."""
    return has_role(user, *HOUSEHOLD_READERS)


def _assigned_today(user) -> QuerySet:
    """Ids of the households the daily split gave the user's Staff row today (a subquery, not evaluated)."""
    return Assignment.objects.filter(staff__user_id=user.pk, day=timezone.localdate()).values("household_id")


def households_visible_to(user) -> QuerySet[Household]:
    """Households the user may see: all for HOUSEHOLD_READERS; for a collector (staff role only), the households
    assigned to them today; none for anyone else."""
    if can_read_households(user):
        return Household.objects.all()
    if has_role(user, STAFF):
        return Household.objects.filter(pk__in=_assigned_today(user))
    return Household.objects.none()


def can_see_full_contact(user, household: Household) -> bool:
    """Whether the user may see the owner's full name and phone number of this household: managers, and the
    collector the household is assigned to today (PIPL: everyone else sees 张** · 138****5678)."""
    if has_role(user, *FULL_CONTACT_READERS):
        return True
    if not has_role(user, STAFF):
        return False
    return _assigned_today(user).filter(household_id=household.pk).exists()
