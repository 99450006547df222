"""The audit trail: who changed money or a rule, when, from where, before and after; the /audit/ page, its filters
and export; a household's own trail; reopening a closed day with a reason."""

import subprocess
import sys
from datetime import timedelta
from io import BytesIO

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from arrears.models import DayClose, DayReopen, LateFeeWaiver, Payment
from arrears.models.ledger import PaymentStatus
from audit.models import BulkOperation
from finance.services import day_close
from tests.factories import UserFactory
from tests.factories_finance import collector, community_with_households, pending, verified, yesterday

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.7"


def entries_for(model, **filters):
    return LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model), **filters).order_by("pk")


@pytest.fixture
def world(user_with_role):
    community, households = community_with_households()
    return {
        "community": community,
        "households": households,
        "manager": user_with_role("manager", username="boss"),
        "finance": user_with_role("finance", username="fin"),
        "collector": collector("alice", "李丽"),
    }


def test_a_waiver_is_recorded_with_who_where_and_what(client, world):
    household = world["households"][0]
    client.force_login(world["manager"])
    response = client.post(
        reverse("waiver_create", args=[household.pk]),
        {"amount": "1.00", "waived_on": timezone.localdate().isoformat(), "reason": "业主困难"},
        REMOTE_ADDR=ADDRESS,
    )
    assert response.status_code == 302
    waiver = LateFeeWaiver.objects.get()
    entry = entries_for(LateFeeWaiver, object_id=waiver.pk).get()
    assert entry.action == LogEntry.Action.CREATE
    assert entry.actor == world["manager"] and entry.remote_addr == ADDRESS
    assert entry.changes["amount"] == ["None", "1.00"] and entry.changes["reason"] == ["None", "业主困难"]


def test_a_forged_forwarded_for_is_not_taken_without_the_proxy(client, world):
    household = world["households"][0]
    client.force_login(world["manager"])
    client.post(
        reverse("waiver_create", args=[household.pk]),
        {"amount": "1.00", "waived_on": timezone.localdate().isoformat(), "reason": "协商"},
        REMOTE_ADDR=ADDRESS,
        HTTP_X_FORWARDED_FOR="10.9.9.9",
    )
    assert entries_for(LateFeeWaiver).get().remote_addr == ADDRESS


def test_verifying_a_payment_records_the_status_and_receipt_before_and_after(client, world):
    payment = pending(world["households"][0], "100.00", by=world["collector"].user)
    client.force_login(world["finance"])
    assert client.post(reverse("finance:verify", args=[payment.pk]), REMOTE_ADDR=ADDRESS).status_code in (200, 302)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.VERIFIED
    created, updated = entries_for(Payment, object_id=payment.pk)
    assert created.action == LogEntry.Action.CREATE and created.actor is None  # recorded by a service in the test
    assert updated.actor == world["finance"] and updated.remote_addr == ADDRESS
    assert updated.changes["status"] == [PaymentStatus.PENDING, PaymentStatus.VERIFIED]
    assert updated.changes["receipt_no"] == ["None", payment.receipt_no]


@pytest.fixture
def closed_day(world):
    day = yesterday()
    verified(world["households"][0], "100.00", day=day, by=world["collector"].user, verifier=world["finance"])
    close = day_close(community=world["community"], day=day, closed_by=world["finance"])
    return day, close


def reopen_url(community, day):
    return reverse("finance:day_reopen", args=[community.code, day.isoformat()])


def test_a_manager_reopens_a_closed_day_with_a_reason_and_the_trail_keeps_the_close(client, world, closed_day):
    day, close = closed_day
    community = world["community"]
    client.force_login(world["manager"])
    page = client.get(reverse("finance:day", args=[community.code, day.isoformat()])).content.decode()
    assert reopen_url(community, day) in page
    response = client.post(reopen_url(community, day), {"reason": "漏登一笔现金"}, REMOTE_ADDR=ADDRESS, follow=True)
    assert "已重新打开" in response.content.decode()
    assert not DayClose.objects.exists()
    reopen = DayReopen.objects.get()
    assert reopen.reason == "漏登一笔现金" and reopen.reopened_by == world["manager"]
    assert reopen.closed_by == world["finance"] and reopen.totals == close.totals
    deleted = entries_for(DayClose, object_id=close.pk, action=LogEntry.Action.DELETE).get()
    assert deleted.actor == world["manager"] and deleted.remote_addr == ADDRESS
    assert deleted.changes["day"] == [day.isoformat(), "None"]
    created = entries_for(DayReopen, object_id=reopen.pk).get()
    assert created.changes["reason"] == ["None", "漏登一笔现金"] and created.actor == world["manager"]
    # The day is open again: a payment can be recorded on it, and finance can close it again.
    pending(world["households"][1], "20.00", day=day, by=world["collector"].user)
    assert "漏登一笔现金" in client.get(reverse("finance:day", args=[community.code, day.isoformat()])).content.decode()


