"""A file from another system in headless Chromium: finance uploads an HC export, watches the job convert and check
it, previews what it recognised, confirms, and sees the import's result. The job runs in a worker thread, held at
the start of its writing so the page is seen while it is running."""

import pytest

from arrears.models import Charge
from core.roles import FINANCE
from imports.sources import convert
from tests.browser_support import SHOTS, browser_marks, import_worker, login
from tests.factories import CommunityFactory, UserFactory
from tests.sources_support import HC_FEES_MERGES, hc_fees, write_workbook

pytestmark = browser_marks


@pytest.fixture
def worker(monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with import_worker(monkeypatch, convert) as release:
        yield release


def hc_export(tmp_path):
    rows = hc_fees(
        ["1-1-101", "物业费", "2024-01-01", "2024-01-31", "¥1,000.00"],
        ["1-1-102", "物业费", "2024-01-01", "2024-01-31", "800.00"],
        [None] * 5,
        ["合计", None, None, None, "1,800.00"],
    )
    return write_workbook(tmp_path / "房屋费用信息.xlsx", {"房屋费用信息": rows}, {"房屋费用信息": HC_FEES_MERGES})


def test_finance_uploads_an_hc_export_sees_it_converted_and_checked_then_imports_it(
    browser, live_server, worker, tmp_path
):
    CommunityFactory(code="YG", name="阳光花园")
    UserFactory(username="caiwu", roles=[FINANCE])
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    login(page, live_server.url, "caiwu")
    page.goto(f"{live_server.url}/import/other/")
    page.set_input_files("input[type=file]", str(hc_export(tmp_path)))
    page.get_by_role("button", name="上传并预览").click()

    progress = page.locator("#import-progress")
    progress.wait_for()
    # Held at the start of the dry run's writing: converted and checked, the bar on the page, nothing written.
    page.wait_for_function("() => document.querySelector('#import-progress').innerText.includes('正在试写入')")
    text = progress.inner_text()
    assert "已转换 4 / 4 行" in text and "预览" in text
    assert page.locator("#import-progress progress").count() == 1
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "import-other-progress.png"))
    assert not Charge.objects.exists()

    worker.set()  # the check finishes; the page reloads itself with the preview
    page.get_by_role("button", name="确认导入").wait_for(timeout=15_000)
    main = page.inner_text("main")
    assert "房屋编号(A 列)" in main and "合计行" in main
    assert not Charge.objects.exists()  # the preview wrote nothing

    page.get_by_role("button", name="确认导入").click()
    page.get_by_role("heading", name="已导入").wait_for(timeout=15_000)
    main = page.inner_text("main")
    assert "确认导入" not in main and "caiwu" in main
    page.screenshot(path=str(SHOTS / "import-other-done.png"))
    assert sorted(Charge.objects.values_list("amount", flat=True)) == [800, 1000]
