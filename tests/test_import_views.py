"""The ledger import in the browser: finance uploads, previews, confirms."""

import json
import uuid
from io import BytesIO

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from arrears.models import Allocation, Charge, Community, Household, Payment
from core.roles import FINANCE, LEGAL, MANAGER, SERVICE, STAFF, SUPERVISOR
from imports import uploads
from imports.template import SHEETS, template_workbook

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root", "jobs_run_at_once")]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PREVIEW = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def finance_client(client, user_with_role):
    client.force_login(user_with_role(FINANCE))
    return client


def upload(client, content: bytes, name: str = "ledger.xlsx"):
    return client.post(reverse("import_upload"), {"file": SimpleUploadedFile(name, content, content_type=XLSX)})


def bad_workbook() -> bytes:
    workbook = Workbook()
    workbook.active.title = "房屋"
    workbook.active.append(["小区编码", "楼栋", "单元", "房号"])
    stream = BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def urls() -> list[str]:
    return [
        reverse("import_upload"),
        reverse("import_template"),
        reverse("import_preview", kwargs={"token": PREVIEW}),
    ]


def test_anonymous_is_sent_to_log_in(client):
    for url in urls():
        response = client.get(url)
        assert response.status_code == 302
        assert f"next={url}" in response["Location"].replace("%2F", "/")


@pytest.mark.parametrize("role", [SUPERVISOR, STAFF, SERVICE, LEGAL])
def test_other_roles_are_refused(client, user_with_role, role):
    client.force_login(user_with_role(role))
    for url in urls():
        assert client.get(url).status_code == 403
    assert upload(client, template_workbook()).status_code == 403
    assert client.post(reverse("import_preview", kwargs={"token": PREVIEW})).status_code == 403


def test_upload_page_links_the_template(finance_client):
    response = finance_client.get(reverse("import_upload"))

    assert response.status_code == 200
    assert reverse("import_template") in response.content.decode()


def test_template_has_every_sheet_and_a_note(finance_client):
    response = finance_client.get(reverse("import_template"))

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(BytesIO(response.content))
    assert workbook.sheetnames == [*(spec.name for spec in SHEETS), "说明"]
    for spec in SHEETS:
        rows = list(workbook[spec.name].values)
        assert rows[0] == spec.columns
        assert len(rows) == 2


def ledger_only_template() -> bytes:
    """The template without its 员工 sheet: what finance imports."""
    workbook = load_workbook(BytesIO(template_workbook()))
    del workbook["员工"]
    stream = BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def staff_workbook(*rows) -> bytes:
    workbook = Workbook()
    workbook.active.title = "员工"
    workbook.active.append(["工号", "姓名", "部门", "角色", "资历", "权重", "手机", "在职"])
    for row in rows:
        workbook.active.append(list(row))
    stream = BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def test_upload_preview_confirm(finance_client, media_root):
    response = upload(finance_client, ledger_only_template())
    assert response.status_code == 302
    preview_url = response["Location"]
    token = preview_url.rstrip("/").rsplit("/", 1)[-1]
    assert (media_root / "imports" / f"{token}.xlsx").is_file()

    preview = finance_client.get(preview_url)
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "确认导入" in page and "新增" in page
    assert Community.objects.count() == 0  # the preview is a dry run

    confirmed = finance_client.post(preview_url, follow=True)
    page = confirmed.content.decode()
    assert confirmed.redirect_chain == [(preview_url, 302)]
    assert "导入成功" in page and "已导入" in page and "确认导入" not in page
    assert (Community.objects.count(), Household.objects.count(), Charge.objects.count()) == (1, 1, 1)
    assert not (media_root / "imports" / f"{token}.xlsx").exists()  # the file goes once it is imported
    payment = Payment.objects.get()
    assert payment.imported and payment.verified_by.groups.filter(name=FINANCE).exists()
    assert Allocation.objects.count() == 1

    again = finance_client.post(preview_url, follow=True)
    assert "没有重复导入" in again.content.decode()
    assert (Payment.objects.count(), Allocation.objects.count()) == (1, 1)
    assert "已导入" in finance_client.get(preview_url).content.decode()


