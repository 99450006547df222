"""The ledger export: the import's sheets and headers exactly, the values finance reads, verified payments only,
and a workbook that imports back into the same ledger."""

from datetime import date
from decimal import Decimal
from io import StringIO

from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from arrears.ledger_export import write_ledger_workbook
from arrears.ledger_export.xlsx import Money, StreamingWorkbook
from arrears.models import (
    Allocation,
    Building,
    Charge,
    Community,
    Household,
    Owner,
    OwnerSegment,
    Payment,
    ReceiptCounter,
)
from arrears.models.households import HouseholdKind, Occupancy, OwnerKind
from arrears.models.ledger import PaymentChannel
from arrears.reports import arrears_report
from arrears.services import payment_record, payment_reject, payment_reverse, payment_verify
from imports.workbook_import import ledger_import
from tests.factories import BuildingFactory, ChargeFactory, CommunityFactory, HouseholdFactory, OwnerFactory

HEADERS = {
    "小区": ["小区编码", "小区名称", "公司名称", "日违约金率", "宽限天数", "违约金上限比例", "年度收费率目标"],
    "房屋": [
        "小区编码",
        "楼栋",
        "单元",
        "房号",
        "建筑面积",
        "房屋类型",
        "入住状态",
        "业主姓名",
        "业主类型",
        "联系电话",
        "备用电话",
        "通讯地址",
    ],
    "应收": ["小区编码", "楼栋", "单元", "房号", "费用项目", "所属期起", "所属期止", "应收金额", "应缴日期"],
    "实收": ["小区编码", "楼栋", "单元", "房号", "收款日期", "金额", "收款方式", "收据号", "备注"],
}


def read(path) -> dict[str, list[tuple]]:
    workbook = load_workbook(path)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets}


def small_ledger(finance):
    community = CommunityFactory(
        code="T01",
        name="测试园",
        company_name="测试物业服务有限公司",
        late_fee_grace_days=15,
        late_fee_cap_ratio=Decimal("0.3"),
    )
    building = BuildingFactory(community=community, name="3")
    flat = HouseholdFactory(
        community=community,
        building=building,
        unit="2",
        room="1201",
        floor_area=Decimal("89.37"),
        owner=OwnerFactory(community=community, name="张伟", phone="13812345678", address="上海市 人民路 1 号 "),
    )
    shop = HouseholdFactory(
        community=community,
        building=building,
        unit="",
        room="S01",
        floor_area=Decimal("45.25"),
        kind=HouseholdKind.SHOP,
        occupancy=Occupancy.VACANT,
        owner=OwnerFactory(
            community=community, name="苏州鑫达商贸有限公司", kind=OwnerKind.ORGANISATION, phone="051288886666"
        ),
    )
    for month, last_day in ((1, 31), (2, 28)):
        ChargeFactory(
            household=flat,
            amount=Decimal("196.61"),
            period_start=date(2026, month, 1),
            period_end=date(2026, month, last_day),
            due_date=date(2026, month, last_day),
        )
    ChargeFactory(household=shop, amount=Decimal("203.63"))

    def pay(household, amount, paid_on, channel=PaymentChannel.BANK, note=""):
        return payment_record(household=household, amount=amount, paid_on=paid_on, channel=channel, note=note)

    kept = payment_verify(
        payment_id=pay(flat, Decimal("1234.50"), date(2026, 2, 10), note="含预交").pk, verified_by=finance
    )
    pay(flat, Decimal("50.00"), date(2026, 3, 1), PaymentChannel.CASH)  # pending: not money received yet
    payment_reject(payment_id=pay(shop, Decimal("10.00"), date(2026, 3, 1)).pk, rejected_by=finance, reason="重复")
    reversed_payment = payment_verify(payment_id=pay(shop, Decimal("203.63"), date(2026, 2, 3)).pk, verified_by=finance)
    payment_reverse(payment_id=reversed_payment.pk, reversed_by=finance, reason="退款", reversed_on=date(2026, 2, 4))
    return community, kept


