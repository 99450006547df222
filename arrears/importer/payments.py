"""The 实收 sheet: payments verified elsewhere, keyed by (小区, 收据号); an identical one is skipped."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from arrears.bulk import insert_rows
from arrears.models import Payment
from arrears.models.ledger import PaymentStatus

from .columns import CHANNEL_LABELS, PAYMENTS
from .row import RowCells
from .state import ImportState, chunks

BATCH_SIZE = 2000
QUERY_CHUNK = 500
_PAYMENT_FIELDS = (
    "community_id",
    "household_id",
    "paid_on",
    "amount",
    "channel",
    "reference",
    "note",
    "status",
    "receipt_no",
    "verified_by_id",
    "verified_at",
    "rejection_reason",
    "imported",
    "created_at",
)


class _Row:
    __slots__ = ("amount", "channel", "community_id", "household_id", "note", "number", "paid_on", "receipt")

    def __init__(self, number, community_id, household_id, paid_on, amount, channel, receipt, note):
        self.number = number
        self.community_id = community_id
        self.household_id = household_id
        self.paid_on = paid_on
        self.amount = amount
        self.channel = channel
        self.receipt = receipt
        self.note = note

    def values(self, verified_by_id: int | None, now: datetime) -> tuple:
        """The row for _PAYMENT_FIELDS: verified on import, keeping its receipt number."""
        return (
            self.community_id,
            self.household_id,
            self.paid_on,
            self.amount,
            self.channel,
            "",
            self.note,
            PaymentStatus.VERIFIED.value,
            self.receipt,
            verified_by_id,
            now,
            "",
            True,
            now,
        )

    @property
    def content(self) -> tuple[int, date, Decimal, str]:
        """What makes two rows with one receipt number the same payment (备注 may differ)."""
        return (self.household_id, self.paid_on, self.amount, self.channel)


def import_payments(state: ImportState, rows: Iterable[tuple[int, tuple]]) -> None:
    batch: list[_Row] = []
    for number, (code, building, unit, room, paid_on, amount, channel, receipt, note) in rows:
        cells = RowCells(state.result, PAYMENTS.name, number)
        code = cells.text("小区编码", code, max_length=20, required=True)
        key = (
            cells.text("楼栋", building, max_length=20, required=True),
            cells.text("单元", unit, max_length=20),
            cells.text("房号", room, max_length=20, required=True),
        )
        paid_on = cells.date("收款日期", paid_on)
        amount = cells.amount("金额", amount, positive=True)
        channel = cells.choice("收款方式", channel, CHANNEL_LABELS)
        receipt = cells.text("收据号", receipt, max_length=40, required=True)
        note = cells.text("备注", note, max_length=300)
        if paid_on and paid_on > state.today:
            cells.error("收款日期", _("收款日期不能晚于今天"))
        found = state.household_id(cells, code, key) if code and key[0] and key[2] else None
        if cells.failed or found is None:
            continue
        batch.append(_Row(number, *found, paid_on, amount, channel, receipt, note))
        if len(batch) >= BATCH_SIZE:
            _write(state, batch)
            batch = []
    _write(state, batch)


def _write(state: ImportState, batch: list[_Row]) -> None:
    """Write the batch's new payments, verified; a receipt number already used must be the same payment."""
    counts = state.result.counts[PAYMENTS.name]
    existing = _existing(batch)
    new: dict[tuple[int, str], _Row] = {}
    for row in batch:
        key = (row.community_id, row.receipt)
        earlier = new.get(key)
        if earlier is not None:
            content = earlier.content
            reason = _("收据号与第 %(row)d 行相同但内容不同") % {"row": earlier.number}
        elif key in existing:
            content, created_at = existing[key]
            reason = (
                _("收据号与本工作簿中前面的一行相同但内容不同")
                if created_at >= state.now
                else _("收据号已存在但内容不同")
            )
        else:
            new[key] = row
            continue
        if content == row.content:
            counts.unchanged += 1
        else:
            state.result.add_error(sheet=PAYMENTS.name, row=row.number, column="收据号", reason=reason)
    verified_by_id = state.user.pk if state.user is not None else None
    written = insert_rows(Payment, _PAYMENT_FIELDS, (row.values(verified_by_id, state.now) for row in new.values()))
    state.statistics.wrote(Payment, written)
    counts.created += len(new)
    state.touched.update(row.household_id for row in new.values())


def _existing(batch: list[_Row]) -> dict[tuple[int, str], tuple[tuple, object]]:
    """Payments in the database holding the batch's receipt numbers."""
    receipts: dict[int, set[str]] = defaultdict(set)
    for row in batch:
        receipts[row.community_id].add(row.receipt)
    found = {}
    for community_id, numbers in receipts.items():
        for chunk in chunks(sorted(numbers), QUERY_CHUNK):
            rows = Payment.objects.filter(community_id=community_id, receipt_no__in=chunk).values_list(
                "receipt_no", "household_id", "paid_on", "amount", "channel", "created_at"
            )
            for receipt, household_id, paid_on, amount, channel, created_at in rows:
                found[(community_id, receipt)] = ((household_id, paid_on, amount, channel), created_at)
    return found