def test_a_bad_workbook_shows_the_errors_and_no_button(finance_client):
    response = upload(finance_client, bad_workbook())
    page = finance_client.get(response["Location"]).content.decode()

    assert "确认导入" not in page
    assert "缺少列" in page and "建筑面积" in page

    finance_client.post(response["Location"])  # even a forced POST writes nothing
    assert Household.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("ledger.xls", b"PK\x03\x04...", "请上传 .xlsx 格式的 Excel 文件"),
        ("ledger.txt", b"a,b", "请上传 .xlsx 格式的 Excel 文件"),
        ("ledger.zip", b"not a zip", "不是有效的 zip 压缩包"),
        ("ledger.xlsx", b"not a zip", "不是有效的 Excel 工作簿"),
    ],
)
def test_upload_rejects_other_files(finance_client, media_root, name, content, message):
    response = upload(finance_client, content, name)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not (media_root / "imports").exists()


def test_upload_without_a_file_says_so(finance_client):
    response = finance_client.post(reverse("import_upload"), {})

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert 'class="errors"' in response.content.decode()


def test_upload_rejects_big_files(finance_client, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 100)

    response = upload(finance_client, template_workbook())

    assert "文件不能超过 50 MB" in response.content.decode()


def test_unknown_token_is_not_found(finance_client):
    assert finance_client.get(reverse("import_preview", kwargs={"token": PREVIEW})).status_code == 404


def test_a_file_being_imported_is_not_imported_again(finance_client):
    preview_url = upload(finance_client, template_workbook())["Location"]
    token = preview_url.rstrip("/").rsplit("/", 1)[-1]
    assert uploads.StoredUpload(uuid.UUID(token)).claim()  # another request is importing it

    response = finance_client.post(preview_url, follow=True)

    assert "没有重复导入" in response.content.decode()
    assert Community.objects.count() == 0


def test_the_template_staff_row_is_no_demo_login():
    from demo.staff import FIXED_LOGINS

    login = load_workbook(BytesIO(template_workbook()))["员工"]["A2"].value
    assert login not in FIXED_LOGINS and not (login[0] == "s" and login[1:].isdigit())


def test_finance_cannot_make_itself_manager_through_the_staff_sheet(client, user_with_role):
    finance = user_with_role(FINANCE, STAFF, username="finance")
    client.force_login(finance)
    preview_url = upload(client, staff_workbook(["finance", "赵会计", "财务部", "财务、经理", 2, 1, "", "是"]))[
        "Location"
    ]

    page = client.get(preview_url).content.decode()
    assert "确认导入" not in page and "不能通过导入修改自己的角色" in page

    client.post(preview_url)  # a forced confirmation writes nothing either
    finance.refresh_from_db()
    assert sorted(finance.groups.values_list("name", flat=True)) == [FINANCE, STAFF]
    assert client.get(reverse("late_fee_policy")).status_code == 403


def test_finance_cannot_give_or_change_anyone_roles(client, user_with_role):
    client.force_login(user_with_role(FINANCE))
    colleague = user_with_role(STAFF, username="s002")
    content = staff_workbook(
        ["s002", "王保安", "保安部", "员工、经理", 1, 1, "", "是"],
        ["new01", "新员工", "保安部", "员工", 1, 1, "", "是"],
    )
    page = client.get(upload(client, content)["Location"]).content.decode()

    assert "只有经理可以通过导入修改员工的角色" in page
    assert "只有经理可以通过导入新建员工账号并分配角色" in page
    assert "确认导入" not in page
    assert list(colleague.groups.values_list("name", flat=True)) == [STAFF]
    assert not User.objects.filter(username="new01").exists()


