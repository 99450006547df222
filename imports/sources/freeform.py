"""A free-form 欠费明细 sheet: any headers, each column mapped by finance to a field, then read row by row.

The amounts, whichever of them the sheet gives:
- 应收 (and 实收, or 欠费): the charge is 应收; the paid part (实收, or 应收 − 欠费) is a verified payment.
- 欠费 only (with or without 实收): the charge is 欠费 + 实收; when the charge was imported before and the sheet has
  no 实收, it keeps its amount and the paid part is what is no longer owed.
Each charge's paid part is one payment under a receipt number made from the charge; a later file that shows more
paid adds a payment of the difference, one that shows less is an error (a verified payment is only reversed).
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from arrears.importer.parse import CellError, is_blank
from arrears.models import Charge, Payment

from .cells import cell_text, month_end, parse_date_cell, parse_money_cell, parse_period_cell
from .convert import Conversion, Origin, OwnerCells, data_rows, due_date, names_household_in, settings_of
from .rooms import parse_household
from .sheet import SourceError, SourceSheet, column_label, find_header, header_names, read_workbook

RECEIPT_PREFIX = "XL"


class Field(models.TextChoices):
    IGNORE = "", gettext_lazy("(不导入)")
    HOUSEHOLD = "household", gettext_lazy("房号(楼栋-单元-房号,或与楼栋列合用)")
    BUILDING = "building", gettext_lazy("楼栋")
    UNIT = "unit", gettext_lazy("单元")
    OWNER = "owner", gettext_lazy("业主姓名")
    PHONE = "phone", gettext_lazy("联系电话")
    AREA = "area", gettext_lazy("建筑面积")
    FEE_ITEM = "fee_item", gettext_lazy("费用项目")
    PERIOD = "period", gettext_lazy("所属期(月份或起止)")
    PERIOD_START = "period_start", gettext_lazy("所属期起")
    PERIOD_END = "period_end", gettext_lazy("所属期止")
    DUE = "due", gettext_lazy("应缴日期")
    CHARGED = "charged", gettext_lazy("应收金额")
    PAID = "paid", gettext_lazy("实收金额")
    OUTSTANDING = "outstanding", gettext_lazy("欠费金额")
    PAID_ON = "paid_on", gettext_lazy("缴费日期")
    RECEIPT = "receipt", gettext_lazy("收据号")
    NOTE = "note", gettext_lazy("备注")


# First match wins, so the narrower words come first: 缴费日期 is a date before 缴费 is money, 欠费金额 is 欠费
# before 金额 is 应收, 业主电话 is a phone before 业主 is the owner.
RECOGNISED = (
    (Field.PHONE, ("电话", "手机", "联系方式")),
    (Field.AREA, ("面积",)),
    (Field.PAID_ON, ("缴费日期", "缴费时间", "收款日期", "收款时间", "交费日期", "交费时间", "付款日期", "实收日期")),
    (Field.DUE, ("应缴日期", "应收日期", "到期日", "缴费期限")),
    (Field.PERIOD_START, ("开始", "起始", "期起", "起日")),
    (Field.PERIOD_END, ("结束", "截止", "期止", "止日")),
    (Field.PERIOD, ("所属期", "账期", "月份", "期间", "周期", "所属月", "年月", "计费期")),
    (Field.OUTSTANDING, ("欠费", "未缴", "欠款", "未收", "尚欠", "欠缴", "未交")),
    (Field.PAID, ("实收", "已缴", "实缴", "已收", "已交", "实交")),
    (Field.CHARGED, ("应收", "应缴", "应交", "金额")),
    (Field.FEE_ITEM, ("费用项目", "收费项目", "费用名称", "费用类型", "费项", "项目")),
    (Field.HOUSEHOLD, ("房号", "房屋", "门牌", "房间", "室号", "户号", "房产")),
    (Field.BUILDING, ("楼栋", "楼号", "栋", "幢", "楼宇")),
    (Field.UNIT, ("单元",)),
    (Field.OWNER, ("业主", "姓名", "户主", "客户", "户名", "住户")),
    (Field.RECEIPT, ("收据", "票据", "单号")),
    (Field.NOTE, ("备注", "说明")),
)


def recognise(header: str) -> str:
    """The field a header names, or IGNORE."""
    for target, words in RECOGNISED:
        if any(word in header for word in words):
            return target
    return Field.IGNORE


@dataclass(frozen=True)
class Column:
    index: int
    header: str

    @property
    def key(self) -> str:
        """What the saved mapping remembers the column by: its header, or its letter when it has none."""
        return self.header or column_label(self.index)

    @property
    def label(self) -> str:
        return column_label(self.index, self.header)


@dataclass
class Layout:
    """The sheet read and where its header is: what the mapping form shows."""

    sheet: SourceSheet
    header_row: int
    columns: list[Column]
    ignored_sheets: list[str]

    def sample(self, index: int) -> str:
        """The column's first value below the header, shown beside its select."""
        for row in self.sheet.rows[self.header_row :]:
            value = _cell(row, index)
            if value is not None:
                return cell_text(value)[:40]
        return ""

    def initial(self, saved: dict[str, str]) -> dict[int, str]:
        """Each column's field: as mapped last time for this header, else as recognised; a field once only."""
        mapping, taken = {}, set()
        for column in self.columns:
            target = saved.get(column.key) if column.key in saved else recognise(column.header)
            if target not in Field.values or (target and target in taken):
                target = Field.IGNORE
            mapping[column.index] = target
            taken.add(target)
        return mapping


