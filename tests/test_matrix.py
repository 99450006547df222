"""The role × page matrix (core.matrix): every URL is in the table, and the site answers as the table says.

Every URL the resolver knows is requested as anonymous and as each role: a role the table refuses gets 403 (GET and
POST, before any view code runs), an anonymous user the login page (except on public pages), and an allowed role
never a 403 or a server error. On every page and every .xlsx export a role reads, an owner's name and phone stay
masked unless the table lets that role see them in full.
"""

import uuid
from datetime import timedelta
from decimal import Decimal
from io import BytesIO
from zipfile import BadZipFile

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from openpyxl import load_workbook

from arrears.late_fees.services import waiver_grant
from arrears.models import LateFeeOverride
from assignments.models import Campaign
from core.matrix import ADMIN, MATRIX, NAMESPACES, PUBLIC, SIGNED_IN, rule_for
from core.roles import ALL_ROLES
from notices.models import NoticeLevel
from outreach.models import SmsLevel
from tests.factories import DepartmentFactory, OwnerFactory, StaffFactory
from tests.factories_delivery import DeliveryFactory, NoticeFactory
from tests.factories_finance import community_with_households, pending, verified, yesterday

OWNER_NAME = "欧阳锋"
OWNER_PHONE = "13912345678"
MISSING = 999999  # an object that does not exist: an allowed role gets 404, a refused one 403 before the lookup
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def url_names(patterns=None, namespace=None) -> list[tuple[str, URLPattern]]:
    """Every named URL as ``namespace:name``; admin's are covered by its namespace rule."""
    found = []
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            if inner in NAMESPACES:
                continue
            full = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            found.extend(url_names(pattern.url_patterns, full))
        else:
            found.append((f"{namespace}:{pattern.name}" if namespace else str(pattern.name), pattern))
    return found


def test_every_url_is_in_the_matrix_and_every_entry_is_a_url():
    names = [name for name, _pattern in url_names()]
    assert "None" not in names and not any(name.endswith(":None") for name in names), "a URL without a name"
    missing = sorted(name for name in names if rule_for(name) is None)
    assert missing == [], f"URL names missing from core.matrix.MATRIX: {missing}"
    stale = sorted(set(MATRIX) - set(names))
    assert stale == [], f"core.matrix.MATRIX lists URL names that do not exist: {stale}"
    assert reverse("admin:index") and rule_for("admin:index").who == ADMIN


@pytest.fixture
def world(db, user_with_role):
    community, households = community_with_households()
    household = households[0]
    household.owner = OwnerFactory(community=community, name=OWNER_NAME, phone=OWNER_PHONE)
    household.save()
    department = DepartmentFactory(name="保安部")
    users = {}
    for role in ALL_ROLES:
        user = user_with_role(role, username=f"as-{role}")
        StaffFactory(user=user, name=f"{role}员工", department=department)
        users[role] = user
    manager = users["manager"]
    waiting = pending(household, "50.00", by=users["staff"])
    paid = verified(household, "100.00", day=yesterday(), by=users["staff"], verifier=users["finance"])
    waiver = waiver_grant(
        household=household,
        amount=Decimal("1.00"),
        waived_on=timezone.localdate(),
        reason="协商",
        approved_by=manager,
    )
    override = LateFeeOverride.objects.create(household=households[1], daily_rate=Decimal("0.0003"), grace_days=5)
    notice = NoticeFactory(household=household, addressee=OWNER_NAME)
    delivery = DeliveryFactory(notice=notice)
    campaign = Campaign.objects.create(
        name="冬季集中催费",
        start_date=timezone.localdate() - timedelta(days=30),
        end_date=timezone.localdate() + timedelta(days=30),
    )
    campaign.communities.add(community)
    staff = users["staff"].staff
    day = yesterday().isoformat()
    kwargs = {
        "password_reset_confirm": {"uidb64": "MQ", "token": "set-password"},
        "household_detail": {"pk": household.pk},
        "waiver_create": {"pk": household.pk},
        "household_legal_track": {"pk": household.pk},
        "late_fee_community_edit": {"pk": community.pk},
        "late_fee_override_edit": {"pk": override.pk},
        "late_fee_override_delete": {"pk": override.pk},
        "waiver_cancel": {"pk": waiver.pk},
        "import_preview": {"token": uuid.uuid4()},
        "import_status": {"token": uuid.uuid4()},
        "import_other_preview": {"token": uuid.uuid4()},
        "import_other_status": {"token": uuid.uuid4()},
        "contact_record": {"household_id": household.pk},
        "household_history": {"household_id": household.pk},
        "contact_edit": {"contact_id": MISSING},
        "campaign_detail": {"pk": campaign.pk},
        "campaign_edit": {"pk": campaign.pk},
        "campaign_split": {"pk": campaign.pk},
        "campaign_member_set": {"pk": campaign.pk, "staff_id": staff.pk},
        "campaign_leave_add": {"pk": campaign.pk},
        "campaign_leave_remove": {"pk": campaign.pk, "leave_id": MISSING},
        "campaign_pin_set": {"pk": campaign.pk},
        "campaign_pin_remove": {"pk": campaign.pk, "pin_id": MISSING},
        "staff_password": {"pk": staff.pk},
        "issue_detail": {"pk": MISSING},
        "issue_close": {"pk": MISSING},
        "faq_detail": {"pk": MISSING},
        "faq_edit": {"pk": MISSING},
        "script_detail": {"pk": MISSING},
        "script_edit": {"pk": MISSING},
        "notice_wording_edit": {"community_pk": community.pk, "level": NoticeLevel.DEMAND},
        "notice_batch_detail": {"pk": MISSING},
        "notice_batch_progress": {"pk": MISSING},
        "notice_batch_retry": {"pk": MISSING},
        "notice_batch_pdf": {"pk": MISSING},
        "notice_batch_letter_pdf": {"pk": MISSING, "notice_pk": notice.pk},
        "notice_detail": {"pk": notice.pk},
        "notice_pdf": {"pk": notice.pk},
        "delivery_photo": {"pk": delivery.pk},
        "publicity_job": {"pk": MISSING},
        "publicity_job_progress": {"pk": MISSING},
        "publicity_job_pdf": {"pk": MISSING},
        "dashboard_api": {"part": "summary"},
        "finance:verify": {"pk": waiting.pk},
        "finance:reject": {"pk": waiting.pk},
        "finance:payment": {"pk": paid.pk},
        "finance:day": {"code": community.code, "day": day},
        "finance:day_close": {"code": community.code, "day": day},
        "finance:day_reopen": {"code": community.code, "day": day},
        "finance:day_export": {"code": community.code, "day": day},
        "finance:statement_detail": {"pk": MISSING},
        "finance:statement_confirm": {"pk": MISSING, "line": 1},
        "finance:statement_register": {"pk": MISSING, "line": 1},
        "sms_batch_detail": {"pk": MISSING},
        "sms_batch_progress": {"pk": MISSING},
        "sms_batch_cancel": {"pk": MISSING},
        "sms_batch_retry": {"pk": MISSING},
        "sms_optout_remove": {"pk": MISSING},
        "sms_settings_edit": {"community_pk": community.pk},
        "sms_template_edit": {"community_pk": community.pk, "level": SmsLevel.REMINDER},
        "owner_link_issue": {"pk": household.pk},
        "owner_link_revoke": {"pk": household.pk},
        "owner_page": {"token": "not-a-token"},
        "owner_promise": {"token": "not-a-token"},
        "owner_callback": {"token": "not-a-token"},
        "owner_issue": {"token": "not-a-token"},
        "owner_optout": {"token": "not-a-token"},
    }
    return {"users": users, "kwargs": kwargs}


