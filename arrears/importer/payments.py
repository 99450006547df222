"""The 实收 sheet: payments verified elsewhere, keyed by (小区, 收据号); one already in the database is skipped."""

from collections import defaultdict
from collections.abc import Iterable

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from arrears.bulk import insert_rows_with_ids
from arrears.models import Community, DayClose, Payment
from arrears.models.ledger import PaymentStatus

from .columns import CHANNEL_LABELS, PAYMENTS
from .row import RowCells
from .state import ImportState, chunks

QUERY_CHUNK = 500
_FIELDS = (
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


def check_payments(state: ImportState, rows: Iterable[tuple[int, tuple]]) -> None:
    """Check the rows against each other and the database's receipt numbers; nothing is written yet.

    A receipt number twice in the file is an error naming both rows, whether or not the rows are the same (as
    a household twice in 房屋 is); a receipt number already in the database must be the same payment, which is
    then skipped.
    """
    seen: dict[tuple[str, str], tuple[int, tuple]] = {}
    pending: list[tuple] = []
    for number, (code, building, unit, room, paid_on, amount, channel, receipt, note) in rows:
        cells = RowCells(state.result, PAYMENTS.name, number)
        named = (code, building, unit, room)
        household, code, key, named_well = state.household_cells(cells, named)
        paid_on = cells.date("收款日期", paid_on)
        amount = cells.amount("金额", amount, positive=True)
        channel = cells.choice("收款方式", channel, CHANNEL_LABELS)
        receipt = cells.text("收据号", receipt, max_length=40, required=True, unique=True)
        note = cells.text("备注", note, max_length=300)
        if paid_on and paid_on > state.today:
            cells.error("收款日期", _("收款日期不能晚于今天"))
        if household is None:
            household = state.household_found(cells, named, code, key, named_well)
        if receipt and code:
            earlier = seen.get((code, receipt))
            if earlier is None:
                seen[(code, receipt)] = (number, (household, paid_on, amount, channel))
            elif earlier[1] == (household, paid_on, amount, channel):
                cells.error("收据号", _("与第 %(row)d 行重复(收据号和内容都相同)") % {"row": earlier[0]})
            else:
                cells.error("收据号", _("收据号与第 %(row)d 行相同但内容不同") % {"row": earlier[0]})
        if cells.failed or household is None:
            continue
        pending.append((number, (household, paid_on, amount, channel, receipt, note)))
    _check_against_database(state, pending)


def _check_against_database(state: ImportState, pending: list[tuple]) -> None:
    counts = state.result.counts[PAYMENTS.name]
    receipts: dict[int, set[str]] = defaultdict(set)
    for _number, payment in pending:
        if payment[0].community.pk is not None:
            receipts[payment[0].community.pk].add(payment[4])
    stored: dict[tuple[int, str], tuple] = {}
    for community_id, numbers in receipts.items():
        for chunk in chunks(sorted(numbers), QUERY_CHUNK):
            rows = Payment.objects.filter(community_id=community_id, receipt_no__in=chunk).values_list(
                "receipt_no", "household_id", "paid_on", "amount", "channel"
            )
            for receipt, household_id, paid_on, amount, channel in rows:
                stored[(community_id, receipt)] = (household_id, paid_on, amount, channel)
    for number, payment in pending:
        household, paid_on, amount, channel, receipt, _note = payment
        found = stored.get((household.community.pk, receipt))
        if found is None:
            if paid_on in state.closed_days(household.community):
                state.result.add_error(
                    sheet=PAYMENTS.name,
                    row=number,
                    column="收款日期",
                    reason=_("%(day)s 已日结,不能导入当天的收款") % {"day": date_format(paid_on, "Y-m-d")},
                )
                continue
            state.new_payments.append(payment)
            counts.created += 1
        elif found == (household.pk, paid_on, amount, channel):
            counts.unchanged += 1
        else:
            state.result.add_error(sheet=PAYMENTS.name, row=number, column="收据号", reason=_("收据号已存在但内容不同"))


def write_payments(state: ImportState) -> list[int]:
    """One COPY of the new payments, verified on import and keeping their receipt numbers; returns their ids."""
    verified_by_id = state.user.pk if state.user is not None else None
    now, verified = state.now, PaymentStatus.VERIFIED.value
    rows = (
        (
            h.community.pk,
            h.pk,
            paid_on,
            amount,
            channel,
            "",
            note,
            verified,
            receipt,
            verified_by_id,
            now,
            "",
            True,
            now,
        )
        for h, paid_on, amount, channel, receipt, note in state.new_payments
    )
    ids = insert_rows_with_ids(Payment, _FIELDS, state.counted(rows, "rows_written"), count=len(state.new_payments))
    state.statistics.wrote(Payment, len(ids))
    return ids


def recheck_closed_days(state: ImportState) -> bool:
    """Lock the communities the new payments belong to (as day_close does) and check their days again: a day
    may have been closed since the rows were checked. False, with an error per payment, when one was."""
    days = defaultdict(set)
    for household, paid_on, *_rest in state.new_payments:
        days[household.community.pk].add(paid_on)
    community_ids = sorted(days)
    list(Community.objects.select_for_update().filter(pk__in=community_ids).order_by("pk").values_list("pk"))
    closed = set(
        DayClose.objects.filter(
            community_id__in=community_ids, day__in={d for v in days.values() for d in v}
        ).values_list("community_id", "day")
    )
    closed &= {(pk, day) for pk, values in days.items() for day in values}
    for household, paid_on, *_rest in state.new_payments:
        if (household.community.pk, paid_on) in closed:
            state.result.add_error(
                sheet=PAYMENTS.name,
                row=0,
                column="收款日期",
                reason=_("%(day)s 已日结,不能导入当天的收款") % {"day": date_format(paid_on, "Y-m-d")},
            )
    return not closed