def test_finance_may_update_a_colleague_without_touching_roles(client, user_with_role):
    from assignments.models import Department, Staff

    client.force_login(user_with_role(FINANCE))
    colleague = user_with_role(STAFF, username="s002")
    Staff.objects.create(user=colleague, name="王保安", department=Department.objects.create(name="保安部"))
    preview_url = upload(client, staff_workbook(["s002", "王保安", "保安部", "员工", 1, 1, "13900000002", "是"]))[
        "Location"
    ]
    page = client.get(preview_url).content.decode()
    assert "确认导入" in page and "角色变化" not in page

    client.post(preview_url)
    assert Staff.objects.get(user=colleague).phone == "13900000002"


def test_a_manager_sees_each_role_change_before_confirming(client, user_with_role):
    manager = user_with_role(MANAGER, username="boss")
    client.force_login(manager)
    colleague = user_with_role(STAFF, username="s002")
    content = staff_workbook(
        ["s002", "王保安", "保安部", "员工、主管", 3, 1, "", "是"],
        ["new01", "新员工", "保洁部", "员工", 1, 1, "", "是"],
    )
    preview_url = upload(client, content)["Location"]

    preview = client.get(preview_url)
    changes = preview.context["summary"]["role_changes"]
    assert changes == [
        {"login": "s002", "name": "王保安", "before": ["员工"], "after": ["主管", "员工"]},
        {"login": "new01", "name": "新员工", "before": [], "after": ["员工"]},
    ]
    page = preview.content.decode()
    assert "角色变化" in page and "(新员工)" in page and "确认导入" in page
    assert list(colleague.groups.values_list("name", flat=True)) == [STAFF]  # nothing written yet

    client.post(preview_url)
    assert sorted(colleague.groups.values_list("name", flat=True)) == [STAFF, SUPERVISOR]
    assert list(User.objects.get(username="new01").groups.values_list("name", flat=True)) == [STAFF]
    assert "角色变化" in client.get(preview_url).content.decode()  # the recorded import keeps the list


def test_a_manager_cannot_change_their_own_roles_either(client, user_with_role):
    manager = user_with_role(MANAGER, username="boss")
    client.force_login(manager)
    page = client.get(
        upload(client, staff_workbook(["boss", "经理", "管理处", "员工", 3, 1, "", "是"]))["Location"]
    ).content.decode()

    assert "不能通过导入修改自己的角色" in page and "确认导入" not in page
    assert list(manager.groups.values_list("name", flat=True)) == [MANAGER]


def test_the_import_time_is_shown_in_local_time(finance_client, media_root):
    response = upload(finance_client, ledger_only_template())
    preview_url = response["Location"]
    token = preview_url.rstrip("/").rsplit("/", 1)[-1]
    finance_client.post(preview_url)
    stored = media_root / "imports" / f"{token}.json"
    summary = json.loads(stored.read_text(encoding="utf-8"))
    summary["imported_at"] = "2026-03-01T02:30:00+00:00"  # 10:30 in Asia/Shanghai
    stored.write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")
    page = finance_client.get(preview_url).content.decode()
    assert "2026-03-01 10:30" in page and "02:30" not in page


def test_a_csv_file_is_a_sheet_named_by_the_file(finance_client, media_root):
    content = (
        "小区编码,小区名称,公司名称,日违约金率,宽限天数,违约金上限比例,年度收费率目标\nC9,东苑,东苑物业,0.0005,0,,80%\n"
    )
    preview_url = upload(finance_client, content.encode("gbk"), "小区.csv")["Location"]

    page = finance_client.get(preview_url).content.decode()
    assert "确认导入" in page and "小区" in page

    finance_client.post(preview_url)
    assert Community.objects.get().name == "东苑"


def test_the_page_shows_progress_until_the_job_has_run(finance_client, media_root, monkeypatch):
    from imports import views

    queued = []
    monkeypatch.setattr(views.run_import, "delay", lambda *args: queued.append(args))  # no worker yet
    preview_url = upload(finance_client, ledger_only_template())["Location"]
    token = preview_url.rstrip("/").rsplit("/", 1)[-1]
    status_url = reverse("import_status", kwargs={"token": token})

    page = finance_client.get(preview_url).content.decode()
    assert "排队中" in page and "已读取 0 行" in page and status_url in page and "确认导入" not in page
    fragment = finance_client.get(status_url, headers={"HX-Request": "true"})
    assert "HX-Refresh" not in fragment and 'hx-trigger="every 1s"' in fragment.content.decode()

    from imports.tasks import run_import

    run_import(*queued[0])  # the worker's turn

    fragment = finance_client.get(status_url, headers={"HX-Request": "true"})
    assert fragment["HX-Refresh"] == "true"
    page = finance_client.get(preview_url).content.decode()
    assert "确认导入" in page and "已读取" not in page