def url_of(name, pattern, kwargs):
    if pattern.pattern.converters and name not in kwargs:
        pytest.fail(f"tests/test_matrix.py has no arguments for the URL {name}")
    return reverse(name, kwargs=kwargs.get(name))


def leaks(body: str) -> bool:
    return OWNER_NAME in body or OWNER_PHONE in body


def workbook_leaks(content: bytes) -> bool:
    try:
        workbook = load_workbook(BytesIO(content), read_only=True)
    except (BadZipFile, KeyError, OSError):
        return False
    return any(
        cell is not None and leaks(str(cell))
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
    )


def test_every_page_answers_every_role_as_the_matrix_says(world):
    problems = []
    login = reverse("login")
    checked_exports = 0
    for name, pattern in url_names():
        rule = rule_for(name)
        url = url_of(name, pattern, world["kwargs"])
        anonymous = Client().get(url)
        if rule.who == PUBLIC:
            if anonymous.status_code >= 500 or anonymous.get("Location", "").startswith(login):
                problems.append(f"{name} anonymous: {anonymous.status_code} (public page)")
        elif not (anonymous.status_code == 302 and anonymous["Location"].startswith(login)):
            problems.append(f"{name} anonymous: {anonymous.status_code}, not sent to log in")
        for role in ALL_ROLES:
            client = Client()
            client.force_login(world["users"][role])
            allowed = rule.who in (PUBLIC, SIGNED_IN) or role in rule.who
            response = client.get(url)
            if not allowed:
                posted = client.post(url)
                if response.status_code != 403 or posted.status_code != 403:
                    problems.append(f"{name} as {role}: GET {response.status_code}, POST {posted.status_code}, not 403")
                continue
            if response.status_code == 403 or response.status_code >= 500:
                problems.append(f"{name} as {role}: {response.status_code} though the matrix allows it")
                continue
            if response.status_code != 200 or role in rule.full_contact:
                continue
            kind = response.get("Content-Type", "")
            if kind.startswith(("text/", "application/json")) and leaks(response.content.decode()):
                problems.append(f"{name} as {role}: the owner's name or phone unmasked")
            if kind.startswith(XLSX) and workbook_leaks(response.content):
                problems.append(f"{name} as {role}: the owner's name or phone unmasked in the workbook")
            if kind.startswith("text/html") and "_export=xlsx" in response.content.decode():
                export = client.get(url, {"_export": "xlsx"})
                checked_exports += 1
                if export.status_code != 200 or not export["Content-Type"].startswith(XLSX):
                    problems.append(f"{name} as {role}: export answered {export.status_code}")
                elif workbook_leaks(export.content):
                    problems.append(f"{name} as {role}: the owner's name or phone unmasked in the export")
    assert problems == [], "\n".join(problems)
    assert checked_exports > 10  # the list pages' exports were read, not skipped


def test_the_matrix_shows_the_manager_the_names_it_masks_for_others(world):
    """The masking check above can fail: a manager's household list and its export do show the owner in full."""
    client = Client()
    client.force_login(world["users"]["manager"])
    assert leaks(client.get(reverse("household_list")).content.decode())
    assert workbook_leaks(client.get(reverse("household_list"), {"_export": "xlsx"}).content)


@pytest.mark.urls("tests.urls_unlisted")
def test_a_url_missing_from_the_matrix_is_refused_to_everyone(client, world):
    client.force_login(world["users"]["manager"])
    assert client.get("/unlisted/").status_code == 403
    assert Client().get("/unlisted/").status_code == 302  # anonymous: the login page first
