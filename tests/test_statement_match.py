"""Statement matching (流水对账): reading CSV and .xlsx statements, matching them to payments, the stored result."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from arrears.models.ledger import PaymentChannel
from finance.forms import MAX_STATEMENT_BYTES
from finance.matching import MATCHED, POSSIBLE, UNMATCHED, PaymentRow, match_statement
from finance.models import StatementUpload
from finance.statements import StatementError, StatementLine, parse_statement
from tests.factories import ChargeFactory
from tests.factories_finance import community_with_households, pending, verified

STATEMENTS_URL = reverse("finance:statements")


def xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# Parsing -----------------------------------------------------------------------------------------------------


def test_csv_with_chinese_headers():
    data = '日期,金额,流水号,对方户名\n2026-03-02,300.00,WX001,张三\n2026/3/3,"1,200.50",WX002,李四\n'.encode()
    assert parse_statement("流水.csv", data) == [
        StatementLine(2, date(2026, 3, 2), Decimal("300.00"), "WX001"),
        StatementLine(3, date(2026, 3, 3), Decimal("1200.50"), "WX002"),
    ]


def test_csv_with_english_headers_in_gbk_and_a_preamble():
    text = "Account statement\nAccount,6222 0000\n\nTransaction Date,Credit Amount,Reference No\n20260302,88,R-1\n"
    lines = parse_statement("statement.csv", text.encode("gbk"))
    assert lines == [StatementLine(5, date(2026, 3, 2), Decimal("88.00"), "R-1")]


def test_wechat_bill_skips_money_out_and_reads_yuan_amounts():
    text = (
        "微信支付账单明细\n"
        "交易时间,交易类型,交易对方,商品,收/支,金额(元),支付方式,当前状态,交易单号,商户单号,备注\n"
        "2026-03-02 10:11:12,转账,张三,物业费,收入,¥300.00,零钱,已收钱,4200000001\t,,/\n"
        "2026-03-02 11:00:00,商户消费,超市,物品,支出,¥20.00,零钱,支付成功,4200000002\t,,/\n"
        "2026-03-03 09:00:00,转账,李四,物业费,收入,¥150.00,零钱,已收钱,4200000003\t,,/\n"
    )
    lines = parse_statement("微信账单.csv", text.encode("utf-8-sig"))
    assert [(line.line, line.day, line.amount, line.reference) for line in lines] == [
        (3, date(2026, 3, 2), Decimal("300.00"), "4200000001"),
        (5, date(2026, 3, 3), Decimal("150.00"), "4200000003"),
    ]


def test_xlsx_with_date_cells_numbers_and_a_total_row():
    from datetime import datetime

    data = xlsx(
        [
            ["银行对账单"],
            ["交易日期", "收入金额", "支出金额", "交易流水号"],
            [datetime(2026, 3, 2, 9, 30), 300, None, 20260302001],
            [datetime(2026, 3, 2, 9, 31), None, 50, 20260302002],
            ["2026-03-04", 99.5, None, "X9"],
            ["合计", 399.5, 50, None],
        ]
    )
    assert parse_statement("bank.xlsx", data) == [
        StatementLine(3, date(2026, 3, 2), Decimal("300.00"), "20260302001"),
        StatementLine(5, date(2026, 3, 4), Decimal("99.50"), "X9"),
    ]


def test_bad_lines_are_reported_with_their_line_numbers():
    data = "日期,金额,流水号\n2026-03-02,300,A\n3月2日,100,B\n2026-03-04,abc,C\n2026-03-05,1.234,D\n".encode()
    with pytest.raises(StatementError) as caught:
        parse_statement("x.csv", data)
    assert [line for line, _reason in caught.value.errors] == [3, 4, 5]
    reasons = " ".join(reason for _line, reason in caught.value.errors)
    assert "日期「3月2日」无法识别" in reasons and "金额「abc」无法识别" in reasons and "超过两位小数" in reasons


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("x.csv", "名称,备注\n甲,乙\n".encode(), "找不到表头"),
        ("x.csv", "日期,金额\n".encode(), "没有收入流水"),
        ("x.pdf", b"%PDF-1.4", "CSV 或 Excel"),
        ("x.xlsx", b"PK\x03\x04 not really a zip", "不是有效的 Excel"),
    ],
)
def test_a_file_that_cannot_be_read_is_one_clear_error(name, data, message):
    with pytest.raises(StatementError) as caught:
        parse_statement(name, data)
    assert caught.value.errors[0][0] == 0 and message in caught.value.errors[0][1]


# Matching (pure) ---------------------------------------------------------------------------------------------


def line(number, day, amount, reference=""):
    return StatementLine(number, date(2026, 3, day), Decimal(amount), reference)


def payment(pk, day, amount, reference=""):
    return PaymentRow(id=pk, paid_on=date(2026, 3, day), amount=Decimal(amount), reference=reference)


def test_matching_on_both_sides():
    lines = [
        line(2, 2, "300.00", "WX1"),  # reference and amount: matched with 1
        line(3, 2, "150.00", "WX2"),  # reference of 2 but 120.00: possible (amount differs)
        line(4, 3, "88.00"),  # no reference, same amount and date as 3: possible
        line(5, 4, "66.00", "ZZ"),  # nothing: unmatched
        line(6, 4, "300.00", "wx1 "),  # the same reference again, payment 1 is taken: unmatched
    ]
    payments = [
        payment(1, 1, "300.00", "WX1"),  # a day before the statement: matched by reference all the same
        payment(2, 2, "120.00", "WX2"),
        payment(3, 3, "88.00", "OTHER"),
        payment(4, 3, "50.00", "P4"),  # in range, not in the statement: unmatched payment
        payment(5, 9, "70.00", "P5"),  # out of the statement's range: not listed
    ]
    result = match_statement(lines, payments)
    assert [(r.line.line, r.status, r.payment_id) for r in result.lines] == [
        (2, MATCHED, 1),
        (3, POSSIBLE, 2),
        (4, POSSIBLE, 3),
        (5, UNMATCHED, None),
        (6, UNMATCHED, None),
    ]
    assert [r.note for r in result.lines[1:3]] == ["amount_differs", "amount_and_date"]
    assert result.unmatched_payments == [4]
    assert (result.date_from, result.date_to) == (date(2026, 3, 2), date(2026, 3, 4))
    assert (result.count(MATCHED), result.count(POSSIBLE), result.count(UNMATCHED)) == (1, 2, 2)


def test_each_payment_is_used_once_and_equal_lines_take_payments_in_date_order():
    lines = [line(2, 5, "100.00"), line(3, 5, "100.00"), line(4, 5, "100.00")]
    payments = [payment(8, 5, "100.00"), payment(7, 5, "100.00")]
    result = match_statement(lines, payments)
    assert [(r.status, r.payment_id) for r in result.lines] == [(POSSIBLE, 7), (POSSIBLE, 8), (UNMATCHED, None)]


# Upload, store, reopen ---------------------------------------------------------------------------------------


@pytest.fixture
def finance(user_with_role):
    return user_with_role("finance", username="fin")


@pytest.mark.django_db
def test_upload_matches_the_communitys_payments_and_can_be_reopened(client, finance):
    community, (a, b, c) = community_with_households()
    other, (d,) = community_with_households("QT", rooms=("201",))
    for household in (a, d):  # the ledgers go back to January: payments of March are plausible
        ChargeFactory(household=household, period_start=date(2026, 1, 1))
    day = date(2026, 3, 2)
    # Recorded a day before the statement's first date: found by its reference all the same.
    matched = verified(a, "300.00", day=date(2026, 3, 1), channel=PaymentChannel.WECHAT, reference="4200000001")
    possible = pending(b, "150.00", day=day, channel=PaymentChannel.BANK, reference="typo")
    missing = pending(c, "45.00", day=day, channel=PaymentChannel.ALIPAY, reference="AL9")
    pending(c, "150.00", day=day)  # cash: never matched
    pending(d, "66.00", day=day, channel=PaymentChannel.WECHAT, reference="X")  # another community
    data = "交易时间,金额(元),交易单号\n2026-03-02 10:00,¥300.00,4200000001\n2026-03-02,150,B77\n2026-03-02,66,X\n"
    client.force_login(finance)
    upload = SimpleUploadedFile("微信账单.csv", data.encode(), content_type="text/csv")
    response = client.post(STATEMENTS_URL, {"community": community.pk, "source": "wechat", "file": upload})
    assert response.status_code == 302
    stored = StatementUpload.objects.get()
    assert (stored.line_count, stored.matched_count, stored.possible_count) == (3, 1, 1)
    assert (stored.unmatched_line_count, stored.unmatched_payment_count) == (1, 1)
    assert stored.uploaded_by == finance and stored.filename == "微信账单.csv"

    page = client.get(response["Location"])
    assert page.status_code == 200
    matched_rows, possible_rows = page.context["matched"], page.context["possible"]
    assert [row["payment"]["id"] for row in matched_rows] == [matched.pk]
    assert [row["payment"]["id"] for row in possible_rows] == [possible.pk]
    assert possible_rows[0]["note"] == "金额、日期相同,流水号不同或缺失"
    assert [row["line"] for row in page.context["unmatched_lines"]] == [4]
    assert [row["id"] for row in page.context["unmatched_payments"]] == [missing.pk]
    assert matched.receipt_no in page.content.decode()
    listing = client.get(STATEMENTS_URL).content.decode()
    assert reverse("finance:statement_detail", args=[stored.pk]) in listing


@pytest.mark.django_db
def test_a_bad_file_shows_its_line_and_stores_nothing(client, finance):
    community, _ = community_with_households()
    client.force_login(finance)
    upload = SimpleUploadedFile("bank.csv", "日期,金额,流水号\n2026-03-02,300,A\n昨天,100,B\n".encode())
    response = client.post(STATEMENTS_URL, {"community": community.pk, "source": "bank", "file": upload})
    assert response.status_code == 400
    page = response.content.decode()
    assert "第 3 行" in page and "日期「昨天」无法识别" in page
    assert not StatementUpload.objects.exists()


@pytest.mark.django_db
def test_uploads_are_size_limited_and_typed(client, finance):
    community, _ = community_with_households()
    client.force_login(finance)
    big = SimpleUploadedFile("big.csv", b"x" * (MAX_STATEMENT_BYTES + 1))
    response = client.post(STATEMENTS_URL, {"community": community.pk, "source": "bank", "file": big})
    assert response.status_code == 400 and "不能超过 5 MB" in response.content.decode()
    pdf = SimpleUploadedFile("bank.pdf", b"%PDF")
    response = client.post(STATEMENTS_URL, {"community": community.pk, "source": "bank", "file": pdf})
    assert response.status_code == 400 and "CSV 或 Excel" in response.content.decode()
    assert not StatementUpload.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["manager", "service", "staff"])
def test_statements_are_for_finance_only(client, user_with_role, role):
    community, _ = community_with_households()
    client.force_login(user_with_role(role))
    assert client.get(STATEMENTS_URL).status_code == 403
    upload = SimpleUploadedFile("bank.csv", "日期,金额\n2026-03-02,1\n".encode())
    assert client.post(STATEMENTS_URL, {"community": community.pk, "source": "bank", "file": upload}).status_code == 403
    assert client.get(reverse("finance:statement_detail", args=[1])).status_code == 403
