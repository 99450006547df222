"""The 应收 sheet: charges, keyed by household + fee item + period start; an identical one is skipped."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from arrears.bulk import insert_rows
from arrears.models import Charge

from .columns import CHARGES
from .row import RowCells
from .state import ImportState, chunks

BATCH_SIZE = 2000
QUERY_CHUNK = 500  # ids per IN (...): well under SQLite's limit on query parameters


class _Row:
    __slots__ = ("amount", "due", "end", "fee_item_id", "household_id", "number", "start")

    def __init__(self, number, household_id, fee_item_id, start, end, amount, due):
        self.number = number
        self.household_id = household_id
        self.fee_item_id = fee_item_id
        self.start = start
        self.end = end
        self.amount = amount
        self.due = due

    @property
    def key(self) -> tuple[int, int, date]:
        return (self.household_id, self.fee_item_id, self.start)

    @property
    def content(self) -> tuple[date, Decimal, date]:
        return (self.end, self.amount, self.due)


def import_charges(state: ImportState, rows: Iterable[tuple[int, tuple]]) -> None:
    batch: list[_Row] = []
    for number, (code, building, unit, room, fee_item, start, end, amount, due) in rows:
        cells = RowCells(state.result, CHARGES.name, number)
        code = cells.text("小区编码", code, max_length=20, required=True)
        key = (
            cells.text("楼栋", building, max_length=20, required=True),
            cells.text("单元", unit, max_length=20),
            cells.text("房号", room, max_length=20, required=True),
        )
        fee_item = cells.text("费用项目", fee_item, max_length=50, required=True)
        start = cells.date("所属期起", start)
        end = cells.date("所属期止", end)
        amount = cells.amount("应收金额", amount)
        due = cells.date("应缴日期", due)
        if start and end and end < start:
            cells.error("所属期止", _("所属期止不能早于所属期起"))
        found = state.household_id(cells, code, key) if code and key[0] and key[2] else None
        if cells.failed or found is None:
            continue
        batch.append(_Row(number, found[1], state.fee_item_id(fee_item), start, end, amount, due))
        if len(batch) >= BATCH_SIZE:
            _write(state, batch)
            batch = []
    _write(state, batch)


def _write(state: ImportState, batch: list[_Row]) -> None:
    """Write the batch's new charges; a key already present (in the database or earlier) must match."""
    counts = state.result.counts[CHARGES.name]
    existing = _existing(state, batch)
    new: dict[tuple, _Row] = {}
    for row in batch:
        earlier = new.get(row.key)
        if earlier is not None:
            content = earlier.content
            reason = _("与第 %(row)d 行是同一笔应收(房屋、费用项目、所属期起相同)但内容不同") % {"row": earlier.number}
        elif row.key in existing:
            content, posted_at = existing[row.key]
            reason = (
                _("与本工作簿中前面的一行是同一笔应收但内容不同")
                if posted_at >= state.now
                else _("应收已存在但内容不同")
            )
        else:
            new[row.key] = row
            continue
        if content == row.content:
            counts.unchanged += 1
        else:
            state.result.add_error(
                sheet=CHARGES.name,
                row=row.number,
                column=_differing_column(content, row.content),
                reason=reason,
            )
    written = insert_rows(
        Charge,
        ("household_id", "fee_item_id", "period_start", "period_end", "amount", "due_date", "posted_at"),
        ((r.household_id, r.fee_item_id, r.start, r.end, r.amount, r.due, state.now) for r in new.values()),
    )
    state.statistics.wrote(Charge, written)
    counts.created += len(new)
    households = {row.household_id for row in new.values()}
    state.charged |= households
    state.touched |= households


def _differing_column(stored: tuple, given: tuple) -> str:
    for column, old, new in zip(("所属期止", "应收金额", "应缴日期"), stored, given, strict=True):
        if old != new:
            return column
    return "应收金额"


def _existing(state: ImportState, batch: list[_Row]) -> dict[tuple, tuple[tuple, object]]:
    """Charges in the database with the keys of the batch.

    Households this import created and has not charged yet have none, so they cost no query. Filtering on
    the batch's period starts too keeps the answer near the batch's size whether the sheet is sorted by
    household or by month.
    """
    ids = {row.household_id for row in batch}
    ids = sorted(pk for pk in ids if pk not in state.new_households or pk in state.charged)
    starts = {row.start for row in batch}
    found = {}
    for chunk in chunks(ids, QUERY_CHUNK):
        rows = Charge.objects.filter(household_id__in=chunk, period_start__in=starts).values_list(
            "household_id", "fee_item_id", "period_start", "period_end", "amount", "due_date", "posted_at"
        )
        for household_id, fee_item_id, start, end, amount, due, posted_at in rows:
            found[(household_id, fee_item_id, start)] = ((end, amount, due), posted_at)
    return found