def test_a_job_without_news_for_ten_minutes_is_said_to_have_stopped(finance_client, media_root, monkeypatch):
    """A worker killed mid-job leaves its status "running": once nothing has moved for STALE_STATUS_SECONDS the
    page says its worker may have stopped, and keeps polling (a job handed back to a worker carries on)."""
    import os
    import time

    from imports import views

    monkeypatch.setattr(views.run_import, "delay", lambda *args: None)  # queued, never run
    preview_url = upload(finance_client, ledger_only_template())["Location"]
    token = preview_url.rstrip("/").rsplit("/", 1)[-1]
    status_url = reverse("import_status", kwargs={"token": token})
    stored = uploads.StoredUpload(uuid.UUID(token))
    stored.set_status(state="running", dry_run=True, phase="writing", rows_total=10, rows_read=10, rows_checked=10)

    assert "没有进展" not in finance_client.get(preview_url).content.decode()  # news just now

    old = time.time() - uploads.STALE_STATUS_SECONDS - 60
    os.utime(stored._status, (old, old))
    page = finance_client.get(preview_url).content.decode()
    assert "导入任务已 11" in page and "没有进展" in page and "后台进程可能已停止" in page
    fragment = finance_client.get(status_url, headers={"HX-Request": "true"})
    assert "没有进展" in fragment.content.decode() and "HX-Refresh" not in fragment

    stored.touch_status()  # the job's heartbeat
    assert "没有进展" not in finance_client.get(preview_url).content.decode()


def test_a_running_job_beats_while_no_row_moves(media_root, monkeypatch):
    """The heartbeat keeps the status fresh through a long step that reports nothing (an index being built)."""
    import os
    import time

    from arrears.importer.result import ImportResult
    from imports import jobs

    stored = uploads.StoredUpload.save(SimpleUploadedFile("ledger.xlsx", ledger_only_template()))
    old = time.time() - uploads.STALE_STATUS_SECONDS - 60
    seen = []

    def silent_step(*, stored, dry_run, user, progress):
        os.utime(stored._status, (old, old))  # as if the last news were long ago
        time.sleep(0.3)  # a step that reports nothing
        seen.append(stored.stalled())
        return ImportResult(dry_run=True), {}

    monkeypatch.setattr(jobs, "HEARTBEAT_SECONDS", 0.05)
    monkeypatch.setitem(jobs._RUNNERS, uploads.StoredUpload.kind, silent_step)

    assert jobs.import_run(stored=stored, dry_run=True, user_id=None)["state"] == "done"
    assert seen == [False]


def test_a_finished_import_refreshes_the_dashboard_of_its_communities(finance_client, media_root):
    from dashboard.models import DashboardSnapshot

    preview_url = upload(finance_client, ledger_only_template())["Location"]
    assert not DashboardSnapshot.objects.exists()  # the preview writes nothing

    finance_client.post(preview_url)

    assert list(DashboardSnapshot.objects.values_list("community__code", flat=True)) == [Community.objects.get().code]


def test_the_status_of_an_upload_is_for_importers_only(client, user_with_role, media_root):
    client.force_login(user_with_role(FINANCE))
    token = upload(client, ledger_only_template())["Location"].rstrip("/").rsplit("/", 1)[-1]
    status_url = reverse("import_status", kwargs={"token": token})
    client.force_login(user_with_role(STAFF))
    assert client.get(status_url).status_code == 403
    client.force_login(user_with_role(MANAGER))
    assert client.get(status_url).status_code == 200
    assert client.get(reverse("import_status", kwargs={"token": PREVIEW})).status_code == 404
