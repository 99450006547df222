"""The ledger of a community as a workbook in the import format (小区, 房屋, 应收, 实收): import it back as is.

Only verified payments are written: pending and rejected ones are not money received, and a reversed one no
longer counts. Rows stream from the database in chunks and into the file row by row, so 100,000 households
with 24 months of charges export in constant memory (apart from a map of household ids to their keys).

A sheet has room for 1,048,575 data rows in Excel; a larger ledger is still written and imported whole, but
Excel cannot open the 应收 and 实收 sheets past that row (``ExportSummary.fits_excel``).
"""

from dataclasses import dataclass
from pathlib import Path

from arrears.importer.columns import (
    CHANNEL_LABELS,
    CHARGES,
    COMMUNITIES,
    HOUSEHOLD_KIND_LABELS,
    HOUSEHOLDS,
    OCCUPANCY_LABELS,
    OWNER_KIND_LABELS,
    PAYMENTS,
)
from arrears.models import Charge, Community, FeeItem, Household, Payment
from arrears.models.ledger import PaymentStatus

from .xlsx import EXCEL_MAX_ROWS, Money, StreamingWorkbook

CHUNK = 10_000

# The import's label maps, turned round: stored value → the label finance reads.
_KIND = {value: label for label, value in HOUSEHOLD_KIND_LABELS.items()}
_OCCUPANCY = {value: label for label, value in OCCUPANCY_LABELS.items()}
_OWNER_KIND = {value: label for label, value in OWNER_KIND_LABELS.items()}
_CHANNEL = {value: label for label, value in CHANNEL_LABELS.items()}


@dataclass(frozen=True)
class ExportSummary:
    """Rows written to each sheet."""

    households: int
    charges: int
    payments: int

    @property
    def fits_excel(self) -> bool:
        return max(self.households, self.charges, self.payments) < EXCEL_MAX_ROWS


def write_ledger_workbook(*, community: Community, path: Path | str) -> ExportSummary:
    """Write ``community``'s households, owners, charges and verified payments to an .xlsx at ``path``."""
    keys: dict[int, tuple[str, str, str]] = {}
    with StreamingWorkbook(path) as workbook:
        workbook.write_sheet(COMMUNITIES.name, COMMUNITIES.columns, [_community_row(community)], (10, 16, 28))
        households = workbook.write_sheet(
            HOUSEHOLDS.name,
            HOUSEHOLDS.columns,
            _household_rows(community, keys),
            (10, 6, 6, 8, 10, 8, 8, 24, 8, 14, 14, 36),
        )
        charges = workbook.write_sheet(
            CHARGES.name, CHARGES.columns, _charge_rows(community, keys), (10, 6, 6, 8, 10, 12, 12, 12, 12)
        )
        payments = workbook.write_sheet(
            PAYMENTS.name, PAYMENTS.columns, _payment_rows(community, keys), (10, 6, 6, 8, 12, 12, 10, 18, 20)
        )
    return ExportSummary(households=households, charges=charges, payments=payments)


def _community_row(community: Community) -> tuple:
    return (
        community.code,
        community.name,
        community.company_name,
        community.late_fee_daily_rate.normalize(),
        community.late_fee_grace_days,
        community.late_fee_cap_ratio.normalize() if community.late_fee_cap_ratio is not None else None,
        community.annual_target.normalize(),
    )


def _household_rows(community: Community, keys: dict[int, tuple[str, str, str]]):
    rows = (
        Household.objects.filter(community=community)
        .order_by("id")
        .values_list(
            "id",
            "building__name",
            "unit",
            "room",
            "floor_area",
            "kind",
            "occupancy",
            "owner__name",
            "owner__kind",
            "owner__phone",
            "owner__phone_alt",
            "owner__address",
        )
    )
    code = community.code
    for pk, building, unit, room, area, kind, occupancy, name, owner_kind, phone, phone_alt, address in rows.iterator(
        chunk_size=CHUNK
    ):
        keys[pk] = (building, unit, room)
        yield (
            code,
            building,
            unit,
            room,
            Money(area),
            _KIND[kind],
            _OCCUPANCY[occupancy],
            name,
            _OWNER_KIND.get(owner_kind, ""),
            phone,
            phone_alt,
            address,
        )


def _charge_rows(community: Community, keys: dict[int, tuple[str, str, str]]):
    fee_items = dict(FeeItem.objects.values_list("id", "name"))
    rows = (
        Charge.objects.filter(household__community=community)
        .order_by("household_id", "due_date", "period_start", "id")
        .values_list("household_id", "fee_item_id", "period_start", "period_end", "amount", "due_date")
    )
    code = community.code
    for household_id, fee_item_id, start, end, amount, due in rows.iterator(chunk_size=CHUNK):
        building, unit, room = keys[household_id]
        yield (
            code,
            building,
            unit,
            room,
            fee_items[fee_item_id],
            start.isoformat(),
            end.isoformat(),
            Money(amount),
            due.isoformat(),
        )


def _payment_rows(community: Community, keys: dict[int, tuple[str, str, str]]):
    rows = (
        Payment.objects.filter(community=community, status=PaymentStatus.VERIFIED)
        .order_by("household_id", "paid_on", "id")
        .values_list("household_id", "paid_on", "amount", "channel", "receipt_no", "note")
    )
    code = community.code
    for household_id, paid_on, amount, channel, receipt_no, note in rows.iterator(chunk_size=CHUNK):
        building, unit, room = keys[household_id]
        yield (code, building, unit, room, paid_on.isoformat(), Money(amount), _CHANNEL[channel], receipt_no, note)
