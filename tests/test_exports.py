"""Excel exports: every list's table with its Chinese headers (masked as on screen, no buttons), and the ledger
in the import format, which imports back unchanged."""

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from arrears.models import (
    Allocation,
    Building,
    Charge,
    Community,
    Household,
    Owner,
    OwnerSegment,
    Payment,
    PaymentReversal,
    ReceiptCounter,
)
from arrears.models.ledger import PaymentChannel
from arrears.services import payment_reject, payment_reverse
from assignments.models import Campaign, IssueRaised
from core.exports import spreadsheet_value
from imports.workbook_import import ledger_import
from tests.factories import ChargeFactory, DepartmentFactory, HouseholdFactory, OwnerFactory
from tests.factories_finance import collector, community_with_households, pending, verified

pytestmark = pytest.mark.django_db
XLSX = {"_export": "xlsx"}


def sheet_rows(response) -> list[tuple]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    return list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))


def test_spreadsheet_values_are_text_without_html_and_amounts_are_numbers():
    assert spreadsheet_value('<a href="/x">3-2-1201</a>') == "3-2-1201"
    assert spreadsheet_value('<span class="badge">已复核 &amp; 通过</span>') == "已复核 & 通过"
    assert spreadsheet_value("1,234.50") == Decimal("1234.50")
    assert spreadsheet_value("-5.00") == Decimal("-5.00")
    assert [spreadsheet_value(text) for text in ("1201", "2026-03-02", "138****5678", "80%")] == [
        "1201",
        "2026-03-02",
        "138****5678",
        "80%",
    ]


def test_household_list_exports_masked_as_on_screen_with_the_filters(client, user_with_role):
    community, (flat, other) = community_with_households(rooms=("1201", "1202"))
    flat.owner = OwnerFactory(community=community, name="张伟", phone="13812345678")
    flat.save()
    Household.objects.filter(pk=other.pk).update(occupancy="vacant")
    client.force_login(user_with_role("supervisor"))  # sees names masked, on screen and in the file
    page = client.get(reverse("household_list"), {"occupancy": "occupied"}).content.decode()
    assert 'href="?occupancy=occupied&amp;_export=xlsx"' in page
    rows = sheet_rows(client.get(reverse("household_list"), {"occupancy": "occupied", **XLSX}))
    assert rows[0] == ("房屋", "小区", "业主", "电话", "入住状态", "分类", "欠费本金(元)")
    assert rows[1:] == [("3-2-1201", "HY小区", "张**", "138****5678", "已入住", "—", 300)]
    client.force_login(user_with_role("manager"))  # sees full names in the list, and so in its export
    rows = sheet_rows(client.get(reverse("household_list"), {"occupancy": "occupied", **XLSX}))
    assert rows[1:] == [("3-2-1201", "HY小区", "张伟", "13812345678", "已入住", "—", 300)]


def test_the_export_link_drops_the_page_number(client, user_with_role):
    community_with_households(rooms=[str(100 + n) for n in range(55)])
    client.force_login(user_with_role("finance"))
    page = client.get(reverse("household_list"), {"page": 2}).content.decode()
    assert 'href="?_export=xlsx"' in page
    assert len(sheet_rows(client.get(reverse("household_list"), {"page": 2, **XLSX}))) == 56  # every row


def test_pending_queue_exports_without_checkboxes_and_buttons(client, user_with_role):
    community, (a, *_rest) = community_with_households()
    alice = collector()
    pending(a, "1234.50", channel=PaymentChannel.WECHAT, reference="WX1", by=alice.user)
    client.force_login(user_with_role("finance"))
    rows = sheet_rows(client.get(reverse("finance:queue"), XLSX))
    assert rows[0] == ("收款日期", "小区", "房屋", "金额(元)", "收款方式", "交易流水号", "收款人", "登记时间", "备注")
    assert rows[1][1:7] == ("HY小区", "3-2-101", 1234.5, "微信", "WX1", "李丽")


def test_issue_campaign_and_team_lists_export_with_chinese_headers(client, user_with_role):
    community, (a, *_rest) = community_with_households()
    alice = collector()
    IssueRaised.objects.create(
        household=a,
        raised_by=alice,
        department=DepartmentFactory(name="工程部"),
        description="漏水",
        deadline=timezone.localdate() + timedelta(days=3),
    )
    campaign = Campaign.objects.create(
        name="冬季催费", start_date=timezone.localdate(), end_date=timezone.localdate() + timedelta(days=9)
    )
    campaign.communities.add(community)
    client.force_login(user_with_role("manager"))
    issues = sheet_rows(client.get(reverse("issue_list"), XLSX))
    assert issues[0] == ("编号", "房屋", "问题", "处理部门", "登记人", "登记时间", "处理期限", "状态")
    assert issues[1][:4] == ("#" + str(IssueRaised.objects.get().pk), "HY小区 3-2-101", "漏水", "工程部")
    campaigns = sheet_rows(client.get(reverse("campaign_list"), XLSX))
    assert campaigns[0][:3] == ("名称", "小区", "执行期") and campaigns[1][0] == "冬季催费"
    team = sheet_rows(client.get(reverse("team_today"), XLSX))
    assert team[0][:3] == ("员工", "部门", "状态")
    assert "李丽" in [row[0] for row in team[1:]]  # the name alone, without the 设置密码 link's text


def test_exports_keep_each_lists_permissions(client, user_with_role):
    community_with_households()
    client.force_login(user_with_role("staff"))
    for name in ("household_list", "finance:queue", "issue_list", "campaign_list", "team_today"):
        assert client.get(reverse(name), XLSX).status_code == 403, name


# The ledger in the import format -------------------------------------------------------------------------------


