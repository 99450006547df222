"""HC小区管理系统 (java110/MicroCommunity) exports: 房屋费用信息 (what is owed) and 房屋缴费历史 (what was paid).

- 房屋缴费历史: each row is a period's charge (应缴金额) and a payment of it (实缴金额 on 缴费时间), verified.
  Rows of one house, fee and period start are one charge paid in parts; their 应缴金额 must agree.
- 房屋费用信息: each row is a period's charge, 金额 being what is owed for it. When the same house, fee and period
  start is in the history too, the period was part-paid: the charge is the history's, and 金额 must equal its
  应缴金额 less what was paid.
- The due date is the period's start, or what the community's settings say.
"""

import hashlib
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from arrears.importer.parse import CellError, is_blank

from .cells import cell_text, parse_date_cell, parse_money_cell
from .convert import Conversion, Origin, OwnerCells, data_rows, due_date, names_household_in, settings_of
from .rooms import parse_household
from .sheet import SourceError, SourceSheet, column_label, find_header, header_names, read_workbook

FEES_SHEET = "房屋费用信息"
HISTORY_SHEET = "房屋缴费历史"
FEES_COLUMNS = ("房屋编号", "费用名称", "开始时间", "结束时间", "金额")
HISTORY_COLUMNS = ("房屋编号", "收费项目", "开始时间", "结束时间", "缴费时间", "应缴金额", "实缴金额")
# Read when present: the owner on the fees sheet, the cashier and remark on the history.
OPTIONAL = {
    "业主": ("业主名称", "业主姓名", "业主"),
    "电话": ("业主电话", "联系电话", "手机号", "电话"),
    "面积": ("建筑面积", "房屋面积", "面积"),
    "收银员": ("收银员",),
    "备注": ("备注",),
}
RECEIPT_PREFIX = "HC"


@dataclass
class _Period:
    """A period's charge as the history gives it."""

    row: int
    end: date
    amount: Decimal
    paid: Decimal


class _Columns:
    """A sheet's columns by header: index and label (header and letter) for the report and errors."""

    def __init__(self, sheet: SourceSheet, required: tuple[str, ...], conversion: Conversion):
        self.sheet = sheet
        self.header = find_header(sheet, lambda names: sum(1 for name in required if name in names))
        names = header_names(sheet, self.header)
        self.index = {}
        for position, name in enumerate(names):
            self.index.setdefault(name, position)
        for key, aliases in OPTIONAL.items():
            found = next((alias for alias in aliases if alias in self.index), None)
            if found is not None:
                self.index.setdefault(key, self.index[found])
        self.missing = [name for name in required if name not in self.index]
        for name in self.missing:
            conversion.error(sheet=sheet.name, row=self.header, column=name, reason=_("缺少列"))
        self.names = names

    def label(self, name: str) -> str:
        if name not in self.index:
            return ""
        position = self.index[name]
        return column_label(position, self.names[position])

    def value(self, row: list, name: str):
        position = self.index.get(name)
        return row[position] if position is not None and position < len(row) else None


def hc_convert(*, path, community, channel: str, on_rows=None) -> Conversion:
    """The HC export at ``path`` as template rows for ``community``; payments get ``channel`` (HC keeps none).

    ``on_rows(seen, total)`` is called for each row read below a header."""
    conversion = Conversion(community=community, on_rows=on_rows)
    try:
        sheets = read_workbook(path)
        if FEES_SHEET not in sheets and HISTORY_SHEET not in sheets:
            raise SourceError(
                _("工作簿中没有「%(fees)s」或「%(history)s」工作表") % {"fees": FEES_SHEET, "history": HISTORY_SHEET}
            )
        history = _Columns(sheets[HISTORY_SHEET], HISTORY_COLUMNS, conversion) if HISTORY_SHEET in sheets else None
        fees = _Columns(sheets[FEES_SHEET], FEES_COLUMNS, conversion) if FEES_SHEET in sheets else None
    except SourceError as exc:
        conversion.error(sheet="", row=0, column="", reason=str(exc))
        return conversion
    others = [name for name in sheets if name not in (FEES_SHEET, HISTORY_SHEET)]
    if others:
        conversion.notes.append(_("其他工作表未读取:%(names)s") % {"names": "、".join(others)})
    if (history and history.missing) or (fees and fees.missing):
        return conversion
    settings = settings_of(community)
    periods: dict[tuple, _Period] = {}
    if history:
        _recognise(conversion, history, HISTORY_COLUMNS)
        _read_history(conversion, history, settings, channel, periods)
    if fees:
        _recognise(conversion, fees, FEES_COLUMNS)
        _read_fees(conversion, fees, settings, periods)
    return conversion


