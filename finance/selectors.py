"""Reads of the finance pages: the pending queue, a community's day, statement candidates."""

from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from arrears.models import Community, DayClose, Payment, PaymentReversal
from arrears.models.ledger import PaymentChannel, PaymentStatus
from arrears.money import ZERO

# Payments that were money received on their day: verified, and verified then reversed later.
RECEIVED = (PaymentStatus.VERIFIED, PaymentStatus.REVERSED)


def pending_payments() -> QuerySet[Payment]:
    """Payments waiting for finance, oldest first, with what the queue shows."""
    return (
        Payment.objects.filter(status=PaymentStatus.PENDING)
        .select_related("community", "household__building", "collected_by__staff")
        .order_by("paid_on", "id")
    )


def person_name(user) -> str:
    """The staff name of a user, else their full name or login; '' for nobody."""
    if user is None:
        return ""
    staff = getattr(user, "staff", None)
    return staff.name if staff is not None else (user.get_full_name() or user.get_username())


@dataclass
class Line:
    """One group of a day's report: a channel or a collector, with its count and amount."""

    key: str
    label: str
    count: int
    amount: Decimal


@dataclass
class DayReport:
    """A community's day: verified payments dated that day by channel and collector, reversals dated that day."""

    community_code: str
    day: date
    by_channel: list[Line] = field(default_factory=list)
    by_collector: list[Line] = field(default_factory=list)
    received_count: int = 0
    received: Decimal = ZERO
    reversal_count: int = 0
    reversed: Decimal = ZERO
    pending_today: int = 0
    pending_up_to: int = 0  # pending payments dated on or before the day: closing waits for them

    @property
    def net(self) -> Decimal:
        return self.received - self.reversed

    def as_dict(self) -> dict:
        """JSON-ready (money as strings with two decimals), for the DayClose snapshot."""

        def lines(rows):
            return [{**asdict(row), "amount": f"{row.amount:.2f}"} for row in rows]

        return {
            "community": self.community_code,
            "day": self.day.isoformat(),
            "by_channel": lines(self.by_channel),
            "by_collector": lines(self.by_collector),
            "received_count": self.received_count,
            "received": f"{self.received:.2f}",
            "reversal_count": self.reversal_count,
            "reversed": f"{self.reversed:.2f}",
            "net": f"{self.net:.2f}",
        }

    @classmethod
    def from_dict(cls, data: dict) -> "DayReport":
        def lines(rows):
            return [Line(row["key"], row["label"], row["count"], Decimal(row["amount"])) for row in rows]

        return cls(
            community_code=data["community"],
            day=date.fromisoformat(data["day"]),
            by_channel=lines(data["by_channel"]),
            by_collector=lines(data["by_collector"]),
            received_count=data["received_count"],
            received=Decimal(data["received"]),
            reversal_count=data["reversal_count"],
            reversed=Decimal(data["reversed"]),
        )


def day_payments(community: Community, day: date) -> QuerySet[Payment]:
    """Money received on the day: payments dated on it that finance verified (later reversals included),
    excluding those brought in by the ledger import."""
    return Payment.objects.filter(community=community, paid_on=day, status__in=RECEIVED, imported=False)


def day_reversals(community: Community, day: date) -> QuerySet[PaymentReversal]:
    return PaymentReversal.objects.filter(payment__community=community, reversed_on=day)


