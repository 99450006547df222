"""The role × page matrix: every URL name, who may open it, and what narrows it further (the scope).

One table for the whole site. ``MatrixMiddleware`` refuses (403) a signed-in user none of whose roles the table
allows for the page, before the view runs; anonymous users are sent to the login page by Django's
LoginRequiredMiddleware, except on PUBLIC pages. A URL name missing from the table is refused to everyone, and
``tests/test_matrix.py`` fails on it, so a new page cannot ship unguarded. Each view still checks its own access
and applies its scope (a household outside the user's scope is a 404); the table and the views must agree, which
the same test checks by requesting every page as anonymous and as each role.

``full_contact`` names the roles that see owners' full names and phones on the page or in its export; everyone
else sees them masked (张** · 138****5678; DOMAIN.md, PIPL). The collector who holds a household today also sees
its owner in full on the pages marked ``HELD_TODAY``.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied

from .roles import ALL_ROLES, FINANCE, LEGAL, MANAGER, SERVICE, STAFF, SUPERVISOR, roles_of

# Who: a frozenset of role names, or one of these.
PUBLIC = "public"  # no login (the login page, the owner's page under its signed token)
SIGNED_IN = "signed-in"  # any signed-in user, with or without a role
ADMIN = "admin"  # Django's admin: its own check (is_staff and model permissions)

# Department heads open the team and issue pages for their departments without holding the supervisor role.
DEPARTMENT_HEAD = "department-head"

# Scopes: what narrows the page beyond the role.
EVERYTHING = "everything"
HELD_TODAY = "held-today"  # a collector (staff only): the households dealt to them today; others are a 404
OWN_DEPARTMENTS = "own-departments"  # a supervisor or head: their departments' people and issues
OWN_RECORDS = "own-records"  # the user's own contacts / own task sheet
SIGNED_TOKEN = "signed-token"  # the owner's link: one household, under an HMAC-signed token

READERS = frozenset({MANAGER, SUPERVISOR, FINANCE, SERVICE, LEGAL})
EVERY_ROLE = frozenset(ALL_ROLES)
ONLY_MANAGER = frozenset({MANAGER})


@dataclass(frozen=True)
class Rule:
    """Who may open a page, and what narrows it."""

    who: frozenset[str] | str
    scope: str = EVERYTHING
    full_contact: frozenset[str] = field(default=ONLY_MANAGER)
    department_heads: bool = False


def _roles(*names: str) -> frozenset[str]:
    return frozenset(names)


MATRIX: dict[str, Rule] = {
    # Signing in and out, the language switch.
    "login": Rule(PUBLIC),
    "logout": Rule(SIGNED_IN),
    "password_change": Rule(SIGNED_IN),
    "password_change_done": Rule(SIGNED_IN),
    "password_reset": Rule(PUBLIC),
    "password_reset_done": Rule(PUBLIC),
    "password_reset_confirm": Rule(PUBLIC),
    "password_reset_complete": Rule(PUBLIC),
    "set_language": Rule(PUBLIC),
    "home": Rule(SIGNED_IN),
    # Households and the late-fee rules (arrears/).
    "household_list": Rule(READERS),
    "household_detail": Rule(READERS | {STAFF}, scope=HELD_TODAY),
    "household_legal_track": Rule(_roles(LEGAL, MANAGER)),
    "waiver_create": Rule(ONLY_MANAGER),
    "waiver_list": Rule(ONLY_MANAGER),
    "waiver_cancel": Rule(ONLY_MANAGER),
    "late_fee_policy": Rule(ONLY_MANAGER),
    "late_fee_community_edit": Rule(ONLY_MANAGER),
    "late_fee_override_list": Rule(ONLY_MANAGER),
    "late_fee_override_create": Rule(ONLY_MANAGER),
    "late_fee_override_edit": Rule(ONLY_MANAGER),
    "late_fee_override_delete": Rule(ONLY_MANAGER),
    # The collector's pages (assignments/).
    "tasks_today": Rule(_roles(STAFF), scope=HELD_TODAY),
    "task_sheet": Rule(_roles(STAFF, MANAGER, SUPERVISOR, SERVICE), scope=OWN_RECORDS),
    "contact_record": Rule(_roles(STAFF, MANAGER, SUPERVISOR), scope=HELD_TODAY),
    "household_history": Rule(_roles(STAFF, MANAGER, SUPERVISOR), scope=HELD_TODAY),
    "contact_edit": Rule(EVERY_ROLE, scope=OWN_RECORDS),
    # Campaigns, the team, issues (assignments/).
    "campaign_list": Rule(_roles(MANAGER, SUPERVISOR)),
    "campaign_detail": Rule(_roles(MANAGER, SUPERVISOR)),
    "campaign_pin_set": Rule(_roles(MANAGER, SUPERVISOR), scope=OWN_DEPARTMENTS),
    "campaign_pin_remove": Rule(_roles(MANAGER, SUPERVISOR), scope=OWN_DEPARTMENTS),
    "campaign_create": Rule(ONLY_MANAGER),
    "campaign_edit": Rule(ONLY_MANAGER),
    "campaign_split": Rule(ONLY_MANAGER),
    "campaign_member_set": Rule(ONLY_MANAGER),
    "campaign_leave_add": Rule(ONLY_MANAGER),
    "campaign_leave_remove": Rule(ONLY_MANAGER),
    "team_today": Rule(_roles(MANAGER, SUPERVISOR), scope=OWN_DEPARTMENTS, department_heads=True),
    "staff_password": Rule(ONLY_MANAGER),
    "issue_list": Rule(_roles(MANAGER, SUPERVISOR, SERVICE), scope=OWN_DEPARTMENTS, department_heads=True),
    "issue_detail": Rule(_roles(MANAGER, SUPERVISOR, SERVICE), scope=OWN_DEPARTMENTS, department_heads=True),
    "issue_close": Rule(_roles(MANAGER, SUPERVISOR, SERVICE), scope=OWN_DEPARTMENTS, department_heads=True),
    # Scripts and FAQ.
    "scripts_home": Rule(SIGNED_IN),
    "scripts_search": Rule(SIGNED_IN),
    "faq_detail": Rule(SIGNED_IN),
    "script_detail": Rule(SIGNED_IN),
    "faq_edit": Rule(ONLY_MANAGER),
    "script_edit": Rule(ONLY_MANAGER),
    # Letters, notices, delivery, limitation risk, 公示 (notices/).
    "notice_wording_list": Rule(ONLY_MANAGER),
    "notice_wording_edit": Rule(ONLY_MANAGER),
    "notice_batch_list": Rule(_roles(SERVICE, MANAGER)),
    "notice_batch_new": Rule(_roles(SERVICE, MANAGER)),
    "notice_batch_preview": Rule(_roles(SERVICE, MANAGER)),
    "notice_batch_detail": Rule(_roles(SERVICE, MANAGER)),
    "notice_batch_progress": Rule(_roles(SERVICE, MANAGER)),
    "notice_batch_retry": Rule(_roles(SERVICE, MANAGER)),
    # The letters carry the addressee's full name: those who print and deliver them.
    "notice_batch_pdf": Rule(_roles(SERVICE, MANAGER), full_contact=_roles(SERVICE, MANAGER)),
    "notice_batch_letter_pdf": Rule(_roles(SERVICE, MANAGER), full_contact=_roles(SERVICE, MANAGER)),
    "notice_list": Rule(_roles(SERVICE, MANAGER, LEGAL, SUPERVISOR)),
    # A notice's page names its addressee in full for those who deliver and rely on it; a supervisor sees 张**.
    "notice_detail": Rule(_roles(SERVICE, MANAGER, LEGAL, SUPERVISOR), full_contact=_roles(SERVICE, MANAGER, LEGAL)),
    "notice_pdf": Rule(_roles(SERVICE, MANAGER, LEGAL), full_contact=_roles(SERVICE, MANAGER, LEGAL)),
    "delivery_photo": Rule(_roles(SERVICE, MANAGER, LEGAL), full_contact=_roles(SERVICE, MANAGER, LEGAL)),
    "limitation_risk": Rule(_roles(SERVICE, MANAGER, LEGAL)),
    "publicity_index": Rule(_roles(MANAGER, SERVICE)),
    # The 公示 as a job: the PDF of a building or a whole community; a job opens only for whoever asked for it.
    "publicity_job_new": Rule(_roles(MANAGER, SERVICE)),
    "publicity_job": Rule(_roles(MANAGER, SERVICE), scope=OWN_RECORDS),
    "publicity_job_progress": Rule(_roles(MANAGER, SERVICE), scope=OWN_RECORDS),
    "publicity_job_pdf": Rule(_roles(MANAGER, SERVICE), scope=OWN_RECORDS),
    # The dashboard.
    "dashboard": Rule(_roles(MANAGER, SUPERVISOR), scope=OWN_DEPARTMENTS),
    "dashboard_api": Rule(_roles(MANAGER, SUPERVISOR), scope=OWN_DEPARTMENTS),
    # The finance desk (finance/).
    "finance:queue": Rule(_roles(FINANCE, MANAGER)),
    "finance:verify": Rule(_roles(FINANCE)),
    "finance:reject": Rule(_roles(FINANCE)),
    "finance:bulk_verify": Rule(_roles(FINANCE)),
    "finance:payment": Rule(_roles(FINANCE)),
    "finance:desk": Rule(_roles(FINANCE, SERVICE)),
    "finance:days": Rule(_roles(FINANCE, MANAGER)),
    "finance:day": Rule(_roles(FINANCE, MANAGER)),
    "finance:day_close": Rule(_roles(FINANCE)),
    "finance:day_reopen": Rule(ONLY_MANAGER),
    "finance:day_export": Rule(_roles(FINANCE, MANAGER)),
    "finance:statements": Rule(_roles(FINANCE)),
    "finance:statement_detail": Rule(_roles(FINANCE)),
    "finance:statement_confirm": Rule(_roles(FINANCE)),
    "finance:statement_register": Rule(_roles(FINANCE)),
    # The ledger in the import format: finance's own file, names and phones in full (README, 导出台账).
    "finance:ledger_export": Rule(_roles(FINANCE), full_contact=_roles(FINANCE)),
    # The workbook import.
    "import_upload": Rule(_roles(FINANCE, MANAGER)),
    "import_template": Rule(_roles(FINANCE, MANAGER)),
    "import_preview": Rule(_roles(FINANCE, MANAGER)),
    "import_status": Rule(_roles(FINANCE, MANAGER)),
    # Files from other systems (HC exports, free-form 欠费明细), converted and imported by the same job.
    "import_other_upload": Rule(_roles(FINANCE, MANAGER)),
    "import_other_preview": Rule(_roles(FINANCE, MANAGER)),
    "import_other_status": Rule(_roles(FINANCE, MANAGER)),
    # SMS and owner links (outreach/).
    "sms_batch_list": Rule(_roles(SERVICE, MANAGER)),
    "sms_batch_new": Rule(_roles(SERVICE, MANAGER)),
    "sms_batch_preview": Rule(_roles(SERVICE, MANAGER)),
    "sms_batch_detail": Rule(_roles(SERVICE, MANAGER)),
    "sms_batch_progress": Rule(_roles(SERVICE, MANAGER)),
    "sms_batch_cancel": Rule(_roles(SERVICE, MANAGER)),
    "sms_batch_retry": Rule(_roles(SERVICE, MANAGER)),
    "sms_optout_list": Rule(_roles(SERVICE, MANAGER)),
    "sms_optout_remove": Rule(_roles(SERVICE, MANAGER)),
    "sms_template_list": Rule(ONLY_MANAGER),
    "sms_settings_edit": Rule(ONLY_MANAGER),
    "sms_template_edit": Rule(ONLY_MANAGER),
    "owner_link_issue": Rule(_roles(SERVICE, MANAGER)),
    "owner_link_revoke": Rule(_roles(SERVICE, MANAGER)),
    # The owner's page: no login, one household under a signed token, never a name.
    "owner_page": Rule(PUBLIC, scope=SIGNED_TOKEN, full_contact=frozenset()),
    "owner_promise": Rule(PUBLIC, scope=SIGNED_TOKEN, full_contact=frozenset()),
    "owner_callback": Rule(PUBLIC, scope=SIGNED_TOKEN, full_contact=frozenset()),
    "owner_issue": Rule(PUBLIC, scope=SIGNED_TOKEN, full_contact=frozenset()),
    "owner_optout": Rule(PUBLIC, scope=SIGNED_TOKEN, full_contact=frozenset()),
    # The audit trail.
    "audit_trail": Rule(ONLY_MANAGER),
}
# Every URL in a namespace listed here follows the namespace's rule.
NAMESPACES: dict[str, Rule] = {"admin": Rule(ADMIN)}


def rule_for(view_name: str) -> Rule | None:
    """The rule of a URL name (``namespace:name``), or None when the table has none."""
    if view_name in MATRIX:
        return MATRIX[view_name]
    namespace = view_name.split(":", 1)[0] if ":" in view_name else None
    return NAMESPACES.get(namespace) if namespace else None


def _is_department_head(user) -> bool:
    from django.apps import apps  # the departments live above core: read through the app registry

    Department = apps.get_model("assignments", "Department")
    return Department.objects.filter(head__user=user).exists()


def may_open(user, rule: Rule) -> bool:
    """Whether the rule lets this signed-in user open the page (the scope is the view's to apply)."""
    if rule.who in (PUBLIC, SIGNED_IN, ADMIN):
        return True
    if roles_of(user) & rule.who:
        return True
    return rule.department_heads and _is_department_head(user)


class MatrixMiddleware:
    """Refuse, before the view, a signed-in user the matrix does not allow on the page; and every user on a page
    the matrix does not list. Goes after AuthenticationMiddleware and LoginRequiredMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None:
            return None
        rule = rule_for(match.view_name)
        if rule is None:
            raise PermissionDenied(f"{match.view_name} is not in core.matrix.MATRIX")
        user = request.user
        if rule.who == PUBLIC or not user.is_authenticated:
            return None  # LoginRequiredMiddleware has sent the anonymous to the login page already
        if not may_open(user, rule):
            raise PermissionDenied
        return None
