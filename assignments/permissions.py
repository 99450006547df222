"""Who may see and change what on the manager's, supervisor's and customer service's pages.

Every view of those pages takes its querysets from here, so one place decides each role's reach:

- managers: every campaign, department, staff member and issue; they alone edit campaigns, members and leave;
- supervisors (and anyone heading a department): their departments' people and the issues routed there; they may
  open the campaign pages and pin households to their own people;
- customer service (客服): every issue, and nothing of the split;
- everyone else: nothing here.

A supervisor's departments are those whose head is their staff row, plus their own department when they hold the
supervisor role.
"""

from django.db.models import Q, QuerySet
from django.utils import timezone

from core.roles import MANAGER, SERVICE, SUPERVISOR, has_role

from .models import Assignment, Campaign, Department, IssueRaised, Pin, Staff, StaffLeave


def households_assigned_today(user) -> QuerySet:
    """Ids of the households the daily split gave the user's Staff row today (a subquery, not evaluated).

    Registered with arrears.permissions as a collector's personal scope: the households they see and whose
    owner's full contact they read.
    """
    return Assignment.objects.filter(staff__user_id=user.pk, day=timezone.localdate()).values("household_id")


def is_manager(user) -> bool:
    return has_role(user, MANAGER)


def supervised_departments(user) -> QuerySet[Department]:
    """The departments a user supervises (all of them for a manager); lazy, so it nests as a subquery."""
    if not user.is_authenticated:
        return Department.objects.none()
    if is_manager(user):
        return Department.objects.all()
    scope = Q(head__user=user)
    if has_role(user, SUPERVISOR):
        scope |= Q(pk__in=Staff.objects.filter(user=user).values("department_id"))
    return Department.objects.filter(scope)


def can_open_team(user) -> bool:
    """Managers, supervisors and department heads open the team page (a supervisor with no department sees it empty)."""
    if has_role(user, MANAGER, SUPERVISOR):
        return True
    return user.is_authenticated and Department.objects.filter(head__user=user).exists()


def staff_visible_to(user) -> QuerySet[Staff]:
    """Staff whose day a user may follow: everyone for managers, their departments' people for supervisors."""
    if is_manager(user):
        return Staff.objects.all()
    if not user.is_authenticated:
        return Staff.objects.none()
    return Staff.objects.filter(department__in=supervised_departments(user))


# Campaigns -------------------------------------------------------------------------------------------------------


def can_manage_campaigns(user) -> bool:
    """Create and edit campaigns, run the split, set members and leave: managers only."""
    return is_manager(user)


def can_open_campaigns(user) -> bool:
    """Open the campaign pages: managers, and supervisors (who pin households to their people there)."""
    return has_role(user, MANAGER, SUPERVISOR)


def campaigns_visible_to(user) -> QuerySet[Campaign]:
    """Campaigns are company-wide: all of them for those who may open the pages, none for anyone else."""
    if can_open_campaigns(user):
        return Campaign.objects.all()
    return Campaign.objects.none()


def pinnable_staff(user) -> QuerySet[Staff]:
    """Active staff a user may pin households to: anyone for managers, their own people for supervisors."""
    if not can_open_campaigns(user):
        return Staff.objects.none()
    return staff_visible_to(user).filter(active=True)


def pins_visible_to(user, campaign: Campaign) -> QuerySet[Pin]:
    """The campaign's pins held by people the user follows (a supervisor may remove these and only these)."""
    if not can_open_campaigns(user):
        return Pin.objects.none()
    return Pin.objects.filter(campaign=campaign, staff__in=staff_visible_to(user))


def leaves_visible_to(user) -> QuerySet[StaffLeave]:
    return StaffLeave.objects.filter(staff__in=staff_visible_to(user))


# Issues raised ---------------------------------------------------------------------------------------------------


def can_open_issues(user) -> bool:
    """Customer service, managers, supervisors and department heads open the issue list."""
    return has_role(user, MANAGER, SERVICE, SUPERVISOR) or can_open_team(user)


def issues_visible_to(user) -> QuerySet[IssueRaised]:
    """Every issue for customer service and managers; those routed to their departments for supervisors."""
    if has_role(user, MANAGER, SERVICE):
        return IssueRaised.objects.all()
    if not user.is_authenticated:
        return IssueRaised.objects.none()
    return IssueRaised.objects.filter(department__in=supervised_departments(user))


def issue_departments_visible_to(user) -> QuerySet[Department]:
    """The departments offered by the issue list's filter."""
    if has_role(user, MANAGER, SERVICE):
        return Department.objects.all()
    return supervised_departments(user)


# The collector's pages (history, recording, the task sheet) -------------------------------------------------------


def supervised_households(user) -> Q:
    """The households a supervisor follows on the collector's pages, as a filter on Household: those held today
    by the people they follow (themselves included) and those with an issue routed to their departments."""
    today = timezone.localdate()
    held = Assignment.objects.filter(day=today, staff__in=staff_visible_to(user)).values("household_id")
    routed = IssueRaised.objects.filter(department__in=supervised_departments(user)).values("household_id")
    return Q(pk__in=held) | Q(pk__in=routed)


def issues_readable_in_history(user, household) -> QuerySet[IssueRaised]:
    """The household's issues whose description a user reads in its history: all of them for the collector holding
    it today, managers and customer service; those routed to their departments for a supervisor."""
    issues = IssueRaised.objects.filter(household=household)
    if Assignment.objects.filter(household=household, day=timezone.localdate(), staff__user_id=user.pk).exists():
        return issues
    return issues.filter(pk__in=issues_visible_to(user).values("pk"))


def sheet_staff_visible_to(user) -> QuerySet[Staff]:
    """Whose task sheet a user prints: anyone's for managers and customer service (客服部 prints them all), their
    departments' people's for a supervisor, their own otherwise."""
    if has_role(user, MANAGER, SERVICE):
        return Staff.objects.all()
    if not user.is_authenticated:
        return Staff.objects.none()
    return Staff.objects.filter(Q(pk__in=staff_visible_to(user).values("pk")) | Q(user=user))