def test_reopening_needs_a_reason_and_writes_nothing_without_one(client, world, closed_day):
    day, _close = closed_day
    client.force_login(world["manager"])
    response = client.post(reopen_url(world["community"], day), {"reason": "  "}, follow=True)
    assert "请填写重新打开的原因" in response.content.decode()
    assert DayClose.objects.exists() and not DayReopen.objects.exists()


@pytest.mark.parametrize("role", ["finance", "supervisor", "service", "legal", "staff"])
def test_only_a_manager_reopens_a_day(client, world, closed_day, user_with_role, role):
    day, _close = closed_day
    client.force_login(user_with_role(role))
    assert client.post(reopen_url(world["community"], day), {"reason": "想改"}).status_code == 403
    assert DayClose.objects.exists()


def test_a_role_change_is_recorded(world):
    user = UserFactory(username="s9")
    user.groups.add(Group.objects.get_or_create(name="finance")[0])
    entry = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(user), object_id=user.pk, changes__has_key="groups"
    ).get()
    assert entry.changes["groups"]["operation"] == "add" and entry.changes["groups"]["objects"] == ["finance"]


def test_a_password_set_shows_as_changed_never_as_its_hash(client, world):
    staff = collector("s100", "王五")
    client.force_login(world["manager"])
    client.post(
        reverse("staff_password", args=[staff.pk]),
        {"new_password1": "Lantern-river-88", "new_password2": "Lantern-river-88"},
    )
    entry = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(staff.user),
        object_id=staff.user.pk,
        changes__has_key="password",
        actor=world["manager"],
    ).get()
    assert entry.changes["password"] == ["******", "******"]
    assert staff.user.password.split("$")[-1] not in str(entry.serialized_data)


# The /audit/ page ---------------------------------------------------------------------------------------------


def make_waiver_entries(client, world, reasons):
    client.force_login(world["manager"])
    for household, reason in zip(world["households"], reasons, strict=False):
        client.post(
            reverse("waiver_create", args=[household.pk]),
            {"amount": "1.00", "waived_on": timezone.localdate().isoformat(), "reason": reason},
        )


def test_the_trail_page_lists_and_filters(client, world):
    payment = pending(world["households"][0], "100.00", by=world["collector"].user)
    client.force_login(world["finance"])
    client.post(reverse("finance:verify", args=[payment.pk]))
    make_waiver_entries(client, world, ["协商减免"])
    url = reverse("audit_trail")
    page = client.get(url).content.decode()
    assert "协商减免" in page and "boss" in page and "fin" in page
    waiver_type = ContentType.objects.get_for_model(LateFeeWaiver)
    only_waivers = client.get(url, {"kind": waiver_type.pk})
    assert {entry.content_type_id for entry in only_waivers.context["table"].data} == {waiver_type.pk}
    by_finance = client.get(url, {"actor": world["finance"].pk})
    assert {entry.actor_id for entry in by_finance.context["table"].data} == {world["finance"].pk}
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert len(client.get(url, {"since": tomorrow}).context["table"].data) == 0


def test_the_trail_paginates(client, world):
    group = Group.objects.get_or_create(name="legal")[0]
    for number in range(55):
        UserFactory(username=f"u{number}").groups.add(group)
    client.force_login(world["manager"])
    first = client.get(reverse("audit_trail"))
    assert len(first.context["table"].page.object_list) == 50
    assert first.context["table"].paginator.num_pages >= 2


