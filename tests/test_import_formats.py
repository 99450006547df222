"""The ledger import from CSV files and zips of them, and the rules every format shares: duplicate 实收 rows,
the bound on amounts, closed days."""

import csv
import io
import threading
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction

from arrears.importer import workbook
from arrears.models import Allocation, Charge, Community, DayClose, Household, Payment
from imports.workbook_import import ledger_import
from tests.factories import CommunityFactory
from tests.test_import_ledger import SPECS, good_sheets, ledger_sums, model_counts, write_workbook

pytestmark = pytest.mark.django_db


def csv_bytes(name: str, rows: list[list], encoding: str) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(SPECS[name].columns)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return out.getvalue().encode(encoding)


def write_csvs(folder, sheets, encoding="utf-8") -> list:
    paths = []
    for name, rows in sheets.items():
        path = folder / f"{name}.csv"
        path.write_bytes(csv_bytes(name, rows, encoding))
        paths.append(path)
    return paths


def imported() -> tuple:
    return (
        Community.objects.count(),
        Household.objects.count(),
        Charge.objects.count(),
        Payment.objects.count(),
        Allocation.objects.count(),
        ledger_sums(),
    )


@pytest.fixture
def from_xlsx(tmp_path):
    """What the good workbook imports as an .xlsx, then rolled back: the figure each format must match."""
    with transaction.atomic():
        result = ledger_import(path=write_workbook(tmp_path / "ledger.xlsx", good_sheets()))
        assert result.ok, result.errors
        figures = imported()
        transaction.set_rollback(True)
    assert Community.objects.count() == 0
    return figures


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_files_one_per_sheet_in_each_encoding(tmp_path, from_xlsx, encoding):
    first, *others = write_csvs(tmp_path, good_sheets(), encoding)

    result = ledger_import(path=first, more_paths=others)

    assert result.ok, result.errors
    assert imported() == from_xlsx
    assert Household.objects.get(room="502").owner.name == "某某贸易有限公司"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_csv_files_are_read_a_few_bytes_at_a_time(tmp_path, from_xlsx, encoding, monkeypatch):
    """The files are streamed, not read whole: with chunks of three bytes a Chinese character (two bytes in GBK,
    three in UTF-8) falls across chunks everywhere, and the encoding is still found and the rows the same."""
    monkeypatch.setattr(workbook, "READ_CHUNK", 3)
    first, *others = write_csvs(tmp_path, good_sheets(), encoding)

    result = ledger_import(path=first, more_paths=others)

    assert result.ok, result.errors
    assert imported() == from_xlsx


def test_a_csv_that_turns_out_not_to_be_utf8_past_its_first_chunk(tmp_path, monkeypatch):
    """The first chunks decode as UTF-8 (plain ASCII), a later one only as GBK: the whole file is read as GBK."""
    monkeypatch.setattr(workbook, "READ_CHUNK", 4)
    path = tmp_path / "小区.csv"
    path.write_bytes(b"a,b\r\n" + "1,翠湖园\r\n".encode("gbk"))
    book = workbook.open_workbook(path)
    try:
        total, rows = book.sheet("小区")
        assert (total, list(rows)) == (3, [["a", "b"], ["1", "翠湖园"]])
    finally:
        book.close()


def test_a_zip_is_read_member_by_member_and_closed(tmp_path):
    archive = tmp_path / "ledger.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("小区.csv", csv_bytes("小区", good_sheets()["小区"], "utf-8"))
    book = workbook.open_workbook(archive)
    total, rows = book.sheet("小区")
    assert next(rows) == list(SPECS["小区"].columns)

    book.close()

    assert book._archive.fp is None


def test_a_zip_of_csv_files(tmp_path, from_xlsx):
    archive = tmp_path / "ledger.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for name, rows in good_sheets().items():
            out.writestr(f"台账/{name}.csv", csv_bytes(name, rows, "gbk"))

    result = ledger_import(path=archive)

    assert result.ok, result.errors
    assert imported() == from_xlsx


def test_a_zip_whose_names_are_gbk(tmp_path):
    """Windows' built-in zip writes Chinese names in the local code page without the UTF-8 flag."""
    archive = tmp_path / "ledger.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("ABCD.csv", csv_bytes("小区", good_sheets()["小区"], "gbk"))
    # The name's bytes (in the local header and the central directory) become GBK's, without the UTF-8 flag.
    archive.write_bytes(archive.read_bytes().replace(b"ABCD.csv", "小区.csv".encode("gbk")))

    result = ledger_import(path=archive)

    assert result.ok, result.errors
    assert result.counts["小区"].created == 1


def test_a_csv_error_names_the_row_and_column(tmp_path):
    sheets = good_sheets()
    sheets["应收"][1][7] = "三百"
    first, *others = write_csvs(tmp_path, sheets, "gbk")
    before = model_counts()

    result = ledger_import(path=first, more_paths=others)

    assert [(e.sheet, e.row, e.column) for e in result.errors] == [("应收", 3, "应收金额")]
    assert "数字格式错误" in result.errors[0].reason
    assert model_counts() == before


def test_a_csv_in_an_unknown_encoding(tmp_path):
    path = tmp_path / "小区.csv"
    path.write_bytes("小区编码\n".encode("utf-16"))

    result = ledger_import(path=path)

    assert "编码无法识别" in result.errors[0].reason


