"""The pages for files from other systems: upload, rules, mapping, preview, confirm; who may use them."""

import uuid
import zipfile
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from arrears.models import Charge, Payment
from core.roles import FINANCE, LEGAL, MANAGER, SERVICE, STAFF, SUPERVISOR
from imports.models import DueDateRule, SourceSettings
from imports.sources.freeform import Field
from tests.factories import CommunityFactory
from tests.sources_support import HC_FEES_MERGES, hc_fees

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root", "jobs_run_at_once")]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SOME_TOKEN = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def community():
    return CommunityFactory(code="YG", name="阳光花园")


@pytest.fixture
def finance_client(client, user_with_role):
    client.force_login(user_with_role(FINANCE))
    return client


def workbook_bytes(sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
        for cells in (merges or {}).get(name, []):
            sheet.merge_cells(cells)
    stream = BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def hc_file() -> bytes:
    rows = hc_fees(
        ["1-1-101", "物业费", "2024-01-01", "2024-01-31", "¥1,000.00"],
        [None] * 5,
        ["合计", None, None, None, "1,000.00"],
    )
    return workbook_bytes({"房屋费用信息": rows}, {"房屋费用信息": HC_FEES_MERGES})


def freeform_file(amount_header="应收") -> bytes:
    rows = [["房号", "月份", amount_header], ["3-2-1201", "2026-01", "¥1,200.00"], ["合计", None, "1,200.00"]]
    return workbook_bytes({"欠费明细": rows})


def upload(client, community, content: bytes, *, source="hc", name="export.xlsx"):
    data = {
        "source": source,
        "community": community.pk,
        "channel": "现金",
        "fee_item": "物业费",
        "file": SimpleUploadedFile(name, content, content_type=XLSX),
    }
    return client.post(reverse("import_other_upload"), data)


def preview_url(response) -> str:
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def urls() -> list[str]:
    return [reverse("import_other_upload"), reverse("import_other_preview", kwargs={"token": SOME_TOKEN})]


def test_anonymous_is_sent_to_log_in(client):
    for url in urls():
        response = client.get(url)
        assert response.status_code == 302
        assert "login" in response["Location"]


@pytest.mark.parametrize("role", [SUPERVISOR, STAFF, SERVICE, LEGAL])
def test_other_roles_are_refused(client, user_with_role, community, role):
    client.force_login(user_with_role(role))
    for url in urls():
        assert client.get(url).status_code == 403
        assert client.post(url, {"action": "confirm"}).status_code == 403
    assert upload(client, community, hc_file()).status_code == 403


@pytest.mark.parametrize("role", [FINANCE, MANAGER])
def test_finance_and_managers_may_import(client, user_with_role, community, role):
    client.force_login(user_with_role(role))
    assert client.get(reverse("import_other_upload")).status_code == 200
    url = preview_url(upload(client, community, hc_file()))
    assert client.get(url).status_code == 200


def test_the_import_page_links_here(finance_client):
    page = finance_client.get(reverse("import_upload")).content.decode()
    assert reverse("import_other_upload") in page


def test_unknown_upload_is_not_found(finance_client):
    assert finance_client.get(reverse("import_other_preview", kwargs={"token": uuid.uuid4()})).status_code == 404


def test_only_workbooks_are_accepted(finance_client, community):
    response = upload(finance_client, community, b"a,b\n1,2\n", name="export.csv")
    assert response.status_code == 200
    assert "请上传 .xlsx 或 .xls 格式的 Excel 文件" in response.content.decode()
    response = upload(finance_client, community, b"not a workbook", name="export.xlsx")
    assert "文件不是有效的 Excel 工作簿" in response.content.decode()
    # Judged by the content: a zip that holds no workbook, or an .xls name on a zip, is refused too.
    archive = BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("readme.txt", "not a workbook")
    for name in ("export.xlsx", "export.xls"):
        response = upload(finance_client, community, archive.getvalue(), name=name)
        assert "文件不是有效的 Excel 工作簿" in response.content.decode()


def test_hc_preview_reports_then_confirm_writes_once(finance_client, community):
    url = preview_url(upload(finance_client, community, hc_file()))

    page = finance_client.get(url).content.decode()
    assert "房屋编号(A 列)" in page
    assert "空行" in page and "合计行" in page
    assert "确认导入" in page
    assert not Charge.objects.exists()  # the preview writes nothing

    response = finance_client.post(url, {"action": "confirm"})
    assert response.status_code == 302
    charge = Charge.objects.get()
    assert (charge.amount, charge.due_date) == (Decimal("1000.00"), date(2024, 1, 1))
    assert "已导入" in finance_client.get(url).content.decode()

    finance_client.post(url, {"action": "confirm"})
    assert Charge.objects.count() == 1


def test_the_due_date_rule_is_saved_for_the_community(finance_client, community):
    url = preview_url(upload(finance_client, community, hc_file()))

    response = finance_client.post(
        url, {"action": "settings", "due_date_rule": DueDateRule.PERIOD_END, "due_days_after": "5"}
    )
    assert response.status_code == 302
    finance_client.post(url, {"action": "confirm"})

    assert SourceSettings.objects.get(community=community).due_date_rule == DueDateRule.PERIOD_END
    assert Charge.objects.get().due_date == date(2024, 2, 5)


def test_errors_name_the_original_row_and_column(finance_client, community):
    rows = hc_fees(["1-1-101", "物业费", "2024-01-01", "2024-01-31", "一千"])
    url = preview_url(upload(finance_client, community, workbook_bytes({"房屋费用信息": rows})))

    page = finance_client.get(url).content.decode()

    assert "房屋费用信息" in page and "金额(E 列)" in page and "金额格式错误" in page
    assert "确认导入" not in page
    finance_client.post(url, {"action": "confirm"})
    assert not Charge.objects.exists()


def test_freeform_mapping_is_chosen_saved_and_reused(finance_client, community):
    # 物业费 is not a header the preview recognises: finance maps it.
    url = preview_url(upload(finance_client, community, freeform_file("物业费"), source="freeform"))
    page = finance_client.get(url).content.decode()
    assert "请指定应收金额或欠费金额所在的列" in page
    assert 'name="column_2"' in page

    response = finance_client.post(
        url, {"action": "mapping", "column_0": Field.HOUSEHOLD, "column_1": Field.PERIOD, "column_2": Field.CHARGED}
    )
    assert response.status_code == 302
    assert SourceSettings.objects.get(community=community).column_mapping == {
        "房号": Field.HOUSEHOLD,
        "月份": Field.PERIOD,
        "物业费": Field.CHARGED,
    }
    page = finance_client.get(url).content.decode()
    assert "确认导入" in page and "合计行" in page
    assert not Charge.objects.exists()

    # Next month's file with the same headers is read with the saved mapping, untouched.
    next_month = preview_url(upload(finance_client, community, freeform_file("物业费"), source="freeform"))
    page = finance_client.get(next_month).content.decode()
    assert f'<option value="{Field.CHARGED}" selected>' in page
    assert "确认导入" in page
    finance_client.post(next_month, {"action": "confirm"})
    assert Charge.objects.get().amount == Decimal("1200.00")


def test_freeform_mapping_may_not_use_a_field_twice(finance_client, community):
    url = preview_url(upload(finance_client, community, freeform_file(), source="freeform"))

    response = finance_client.post(
        url, {"action": "mapping", "column_0": Field.HOUSEHOLD, "column_1": Field.CHARGED, "column_2": Field.CHARGED}
    )

    assert response.status_code == 200
    assert "只能对应一列" in response.content.decode()
    assert not SourceSettings.objects.exists()


def test_freeform_confirm_saves_the_mapping_used(finance_client, community):
    url = preview_url(upload(finance_client, community, freeform_file(), source="freeform"))

    finance_client.post(url, {"action": "confirm"})

    assert Charge.objects.get().amount == Decimal("1200.00")
    assert SourceSettings.objects.get(community=community).column_mapping["应收"] == Field.CHARGED
    assert not Payment.objects.exists()


# The conversion, the dry run and the import as the import job ------------------------------------------------


def token_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


@pytest.fixture
def queued(monkeypatch):
    """No worker yet: the jobs the pages start wait in this list."""
    from imports.tasks import run_import

    jobs = []
    monkeypatch.setattr(run_import, "delay", lambda *args: jobs.append(args))
    return jobs


def run_queued(queued) -> None:
    from imports.tasks import run_import

    while queued:
        run_import(*queued.pop(0))  # the worker's turn


def test_the_page_shows_progress_until_the_check_has_run(finance_client, community, queued):
    url = preview_url(upload(finance_client, community, hc_file()))
    status_url = reverse("import_other_status", kwargs={"token": token_of(url)})
    assert len(queued) == 1 and queued[0][1] is True and queued[0][3] == "other"  # a check, of a foreign file

    page = finance_client.get(url).content.decode()
    assert "排队中" in page and status_url in page and "确认导入" not in page
    assert len(queued) == 1  # the page does not start the check again while it waits
    fragment = finance_client.get(status_url, headers={"HX-Request": "true"})
    assert "HX-Refresh" not in fragment and 'hx-trigger="every 1s"' in fragment.content.decode()

    run_queued(queued)

    fragment = finance_client.get(status_url, headers={"HX-Request": "true"})
    assert fragment["HX-Refresh"] == "true"
    page = finance_client.get(url).content.decode()
    assert "确认导入" in page and "房屋编号(A 列)" in page and "合计行" in page and "排队中" not in page
    assert not Charge.objects.exists()


def test_the_job_reports_converting_checking_and_writing(finance_client, community, queued, monkeypatch):
    from imports import jobs
    from imports.sources.uploads import SourceUpload

    monkeypatch.setattr(jobs, "STATUS_EVERY_SECONDS", 0)
    seen = []
    real_set_status = SourceUpload.set_status

    def recording(self, **status):
        seen.append(status)
        real_set_status(self, **status)

    monkeypatch.setattr(SourceUpload, "set_status", recording)
    url = preview_url(upload(finance_client, community, hc_file()))
    run_queued(queued)
    finance_client.post(url, {"action": "confirm"})
    run_queued(queued)

    check = [status for status in seen if status.get("dry_run")]
    phases = [status.get("phase") for status in check]
    assert phases[0] == "queued" and phases[-1] == "done"
    assert {"converting", "checking", "writing"} <= set(phases)
    assert phases.index("converting") < phases.index("checking") < phases.index("writing")
    converting = [status for status in check if status.get("phase") == "converting"]
    # 房屋费用信息 has three rows below its headers: the household's, a blank one and the totals.
    assert converting[-1]["rows_converted"] == converting[-1]["rows_to_convert"] == 3
    assert check[-1]["state"] == "done" and check[-1]["result"]["ok"]
    imported = [status for status in seen if status.get("dry_run") is False]
    assert imported[-1]["state"] == "done" and imported[-1]["result"]["written"]
    assert max(status.get("rows_written", 0) for status in imported) >= 1
    assert Charge.objects.count() == 1


def test_the_status_fragment_names_the_conversion(finance_client, community, queued):
    from imports.sources.uploads import SourceUpload

    url = preview_url(upload(finance_client, community, hc_file()))
    stored = SourceUpload(uuid.UUID(token_of(url)))
    stored.set_status(state="running", dry_run=True, phase="converting", rows_converted=1, rows_to_convert=3)

    page = finance_client.get(reverse("import_other_status", kwargs={"token": stored.token})).content.decode()

    assert "正在转换" in page and "已转换 1 / 3 行" in page and "33%" in page


def test_the_status_is_for_importers_only(client, user_with_role, community):
    client.force_login(user_with_role(FINANCE))
    status_url = reverse(
        "import_other_status", kwargs={"token": token_of(preview_url(upload(client, community, hc_file())))}
    )
    client.force_login(user_with_role(STAFF))
    assert client.get(status_url).status_code == 403
    client.force_login(user_with_role(MANAGER))
    assert client.get(status_url).status_code == 200
    assert client.get(reverse("import_other_status", kwargs={"token": SOME_TOKEN})).status_code == 404


def test_a_failing_import_says_so_in_chinese_and_writes_nothing(finance_client, community, monkeypatch):
    from arrears.models import Household
    from dashboard.models import DashboardSnapshot
    from imports import workbook_import
    from imports.sources.uploads import SourceUpload

    url = preview_url(upload(finance_client, community, hc_file()))
    assert "确认导入" in finance_client.get(url).content.decode()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    # Fails after the households and charges are written, inside the import's transaction.
    monkeypatch.setattr(workbook_import, "allocate_new_households", broken)
    finance_client.post(url, {"action": "confirm"})

    page = finance_client.get(url).content.decode()
    assert "导入时出错,没有写入任何数据" in page and "已导入" not in page
    assert not Charge.objects.exists() and not Household.objects.exists()
    assert not DashboardSnapshot.objects.exists()
    assert not SourceUpload(uuid.UUID(token_of(url))).claimed()  # given back


def test_a_second_confirm_starts_no_job(finance_client, community, queued):
    url = preview_url(upload(finance_client, community, hc_file()))
    run_queued(queued)
    finance_client.post(url, {"action": "confirm"})
    assert [job[1] for job in queued] == [False]

    again = finance_client.post(url, {"action": "confirm"}, follow=True)  # before the worker has run it
    assert "没有重复导入" in again.content.decode()
    assert len(queued) == 1
    run_queued(queued)

    again = finance_client.post(url, {"action": "confirm"}, follow=True)
    assert "没有重复导入" in again.content.decode()
    assert not queued and Charge.objects.count() == 1


def test_the_import_refreshes_the_dashboard_of_its_community(finance_client, community):
    from dashboard.models import DashboardSnapshot

    url = preview_url(upload(finance_client, community, hc_file()))
    assert not DashboardSnapshot.objects.exists()  # the preview writes nothing

    finance_client.post(url, {"action": "confirm"})

    assert list(DashboardSnapshot.objects.values_list("community__code", flat=True)) == ["YG"]


def test_a_rule_changed_since_the_preview_is_previewed_again_before_importing(
    finance_client, community, user_with_role
):
    from imports.sources.settings import source_settings_update

    url = preview_url(upload(finance_client, community, hc_file()))
    assert "确认导入" in finance_client.get(url).content.decode()
    # Changed meanwhile, from another upload of the same community.
    source_settings_update(community=community, user=None, due_date_rule=DueDateRule.PERIOD_END, due_days_after=0)

    response = finance_client.post(url, {"action": "confirm"}, follow=True)
    assert "已按新规则重新预览" in response.content.decode()
    assert not Charge.objects.exists()

    finance_client.post(url, {"action": "confirm"})
    assert Charge.objects.get().due_date == date(2024, 1, 31)


def test_the_mapping_cannot_change_while_the_file_is_checked(finance_client, community, queued):
    url = preview_url(upload(finance_client, community, freeform_file(), source="freeform"))
    assert len(queued) == 1

    response = finance_client.post(
        url, {"action": "mapping", "column_0": Field.HOUSEHOLD, "column_1": Field.PERIOD, "column_2": Field.PAID}
    )

    assert response.status_code == 302
    assert "请等它完成后再修改" in finance_client.get(url).content.decode()
    assert not SourceSettings.objects.exists() and len(queued) == 1


def test_a_check_with_errors_keeps_the_file_for_another_mapping(finance_client, community):
    rows = [["房号", "月份", "应收", "备注"], ["3-2-1201", "2026-01", "¥1,200.00", "一千"]]
    url = preview_url(upload(finance_client, community, workbook_bytes({"欠费明细": rows}), source="freeform"))
    assert "确认导入" in finance_client.get(url).content.decode()

    # 备注 read as the amount paid: not money.
    finance_client.post(
        url,
        {
            "action": "mapping",
            "column_0": Field.HOUSEHOLD,
            "column_1": Field.PERIOD,
            "column_2": Field.CHARGED,
            "column_3": Field.PAID,
        },
    )
    page = finance_client.get(url).content.decode()
    assert "备注(D 列)" in page and "确认导入" not in page

    finance_client.post(
        url, {"action": "mapping", "column_0": Field.HOUSEHOLD, "column_1": Field.PERIOD, "column_2": Field.CHARGED}
    )
    finance_client.post(url, {"action": "confirm"})
    assert Charge.objects.get().amount == Decimal("1200.00")
