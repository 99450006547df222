"""The ledger import (import_ledger command and ledger_import service)."""

from datetime import date, datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db.models import Sum
from openpyxl import Workbook, load_workbook

from arrears.importer.columns import (
    CHANNEL_LABELS,
    CHARGES,
    COMMUNITIES,
    HOUSEHOLD_KIND_LABELS,
    HOUSEHOLDS,
    OCCUPANCY_LABELS,
    OWNER_KIND_LABELS,
    PAYMENTS,
)
from arrears.importer.parse import CellError, parse_amount, parse_date, parse_ratio, parse_text
from arrears.importer.result import MAX_REPORTED_ERRORS
from arrears.models import Allocation, Charge, Community, Household, Owner, Payment, ReceiptCounter
from arrears.models.households import HouseholdKind, Occupancy, OwnerKind
from arrears.models.ledger import PaymentChannel, PaymentStatus
from arrears.services import payment_verify
from imports.template import template_workbook
from imports.workbook_import import ledger_import
from tests.factories import (
    ChargeFactory,
    CommunityFactory,
    FeeItemFactory,
    HouseholdFactory,
    OwnerFactory,
    PaymentFactory,
)

pytestmark = pytest.mark.django_db

SPECS = {spec.name: spec for spec in (COMMUNITIES, HOUSEHOLDS, CHARGES, PAYMENTS)}