def _score(names: list[str]) -> int:
    """How many different fields a row's cells name: a title merged over every column names one at most."""
    return len({recognise(name) for name in names if name} - {Field.IGNORE})


def freeform_layout(path) -> Layout:
    """The sheet of 欠费明细 in the workbook (the one named so, else the first with cells) and its header."""
    sheets = read_workbook(path)
    filled = [sheet for sheet in sheets.values() if any(any(not is_blank(c) for c in row) for row in sheet.rows)]
    if not filled:
        raise SourceError(_("工作簿是空的"))
    sheet = next((sheet for sheet in filled if "欠费" in sheet.name), filled[0])
    header_row = find_header(sheet, _score)
    names = header_names(sheet, header_row)
    columns = [Column(index, name) for index, name in enumerate(names)]
    # A column with neither header nor data is the sheet's margin, not a column to map.
    used = [c for c in columns if c.header or any(_cell(row, c.index) is not None for row in sheet.rows[header_row:])]
    return Layout(sheet, header_row, used, [name for name in sheets if name != sheet.name])


def _cell(row: list, index: int | None):
    if index is None or index >= len(row):
        return None
    value = row[index]
    return None if is_blank(value) else value


def mapping_problems(mapping: dict[int, str]) -> list[str]:
    """What the mapping lacks or repeats; empty when it can be read."""
    fields = [target for target in mapping.values() if target]
    problems = [
        _("「%(field)s」只能对应一列") % {"field": Field(target).label}
        for target in sorted(set(fields))
        if fields.count(target) > 1
    ]
    if Field.HOUSEHOLD not in fields:
        problems.append(_("请指定哪一列是房号"))
    if Field.CHARGED not in fields and Field.OUTSTANDING not in fields:
        problems.append(_("请指定应收金额或欠费金额所在的列"))
    if Field.PERIOD not in fields and Field.PERIOD_START not in fields:
        problems.append(_("请指定所属期(或所属期起)所在的列"))
    if Field.PERIOD_END in fields and Field.PERIOD_START not in fields:
        problems.append(_("指定了所属期止,也请指定所属期起"))
    return problems