def _meanings(sheet: str) -> dict[str, str]:
    """What each HC column becomes here, for the report."""
    owed = sheet == FEES_SHEET
    return {
        "房屋编号": _("房屋(楼栋-单元-房号)"),
        "费用名称": _("费用项目"),
        "收费项目": _("费用项目"),
        "开始时间": _("所属期起"),
        "结束时间": _("所属期止"),
        "金额": _("应收金额(所欠金额)"),
        "缴费时间": _("收款日期"),
        "应缴金额": _("应收金额"),
        "实缴金额": _("收款金额(已复核)"),
        "收银员": _("收款备注"),
        "备注": _("收款备注"),
        "业主": _("业主姓名") if owed else "",
        "电话": _("联系电话") if owed else "",
        "面积": _("建筑面积") if owed else "",
    }


def _recognise(conversion: Conversion, columns: _Columns, required: tuple[str, ...]) -> None:
    meanings = _meanings(columns.sheet.name)
    for name in (*required, *OPTIONAL):
        if name in columns.index and meanings.get(name):
            conversion.recognised.append((f"{columns.sheet.name} · {columns.label(name)}", meanings[name]))


class _Cells:
    """One row's cells, each error named by the original sheet, row and column."""

    def __init__(self, conversion: Conversion, columns: _Columns, number: int, row: list):
        self.conversion, self.columns, self.number, self.row = conversion, columns, number, row
        self.failed = False

    def parse(self, name: str, parser):
        value = self.columns.value(self.row, name)
        try:
            if is_blank(value) and parser is not parse_money_cell:
                raise CellError(_("不能为空"))
            return parser(value)
        except CellError as exc:
            self.error(name, str(exc))
            return None

    def error(self, name: str, reason: str) -> None:
        self.conversion.error(
            sheet=self.columns.sheet.name, row=self.number, column=self.columns.label(name), reason=reason
        )
        self.failed = True

    def text(self, name: str, max_length: int) -> str:
        text = cell_text(self.columns.value(self.row, name))
        if len(text) > max_length:
            self.error(name, _("不能超过 %(count)d 个字符") % {"count": max_length})
        return text

    def origin(self, **columns: str) -> Origin:
        return Origin(
            self.columns.sheet.name, self.number, {target: self.columns.label(name) for target, name in columns.items()}
        )


_HOUSE = {"楼栋": "房屋编号", "单元": "房屋编号", "房号": "房屋编号"}


def _owner(cells: _Cells) -> OwnerCells:
    area = None
    if "面积" in cells.columns.index and not is_blank(cells.columns.value(cells.row, "面积")):
        area = cells.parse("面积", parse_money_cell)
    return OwnerCells(name=cells.text("业主", 100), phone=cells.text("电话", 30), area=area)