def write_workbook(path, sheets: dict[str, list[list]], headers: dict[str, list[str]] | None = None):
    """An .xlsx with the given sheets: the spec's header row (or ``headers``), then the rows."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        sheet.append((headers or {}).get(name) or list(SPECS[name].columns))
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def good_sheets() -> dict[str, list[list]]:
    """One community; a flat with a unit, a shop without one (same owner), a flat of an organisation."""
    return {
        "小区": [["C001", "阳光花园", "阳光物业服务有限公司", "0.0005", 3, "0.3", "80%"]],
        "房屋": [
            [
                "C001",
                "3",
                "2",
                "1201",
                "89.50",
                "住宅",
                "已入住",
                "张三",
                "个人",
                "13800000001",
                "",
                "3-2-1201",
            ],
            ["C001", "S1", None, "101", 40, "商铺", "空置", "张三", None, "13800000001", None, None],
            [
                "C001",
                5,
                1,
                502,
                "120",
                None,
                "长期外出",
                "某某贸易有限公司",
                "单位",
                "02100000000",
                "139",
                "上海",
            ],
        ],
        "应收": [
            # Given newest first: allocation must go by due date, not by row order.
            ["C001", "3", "2", "1201", "物业费", "2026-03-01", "2026-03-31", "300.00", "2026-03-31"],
            ["C001", "3", "2", "1201", "物业费", "2026-01-01", "2026-01-31", "300.00", "2026-01-31"],
            ["C001", "3", "2", "1201", "物业费", "2026-02-01", "2026-02-28", "300.00", "2026-02-28"],
            ["C001", "S1", "", "101", "物业费", "2026-01-01", "2026-01-31", "200.00", "2026-01-31"],
            ["C001", "5", "1", "502", "车位费", "2026-01-01", "2026-01-31", "150.00", "2026-01-31"],
        ],
        "实收": [
            # The later payment comes first in the sheet; the earlier one must take the oldest charge.
            ["C001", "3", "2", "1201", "2026-03-05", "400.00", "微信", "R-0002", ""],
            ["C001", "3", "2", "1201", "2026-02-10", "350.00", "现金", "R-0001", "一月"],
            ["C001", "S1", None, "101", "2026-02-01", "500.00", "银行转账", "R-0003", "预交"],
        ],
    }


def run(path, *args) -> str:
    out = StringIO()
    call_command("import_ledger", str(path), *args, stdout=out)
    return out.getvalue()


def model_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in apps.get_app_config("arrears").get_models()}


def ledger_sums() -> tuple:
    return (
        Charge.objects.aggregate(total=Sum("amount"))["total"],
        Payment.objects.aggregate(total=Sum("amount"))["total"],
        Allocation.objects.aggregate(total=Sum("amount"))["total"],
    )


def household(room: str) -> Household:
    return Household.objects.select_related("owner", "building").get(room=room)


def test_good_workbook_imports_everything(tmp_path):
    output = run(write_workbook(tmp_path / "ledger.xlsx", good_sheets()))

    community = Community.objects.get(code="C001")
    assert (community.name, community.company_name) == ("阳光花园", "阳光物业服务有限公司")
    assert community.late_fee_daily_rate == Decimal("0.000500")
    assert community.late_fee_grace_days == 3
    assert community.late_fee_cap_ratio == Decimal("0.3000")
    assert community.annual_target == Decimal("0.8000")

    flat, shop, parking = household("1201"), household("101"), household("502")
    assert (flat.building.name, flat.unit, flat.label) == ("3", "2", "3-2-1201")
    assert (shop.building.name, shop.unit, shop.label) == ("S1", "", "S1-101")
    assert parking.label == "5-1-502"
    assert flat.floor_area == Decimal("89.50") and shop.floor_area == Decimal("40.00")
    assert (flat.kind, flat.occupancy) == (HouseholdKind.RESIDENCE, Occupancy.OCCUPIED)
    assert (shop.kind, shop.occupancy) == (HouseholdKind.SHOP, Occupancy.VACANT)
    assert (parking.kind, parking.occupancy) == (HouseholdKind.RESIDENCE, Occupancy.ABSENT)
    assert flat.owner_id == shop.owner_id  # same name and phone: one owner
    assert (flat.owner.name, flat.owner.kind, flat.owner.phone) == ("张三", OwnerKind.PERSON, "13800000001")
    assert (parking.owner.kind, parking.owner.phone_alt, parking.owner.address) == (
        OwnerKind.ORGANISATION,
        "139",
        "上海",
    )
    assert Owner.objects.count() == 2

    assert Charge.objects.count() == 5
    assert {c.fee_item.name for c in Charge.objects.select_related("fee_item")} == {"物业费", "车位费"}

    payments = {p.receipt_no: p for p in Payment.objects.all()}
    assert set(payments) == {"R-0001", "R-0002", "R-0003"}
    for payment in payments.values():
        assert payment.status == PaymentStatus.VERIFIED
        assert payment.imported is True
        assert payment.verified_at is not None
        assert payment.community_id == community.pk
    assert payments["R-0001"].channel == PaymentChannel.CASH
    assert payments["R-0001"].note == "一月"

    def allocations(receipt):
        return [
            (a.charge.period_start.month, a.amount, a.applied_on)
            for a in Allocation.objects.filter(payment__receipt_no=receipt)
            .select_related("charge")
            .order_by("charge__due_date")
        ]

    # Oldest payment first, oldest due first; dated the payment's date.
    assert allocations("R-0001") == [
        (1, Decimal("300.00"), date(2026, 2, 10)),
        (2, Decimal("50.00"), date(2026, 2, 10)),
    ]
    assert allocations("R-0002") == [
        (2, Decimal("250.00"), date(2026, 3, 5)),
        (3, Decimal("150.00"), date(2026, 3, 5)),
    ]
    # More than was open: the rest stays unallocated as credit.
    assert allocations("R-0003") == [(1, Decimal("200.00"), date(2026, 2, 1))]

    assert ReceiptCounter.objects.count() == 0  # imported receipt numbers are external
    assert "小区:新增 1,更新 0,未变 0" in output
    assert "房屋:新增 3,更新 0,未变 0" in output
    assert "应收:新增 5,更新 0,未变 0" in output
    assert "实收:新增 3,更新 0,未变 0" in output
    assert "导入完成" in output


def test_reimport_changes_nothing(tmp_path):
    path = write_workbook(tmp_path / "ledger.xlsx", good_sheets())
    run(path)
    counts, sums = model_counts(), ledger_sums()

    output = run(path)

    assert model_counts() == counts
    assert ledger_sums() == sums
    assert "小区:新增 0,更新 0,未变 1" in output
    assert "房屋:新增 0,更新 0,未变 3" in output
    assert "应收:新增 0,更新 0,未变 5" in output
    assert "实收:新增 0,更新 0,未变 3" in output
    assert "核销 0 笔" in output


def test_dry_run_writes_nothing(tmp_path):
    before = model_counts()

    output = run(write_workbook(tmp_path / "ledger.xlsx", good_sheets()), "--dry-run")

    assert model_counts() == before
    assert "房屋:新增 3" in output
    assert "核销 5 笔" in output
    assert "试运行:未写入任何数据" in output


def test_excel_dates_text_dates_and_text_amounts(tmp_path):
    sheets = good_sheets()
    sheets["应收"] = [
        [
            "C001",
            "3",
            "2",
            "1201",
            "物业费",
            datetime(2026, 1, 1),
            date(2026, 1, 31),
            "1,234.50",
            datetime(2026, 1, 31),
        ],
        ["C001", "3", "2", "1201", "物业费", "2026-02-01", "2026-02-28", 1234.5, "2026-02-28"],
    ]
    sheets["实收"] = [["C001", "3", "2", "1201", datetime(2026, 2, 10), "1,000.00", "POS", "R-1", None]]

    run(write_workbook(tmp_path / "ledger.xlsx", sheets))

    charges = list(Charge.objects.order_by("due_date").values_list("period_start", "amount", "due_date"))
    assert charges == [
        (date(2026, 1, 1), Decimal("1234.50"), date(2026, 1, 31)),
        (date(2026, 2, 1), Decimal("1234.50"), date(2026, 2, 28)),
    ]
    payment = Payment.objects.get()
    assert (payment.paid_on, payment.amount, payment.channel) == (
        date(2026, 2, 10),
        Decimal("1000.00"),
        "pos",
    )


def test_only_some_sheets_against_existing_households(tmp_path):
    existing = HouseholdFactory(community=CommunityFactory(code="OLD"), building__name="7", unit="", room="701")
    sheets = {
        "应收": [["OLD", "7", None, "701", "物业费", "2026-01-01", "2026-01-31", "100", "2026-01-31"]],
        "实收": [["OLD", "7", None, "701", "2026-02-01", "60", "代扣", "X-1", None]],
    }

    output = run(write_workbook(tmp_path / "ledger.xlsx", sheets))

    assert Charge.objects.get().household == existing
    allocation = Allocation.objects.get()
    assert (allocation.amount, allocation.payment.household) == (Decimal("60.00"), existing)
    assert "小区" not in output and "应收:新增 1" in output


def test_existing_household_and_owner_are_matched_and_updated(tmp_path):
    community = CommunityFactory(code="C001")
    owner = OwnerFactory(community=community, name="张三", phone="13800000001")
    flat = HouseholdFactory(
        community=community,
        building__name="3",
        unit="2",
        room="1201",
        floor_area=Decimal("80.00"),
        owner=None,
    )
    sheets = good_sheets()

    output = run(write_workbook(tmp_path / "ledger.xlsx", sheets))

    flat.refresh_from_db()
    assert flat.floor_area == Decimal("89.50")
    assert flat.owner_id == owner.pk  # found by name and phone, not created again
    assert Owner.objects.filter(name="张三").count() == 1
    assert "小区:新增 0,更新 1,未变 0" in output  # the factory's name and policy differ from the sheet
    assert "房屋:新增 2,更新 1,未变 0" in output


def test_existing_credit_pays_imported_charges(tmp_path, user_with_role):
    flat = HouseholdFactory(community=CommunityFactory(code="C9"), building__name="1", unit="1", room="101")
    prepaid = payment_verify(
        payment_id=PaymentFactory(household=flat, amount=Decimal("500.00"), paid_on=date(2026, 1, 5)).pk,
        verified_by=user_with_role("finance"),
    )
    sheets = {"应收": [["C9", "1", "1", "101", "物业费", "2026-01-01", "2026-01-31", "300", "2026-01-31"]]}

    run(write_workbook(tmp_path / "ledger.xlsx", sheets))

    allocation = Allocation.objects.get()
    assert (allocation.payment, allocation.amount, allocation.applied_on) == (
        prepaid,
        Decimal("300.00"),
        date(2026, 1, 5),
    )


def test_other_sheets_are_ignored_and_named(tmp_path):
    path = write_workbook(tmp_path / "ledger.xlsx", {"小区": good_sheets()["小区"]})
    workbook = load_workbook(path)
    workbook.create_sheet("Sheet1")
    workbook.create_sheet("说明")
    workbook.save(path)

    output = run(path)

    assert "已忽略的工作表:Sheet1" in output
    assert Community.objects.count() == 1


def test_the_template_imports_as_it_is(tmp_path):
    path = tmp_path / "template.xlsx"
    path.write_bytes(template_workbook())

    result = ledger_import(path=path, dry_run=True)

    assert result.ok, result.errors
    assert {sheet: counts.created for sheet, counts in result.counts.items()} == {
        "小区": 1,
        "房屋": 1,
        "应收": 1,
        "实收": 1,
        "员工": 1,
    }


def _existing_ledger():
    """Data already in the database before a bad import: none of it may change."""
    community = CommunityFactory(code="C001")
    flat = HouseholdFactory(community=community, building__name="9", unit="", room="901")
    ChargeFactory(household=flat, fee_item=FeeItemFactory(name="物业费"), amount=Decimal("300.00"))
    PaymentFactory(
        household=flat,
        amount=Decimal("100.00"),
        paid_on=date(2026, 1, 10),
        status=PaymentStatus.VERIFIED,
        receipt_no="DB-1",
        imported=True,
    )


def _drop_column(sheets, headers, sheet, column):
    index = SPECS[sheet].columns.index(column)
    headers[sheet] = [name for name in SPECS[sheet].columns if name != column]
    sheets[sheet] = [row[:index] + row[index + 1 :] for row in sheets[sheet]]


def _set(sheet, row, column, value):
    def change(sheets, headers):
        sheets[sheet][row - 2][SPECS[sheet].columns.index(column)] = value

    return change


def _missing_column(sheets, headers):
    _drop_column(sheets, headers, "房屋", "建筑面积")


def _unknown_column(sheets, headers):
    headers["房屋"] = [*SPECS["房屋"].columns, "面积"]


def _duplicate_receipt_in_workbook(sheets, headers):
    sheets["实收"].append(["C001", "3", "2", "1201", "2026-03-05", "401.00", "微信", "R-0002", ""])


def _duplicate_receipt_in_database(sheets, headers):
    sheets["实收"].append(["C001", "9", "", "901", "2026-01-10", "999.00", "现金", "DB-1", ""])


def _unknown_community(sheets, headers):
    sheets["房屋"].append(["NOPE", "1", "1", "101", "90", None, None, None, None, None, None, None])


def _charge_differs_from_database(sheets, headers):
    sheets["应收"].append(["C001", "9", "", "901", "物业费", "2026-01-01", "2026-01-31", "310.00", "2026-01-31"])


ERROR_CASES = {
    "missing column": (_missing_column, ("房屋", 1, "建筑面积"), "缺少列"),
    "unknown column": (_unknown_column, ("房屋", 1, "面积"), "未知的列"),
    "bad date": (_set("应收", 3, "所属期起", "01/31/2026"), ("应收", 3, "所属期起"), "日期格式错误"),
    "no such day": (_set("应收", 3, "所属期止", "2026/2/30"), ("应收", 3, "所属期止"), "日期格式错误"),
    "bad text date": (_set("实收", 2, "收款日期", "2026-02-30"), ("实收", 2, "收款日期"), "日期格式错误"),
    "bad number": (_set("应收", 2, "应收金额", "三百"), ("应收", 2, "应收金额"), "数字格式错误"),
    "bad area": (_set("房屋", 3, "建筑面积", "40平"), ("房屋", 3, "建筑面积"), "数字格式错误"),
    "too many decimals": (_set("实收", 4, "金额", "1.005"), ("实收", 4, "金额"), "最多 2 位小数"),
    "negative charge": (_set("应收", 4, "应收金额", "-200"), ("应收", 4, "应收金额"), "金额不能为负数"),
    "negative payment": (_set("实收", 3, "金额", -5), ("实收", 3, "金额"), "金额不能为负数"),
    "zero payment": (_set("实收", 3, "金额", 0), ("实收", 3, "金额"), "金额必须大于零"),
    "empty required cell": (_set("应收", 2, "费用项目", None), ("应收", 2, "费用项目"), "不能为空"),
    "unknown household": (_set("应收", 6, "房号", "999"), ("应收", 6, "房号"), "房屋「5-1-999」不存在"),
    "unknown community": (_unknown_community, ("房屋", 5, "小区编码"), "小区编码「NOPE」不存在"),
    "bad community code": (_set("小区", 2, "小区编码", "C 1"), ("小区", 2, "小区编码"), "只能包含"),
    "rate too high": (_set("小区", 2, "日违约金率", "5%"), ("小区", 2, "日违约金率"), "不能大于"),
    "receipt twice in workbook": (
        _duplicate_receipt_in_workbook,
        ("实收", 5, "收据号"),
        "收据号与第 2 行相同但内容不同",
    ),
    "receipt already in database": (
        _duplicate_receipt_in_database,
        ("实收", 5, "收据号"),
        "收据号已存在但内容不同",
    ),
    "charge differs from database": (
        _charge_differs_from_database,
        ("应收", 7, "应收金额"),
        "应收已存在但内容不同",
    ),
    "bad owner kind": (_set("房屋", 2, "业主类型", "公司"), ("房屋", 2, "业主类型"), "无法识别「公司」"),
    "bad channel": (_set("实收", 3, "收款方式", "信用卡"), ("实收", 3, "收款方式"), "无法识别「信用卡」"),
    "bad household kind": (_set("房屋", 2, "房屋类型", "别墅"), ("房屋", 2, "房屋类型"), "无法识别「别墅」"),
    "period ends before start": (
        _set("应收", 2, "所属期止", "2026-02-01"),
        ("应收", 2, "所属期止"),
        "不能早于",
    ),
}


@pytest.mark.parametrize("case", ERROR_CASES, ids=list(ERROR_CASES))
def test_a_bad_cell_is_reported_and_nothing_is_written(tmp_path, case):
    change, (sheet, row, column), reason = ERROR_CASES[case]
    _existing_ledger()
    sheets, headers = good_sheets(), {}
    change(sheets, headers)
    path = write_workbook(tmp_path / "bad.xlsx", sheets, headers)
    before, sums = model_counts(), ledger_sums()

    out = StringIO()
    with pytest.raises(CommandError, match="导入失败"):
        call_command("import_ledger", str(path), stdout=out)

    assert model_counts() == before
    assert ledger_sums() == sums
    lines = [line for line in out.getvalue().splitlines() if line.startswith(f"{sheet}\t{row}\t{column}\t")]
    assert len(lines) == 1, out.getvalue()
    assert reason in lines[0]
    assert "发现 1 处错误" in out.getvalue()


def test_rows_of_a_bad_household_are_not_reported_again(tmp_path):
    sheets = good_sheets()
    sheets["房屋"][0][4] = "abc"  # 3-2-1201: three charges and two payments depend on it

    result = ledger_import(path=write_workbook(tmp_path / "bad.xlsx", sheets))

    assert [(e.sheet, e.row, e.column) for e in result.errors] == [("房屋", 2, "建筑面积")]


def test_every_bad_cell_is_counted_but_the_report_is_capped(tmp_path):
    sheets = good_sheets()
    sheets["应收"] = [["C001", "3", "2", "1201", "物业费", "bad", "2026-01-31", "300", "2026-01-31"]] * (
        MAX_REPORTED_ERRORS + 50
    )

    result = ledger_import(path=write_workbook(tmp_path / "bad.xlsx", sheets))
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_ledger", str(tmp_path / "bad.xlsx"), stdout=out)

    assert result.error_count == MAX_REPORTED_ERRORS + 50
    assert len(result.errors) == MAX_REPORTED_ERRORS
    assert "另有 50 处错误未列出" in out.getvalue()
    assert Community.objects.count() == 0


def test_a_file_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "ledger.xlsx"
    path.write_bytes(b"not a zip")

    with pytest.raises(CommandError):
        run(path)
    assert not ledger_import(path=path).ok


def test_a_workbook_without_ledger_sheets(tmp_path):
    workbook = Workbook()
    workbook.active.title = "Sheet1"
    workbook.save(tmp_path / "empty.xlsx")

    result = ledger_import(path=tmp_path / "empty.xlsx")

    assert "没有可导入的工作表" in result.errors[0].reason


def test_missing_file():
    with pytest.raises(CommandError, match="文件不存在"):
        run("/nonexistent/ledger.xlsx")


@pytest.mark.parametrize(
    ("labels", "choices"),
    [
        (HOUSEHOLD_KIND_LABELS, HouseholdKind),
        (OCCUPANCY_LABELS, Occupancy),
        (OWNER_KIND_LABELS, OwnerKind),
        (CHANNEL_LABELS, PaymentChannel),
    ],
)
def test_label_maps_cover_every_choice(labels, choices):
    assert sorted(labels.values()) == sorted(choices.values)
    assert {str(label) for label in choices.labels} == set(labels)


class TestParse:
    def test_amounts(self):
        assert parse_amount("1,234.50") == Decimal("1234.50")
        assert parse_amount(1234.5) == Decimal("1234.50")
        assert parse_amount(0.1 + 0.2) == Decimal("0.30")  # binary noise from an Excel formula
        assert parse_amount(300) == Decimal("300.00")
        with pytest.raises(CellError):
            parse_amount("12.345")
        with pytest.raises(CellError):
            parse_amount(True)

    def test_ratios(self):
        assert parse_ratio("80%", places=4, max_digits=5) == Decimal("0.8000")
        assert parse_ratio(0.8, places=4, max_digits=5) == Decimal("0.8000")
        assert parse_ratio("0.05%", places=6, max_digits=8) == Decimal("0.000500")
        with pytest.raises(CellError):
            parse_ratio("-0.1", places=4, max_digits=5)

    def test_dates(self):
        assert parse_date(datetime(2026, 1, 31, 0, 0)) == date(2026, 1, 31)
        assert parse_date(" 2026-01-31 ") == date(2026, 1, 31)
        # Excel serials: a date cell formatted as a number, or a CSV file's digits.
        assert parse_date(46053) == parse_date(46053.0) == parse_date("46053") == date(2026, 1, 31)
        # Chinese Excel's short date format, as it writes a date cell into a CSV file.
        assert parse_date("2026/1/31") == parse_date("2026/01/31") == parse_date("2026-1-31") == date(2026, 1, 31)
        for bad in ("20260131", "2026/1-31", "2026-13-01", "2026/2/29", 46053.5, 12, True):
            with pytest.raises(CellError):
                parse_date(bad)

    def test_text(self):
        assert parse_text(1201, max_length=20) == "1201"
        assert parse_text(1201.0, max_length=20) == "1201"
        with pytest.raises(CellError):
            parse_text(date(2026, 3, 2), max_length=20)
        with pytest.raises(CellError):
            parse_text("x" * 21, max_length=20)