def ledger_world(finance):
    community, (a, b, c) = community_with_households("LX", rooms=("101", "102", "103"))
    for household in (a, b):
        ChargeFactory(
            household=household,
            amount=Decimal("196.61"),
            period_start=date(2026, 2, 1),
            period_end=date(2026, 2, 28),
            due_date=date(2026, 2, 28),
        )
    shop = HouseholdFactory(community=community, building=a.building, unit="", room="S01", kind="shop")
    ChargeFactory(household=shop, amount=Decimal("203.63"))
    day = timezone.localdate() - timedelta(days=2)
    verified(a, "500.00", day=day, channel=PaymentChannel.BANK, reference="B1", verifier=finance)
    verified(shop, "203.63", day=day, verifier=finance)
    pending(b, "50.00", day=day)
    payment_reject(payment_id=pending(c, "10.00", day=day).pk, rejected_by=finance, reason="重复")
    reversed_payment = verified(c, "300.00", day=day, verifier=finance)
    payment_reverse(payment_id=reversed_payment.pk, reversed_by=finance, reason="退款", reversed_on=day)
    return community


def fingerprint() -> tuple:
    key = ("household__building__name", "household__unit", "household__room")
    return (
        sorted(Household.objects.values_list("building__name", "unit", "room", "kind", "owner__name", "owner__phone")),
        sorted(Charge.objects.values_list(*key, "period_start", "period_end", "amount", "due_date")),
        sorted(
            Payment.objects.filter(status="verified").values_list(*key, "paid_on", "amount", "channel", "receipt_no")
        ),
        net_paid_per_charge(),
    )


def net_paid_per_charge() -> dict:
    paid: dict = {}
    for room, start, amount in Allocation.objects.values_list(
        "charge__household__room", "charge__period_start", "amount"
    ):
        paid[(room, start)] = paid.get((room, start), Decimal("0")) + amount
    return {key: amount for key, amount in paid.items() if amount}


def test_ledger_download_reimports_into_an_empty_database_unchanged(client, user_with_role, tmp_path):
    finance = user_with_role("finance")
    community = ledger_world(finance)
    before = fingerprint()
    client.force_login(finance)
    assert client.get(reverse("finance:ledger_export")).status_code == 200
    response = client.get(reverse("finance:ledger_export"), {"community": community.pk})
    assert response.status_code == 200
    assert "filename*=utf-8''" in response["Content-Disposition"]
    path = tmp_path / "ledger.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    assert load_workbook(path).sheetnames == ["小区", "房屋", "应收", "实收"]

    empty = (Allocation, PaymentReversal, Payment, Charge, ReceiptCounter, Household, OwnerSegment, Owner, Building)
    for model in (*empty, Community):
        model.objects.all().delete()
    assert not Charge.objects.exists()
    result = ledger_import(path=path)
    assert result.ok, result.errors[:5]
    # The reversed payment is not money received, so it is not exported; what each charge has been paid is the same.
    assert fingerprint() == before
    assert sorted(before[3].values()) == [Decimal("196.61"), Decimal("203.63"), Decimal("300.00")]


@pytest.mark.parametrize("role", ["manager", "service", "staff"])
def test_ledger_download_is_for_finance_only(client, user_with_role, role):
    community, _ = community_with_households()
    client.force_login(user_with_role(role))
    assert client.get(reverse("finance:ledger_export"), {"community": community.pk}).status_code == 403


@pytest.mark.parametrize(
    ("url_name", "first_header"),
    [
        ("notice_list", "编号"),
        ("limitation_risk", "房屋"),
        ("late_fee_override_list", "房屋"),
        ("waiver_list", "房屋"),
    ],
)
def test_notice_and_late_fee_lists_export_with_chinese_headers(client, user_with_role, url_name, first_header):
    client.force_login(user_with_role("manager"))
    page = client.get(reverse(url_name)).content.decode()
    assert "_export=xlsx" in page
    rows = sheet_rows(client.get(reverse(url_name), XLSX))
    assert rows[0][0] == first_header
    assert all(header and not header.isascii() for header in rows[0])


def test_the_tables_of_the_campaign_page_export_one_at_a_time(client, user_with_role):
    community, (a, *_rest) = community_with_households()
    alice = collector()
    campaign = Campaign.objects.create(
        name="冬季催费", start_date=timezone.localdate(), end_date=timezone.localdate() + timedelta(days=9)
    )
    campaign.communities.add(community)
    campaign.pins.create(household=a, staff=alice)
    client.force_login(user_with_role("manager"))
    url = reverse("campaign_detail", args=[campaign.pk])
    page = client.get(url).content.decode()
    assert "_export_people=xlsx" in page and "_export_pins=xlsx" in page
    pins = sheet_rows(client.get(url, {"_export_pins": "xlsx"}))
    assert pins[0][0] == "房屋" and len(pins) == 2
    people = sheet_rows(client.get(url, {"_export_people": "xlsx"}))
    assert people[0][0] == "员工" and "李丽" in [row[0] for row in people[1:]]


def test_the_broken_promises_of_the_team_page_export(client, user_with_role):
    community_with_households()
    client.force_login(user_with_role("manager"))
    page = client.get(reverse("team_today")).content.decode()
    assert "_export_broken=xlsx" in page
    rows = sheet_rows(client.get(reverse("team_today"), {"_export_broken": "xlsx"}))
    assert rows[0] and all(header and not header.isascii() for header in rows[0])


def test_batch_lists_export(client, user_with_role):
    client.force_login(user_with_role("service"))
    page = client.get(reverse("notice_batch_list")).content.decode()
    assert "_export=xlsx" in page
    rows = sheet_rows(client.get(reverse("notice_batch_list"), XLSX))
    assert rows[0] and all(header and not header.isascii() for header in rows[0])