def _read_history(conversion, columns: _Columns, settings, channel: str, periods: dict) -> None:
    receipts: Counter = Counter()
    for number, row in data_rows(
        conversion, columns.sheet, columns.header, names_household_in(columns.index["房屋编号"])
    ):
        cells = _Cells(conversion, columns, number, row)
        house = cells.parse("房屋编号", lambda value: parse_household(cell_text(value)))
        fee_item = cells.text("收费项目", 50) or None
        if fee_item is None:
            cells.error("收费项目", _("不能为空"))
        start, end = cells.parse("开始时间", parse_date_cell), cells.parse("结束时间", parse_date_cell)
        paid_on = cells.parse("缴费时间", parse_date_cell)
        amount, paid = cells.parse("应缴金额", parse_money_cell), cells.parse("实缴金额", parse_money_cell)
        for name, value in (("应缴金额", amount), ("实缴金额", paid)):
            if value is not None and value < 0:
                cells.error(name, _("金额不能为负数"))
        cashier, remark = cells.text("收银员", 50), cells.text("备注", 200)
        if start and end and end < start:
            cells.error("结束时间", _("结束时间不能早于开始时间"))
        if cells.failed:
            continue
        key = (house, fee_item, start)
        period = periods.get(key)
        if period is None:
            periods[key] = _Period(number, end, amount, paid)
            conversion.household(house, OwnerCells(), cells.origin(**_HOUSE))
            origin = cells.origin(
                **_HOUSE, 费用项目="收费项目", 所属期起="开始时间", 所属期止="结束时间", 应收金额="应缴金额"
            )
            conversion.charge(house, fee_item, start, end, amount, due_date(settings, start, end), origin)
        elif (period.end, period.amount) != (end, amount):
            column = "结束时间" if period.end != end else "应缴金额"
            cells.error(
                column, _("与第 %(row)d 行是同一期费用(房屋、收费项目、开始时间相同)但内容不同") % {"row": period.row}
            )
            continue
        else:
            period.paid += paid
        if paid > 0:
            identity = "|".join(map(str, (*house, fee_item, start, end, paid_on, paid, cashier, remark)))
            receipts[identity] += 1
            digest = hashlib.sha1(identity.encode(), usedforsecurity=False).hexdigest()[:16].upper()
            receipt = f"{RECEIPT_PREFIX}{digest}" + (f"-{receipts[identity]}" if receipts[identity] > 1 else "")
            # Kept with the payment as data, in the ledger's language (not the uploader's).
            note = "; ".join(part for part in ("HC缴费历史", cashier and f"收银员 {cashier}", remark) if part)
            origin = cells.origin(**_HOUSE, 收款日期="缴费时间", 金额="实缴金额", 收款方式="", 收据号="", 备注="备注")
            conversion.payment(house, paid_on, paid, channel, receipt, note, origin)


def _read_fees(conversion, columns: _Columns, settings, periods: dict) -> None:
    seen: dict[tuple, tuple[int, tuple]] = {}
    for number, row in data_rows(
        conversion, columns.sheet, columns.header, names_household_in(columns.index["房屋编号"])
    ):
        cells = _Cells(conversion, columns, number, row)
        house = cells.parse("房屋编号", lambda value: parse_household(cell_text(value)))
        fee_item = cells.text("费用名称", 50)
        if not fee_item:
            cells.error("费用名称", _("不能为空"))
        start, end = cells.parse("开始时间", parse_date_cell), cells.parse("结束时间", parse_date_cell)
        owed = cells.parse("金额", parse_money_cell)
        if owed is not None and owed < 0:
            cells.error("金额", _("金额不能为负数"))
        if start and end and end < start:
            cells.error("结束时间", _("结束时间不能早于开始时间"))
        owner = _owner(cells)
        if cells.failed:
            continue
        conversion.household(house, owner, cells.origin(**_HOUSE, 业主姓名="业主", 联系电话="电话", 建筑面积="面积"))
        key = (house, fee_item, start)
        if key in seen:
            earlier, content = seen[key]
            if content == (end, owed):
                conversion.skip(
                    sheet=columns.sheet.name, row=number, reason=_("与第 %(row)d 行重复") % {"row": earlier}
                )
            else:
                cells.error("金额", _("与第 %(row)d 行是同一期费用但内容不同") % {"row": earlier})
            continue
        seen[key] = (number, (end, owed))
        period = periods.get(key)
        if period is not None:
            expected = period.amount - period.paid
            if owed != expected:
                cells.error(
                    "金额",
                    _(
                        "与「%(sheet)s」第 %(row)d 行是同一期:应缴 %(amount)s − 实缴 %(paid)s = %(expected)s,"
                        "与本行欠费 %(owed)s 不同"
                    )
                    % {
                        "sheet": HISTORY_SHEET,
                        "row": period.row,
                        "amount": period.amount,
                        "paid": period.paid,
                        "expected": expected,
                        "owed": owed,
                    },
                )
            else:
                conversion.skip(
                    sheet=columns.sheet.name,
                    row=number,
                    reason=_("已部分缴费:按「%(sheet)s」第 %(row)d 行的应缴金额导入为一笔应收")
                    % {"sheet": HISTORY_SHEET, "row": period.row},
                )
            continue
        if owed == 0:
            conversion.skip(sheet=columns.sheet.name, row=number, reason=_("金额为 0,没有欠费"))
            continue
        origin = cells.origin(**_HOUSE, 费用项目="费用名称", 所属期起="开始时间", 所属期止="结束时间", 应收金额="金额")
        conversion.charge(house, fee_item, start, end, owed, due_date(settings, start, end), origin)
