"""A community's day (日结报表) as an .xlsx: totals by channel and by collector, the payments and the reversals."""

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from core.exports import guard_sheet

from .selectors import DayReport

MONEY_FORMAT = "#,##0.00"


def _sheet(workbook, title: str, headers: list[str], rows: list[list], money_columns: tuple[int, ...] = ()):
    sheet = workbook.create_sheet(title)
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for column in money_columns:
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = MONEY_FORMAT
    sheet.freeze_panes = "A2"
    for letter in "ABCDEFGHIJ":
        sheet.column_dimensions[letter].width = 16
    return sheet


def day_workbook(*, community_name: str, report: DayReport, payments: list, reversals: list, closed: str) -> bytes:
    """The workbook's bytes; ``payments`` and ``reversals`` are model rows as the day page lists them."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    summary = [[line.label, line.count, line.amount] for line in report.by_channel]
    summary += [
        [_("实收合计"), report.received_count, report.received],
        [_("当日冲正"), report.reversal_count, -report.reversed],
        [_("净额"), "", report.net],
    ]
    sheet = _sheet(workbook, _("汇总"), [_("收款方式"), _("笔数"), _("金额(元)")], summary, (3,))
    sheet.insert_rows(1, 2)
    sheet["A1"] = f"{community_name} {report.day:%Y-%m-%d} {_('日结报表')}"
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A2"] = closed
    sheet.freeze_panes = None
    _sheet(
        workbook,
        _("按收款人"),
        [_("收款人"), _("笔数"), _("金额(元)")],
        [[line.label, line.count, line.amount] for line in report.by_collector],
        (3,),
    )
    _sheet(
        workbook,
        _("收款明细"),
        [_("收据号"), _("房屋"), _("金额(元)"), _("收款方式"), _("交易流水号"), _("收款人"), _("状态")],
        [
            [
                p.receipt_no,
                p.household.label,
                p.amount,
                p.get_channel_display(),
                p.reference,
                p.collector_name,
                p.get_status_display(),
            ]
            for p in payments
        ],
        (3,),
    )
    _sheet(
        workbook,
        _("冲正明细"),
        [_("收据号"), _("房屋"), _("收款日期"), _("金额(元)"), _("原因"), _("操作人")],
        [
            [
                r.payment.receipt_no,
                r.payment.household.label,
                r.payment.paid_on.isoformat(),
                r.payment.amount,
                r.reason,
                r.reversed_by.get_username() if r.reversed_by else "",
            ]
            for r in reversals
        ],
        (4,),
    )
    for sheet in workbook.worksheets:
        guard_sheet(sheet)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
