"""Converting other systems' exports and free-form 欠费明细 sheets into the ledger import."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum

from arrears.importer.parse import CellError
from arrears.models import Charge, Household, Payment
from arrears.models.ledger import PaymentStatus
from imports.models import DueDateRule, SourceSettings
from imports.sources.cells import parse_date_cell, parse_money_cell, parse_period_cell
from imports.sources.convert import conversion_import
from imports.sources.freeform import Field, freeform_convert, freeform_layout, recognise
from imports.sources.hc import hc_convert
from imports.sources.report import row_ranges
from imports.sources.rooms import parse_household
from tests.factories import BuildingFactory, CommunityFactory, HouseholdFactory, OwnerFactory, UserFactory
from tests.sources_support import (
    HC_FEES_MERGES,
    HC_HISTORY_MERGES,
    hc_fees,
    hc_history,
    serial,
    write_workbook,
)

pytestmark = pytest.mark.django_db


# -- cells ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("¥1,234.50", Decimal("1234.50")),
        ("￥ 12,000", Decimal("12000.00")),
        ("1234.5元", Decimal("1234.50")),
        ("\uffe51\uff0c234\uff0e50", Decimal("1234.50")),  # typed in full width
        (1234.5, Decimal("1234.50")),
        (0.1 + 0.2, Decimal("0.30")),
        (300, Decimal("300.00")),
        ("-", Decimal("0.00")),
        (None, Decimal("0.00")),
    ],
)
def test_amounts_as_finance_types_them(value, expected):
    assert parse_money_cell(value) == expected


@pytest.mark.parametrize("value", ["1.005", "一千", "12..5", True])
def test_amounts_that_are_not_money(value):
    with pytest.raises(CellError):
        parse_money_cell(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (serial(date(2024, 1, 1)), date(2024, 1, 1)),
        (float(serial(date(2026, 2, 28))), date(2026, 2, 28)),
        (str(serial(date(2025, 7, 9))), date(2025, 7, 9)),
        ("2024/1/5", date(2024, 1, 5)),
        ("2024年1月5日", date(2024, 1, 5)),
        ("2024-01-05 10:20:00", date(2024, 1, 5)),
        ("20240105", date(2024, 1, 5)),
        (date(2024, 1, 5), date(2024, 1, 5)),
    ],
)
def test_dates_as_serials_or_text(value, expected):
    assert parse_date_cell(value) == expected


@pytest.mark.parametrize("value", ["2024-02-30", "明天", 12, "2024-13-01"])
def test_dates_that_are_not_dates(value):
    with pytest.raises(CellError):
        parse_date_cell(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-01", (date(2026, 1, 1), date(2026, 1, 31))),
        ("2026年2月", (date(2026, 2, 1), date(2026, 2, 28))),
        ("202603", (date(2026, 3, 1), date(2026, 3, 31))),
        (202603, (date(2026, 3, 1), date(2026, 3, 31))),
        (serial(date(2026, 1, 15)), (date(2026, 1, 1), date(2026, 1, 31))),
        ("2026-01-01~2026-03-31", (date(2026, 1, 1), date(2026, 3, 31))),
        ("2026.01-2026.03", (date(2026, 1, 1), date(2026, 3, 31))),
        ("2026年1月至2026年6月", (date(2026, 1, 1), date(2026, 6, 30))),
    ],
)
def test_periods(value, expected):
    assert parse_period_cell(value) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3-2-1201", ("3", "2", "1201")),
        ("3-1201", ("3", "", "1201")),
        ("3栋2单元1201室", ("3", "2", "1201")),
        ("3号楼2单元1201", ("3", "2", "1201")),
        ("A座1201", ("A", "", "1201")),
    ],
)
def test_household_texts(text, expected):
    assert parse_household(text) == expected


def test_household_without_building_is_refused():
    with pytest.raises(CellError):
        parse_household("1201")


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("房号", Field.HOUSEHOLD),
        ("门牌号", Field.HOUSEHOLD),
        ("房屋", Field.HOUSEHOLD),
        ("业主", Field.OWNER),
        ("姓名", Field.OWNER),
        ("联系电话", Field.PHONE),
        ("业主手机", Field.PHONE),
        ("所属期", Field.PERIOD),
        ("账期", Field.PERIOD),
        ("欠费月份", Field.PERIOD),
        ("应收金额", Field.CHARGED),
        ("应缴", Field.CHARGED),
        ("金额", Field.CHARGED),
        ("实收", Field.PAID),
        ("已缴金额", Field.PAID),
        ("欠费金额", Field.OUTSTANDING),
        ("未缴", Field.OUTSTANDING),
        ("缴费日期", Field.PAID_ON),
        ("应缴日期", Field.DUE),
        ("房屋面积", Field.AREA),
        ("序号", Field.IGNORE),
        ("物业费", Field.IGNORE),
    ],
)
def test_header_recognition(header, field):
    assert recognise(header) == field


def test_row_ranges():
    assert row_ranges([5, 9, 10, 11, 12, 20]) == "5、9–12、20"


# -- HC小区管理系统 -------------------------------------------------------------------------------------------------


@pytest.fixture
def community():
    return CommunityFactory(code="YG", name="阳光花园")


@pytest.fixture
def finance_user():
    return UserFactory(roles=["finance"])


def hc_workbook(path, fees=None, history=None):
    sheets, merges = {}, {}
    if fees is not None:
        sheets["房屋费用信息"], merges["房屋费用信息"] = hc_fees(*fees), HC_FEES_MERGES
    if history is not None:
        sheets["房屋缴费历史"], merges["房屋缴费历史"] = hc_history(*history), HC_HISTORY_MERGES
    return write_workbook(path, sheets, merges)


HC_FEES = [
    ["1-1-101", "物业费", serial(date(2024, 1, 1)), serial(date(2024, 1, 31)), "¥1,000.00"],
    ["1-1-101", "物业费", "2024-02-01", "2024-02-29", "1234.5"],
    [None, None, None, None, None],
    ["1-2-202", "车位费", date(2024, 1, 1), date(2024, 1, 31), "￥300.00"],
    ["合计", None, None, None, "2,534.50"],
    ["制表人:张三", None, None, None, None],
]
HC_HISTORY = [
    ["1-1-101", "物业费", "1", "2023-12-01", "2023-12-31", "2023-12-15 10:20:00", "1,234.50", "1,234.50", "李四", ""],
    [
        "1-1-101",
        "物业费",
        "1",
        serial(date(2024, 1, 1)),
        serial(date(2024, 1, 31)),
        "2024-01-10",
        "1234.50",
        "234.50",
        "李四",
        "部分",
    ],
    [None] * 10,
    ["总计", None, None, None, None, None, "2469.00", "1469.00", None, None],
]


def hc_import(path, community, user, *, dry_run=False):
    conversion = hc_convert(path=path, community=community, channel="现金")
    return conversion, conversion_import(conversion=conversion, dry_run=dry_run, user=user)


def test_hc_export_becomes_charges_and_verified_payments(tmp_path, community, finance_user):
    path = hc_workbook(tmp_path / "hc.xlsx", HC_FEES, HC_HISTORY)

    conversion, result = hc_import(path, community, finance_user)

    assert result.ok, result.errors
    charges = Charge.objects.select_related("household", "fee_item")
    amounts = sorted((c.household.room, c.fee_item.name, c.period_start, c.amount, c.due_date) for c in charges)
    assert amounts == [
        ("101", "物业费", date(2023, 12, 1), Decimal("1234.50"), date(2023, 12, 1)),
        ("101", "物业费", date(2024, 1, 1), Decimal("1234.50"), date(2024, 1, 1)),
        ("101", "物业费", date(2024, 2, 1), Decimal("1234.50"), date(2024, 2, 1)),
        ("202", "车位费", date(2024, 1, 1), Decimal("300.00"), date(2024, 1, 1)),
    ]
    payments = sorted(Payment.objects.values_list("paid_on", "amount", "status", "imported", "channel"))
    assert payments == [
        (date(2023, 12, 15), Decimal("1234.50"), PaymentStatus.VERIFIED, True, "cash"),
        (date(2024, 1, 10), Decimal("234.50"), PaymentStatus.VERIFIED, True, "cash"),
    ]
    assert set(Household.objects.values_list("building__name", "unit", "room")) == {
        ("1", "1", "101"),
        ("1", "2", "202"),
    }
    owed = Charge.objects.aggregate(s=Sum("amount"))["s"] - Payment.objects.aggregate(s=Sum("amount"))["s"]
    assert owed == Decimal("2534.50")  # what the fees sheet's 合计 says is owed
    skipped = {(s.sheet, s.row): s.reason for s in conversion.skipped}
    assert skipped[("房屋费用信息", 5)] == "空行"
    assert "合计" in skipped[("房屋费用信息", 7)]
    assert "表尾" in skipped[("房屋费用信息", 8)]
    assert "总计" in skipped[("房屋缴费历史", 6)]
    assert "部分缴费" in skipped[("房屋费用信息", 3)]


def test_hc_reimport_changes_nothing(tmp_path, community, finance_user):
    path = hc_workbook(tmp_path / "hc.xlsx", HC_FEES, HC_HISTORY)
    assert hc_import(path, community, finance_user)[1].ok
    before = (list(Charge.objects.values_list("pk", "amount")), list(Payment.objects.values_list("pk", "amount")))

    _conversion, again = hc_import(path, community, finance_user)

    assert again.ok and again.written
    assert (
        list(Charge.objects.values_list("pk", "amount")),
        list(Payment.objects.values_list("pk", "amount")),
    ) == before
    assert again.counts["应收"].created == 0 and again.counts["应收"].unchanged == 4
    assert again.counts["实收"].created == 0 and again.counts["实收"].unchanged == 2


def test_hc_due_date_follows_the_community_setting(tmp_path, community, finance_user):
    SourceSettings.objects.create(community=community, due_date_rule=DueDateRule.PERIOD_END, due_days_after=10)
    path = hc_workbook(tmp_path / "hc.xlsx", [["1-1-101", "物业费", "2024-02-01", "2024-02-29", "100"]])

    assert hc_import(path, community, finance_user)[1].ok

    assert Charge.objects.get().due_date == date(2024, 3, 10)


def test_hc_bad_cell_names_the_original_row_and_column_and_writes_nothing(tmp_path, community, finance_user):
    fees = [*HC_FEES[:2], ["1-2-202", "车位费", "2024-13-01", date(2024, 1, 31), "300"]]
    path = hc_workbook(tmp_path / "hc.xlsx", fees, HC_HISTORY)

    _conversion, result = hc_import(path, community, finance_user)

    assert not result.ok
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [("房屋费用信息", 5, "开始时间(C 列)")]
    assert "日期" in result.errors[0].reason
    assert not Charge.objects.exists() and not Payment.objects.exists() and not Household.objects.exists()


def test_hc_ledger_errors_point_at_the_original_sheet(tmp_path, community, finance_user):
    tomorrow = date.today() + timedelta(days=2)
    history = [["1-1-101", "物业费", "1", "2024-01-01", "2024-01-31", tomorrow.isoformat(), "100", "100", "", ""]]
    path = hc_workbook(tmp_path / "hc.xlsx", history=history)

    _conversion, result = hc_import(path, community, finance_user)

    assert not result.ok
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [("房屋缴费历史", 3, "缴费时间(F 列)")]
    assert "晚于今天" in result.errors[0].reason
    assert not Charge.objects.exists()


def test_hc_owed_amount_must_agree_with_the_history(tmp_path, community, finance_user):
    fees = [["1-1-101", "物业费", "2024-01-01", "2024-01-31", "999.00"]]
    path = hc_workbook(tmp_path / "hc.xlsx", fees, HC_HISTORY)

    _conversion, result = hc_import(path, community, finance_user)

    assert [(e.sheet, e.row, e.column) for e in result.errors] == [("房屋费用信息", 3, "金额(E 列)")]
    assert "1000.00" in result.errors[0].reason
    assert not Charge.objects.exists()


def test_hc_missing_column_is_named(tmp_path, community, finance_user):
    path = write_workbook(tmp_path / "hc.xlsx", {"房屋费用信息": [["房屋编号", "费用名称", "开始时间", "金额"]]})

    _conversion, result = hc_import(path, community, finance_user)

    assert [(e.sheet, e.row, e.column, e.reason) for e in result.errors] == [("房屋费用信息", 1, "结束时间", "缺少列")]


def test_hc_keeps_an_existing_households_details(tmp_path, community, finance_user):
    owner = OwnerFactory(community=community, name="张三", phone="13800000000")
    household = HouseholdFactory(
        community=community,
        building=BuildingFactory(community=community, name="1"),
        unit="1",
        room="101",
        floor_area=Decimal("89.50"),
        owner=owner,
    )
    path = hc_workbook(tmp_path / "hc.xlsx", [["1-1-101", "物业费", "2024-02-01", "2024-02-29", "100"]])

    _conversion, result = hc_import(path, community, finance_user)

    assert result.ok, result.errors
    household.refresh_from_db()
    assert (household.floor_area, household.owner_id) == (Decimal("89.50"), owner.pk)
    assert result.counts["房屋"].unchanged == 1


def test_not_a_workbook(tmp_path, community, finance_user):
    path = tmp_path / "hc.xlsx"
    path.write_bytes(b"PK\x03\x04 not really")

    _conversion, result = hc_import(path, community, finance_user)

    assert [e.reason for e in result.errors] == ["文件不是有效的 Excel 工作簿(.xlsx 或 .xls)"]


# -- free-form 欠费明细 ---------------------------------------------------------------------------------------------

FREEFORM_HEADER = [
    "序号",
    "房号",
    "业主姓名",
    "联系电话",
    "所属期",
    "应收金额(元)",
    "实收金额(元)",
    "欠费金额(元)",
    "缴费日期",
]


def freeform_rows():
    return [
        ["阳光花园 2026 年 1 月物业费欠费明细", *([None] * 8)],
        FREEFORM_HEADER,
        [1, "3-2-1201", "张三", "13800000000", "2026-01", "¥1,200.00", "200", "1,000.00", serial(date(2026, 1, 15))],
        [2, "3栋2单元1202", "李四", 13900000000, serial(date(2026, 1, 1)), 500, 0, 500, None],
        [None] * 9,
        [3, "3-2-1203", "王五", None, "2026年1月", "300.00", None, "300", None],
        ["合计", None, None, None, None, "2,000.00", "200.00", "1,800.00", None],
        ["制表:财务部", None, None, None, None, None, None, None, None],
    ]


def freeform_import(path, community, user, *, mapping=None, dry_run=False):
    layout = freeform_layout(path)
    mapping = mapping if mapping is not None else layout.initial({})
    conversion = freeform_convert(path=path, community=community, mapping=mapping, fee_item="物业费", channel="微信")
    return conversion, conversion_import(conversion=conversion, dry_run=dry_run, user=user)


def test_freeform_sheet_is_recognised_and_imported(tmp_path, community, finance_user):
    path = write_workbook(tmp_path / "qf.xlsx", {"1月欠费明细": freeform_rows()}, {"1月欠费明细": ["A1:I1"]})

    layout = freeform_layout(path)
    assert layout.header_row == 2
    assert layout.initial({}) == {
        0: Field.IGNORE,
        1: Field.HOUSEHOLD,
        2: Field.OWNER,
        3: Field.PHONE,
        4: Field.PERIOD,
        5: Field.CHARGED,
        6: Field.PAID,
        7: Field.OUTSTANDING,
        8: Field.PAID_ON,
    }
    conversion, result = freeform_import(path, community, finance_user)

    assert result.ok, result.errors
    charges = sorted(Charge.objects.values_list("household__room", "period_start", "period_end", "amount", "due_date"))
    assert charges == [
        ("1201", date(2026, 1, 1), date(2026, 1, 31), Decimal("1200.00"), date(2026, 1, 1)),
        ("1202", date(2026, 1, 1), date(2026, 1, 31), Decimal("500.00"), date(2026, 1, 1)),
        ("1203", date(2026, 1, 1), date(2026, 1, 31), Decimal("300.00"), date(2026, 1, 1)),
    ]
    payment = Payment.objects.get()
    assert (payment.household.room, payment.paid_on, payment.amount, payment.status, payment.channel) == (
        "1201",
        date(2026, 1, 15),
        Decimal("200.00"),
        PaymentStatus.VERIFIED,
        "wechat",
    )
    owners = dict(Household.objects.values_list("room", "owner__phone"))
    assert owners == {"1201": "13800000000", "1202": "13900000000", "1203": ""}
    reasons = {s.row: s.reason for s in conversion.skipped}
    assert reasons[5] == "空行" and "合计" in reasons[7] and "表尾" in reasons[8]


def test_freeform_totals_must_not_be_imported_as_a_household(tmp_path, community, finance_user):
    path = write_workbook(tmp_path / "qf.xlsx", {"欠费明细": freeform_rows()[1:]})

    _conversion, result = freeform_import(path, community, finance_user)

    assert result.ok, result.errors
    assert Charge.objects.aggregate(s=Sum("amount"))["s"] == Decimal("2000.00")


def test_freeform_outstanding_only_then_next_month_paid_part(tmp_path, community, finance_user):
    january = [
        ["门牌号", "姓名", "账期", "欠费"],
        ["5-101", "赵六", "2026-01", "¥800.00"],
        ["5-102", "钱七", "2026-01", "400"],
    ]
    path = write_workbook(tmp_path / "jan.xlsx", {"Sheet1": january})
    assert freeform_import(path, community, finance_user)[1].ok
    assert sorted(Charge.objects.values_list("household__room", "amount")) == [
        ("101", Decimal("800.00")),
        ("102", Decimal("400.00")),
    ]
    assert not Payment.objects.exists()

    february = [january[0], ["5-101", "赵六", "2026-01", "¥300.00"], ["5-102", "钱七", "2026-01", "400"]]
    path = write_workbook(tmp_path / "feb.xlsx", {"Sheet1": february})
    _conversion, result = freeform_import(path, community, finance_user)

    assert result.ok, result.errors
    assert sorted(Charge.objects.values_list("household__room", "amount")) == [
        ("101", Decimal("800.00")),
        ("102", Decimal("400.00")),
    ]
    assert list(Payment.objects.values_list("household__room", "amount", "status")) == [
        ("101", Decimal("500.00"), PaymentStatus.VERIFIED)
    ]

    # The same file again, and then a month where 赵六 paid 100 more: only the new 100 is added.
    assert freeform_import(path, community, finance_user)[1].ok
    assert Payment.objects.count() == 1
    march = [january[0], ["5-101", "赵六", "2026-01", "200"], ["5-102", "钱七", "2026-01", "400"]]
    path = write_workbook(tmp_path / "mar.xlsx", {"Sheet1": march})
    assert freeform_import(path, community, finance_user)[1].ok
    assert sorted(Payment.objects.values_list("amount", flat=True)) == [Decimal("100.00"), Decimal("500.00")]


def test_freeform_owed_more_than_before_is_an_error(tmp_path, community, finance_user):
    header = ["门牌号", "账期", "欠费"]
    path = write_workbook(tmp_path / "a.xlsx", {"Sheet1": [header, ["5-101", "2026-01", "800"]]})
    assert freeform_import(path, community, finance_user)[1].ok
    path = write_workbook(tmp_path / "b.xlsx", {"Sheet1": [header, ["5-101", "2026-01", "900"]]})

    _conversion, result = freeform_import(path, community, finance_user)

    assert [(e.sheet, e.row, e.column) for e in result.errors] == [("Sheet1", 2, "欠费(C 列)")]


def test_freeform_any_bad_row_writes_nothing(tmp_path, community, finance_user):
    rows = freeform_rows()
    rows[5] = [3, "3-2-1203", "王五", None, "2026年13月", "300.00", None, "300", None]
    rows[3] = [2, "3栋2单元1202", "李四", 13900000000, "2026-01", 500, 100, 500, None]  # 500 − 100 ≠ 500
    path = write_workbook(tmp_path / "qf.xlsx", {"欠费明细": rows}, {"欠费明细": ["A1:I1"]})

    _conversion, result = freeform_import(path, community, finance_user)

    assert sorted((e.row, e.column) for e in result.errors) == [(4, "欠费金额(H 列)"), (6, "所属期(E 列)")]
    assert not Charge.objects.exists() and not Household.objects.exists() and not Payment.objects.exists()


def test_freeform_separate_building_column_and_merged_cells_down(tmp_path, community, finance_user):
    rows = [
        ["楼栋", "房号", "月份", "应缴", "已缴"],
        ["8", "1-301", "2026-01", "100", "100"],
        [None, "1-302", "2026-01", "100", ""],
        [None, "1-303", "2026-02", "1,100", "-"],
    ]
    path = write_workbook(tmp_path / "qf.xlsx", {"欠费": rows}, {"欠费": ["A2:A4"]})

    conversion, result = freeform_import(path, community, finance_user)

    assert result.ok, result.errors
    assert sorted(Household.objects.values_list("building__name", "unit", "room")) == [
        ("8", "1", "301"),
        ("8", "1", "302"),
        ("8", "1", "303"),
    ]
    assert list(Payment.objects.values_list("amount", "paid_on")) == [(Decimal("100.00"), date(2026, 1, 1))]


def test_freeform_mapping_problems_are_reported(tmp_path, community, finance_user):
    path = write_workbook(tmp_path / "qf.xlsx", {"Sheet1": [["房号", "物业费"], ["3-2-1201", "100"]]})

    _conversion, result = freeform_import(path, community, finance_user)

    reasons = [e.reason for e in result.errors]
    assert "请指定应收金额或欠费金额所在的列" in reasons
    assert "请指定所属期(或所属期起)所在的列" in reasons
    assert not Charge.objects.exists()


def test_hc_period_paid_in_instalments_is_one_charge_and_two_payments(tmp_path, community, finance_user):
    history = [
        ["1-1-101", "物业费", "1", "2024-03-01", "2024-03-31", "2024-03-05", "600", "200", "李四", ""],
        ["1-1-101", "物业费", "1", "2024-03-01", "2024-03-31", "2024-03-20", "600", "¥300.00", "李四", ""],
    ]
    fees = [["1-1-101", "物业费", "2024-03-01", "2024-03-31", "100"]]
    path = hc_workbook(tmp_path / "hc.xlsx", fees, history)

    conversion, result = hc_import(path, community, finance_user)

    assert result.ok, result.errors
    assert list(Charge.objects.values_list("amount", flat=True)) == [Decimal("600.00")]
    assert sorted(Payment.objects.values_list("paid_on", "amount")) == [
        (date(2024, 3, 5), Decimal("200.00")),
        (date(2024, 3, 20), Decimal("300.00")),
    ]
    assert len(set(Payment.objects.values_list("receipt_no", flat=True))) == 2


def test_hc_history_rows_of_one_period_must_agree(tmp_path, community, finance_user):
    history = [
        ["1-1-101", "物业费", "1", "2024-03-01", "2024-03-31", "2024-03-05", "600", "200", "", ""],
        ["1-1-101", "物业费", "1", "2024-03-01", "2024-03-31", "2024-03-20", "650", "300", "", ""],
    ]
    path = hc_workbook(tmp_path / "hc.xlsx", history=history)

    _conversion, result = hc_import(path, community, finance_user)

    assert [(e.sheet, e.row, e.column) for e in result.errors] == [("房屋缴费历史", 4, "应缴金额(G 列)")]
    assert not Payment.objects.exists()


def test_command_imports_an_hc_export(tmp_path, community):
    from io import StringIO

    from django.core.management import CommandError, call_command

    path = hc_workbook(tmp_path / "hc.xlsx", HC_FEES, HC_HISTORY)
    out = StringIO()
    call_command("import_from_other_system", str(path), "--source", "hc", "--community", "YG", "--dry-run", stdout=out)
    assert "试运行" in out.getvalue() and "合计行" in out.getvalue()
    assert not Charge.objects.exists()

    call_command("import_from_other_system", str(path), "--source", "hc", "--community", "YG", stdout=StringIO())
    assert Charge.objects.count() == 4

    bad = hc_workbook(tmp_path / "bad.xlsx", [["1-1-101", "物业费", "2024-13-01", "2024-01-31", "1"]])
    with pytest.raises(CommandError):
        call_command("import_from_other_system", str(bad), "--source", "hc", "--community", "YG", stdout=StringIO())


def test_command_reads_a_freeform_sheet_with_the_saved_mapping(tmp_path, community):
    from io import StringIO

    from django.core.management import call_command

    SourceSettings.objects.create(community=community, column_mapping={"物业费": Field.CHARGED})
    rows = [["房号", "月份", "物业费"], ["3-2-1201", "2026-01", "¥1,200.00"]]
    path = write_workbook(tmp_path / "qf.xlsx", {"欠费明细": rows})

    call_command("import_from_other_system", str(path), "--source", "freeform", "--community", "YG", stdout=StringIO())

    assert Charge.objects.get().amount == Decimal("1200.00")


def test_freeform_reimport_changes_nothing(tmp_path, community, finance_user):
    path = write_workbook(tmp_path / "qf.xlsx", {"1月欠费明细": freeform_rows()}, {"1月欠费明细": ["A1:I1"]})
    assert freeform_import(path, community, finance_user)[1].ok
    before = (list(Charge.objects.values_list("pk", "amount")), list(Payment.objects.values_list("pk", "amount")))

    conversion, again = freeform_import(path, community, finance_user)

    assert again.written
    assert (
        list(Charge.objects.values_list("pk", "amount")),
        list(Payment.objects.values_list("pk", "amount")),
    ) == before
    assert again.counts["应收"].unchanged == 3 and again.counts["应收"].created == 0
    assert "没有新的收款" in " ".join(conversion.notes)
