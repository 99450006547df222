"""``render_notices``: the same batch service, run synchronously, writing the PDFs to a folder."""

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from notices.models import BatchStatus, NoticeBatch
from tests.factories_notices import household_in_arrears, letter_community

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def community():
    community = letter_community()
    household_in_arrears(community, room="101")
    household_in_arrears(community, building="5", unit="", room="201", paid_late=False)
    return community


def test_writes_the_combined_and_the_single_pdfs(community, tmp_path, capsys):
    out = tmp_path / "out"
    call_command("render_notices", "--as-of", "2026-04-30", "--level", "催费通知书", "--out", str(out))
    batch = NoticeBatch.objects.get()
    assert batch.status == BatchStatus.DONE and batch.total == 2
    combined = f"HY-demand-20260430-{batch.pk}.pdf"
    assert sorted(p.name for p in out.iterdir()) == sorted([combined, "HY-TZ-2026-00001.pdf", "HY-TZ-2026-00002.pdf"])
    assert len(PdfReader(out / combined).pages) == 2
    assert "2 份通知书" in capsys.readouterr().out


def test_one_household_by_label(community, tmp_path):
    out = tmp_path / "one"
    call_command(
        "render_notices",
        "--as-of",
        "2026-04-30",
        "--level",
        "lawyer",
        "--community",
        "HY",
        "--household",
        "5-201",
        "--out",
        str(out),
    )
    batch = NoticeBatch.objects.get()
    assert [n.household.label for n in batch.notices.all()] == ["5-201"]
    assert "5-201" in PdfReader(out / "HY-TZ-2026-00001.pdf").pages[0].extract_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "2026-13-01", "--level", "demand"], "日期格式应为 YYYY-MM-DD"),
        (["--as-of", "2026-04-30", "--level", "滞纳金通知"], "未知的通知级别"),
        (["--as-of", "2026-04-30", "--level", "demand", "--community", "XX"], "小区编码不存在"),
        (["--as-of", "2026-04-30", "--level", "demand", "--building", "99"], "没有楼栋"),
        (["--as-of", "2026-04-30", "--level", "demand", "--household", "9-9-999"], "没有房屋"),
        (["--as-of", "2025-01-01", "--level", "demand"], "没有符合条件的欠费房屋"),
    ],
)
def test_bad_input_is_refused_in_chinese(community, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("render_notices", *args, "--out", str(tmp_path / "x"))
    assert not NoticeBatch.objects.exists()


def test_letters_are_in_chinese_whatever_language_is_active(community, tmp_path):
    from django.utils import translation

    out = tmp_path / "letters"
    with translation.override("en"):
        call_command("render_notices", "--as-of", "2026-04-30", "--level", "demand", "--out", str(out))
    single = next(path for path in out.iterdir() if "-TZ-" in path.name)
    text = PdfReader(single).pages[0].extract_text()
    assert "尊敬的" in text and "先生/女士" in text and "2026年4月30日" in text
    assert "Dear" not in text and "Mr/Ms" not in text


def test_a_second_run_for_the_same_date_gives_no_second_letter(community, tmp_path, capsys):
    first, second = tmp_path / "first", tmp_path / "second"
    call_command("render_notices", "--as-of", "2026-04-30", "--level", "demand", "--out", str(first))
    capsys.readouterr()
    call_command("render_notices", "--as-of", "2026-04-30", "--level", "demand", "--out", str(second))
    out, err = capsys.readouterr()
    assert "没有新的通知书" in out
    assert "已有同级别、同计算截止日的通知书" in err
    assert not list(second.glob("*.pdf"))