@pytest.mark.parametrize("role", ["finance", "supervisor", "service", "legal", "staff"])
def test_only_managers_read_the_trail(client, user_with_role, role):
    client.force_login(user_with_role(role))
    assert client.get(reverse("audit_trail")).status_code == 403
    assert client.get(reverse("audit_trail"), {"_export": "xlsx"}).status_code == 403


def test_the_export_has_every_row_and_no_live_formula(client, world):
    make_waiver_entries(client, world, ['=HYPERLINK("http://x")', "+1", "普通原因"])
    response = client.get(reverse("audit_trail"), {"_export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "时间" and len(rows) - 1 == LogEntry.objects.count()
    cells = [str(cell) for row in rows[1:] for cell in row if cell is not None]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert any("普通原因" in cell for cell in cells)
    # Stored as text, never as a formula, whatever a reason holds.
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


# A household's own trail ----------------------------------------------------------------------------------------


def test_the_household_page_shows_its_own_trail_to_managers(client, world):
    mine, other = world["households"][0], world["households"][1]
    make_waiver_entries(client, world, ["本户原因", "别户原因"])
    payment = pending(mine, "30.00", by=world["collector"].user)
    client.force_login(world["manager"])
    page = client.get(reverse("household_detail", args=[mine.pk])).content.decode()
    assert "审计记录" in page and "本户原因" in page and "别户原因" not in page
    assert str(payment.amount) in page
    assert "本户原因" not in client.get(reverse("household_detail", args=[other.pk])).content.decode()


@pytest.mark.parametrize("role", ["supervisor", "finance", "legal", "service"])
def test_other_roles_see_no_trail_on_the_household_page(client, world, user_with_role, role):
    make_waiver_entries(client, world, ["本户原因"])
    client.force_login(user_with_role(role))
    page = client.get(reverse("household_detail", args=[world["households"][0].pk])).content.decode()
    assert "审计记录" not in page and "household-trail" not in page


# Bulk writes ------------------------------------------------------------------------------------------------------


def test_an_import_is_one_entry_with_the_files_hash_and_counts(tmp_path, world):
    import hashlib

    from openpyxl import Workbook

    from imports.workbook_import import ledger_import

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "小区"
    sheet.append(["小区编码", "小区名称", "公司名称", "日违约金率", "宽限天数", "违约金上限比例", "年度收费率目标"])
    sheet.append(["NEW", "新小区", "某物业公司", "0.0005", 0, None, "0.8"])
    path = tmp_path / "台账.xlsx"
    workbook.save(path)
    result = ledger_import(path=path, user=world["finance"])
    assert result.written, result.errors
    operation = BulkOperation.objects.get()
    assert operation.file_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert operation.counts["counts"]["小区"]["created"] == 1 and operation.actor == world["finance"]
    assert entries_for(BulkOperation, object_id=operation.pk).get().action == LogEntry.Action.CREATE
    # A dry run, or a file with errors, records nothing.
    ledger_import(path=path, dry_run=True, user=world["finance"])
    assert BulkOperation.objects.count() == 1


def test_the_split_is_one_entry_per_run_with_its_figures(world):
    from datetime import date

    from assignments.models import Campaign, SplitRun
    from assignments.services import split_for_day
    from tests.factories import StaffFactory

    StaffFactory(user__username="s1")
    campaign = Campaign.objects.create(name="冬季集中催费", start_date=date(2000, 1, 1), end_date=date(2100, 12, 31))
    campaign.communities.add(world["community"])
    day = timezone.localdate()
    run = split_for_day(campaign=campaign, day=day)
    split_for_day(campaign=campaign, day=day)  # again: changes nothing, records nothing
    entry = entries_for(SplitRun).get()
    assert entry.object_id == run.pk and entry.action == LogEntry.Action.CREATE
    assert entry.serialized_data["fields"]["stats"]["households"] == 3


def test_the_serializers_are_loaded_at_start_up():
    """Django keeps the ImportError of an optional serializer with its traceback: loaded by the first audit entry,
    it would keep that request's (or a whole import's) frames and their rows for the life of the process."""
    code = "import django; django.setup(); from django.core import serializers; print(sorted(serializers._serializers))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        env={"DJANGO_SETTINGS_MODULE": "config.settings_test", "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "'json'" in result.stdout
