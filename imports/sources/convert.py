"""A foreign sheet's rows as the template's 房屋, 应收 and 实收 rows, imported by the one ledger import.

Every template row remembers the original sheet, row and columns it came from, so an error the ledger import finds
is reported where finance will fix it: in the file they uploaded.
"""

import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.utils.translation import gettext as _
from openpyxl import Workbook

from arrears.importer.columns import (
    CHARGES,
    HOUSEHOLD_KIND_LABELS,
    HOUSEHOLDS,
    OCCUPANCY_LABELS,
    PAYMENTS,
)
from arrears.importer.parse import CellError, is_blank
from arrears.importer.result import ImportResult, RowError
from arrears.importer.state import ProgressCallback
from arrears.models import Community, Household

from ..models import DueDateRule, SourceSettings
from ..workbook_import import ledger_import
from .cells import cell_text
from .rooms import parse_household
from .sheet import is_blank_row, totals_label

HouseholdKey = tuple[str, str, str]  # (楼栋, 单元, 房号)
_KIND_LABEL = {value: label for label, value in HOUSEHOLD_KIND_LABELS.items()}
_OCCUPANCY_LABEL = {value: label for label, value in OCCUPANCY_LABELS.items()}
_ROW_REFERENCE = re.compile(r"第 (\d+) 行")


@dataclass(frozen=True)
class Origin:
    """Where a template row came from: the original sheet and row, and each template column's original column."""

    sheet: str
    row: int
    columns: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Skipped:
    sheet: str
    row: int
    reason: str


@dataclass
class OwnerCells:
    name: str = ""
    phone: str = ""
    area: Decimal | None = None


@dataclass
class Conversion:
    """What a converter made of a file: template rows with their origins, and what it recognised and skipped."""

    community: Community
    result: ImportResult = field(default_factory=lambda: ImportResult(dry_run=True))  # conversion errors
    recognised: list[tuple[str, str]] = field(default_factory=list)  # (original column, what it was read as)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    households: dict[HouseholdKey, tuple[OwnerCells, Origin]] = field(default_factory=dict)
    charges: list[tuple[tuple, Origin]] = field(default_factory=list)
    payments: list[tuple[tuple, Origin]] = field(default_factory=list)
    read_rows: int = 0
    # How far the converter has come through the rows below the headers, for the job's progress bar.
    rows_seen: int = 0
    rows_to_convert: int = 0
    on_rows: Callable[[int, int], None] | None = field(default=None, repr=False)

    def error(self, *, sheet: str, row: int, column: str, reason: str) -> None:
        self.result.add_error(sheet=sheet, row=row, column=column, reason=reason)

    def skip(self, *, sheet: str, row: int, reason: str) -> None:
        self.skipped.append(Skipped(sheet, row, reason))

    def household(self, key: HouseholdKey, owner: OwnerCells, origin: Origin) -> None:
        """Remember the household (first row wins); a later row naming another owner is an error."""
        known = self.households.get(key)
        if known is None:
            self.households[key] = (owner, origin)
            return
        first, first_origin = known
        if owner.name and first.name and owner.name != first.name:
            self.error(
                sheet=origin.sheet,
                row=origin.row,
                column=origin.columns.get("业主姓名", ""),
                reason=_("同一房屋的业主与第 %(row)d 行不同") % {"row": first_origin.row},
            )
        elif owner.name and not first.name:
            self.households[key] = (owner, origin)

    def charge(self, key: HouseholdKey, fee_item: str, start: date, end: date, amount: Decimal, due: date, origin):
        self.charges.append(((*key, fee_item, start, end, f"{amount:.2f}", due), origin))

    def payment(self, key: HouseholdKey, paid_on: date, amount: Decimal, channel: str, receipt: str, note: str, origin):
        self.payments.append(((*key, paid_on, f"{amount:.2f}", channel, receipt, note[:300]), origin))


def due_date(settings: SourceSettings | None, start: date, end: date) -> date:
    """The due date of a charge whose sheet gives none: the community's rule, the period's start by default."""
    if settings is None:
        return start
    base = end if settings.due_date_rule == DueDateRule.PERIOD_END else start
    return base + timedelta(days=settings.due_days_after)


def settings_of(community: Community) -> SourceSettings | None:
    return SourceSettings.objects.filter(community=community).first()


