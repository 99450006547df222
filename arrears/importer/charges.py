"""The 应收 sheet: charges, keyed by household + fee item + period start; an identical one is skipped."""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from arrears.bulk import insert_rows_with_ids
from arrears.models import Charge, FeeItem

from .columns import CHARGES
from .row import RowCells
from .state import ImportState, chunks

QUERY_CHUNK = 500  # ids per IN (...): well under SQLite's limit on query parameters

_FIELDS = ("household_id", "fee_item_id", "period_start", "period_end", "amount", "due_date", "posted_at")


def check_charges(state: ImportState, rows: Iterable[tuple[int, tuple]]) -> None:
    """Check the rows against each other and the database's charges; nothing is written yet.

    Rows of households already in the database are compared with its charges after the sheet, in a few queries
    by chunks of households.
    """
    counts = state.result.counts[CHARGES.name]
    seen: dict[tuple, tuple[int, tuple]] = {}  # key → (row number, content) of the first row with that key
    pending: list[tuple] = []  # rows of households in the database
    for number, (code, building, unit, room, fee_item, start, end, amount, due) in rows:
        cells = RowCells(state.result, CHARGES.name, number)
        named = (code, building, unit, room)
        household, code, key, named_well = state.household_cells(cells, named)
        fee_item = cells.text("费用项目", fee_item, max_length=50, required=True)
        start = cells.date("所属期起", start)
        end = cells.date("所属期止", end)
        amount = cells.amount("应收金额", amount)
        due = cells.date("应缴日期", due)
        if start and end and end < start:
            cells.error("所属期止", _("所属期止不能早于所属期起"))
        if household is None:
            household = state.household_found(cells, named, code, key, named_well)
        if cells.failed or household is None:
            continue
        charge = (household, state.fee_item(fee_item), start, end, amount, due)
        earlier = seen.get(charge[:3])
        if earlier is not None:
            if earlier[1] == charge[3:]:
                counts.unchanged += 1
            else:
                reason = _("与第 %(row)d 行是同一笔应收(房屋、费用项目、所属期起相同)但内容不同") % {"row": earlier[0]}
                column = _differing_column(earlier[1], charge[3:])
                state.result.add_error(sheet=CHARGES.name, row=number, column=column, reason=reason)
            continue
        seen[charge[:3]] = (number, charge[3:])
        if household.pk is None:
            state.new_charges.append(charge)
            counts.created += 1
        else:
            pending.append((number, charge))
    _check_against_database(state, pending)


def _check_against_database(state: ImportState, pending: list[tuple]) -> None:
    counts = state.result.counts[CHARGES.name]
    fee_names = {pk: name for name, pk in state.fee_items.items() if pk is not None}
    household_ids = sorted({charge[0].pk for _number, charge in pending})
    stored: dict[tuple, tuple] = {}
    for chunk in chunks(household_ids, QUERY_CHUNK):
        rows = Charge.objects.filter(household_id__in=chunk).values_list(
            "household_id", "fee_item_id", "period_start", "period_end", "amount", "due_date"
        )
        for household_id, fee_id, start, end, amount, due in rows:
            stored[(household_id, fee_names[fee_id], start)] = (end, amount, due)
    for number, charge in pending:
        found = stored.get((charge[0].pk, charge[1], charge[2]))
        if found is None:
            state.new_charges.append(charge)
            counts.created += 1
        elif found == charge[3:]:
            counts.unchanged += 1
        else:
            state.result.add_error(
                sheet=CHARGES.name,
                row=number,
                column=_differing_column(found, charge[3:]),
                reason=_("应收已存在但内容不同"),
            )


def _differing_column(stored: tuple, given: tuple) -> str:
    for column, old, new in zip(("所属期止", "应收金额", "应缴日期"), stored, given, strict=True):
        if old != new:
            return column
    return "应收金额"


def write_charges(state: ImportState) -> list[int]:
    """One COPY of the new charges (their fee items first); returns their ids, in the order of state.new_charges."""
    missing = sorted(name for name, pk in state.fee_items.items() if pk is None)
    for item in FeeItem.objects.bulk_create([FeeItem(name=name) for name in missing]):
        state.fee_items[item.name] = item.pk
    fee_items, now = state.fee_items, state.now
    rows = (
        (household.pk, fee_items[fee_item], start, end, amount, due, now)
        for household, fee_item, start, end, amount, due in state.new_charges
    )
    ids = insert_rows_with_ids(Charge, _FIELDS, state.counted(rows, "rows_written"), count=len(state.new_charges))
    state.statistics.wrote(Charge, len(ids))
    return ids