def test_csv_dates_as_excel_serials_and_numbers_as_text(tmp_path):
    sheets = good_sheets()
    sheets["应收"] = [["C001", "3", "2", "1201", "物业费", "46023", "46053", " 1,234.50 ", "46053"]]
    sheets["实收"] = [["C001", "3", "2", "1201", "46063", "1000", "现金", "R-1", ""]]
    first, *others = write_csvs(tmp_path, sheets)

    result = ledger_import(path=first, more_paths=others)

    assert result.ok, result.errors
    charge = Charge.objects.get()
    assert (charge.period_start, charge.due_date, charge.amount) == (
        date(2026, 1, 1),
        date(2026, 1, 31),
        Decimal("1234.50"),
    )
    assert Payment.objects.get().paid_on == date(2026, 2, 10)


def test_csv_dates_as_chinese_excel_writes_them(tmp_path):
    """Chinese Excel saves a date cell into a CSV file in its short date format: 2026/1/31."""
    sheets = good_sheets()
    sheets["应收"] = [["C001", "3", "2", "1201", "物业费", "2026/1/1", "2026/1/31", "300", "2026/01/31"]]
    sheets["实收"] = [["C001", "3", "2", "1201", "2026/2/10", "100", "现金", "R-1", ""]]
    first, *others = write_csvs(tmp_path, sheets, encoding="gb18030")

    result = ledger_import(path=first, more_paths=others)

    assert result.ok, result.errors
    charge = Charge.objects.get()
    assert (charge.period_start, charge.period_end, charge.due_date) == (
        date(2026, 1, 1),
        date(2026, 1, 31),
        date(2026, 1, 31),
    )
    assert Payment.objects.get().paid_on == date(2026, 2, 10)


@pytest.mark.parametrize("text", ["2026/1-31", "2026/13/1", "26/1/31", "2026/1/31 8:00", "2026.1.31"])
def test_a_text_date_of_another_shape_is_refused(text):
    from arrears.importer.parse import CellError, parse_date

    with pytest.raises(CellError, match="YYYY/M/D"):
        parse_date(text)


def test_the_same_payment_twice_in_a_file_is_an_error_naming_both_rows(tmp_path):
    sheets = good_sheets()
    sheets["实收"].append(list(sheets["实收"][0]))  # row 5 repeats row 2 exactly

    result = ledger_import(path=write_workbook(tmp_path / "ledger.xlsx", sheets))

    assert [(e.sheet, e.row, e.column) for e in result.errors] == [("实收", 5, "收据号")]
    assert "与第 2 行重复" in result.errors[0].reason
    assert Payment.objects.count() == 0


@pytest.mark.parametrize(
    ("sheet", "row", "column", "value"),
    [("应收", 2, "应收金额", "10000000.01"), ("实收", 3, "金额", 999_999_999_999.99)],
)
def test_an_amount_above_the_ledger_bound_is_refused(tmp_path, sheet, row, column, value):
    sheets = good_sheets()
    sheets[sheet][row - 2][SPECS[sheet].columns.index(column)] = value

    result = ledger_import(path=write_workbook(tmp_path / "ledger.xlsx", sheets))

    assert [(e.sheet, e.row, e.column) for e in result.errors] == [(sheet, row, column)]
    assert "金额不能超过 10,000,000.00 元" in result.errors[0].reason
    assert Charge.objects.count() == 0


def test_the_bound_itself_is_accepted(tmp_path):
    sheets = good_sheets()
    sheets["应收"][0][7] = "10000000.00"

    assert ledger_import(path=write_workbook(tmp_path / "ledger.xlsx", sheets)).ok


def test_a_payment_on_a_closed_day_is_refused(tmp_path, user_with_role):
    community = CommunityFactory(code="C001")
    DayClose.objects.create(community=community, day=date(2026, 2, 10), closed_by=user_with_role("finance"))
    path = write_workbook(tmp_path / "ledger.xlsx", good_sheets())

    result = ledger_import(path=path)

    assert [(e.sheet, e.row, e.column) for e in result.errors] == [("实收", 3, "收款日期")]
    assert "2026-02-10 已日结" in result.errors[0].reason
    assert Payment.objects.count() == 0 and Household.objects.count() == 0


def test_a_reimport_after_the_day_is_closed_changes_nothing(tmp_path, user_with_role):
    path = write_workbook(tmp_path / "ledger.xlsx", good_sheets())
    assert ledger_import(path=path).ok
    community = Community.objects.get(code="C001")
    DayClose.objects.create(community=community, day=date(2026, 2, 10), closed_by=user_with_role("finance"))
    before = model_counts()

    result = ledger_import(path=path)

    assert result.ok, result.errors
    assert result.counts["实收"].unchanged == 3
    assert model_counts() == before


def test_progress_is_reported_to_the_end(tmp_path):
    seen = []

    result = ledger_import(
        path=write_workbook(tmp_path / "ledger.xlsx", good_sheets()),
        progress=lambda p: seen.append((p.phase, p.rows_read, p.rows_checked, p.rows_written)),
    )

    assert result.ok
    rows = sum(len(rows) for rows in good_sheets().values())  # 12
    assert seen[-1] == ("done", rows, rows, 3 + 5 + 3)
    assert [phase for phase, *_ in seen].index("writing") > [phase for phase, *_ in seen].index("checking")
    assert result.communities == ["C001"]


@pytest.mark.django_db(transaction=True)
def test_two_imports_of_one_file_at_once_write_it_once(tmp_path):
    """Each import checks against what the one before it wrote: on PostgreSQL they take turns (an advisory lock),
    so the second finds every row and writes nothing, instead of failing on the unique keys."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time anyway")
    path = write_workbook(tmp_path / "ledger.xlsx", good_sheets())
    results = []

    def run():
        try:
            results.append(ledger_import(path=path))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert all(result.ok for result in results), [result.errors for result in results]
    assert sorted(result.counts["应收"].created for result in results) == [0, 5]
    assert (Charge.objects.count(), Payment.objects.count(), Allocation.objects.count()) == (5, 3, 5)