def _household_rows(conversion: Conversion):
    """One 房屋 row per household: an existing one as it stands (only its owner may change), a new one as read."""
    community = conversion.community
    existing = {
        (household.building.name, household.unit, household.room): household
        for household in Household.objects.filter(community=community).select_related("building", "owner")
    }
    for key, (owner, origin) in conversion.households.items():
        household = existing.get(key)
        if household is None:
            area = owner.area if owner.area is not None else Decimal("0.00")
            kind, occupancy = "住宅", "已入住"
        else:
            area = household.floor_area
            kind, occupancy = _KIND_LABEL[household.kind], _OCCUPANCY_LABEL[household.occupancy]
        phone = owner.phone
        if household is not None and household.owner and owner.name == household.owner.name and not phone:
            phone = household.owner.phone  # the same owner, whose phone the sheet leaves out
        values = (community.code, *key, f"{area:.2f}", kind, occupancy, owner.name, "", phone, "", "")
        yield values, origin


def _write_template(conversion: Conversion, path: Path) -> dict[tuple[str, int], Origin]:
    workbook = Workbook(write_only=True)
    origins: dict[tuple[str, int], Origin] = {}
    code = conversion.community.code
    sheets = (
        (HOUSEHOLDS, list(_household_rows(conversion))),
        (CHARGES, [((code, *values), origin) for values, origin in conversion.charges]),
        (PAYMENTS, [((code, *values), origin) for values, origin in conversion.payments]),
    )
    for spec, rows in sheets:
        if not rows:
            continue
        sheet = workbook.create_sheet(spec.name)
        sheet.append(spec.columns)
        for number, (values, origin) in enumerate(rows, 2):
            sheet.append(list(values))
            origins[(spec.name, number)] = origin
    workbook.save(path)
    return origins


def _translate(result: ImportResult, origins: dict[tuple[str, int], Origin]) -> ImportResult:
    """The ledger import's errors, moved to the original sheet's rows and columns."""
    translated = ImportResult(dry_run=result.dry_run)
    for error in result.errors:
        origin = origins.get((error.sheet, error.row))
        if origin is None:
            translated.errors.append(error)
            continue

        def original_row(match, sheet=error.sheet):
            source = origins.get((sheet, int(match.group(1))))
            return _("第 %(row)d 行") % {"row": source.row} if source else match.group(0)

        translated.errors.append(
            RowError(
                sheet=origin.sheet,
                row=origin.row,
                column=origin.columns.get(error.column, error.column),
                reason=_ROW_REFERENCE.sub(original_row, error.reason),
            )
        )
    translated.error_count = result.error_count
    for name in ("counts", "allocation_count", "allocated", "credit_left", "role_changes", "communities"):
        setattr(translated, name, getattr(result, name))
    return translated


def conversion_import(
    *, conversion: Conversion, dry_run: bool, user, progress: ProgressCallback | None = None
) -> ImportResult:
    """Import what the converter made, through the ledger import; any error anywhere writes nothing.

    ``progress`` is called as the ledger import checks and writes the template rows."""
    if not conversion.result.ok:
        conversion.result.dry_run = dry_run
        return conversion.result
    if not (conversion.charges or conversion.payments):
        result = ImportResult(dry_run=dry_run)
        result.add_error(sheet="", row=0, column="", reason=_("文件中没有可导入的应收或收款"))
        return result
    with tempfile.TemporaryDirectory(prefix="wuye-import-") as folder:
        path = Path(folder) / "template.xlsx"
        origins = _write_template(conversion, path)
        result = ledger_import(path=path, dry_run=dry_run, user=user, progress=progress)
    return _translate(result, origins)


def data_rows(conversion: Conversion, sheet, header_row: int, names_household):
    """(Excel row number, cells) of the rows below the header that hold data.

    Blank rows and totals rows (合计, 小计 …) are skipped, and so is what follows a totals row without naming a
    household (制表人, 审核 …); each skip is in the report with its reason. ``names_household(row)`` tells
    whether a row names a household.
    """
    after_totals = False
    conversion.rows_to_convert += max(len(sheet) - header_row, 0)
    for number in range(header_row + 1, len(sheet) + 1):
        conversion.rows_seen += 1
        if conversion.on_rows is not None:
            conversion.on_rows(conversion.rows_seen, conversion.rows_to_convert)
        row = sheet.row(number)
        if is_blank_row(row):
            conversion.skip(sheet=sheet.name, row=number, reason=_("空行"))
            continue
        label = totals_label(row)
        if label:
            conversion.skip(sheet=sheet.name, row=number, reason=_("合计行(「%(label)s」)") % {"label": label})
            after_totals = True
            continue
        if after_totals and not names_household(row):
            conversion.skip(sheet=sheet.name, row=number, reason=_("合计行之后的表尾(没有房屋)"))
            continue
        conversion.read_rows += 1
        yield number, row


def names_household_in(index: int):
    """A ``names_household`` for data_rows: the cell at ``index`` reads as 楼栋-单元-房号."""

    def check(row: list) -> bool:
        if index >= len(row) or is_blank(row[index]):
            return False
        try:
            parse_household(cell_text(row[index]))
        except CellError:
            return False
        return True

    return check
