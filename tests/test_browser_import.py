"""The ledger import in headless Chromium: finance uploads a workbook, watches the check's progress, previews,
confirms, and sees the import's result; the job runs in a worker thread, held half-way so the page is seen
while it is running."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from arrears.models import Community, Household, Payment
from core.roles import FINANCE
from imports import jobs
from imports.template import template_workbook
from tests.browser_support import SHOTS, browser_marks, import_worker, login
from tests.factories import UserFactory

pytestmark = browser_marks


@pytest.fixture
def worker(monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with import_worker(monkeypatch, jobs) as release:
        yield release


def ledger_file(tmp_path):
    workbook = load_workbook(BytesIO(template_workbook()))
    del workbook["员工"]
    path = tmp_path / "台账.xlsx"
    workbook.save(path)
    return path


def test_finance_uploads_sees_progress_and_the_result(browser, live_server, worker, tmp_path):
    UserFactory(username="caiwu", roles=[FINANCE])
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    login(page, live_server.url, "caiwu")
    page.goto(f"{live_server.url}/import/")
    page.set_input_files("input[type=file]", str(ledger_file(tmp_path)))
    page.get_by_role("button", name="上传并预览").click()

    progress = page.locator("#import-progress")
    progress.wait_for()
    page.wait_for_function("() => document.querySelector('#import-progress').innerText.includes('已校验 4 行')")
    text = progress.inner_text()
    assert "已读取 4 行" in text and "预览" in text and "正在试写入" in text
    assert page.locator("#import-progress progress").count() == 1
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "import-progress.png"))
    assert Community.objects.count() == 0

    worker.set()  # the check finishes; the page reloads itself with the preview
    page.get_by_role("button", name="确认导入").wait_for(timeout=15_000)
    assert "校验通过" in page.inner_text("main")
    assert Community.objects.count() == 0  # the preview wrote nothing

    page.get_by_role("button", name="确认导入").click()
    page.get_by_role("heading", name="已导入").wait_for(timeout=15_000)
    main = page.inner_text("main")
    assert "确认导入" not in main and "caiwu" in main
    page.screenshot(path=str(SHOTS / "import-done.png"))
    assert (Community.objects.count(), Household.objects.count(), Payment.objects.count()) == (1, 1, 1)