def test_small_ledger_exports_exact_headers_and_values(db, tmp_path, user_with_role):
    community, kept = small_ledger(user_with_role("finance"))
    summary = write_ledger_workbook(community=community, path=tmp_path / "ledger.xlsx")
    assert (summary.households, summary.charges, summary.payments, summary.fits_excel) == (2, 3, 1, True)
    sheets = read(tmp_path / "ledger.xlsx")
    assert list(sheets) == ["小区", "房屋", "应收", "实收"]
    assert {name: list(rows[0]) for name, rows in sheets.items()} == HEADERS
    assert sheets["小区"][1:] == [("T01", "测试园", "测试物业服务有限公司", 0.0005, 15, 0.3, 0.8)]
    assert sheets["房屋"][1:] == [
        ("T01", "3", "2", "1201", 89.37, "住宅", "已入住", "张伟", "个人", "13812345678", None, "上海市 人民路 1 号 "),
        ("T01", "3", None, "S01", 45.25, "商铺", "空置", "苏州鑫达商贸有限公司", "单位", "051288886666", None, None),
    ]
    assert sheets["应收"][1:] == [
        ("T01", "3", "2", "1201", "物业费", "2026-01-01", "2026-01-31", 196.61, "2026-01-31"),
        ("T01", "3", "2", "1201", "物业费", "2026-02-01", "2026-02-28", 196.61, "2026-02-28"),
        ("T01", "3", None, "S01", "物业费", "2026-01-01", "2026-01-31", 203.63, "2026-01-31"),
    ]
    assert sheets["实收"][1:] == [
        ("T01", "3", "2", "1201", "2026-02-10", 1234.5, "银行转账", kept.receipt_no, "含预交"),
    ]


def test_money_cells_show_two_decimals_and_text_stays_text(tmp_path):
    with StreamingWorkbook(tmp_path / "x.xlsx") as workbook:
        workbook.write_sheet("表", ["a", "b", "c"], [(Money(Decimal("1234.50")), "0012", "a<b & \x01c")])
    sheet = load_workbook(tmp_path / "x.xlsx").active
    assert sheet["A2"].value == 1234.5 and sheet["A2"].number_format == "0.00"
    assert sheet["B2"].value == "0012" and sheet["C2"].value == "a<b & c"
    assert sheet.freeze_panes == "A2"


def _ledger_fingerprint(community_code: str, as_of: date) -> tuple:
    key = ("household__building__name", "household__unit", "household__room")
    households = sorted(
        Household.objects.values_list(
            "building__name", "unit", "room", "floor_area", "kind", "occupancy", "owner__name", "owner__phone"
        )
    )
    charges = sorted(Charge.objects.values_list(*key, "period_start", "period_end", "amount", "due_date"))
    payments = sorted(Payment.objects.values_list(*key, "paid_on", "amount", "channel", "receipt_no", "status"))
    allocations = sorted(
        Allocation.objects.values_list(
            "charge__household__room", "charge__period_start", "payment__receipt_no", "amount", "applied_on"
        )
    )
    report = arrears_report(Community.objects.get(code=community_code), as_of)
    return households, charges, payments, allocations, report


def test_a_seeded_ledger_exports_and_imports_back_the_same(db, tmp_path):
    today = timezone.localdate()
    options = {"households": 40, "delinquent": 12, "staff": 7, "seed": 5, "today": today.isoformat()}
    call_command("seed_demo", **options, stdout=StringIO())
    before = _ledger_fingerprint("CHY", today)
    write_ledger_workbook(community=Community.objects.get(), path=tmp_path / "ledger.xlsx")
    for model in (Allocation, Payment, Charge, ReceiptCounter, Household, OwnerSegment, Owner, Building, Community):
        model.objects.all().delete()
    result = ledger_import(path=tmp_path / "ledger.xlsx")
    assert result.ok, result.errors[:5]
    assert _ledger_fingerprint("CHY", today) == before
