"""Workbooks in the shapes other systems and finance's own sheets take, built in the tests."""

from datetime import date
from pathlib import Path

from openpyxl import Workbook


def serial(day: date) -> int:
    """The Excel serial number of a day (1900 system), as a sheet holds it when the cell is not formatted as a date."""
    return (day - date(1899, 12, 30)).days


def write_workbook(path: Path, sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None) -> Path:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
        for cells in (merges or {}).get(name, []):
            sheet.merge_cells(cells)
    workbook.save(path)
    return path


def hc_fees(*rows) -> list[list]:
    """房屋费用信息 with its two header rows: 计费周期 merged over 开始时间 and 结束时间, the others merged down."""
    return [
        ["房屋编号", "费用名称", "计费周期", None, "金额"],
        [None, None, "开始时间", "结束时间", None],
        *rows,
    ]


HC_FEES_MERGES = ["A1:A2", "B1:B2", "C1:D1", "E1:E2"]

HC_HISTORY_HEADER = [
    "房屋编号",
    "收费项目",
    "缴费周期",
    "开始时间",
    "结束时间",
    "缴费时间",
    "应缴金额",
    "实缴金额",
    "收银员",
    "备注",
]


def hc_history(*rows) -> list[list]:
    """房屋缴费历史 with a title row merged over the columns above its header."""
    return [["房屋缴费历史", *([None] * 9)], HC_HISTORY_HEADER, *rows]


HC_HISTORY_MERGES = ["A1:J1"]
