"""Excel exports write what people typed as text, never as a live formula, and offer only .xlsx.

A cell whose text starts with = + - @ (or a tab or carriage return) would run as a formula when the file is
opened; every export stores it as a text cell marked to stay text (Excel's quote prefix), shown unchanged.
"""

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from arrears.late_fees.services import waiver_grant
from arrears.services import payment_reverse
from assignments.models import IssueRaised
from core.exports import guard_text
from tests.factories import DepartmentFactory, OwnerFactory
from tests.factories_finance import collector, community_with_households, verified

pytestmark = pytest.mark.django_db
XLSX = {"_export": "xlsx"}


def cells(response) -> list:
    assert response.status_code == 200, response.status_code
    workbook = load_workbook(BytesIO(response.content))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def cell_with(response, text: str):
    found = [cell for cell in cells(response) if cell.value == text]
    assert found, f"{text!r} not in the export"
    return found[0]


def assert_text(cell):
    assert cell.data_type == "s", (cell.value, cell.data_type)
    assert cell.quotePrefix, cell.value


@pytest.mark.parametrize("text", ["=1+1", "+86", "-x", "@SUM(A1)", "\tx", "\rx"])
def test_text_that_a_spreadsheet_would_run_is_marked(text):
    assert guard_text(text)


@pytest.mark.parametrize("text", ["漏水", "3-2-1201", "张**", "", "1+1"])
def test_ordinary_text_is_left_alone(text):
    assert not guard_text(text)


def test_issue_description_is_exported_as_text(client, user_with_role):
    community, (a, *_rest) = community_with_households()
    IssueRaised.objects.create(
        household=a,
        raised_by=collector(),
        department=DepartmentFactory(name="工程部"),
        description='=HYPERLINK("http://x.example/","点此")',
        deadline=timezone.localdate() + timedelta(days=3),
    )
    client.force_login(user_with_role("manager"))
    assert_text(cell_with(client.get(reverse("issue_list"), XLSX), '=HYPERLINK("http://x.example/","点此")'))


def test_waiver_reason_is_exported_as_text(client, user_with_role):
    community, (a, *_rest) = community_with_households()
    manager = user_with_role("manager")
    waiver_grant(
        household=a, amount=Decimal("0.01"), waived_on=timezone.localdate(), reason="+1 经理批准", approved_by=manager
    )
    client.force_login(manager)
    assert_text(cell_with(client.get(reverse("waiver_list"), XLSX), "+1 经理批准"))


def test_a_masked_name_starting_with_equals_is_exported_as_text(client, user_with_role):
    community, (flat, *_rest) = community_with_households()
    flat.owner = OwnerFactory(community=community, name="=A1", phone="13812345678")
    flat.save()
    client.force_login(user_with_role("supervisor"))
    assert_text(cell_with(client.get(reverse("household_list"), XLSX), "=**"))


def test_day_report_writes_a_reversal_reason_as_text(client, user_with_role):
    community, (a, *_rest) = community_with_households()
    finance = user_with_role("finance")
    day = timezone.localdate() - timedelta(days=1)
    payment = verified(a, "100.00", day=day, verifier=finance)
    payment_reverse(payment_id=payment.pk, reversed_by=finance, reason="@cmd 退款", reversed_on=day)
    client.force_login(finance)
    response = client.get(reverse("finance:day_export", args=[community.code, day.isoformat()]))
    assert_text(cell_with(response, "@cmd 退款"))


def test_amounts_stay_numbers(client, user_with_role):
    community_with_households()
    client.force_login(user_with_role("finance"))
    amounts = [cell for cell in cells(client.get(reverse("household_list"), XLSX)) if cell.column == 7][1:]
    assert amounts and all(cell.data_type == "n" and not cell.quotePrefix for cell in amounts)


# Only the formats offered ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("export_format", ["xls", "ods", "yaml", "csv"])
@pytest.mark.parametrize(
    ("url_name", "trigger"),
    [
        ("household_list", "_export"),
        ("issue_list", "_export"),
        ("finance:days", "_export"),
        ("notice_batch_list", "_export"),
        ("team_today", "_export_broken"),
        ("dashboard", "_export"),
    ],
)
def test_a_format_not_offered_is_refused_with_400(client, user_with_role, url_name, trigger, export_format):
    community_with_households()
    client.force_login(user_with_role("manager", "finance", "service"))
    response = client.get(reverse(url_name), {trigger: export_format})
    assert response.status_code == 400
    assert "xlsx" in response.content.decode()


def test_the_offered_format_still_downloads(client, user_with_role):
    community_with_households()
    client.force_login(user_with_role("manager"))
    assert client.get(reverse("dashboard"), {"_export": "xlsx"}).status_code == 200
    assert client.get(reverse("team_today"), {"_export_broken": "xlsx"}).status_code == 200


def test_the_ledger_export_writes_typed_text_as_text(client, user_with_role):
    community, (flat, *_rest) = community_with_households()
    flat.owner = OwnerFactory(community=community, name="=1+1", phone="13812345678")
    flat.save()
    client.force_login(user_with_role("finance"))
    response = client.get(reverse("finance:ledger_export"), {"community": community.pk})
    workbook = load_workbook(BytesIO(b"".join(response.streaming_content)))
    found = [cell for row in workbook["房屋"].iter_rows() for cell in row if cell.value == "=1+1"]
    assert found and all(cell.data_type == "s" for cell in found)  # an inline string: never a formula