def day_report(community: Community, day: date) -> DayReport:
    """The day's figures as they stand now (four queries)."""
    payments = day_payments(community, day).order_by()
    channel_labels = dict(PaymentChannel.choices)
    by_channel = [
        Line(row["channel"], str(channel_labels.get(row["channel"], row["channel"])), row["n"], row["total"])
        for row in payments.values("channel").annotate(n=Count("pk"), total=Sum("amount")).order_by("channel")
    ]
    collectors = (
        payments.values("collected_by", "collected_by__username", "collected_by__staff__name")
        .annotate(n=Count("pk"), total=Sum("amount"))
        .order_by("collected_by__staff__name", "collected_by__username")
    )
    by_collector = [
        Line(
            str(row["collected_by"] or ""),
            row["collected_by__staff__name"] or row["collected_by__username"] or _("(未登记收款人)"),
            row["n"],
            row["total"],
        )
        for row in collectors
    ]
    reversals = day_reversals(community, day).aggregate(n=Count("pk"), total=Sum("payment__amount"))
    pending = Payment.objects.filter(community=community, status=PaymentStatus.PENDING, paid_on__lte=day).aggregate(
        today=Count("pk", filter=Q(paid_on=day)), up_to=Count("pk")
    )
    return DayReport(
        community_code=community.code,
        day=day,
        by_channel=by_channel,
        by_collector=by_collector,
        received_count=sum(line.count for line in by_channel),
        received=sum((line.amount for line in by_channel), ZERO),
        reversal_count=reversals["n"],
        reversed=reversals["total"] or ZERO,
        pending_today=pending["today"],
        pending_up_to=pending["up_to"],
    )


def day_close_of(community: Community, day: date) -> DayClose | None:
    return DayClose.objects.filter(community=community, day=day).select_related("closed_by").first()


REFERENCE_CHUNK = 500
WINDOW_CHUNK = 100  # date spans OR-ed in one query (two parameters each)


def statement_rejected(community: Community, lines) -> list:
    """The community's rejected payments whose reference appears in the statement (in chunks, as below)."""
    from .matching import PaymentRow

    references = sorted({line.reference.strip() for line in lines if line.reference.strip()})
    base = Payment.objects.filter(community=community, status=PaymentStatus.REJECTED).select_related(
        "household__building"
    )
    rows = []
    for start in range(0, len(references), REFERENCE_CHUNK):
        for payment in base.filter(reference__in=references[start : start + REFERENCE_CHUNK]).order_by("pk"):
            rows.append(
                PaymentRow(
                    id=payment.pk,
                    paid_on=payment.paid_on,
                    amount=payment.amount,
                    reference=payment.reference,
                    household=payment.household.label,
                    status=str(payment.get_status_display()),
                )
            )
    return rows


def statement_candidates(community: Community, lines) -> list:
    """The community's non-cash payments (pending or verified) that the statement's lines may match: those dated
    within STATEMENT_MATCH_DAYS of one of its lines (not every day between its first and last: a statement of two
    lines years apart is not compared with years of payments), and any whose reference appears in it (both looked
    up in chunks, so that a long statement stays within the database's limit on query parameters)."""
    from .matching import PaymentRow, date_windows

    windows = date_windows((line.day for line in lines), settings.STATEMENT_MATCH_DAYS)
    references = sorted({line.reference.strip() for line in lines if line.reference.strip()})
    base = (
        Payment.objects.filter(community=community, status__in=(PaymentStatus.PENDING, PaymentStatus.VERIFIED))
        .exclude(channel=PaymentChannel.CASH)
        .select_related("household__building", "collected_by__staff")
    )
    found = {}
    for start in range(0, len(windows), WINDOW_CHUNK):
        spans = Q()
        for low, high in windows[start : start + WINDOW_CHUNK]:
            spans |= Q(paid_on__range=(low, high))
        found.update((payment.pk, payment) for payment in base.filter(spans))
    for start in range(0, len(references), REFERENCE_CHUNK):
        chunk = references[start : start + REFERENCE_CHUNK]
        for payment in base.filter(reference__in=chunk):
            found.setdefault(payment.pk, payment)
    return [
        PaymentRow(
            id=payment.pk,
            paid_on=payment.paid_on,
            amount=payment.amount,
            reference=payment.reference,
            household=payment.household.label,
            channel=str(payment.get_channel_display()),
            status=str(payment.get_status_display()),
            receipt_no=payment.receipt_no or "",
            collector=person_name(payment.collected_by),
        )
        for payment in found.values()
    ]