class _Row:
    """One row's cells by field, each error named by the original sheet, row and column."""

    def __init__(self, conversion: Conversion, layout: Layout, columns: dict[str, Column], number: int, row: list):
        self.conversion, self.layout, self.columns, self.number, self.row = conversion, layout, columns, number, row
        self.failed = False

    def label(self, target: str) -> str:
        column = self.columns.get(target)
        return column.label if column else ""

    def raw(self, target: str):
        column = self.columns.get(target)
        return _cell(self.row, column.index) if column else None

    def error(self, target: str, reason: str) -> None:
        self.conversion.error(sheet=self.layout.sheet.name, row=self.number, column=self.label(target), reason=reason)
        self.failed = True

    def parse(self, target: str, parser, *, required: bool = True):
        value = self.raw(target)
        if value is None:
            if required:
                self.error(target, _("不能为空"))
            return None
        try:
            return parser(value)
        except CellError as exc:
            self.error(target, str(exc))
            return None

    def text(self, target: str, max_length: int) -> str:
        text = cell_text(self.raw(target))
        if len(text) > max_length:
            self.error(target, _("不能超过 %(count)d 个字符") % {"count": max_length})
        return text

    def money(self, target: str) -> Decimal | None:
        """A mapped amount (blank is zero), or None when the column is not mapped."""
        if target not in self.columns:
            return None
        number = self.parse(target, parse_money_cell, required=False)
        if number is None and not self.failed:
            number = Decimal("0.00")
        if number is not None and number < 0:
            self.error(target, _("金额不能为负数"))
            return None
        return number

    def origin(self, **targets: str) -> Origin:
        return Origin(self.layout.sheet.name, self.number, {name: self.label(t) for name, t in targets.items()})


def freeform_convert(
    *, path, community, mapping: dict[int, str], fee_item: str, channel: str, on_rows=None, layout=None
) -> Conversion:
    """The sheet at ``path`` read with ``mapping`` (column index → field) as template rows for ``community``.

    ``on_rows(seen, total)`` is called for each row read below the header; ``layout`` is the file's, when the
    caller has read it already."""
    conversion = Conversion(community=community, on_rows=on_rows)
    try:
        layout = layout or freeform_layout(path)
    except SourceError as exc:
        conversion.error(sheet="", row=0, column="", reason=str(exc))
        return conversion
    columns = {target: column for column in layout.columns if (target := mapping.get(column.index))}
    for problem in mapping_problems({column.index: mapping.get(column.index, "") for column in layout.columns}):
        conversion.error(sheet=layout.sheet.name, row=layout.header_row, column="", reason=problem)
    if not conversion.result.ok:
        return conversion
    conversion.recognised = [(column.label, Field(target).label) for target, column in columns.items()]
    if layout.ignored_sheets:
        conversion.notes.append(_("其他工作表未读取:%(names)s") % {"names": "、".join(layout.ignored_sheets)})
    reader = _Reader(conversion, layout, columns, fee_item=fee_item, channel=channel)
    household = columns[Field.HOUSEHOLD].index
    if Field.BUILDING in columns:
        building = columns[Field.BUILDING].index

        def names_household(row: list) -> bool:
            return _cell(row, household) is not None and _cell(row, building) is not None
    else:
        names_household = names_household_in(household)
    for number, row in data_rows(conversion, layout.sheet, layout.header_row, names_household):
        reader.read(_Row(conversion, layout, columns, number, row))
    reader.finish()
    return conversion


