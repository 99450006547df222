"""Matching a statement's lines to a community's payments. Pure: plain values in, plain values out.

- **matched** (已匹配): the line's reference equals a payment's reference (ignoring case and spaces) and the amounts
  are equal;
- **possible** (可能匹配), for finance to check by hand: the same reference with a different amount, or, for a line
  still unmatched, a payment of the same amount on the same date (the date alone proves little: two owners often
  pay the same monthly fee on the same day, so this is never taken as a match);
- **unmatched** (未匹配) on both sides: the statement's remaining lines, and the remaining non-cash payments dated
  within the statement's first and last dates. A line whose reference is that of a rejected (已驳回) payment, and that
  no other payment matches by reference, stays unmatched and says so: finance rejected that money once, so it is
  never proposed to another household by amount and date.

Each payment is used once; lines are taken in file order, candidate payments by date then id.
"""

from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from .statements import StatementLine

MATCHED = "matched"
POSSIBLE = "possible"
UNMATCHED = "unmatched"


@dataclass(frozen=True)
class PaymentRow:
    """A payment as the matching sees and shows it."""

    id: int
    paid_on: date
    amount: Decimal
    reference: str
    household: str = ""
    channel: str = ""
    status: str = ""
    receipt_no: str = ""
    collector: str = ""


@dataclass(frozen=True)
class LineResult:
    line: StatementLine
    status: str
    payment_id: int | None = None
    note: str = ""


@dataclass
class MatchResult:
    date_from: date
    date_to: date
    lines: list[LineResult] = field(default_factory=list)
    payments: dict[int, PaymentRow] = field(default_factory=dict)
    unmatched_payments: list[int] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for result in self.lines if result.status == status)

    def as_dict(self) -> dict:
        def line(result: LineResult) -> dict:
            return {
                "line": result.line.line,
                "day": result.line.day.isoformat(),
                "amount": f"{result.line.amount:.2f}",
                "reference": result.line.reference,
                "status": result.status,
                "payment_id": result.payment_id,
                "note": result.note,
            }

        def payment(row: PaymentRow) -> dict:
            return {**asdict(row), "paid_on": row.paid_on.isoformat(), "amount": f"{row.amount:.2f}"}

        used = {r.payment_id for r in self.lines if r.payment_id is not None} | set(self.unmatched_payments)
        return {
            "date_from": self.date_from.isoformat(),
            "date_to": self.date_to.isoformat(),
            "lines": [line(result) for result in self.lines],
            "payments": {str(pk): payment(row) for pk, row in self.payments.items() if pk in used},
            "unmatched_payments": list(self.unmatched_payments),
        }


def date_windows(days, margin: int) -> list[tuple[date, date]]:
    """The spans within ``margin`` days of any of ``days``, overlapping or touching spans merged, in order."""
    windows: list[tuple[date, date]] = []
    for day in sorted(set(days)):
        low, high = day - timedelta(days=margin), day + timedelta(days=margin)
        if windows and low <= windows[-1][1] + timedelta(days=1):
            windows[-1] = (windows[-1][0], max(windows[-1][1], high))
        else:
            windows.append((low, high))
    return windows


def normalise_reference(text: str) -> str:
    return "".join((text or "").split()).lower()


def match_statement(
    lines: list[StatementLine],
    payments: list[PaymentRow],
    note_labels: dict | None = None,
    rejected: list[PaymentRow] = (),
):
    """Match ``lines`` to ``payments`` (the community's non-cash payments in the statement's date range, and any
    whose reference appears in it). ``rejected`` are the rejected payments whose reference appears in it.
    ``note_labels`` gives the texts of the two kinds of possible match and of a rejected reference (formatted with
    ``%(household)s``)."""
    labels = {
        "amount_differs": "amount_differs",
        "amount_and_date": "amount_and_date",
        "rejected": "rejected %(household)s",
        **(note_labels or {}),
    }
    rejected_by_reference = {normalise_reference(row.reference): row for row in rejected if row.reference.strip()}
    date_from = min(line.day for line in lines)
    date_to = max(line.day for line in lines)
    ordered = sorted(payments, key=lambda row: (row.paid_on, row.id))
    taken: set[int] = set()
    by_reference: dict[str, list[PaymentRow]] = {}
    by_amount_and_day: dict[tuple[Decimal, date], list[PaymentRow]] = {}
    for row in ordered:
        key = normalise_reference(row.reference)
        if key:
            by_reference.setdefault(key, []).append(row)
        by_amount_and_day.setdefault((row.amount, row.paid_on), []).append(row)

    results: list[LineResult | None] = [None] * len(lines)
    for index, line in enumerate(lines):
        for row in by_reference.get(normalise_reference(line.reference), []) if line.reference.strip() else []:
            if row.id not in taken and row.amount == line.amount:
                taken.add(row.id)
                results[index] = LineResult(line, MATCHED, row.id)
                break
    for index, line in enumerate(lines):
        if results[index] is not None:
            continue
        same_reference = [
            row
            for row in (by_reference.get(normalise_reference(line.reference), []) if line.reference.strip() else [])
            if row.id not in taken
        ]
        if same_reference:
            row = same_reference[0]
            taken.add(row.id)
            results[index] = LineResult(line, POSSIBLE, row.id, labels["amount_differs"])
            continue
        was_rejected = (
            rejected_by_reference.get(normalise_reference(line.reference)) if line.reference.strip() else None
        )
        if was_rejected is not None:
            results[index] = LineResult(
                line, UNMATCHED, note=labels["rejected"] % {"household": was_rejected.household}
            )
            continue
        for row in by_amount_and_day.get((line.amount, line.day), []):
            if row.id not in taken:
                taken.add(row.id)
                results[index] = LineResult(line, POSSIBLE, row.id, labels["amount_and_date"])
                break
        else:
            results[index] = LineResult(line, UNMATCHED)
    unmatched = [row.id for row in ordered if row.id not in taken and date_from <= row.paid_on <= date_to]
    return MatchResult(
        date_from=date_from,
        date_to=date_to,
        lines=[result for result in results if result is not None],
        payments={row.id: row for row in ordered},
        unmatched_payments=unmatched,
    )