class _Reader:
    def __init__(self, conversion: Conversion, layout: Layout, columns: dict, *, fee_item: str, channel: str):
        self.conversion, self.layout, self.columns = conversion, layout, columns
        self.fee_item, self.channel = fee_item, channel
        self.settings = settings_of(conversion.community)
        self.seen: dict[tuple, tuple[int, tuple]] = {}
        self.charges = _existing_charges(conversion.community) if Field.CHARGED not in columns else {}
        self.paid_before = _imported_payments(conversion.community)
        self.unchanged_payments = 0

    def _household(self, row: _Row) -> tuple[str, str, str] | None:
        text = row.text(Field.HOUSEHOLD, 60)
        building = row.text(Field.BUILDING, 20)
        unit = row.text(Field.UNIT, 20)
        if not text:
            row.error(Field.HOUSEHOLD, _("不能为空"))
            return None
        try:
            if not building:
                return parse_household(text)
            if Field.UNIT not in self.columns and "-" in text:
                unit, _dash, text = text.partition("-")
            if len(text) > 20:
                raise CellError(_("不能超过 %(count)d 个字符") % {"count": 20})
            return (building, unit, text)
        except CellError as exc:
            row.error(Field.HOUSEHOLD, str(exc))
            return None

    def _period(self, row: _Row) -> tuple[date, date] | None:
        if Field.PERIOD in self.columns:
            return row.parse(Field.PERIOD, parse_period_cell)
        start = row.parse(Field.PERIOD_START, parse_date_cell)
        end = row.parse(Field.PERIOD_END, parse_date_cell, required=False) if Field.PERIOD_END in self.columns else None
        if start is None:
            return None
        end = end or month_end(start)
        if end < start:
            row.error(Field.PERIOD_END, _("所属期止不能早于所属期起"))
            return None
        return start, end

    def read(self, row: _Row) -> None:
        key = self._household(row)
        owner = OwnerCells(name=row.text(Field.OWNER, 100), phone=row.text(Field.PHONE, 30))
        if Field.AREA in self.columns and row.raw(Field.AREA) is not None:
            owner.area = row.parse(Field.AREA, parse_money_cell)
        fee_item = row.text(Field.FEE_ITEM, 50) or self.fee_item
        period = self._period(row)
        charged, paid, outstanding = row.money(Field.CHARGED), row.money(Field.PAID), row.money(Field.OUTSTANDING)
        due = row.parse(Field.DUE, parse_date_cell, required=False) if Field.DUE in self.columns else None
        paid_on = row.parse(Field.PAID_ON, parse_date_cell, required=False) if Field.PAID_ON in self.columns else None
        receipt, note = row.text(Field.RECEIPT, 40), row.text(Field.NOTE, 300)
        if row.failed or key is None or period is None:
            return
        start, end = period
        amount, paid = self._amounts(row, key, fee_item, start, charged, paid, outstanding)
        if amount is None:
            return
        charge_key = (key, fee_item, start)
        content = (end, amount, paid)
        if charge_key in self.seen:
            earlier, earlier_content = self.seen[charge_key]
            if earlier_content == content:
                self.conversion.skip(
                    sheet=self.layout.sheet.name, row=row.number, reason=_("与第 %(row)d 行重复") % {"row": earlier}
                )
            else:
                row.error(
                    Field.HOUSEHOLD,
                    _("与第 %(row)d 行是同一笔应收(房屋、费用项目、所属期相同)但金额不同") % {"row": earlier},
                )
            return
        self.seen[charge_key] = (row.number, content)
        household_origin = row.origin(楼栋=Field.HOUSEHOLD, 单元=Field.HOUSEHOLD, 房号=Field.HOUSEHOLD)
        self.conversion.household(
            key,
            owner,
            Origin(
                household_origin.sheet,
                household_origin.row,
                {
                    **household_origin.columns,
                    "业主姓名": row.label(Field.OWNER),
                    "联系电话": row.label(Field.PHONE),
                    "建筑面积": row.label(Field.AREA),
                },
            ),
        )
        if amount == 0:
            self.conversion.skip(sheet=self.layout.sheet.name, row=row.number, reason=_("应收为 0"))
            return
        amount_column = Field.CHARGED if Field.CHARGED in self.columns else Field.OUTSTANDING
        due = due or due_date(self.settings, start, end)
        period_column = Field.PERIOD if Field.PERIOD in self.columns else Field.PERIOD_START
        origin = row.origin(
            楼栋=Field.HOUSEHOLD,
            单元=Field.HOUSEHOLD,
            房号=Field.HOUSEHOLD,
            费用项目=Field.FEE_ITEM,
            所属期起=period_column,
            所属期止=Field.PERIOD_END if Field.PERIOD_END in self.columns else period_column,
            应收金额=amount_column,
            应缴日期=Field.DUE if Field.DUE in self.columns else period_column,
        )
        self.conversion.charge(key, fee_item, start, end, amount, due, origin)
        if paid > 0:
            self._payment(row, key, fee_item, start, paid, paid_on or due, receipt, note)

    def _amounts(self, row: _Row, key, fee_item: str, start: date, charged, paid, outstanding):
        """(charge amount, paid part) by the rules in the module's docstring, or (None, None) after an error."""
        if charged is not None:
            if paid is None:
                paid = charged - outstanding if outstanding is not None else Decimal("0.00")
                if paid < 0:
                    row.error(Field.OUTSTANDING, _("欠费大于应收"))
                    return None, None
            elif outstanding is not None and charged - paid != outstanding:
                row.error(
                    Field.OUTSTANDING,
                    _("应收 %(charged)s − 实收 %(paid)s ≠ 欠费 %(owed)s")
                    % {"charged": charged, "paid": paid, "owed": outstanding},
                )
                return None, None
            return charged, paid
        if paid is not None:
            return outstanding + paid, paid
        existing = self.charges.get((key, fee_item, start))
        if existing is None:
            return outstanding, Decimal("0.00")
        if outstanding > existing:
            row.error(
                Field.OUTSTANDING,
                _("欠费 %(owed)s 大于此前导入的应收 %(amount)s") % {"owed": outstanding, "amount": existing},
            )
            return None, None
        return existing, existing - outstanding

    def _payment(self, row: _Row, key, fee_item: str, start: date, paid: Decimal, paid_on, receipt: str, note):
        paid_column = Field.PAID if Field.PAID in self.columns else Field.OUTSTANDING
        origin = row.origin(
            楼栋=Field.HOUSEHOLD,
            单元=Field.HOUSEHOLD,
            房号=Field.HOUSEHOLD,
            收款日期=Field.PAID_ON,
            金额=paid_column,
            收据号=Field.RECEIPT,
            备注=Field.NOTE,
        )
        if receipt:
            self.conversion.payment(key, paid_on, paid, self.channel, receipt, note, origin)
            return
        identity = "|".join(map(str, (self.conversion.community.code, *key, fee_item, start)))
        base = RECEIPT_PREFIX + hashlib.sha1(identity.encode(), usedforsecurity=False).hexdigest()[:16].upper()
        before = self.paid_before.get(base, [])
        total_before = sum(before, Decimal("0.00"))
        if paid < total_before:
            row.error(
                paid_column,
                _("已缴 %(paid)s 少于此前导入的 %(before)s;已复核的收款只能在系统中冲正")
                % {"paid": paid, "before": total_before},
            )
        elif paid == total_before:
            self.unchanged_payments += 1
        else:
            number = f"{base}-{len(before) + 1}" if before else base
            note = note or "按欠费明细导入的已缴部分"  # data, in the ledger's language
            self.conversion.payment(key, paid_on, paid - total_before, self.channel, number, note, origin)

    def finish(self) -> None:
        if self.unchanged_payments:
            self.conversion.notes.append(
                _("%(count)d 笔已缴金额与此前导入的相同,没有新的收款") % {"count": self.unchanged_payments}
            )


def _existing_charges(community) -> dict[tuple, Decimal]:
    rows = Charge.objects.filter(household__community=community).values_list(
        "household__building__name", "household__unit", "household__room", "fee_item__name", "period_start", "amount"
    )
    return {((building, unit, room), fee, start): amount for building, unit, room, fee, start, amount in rows}


def _imported_payments(community) -> dict[str, list[Decimal]]:
    """Amounts of payments earlier free-form imports made, by the receipt number of their charge."""
    found: dict[str, list[Decimal]] = defaultdict(list)
    rows = Payment.objects.filter(
        community=community, imported=True, receipt_no__regex=rf"^{RECEIPT_PREFIX}[0-9A-F]{{16}}(-[0-9]+)?$"
    ).values_list("receipt_no", "amount")
    for receipt, amount in rows:
        found[receipt.split("-", 1)[0]].append(amount)
    return found
