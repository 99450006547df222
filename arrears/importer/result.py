"""What an import did, or why it wrote nothing: counts per sheet and the bad cells."""

from dataclasses import asdict, dataclass, field
from decimal import Decimal

from arrears.money import ZERO

# The report lists this many bad cells and counts the rest: past a few hundred, the fix is in the export.
MAX_REPORTED_ERRORS = 200


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int  # the Excel row number; 0 when the problem is the file itself
    column: str
    reason: str


@dataclass
class SheetCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class RoleChange:
    """An employee whose roles the import gives or changes: ``before`` is empty for a new login."""

    login: str
    name: str
    before: tuple[str, ...]
    after: tuple[str, ...]


@dataclass
class ImportResult:
    dry_run: bool
    counts: dict[str, SheetCounts] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    allocation_count: int = 0
    allocated: Decimal = ZERO
    credit_left: Decimal = ZERO  # what the payments touched by the import still hold unallocated
    ignored_sheets: list[str] = field(default_factory=list)  # sheets of other names, left unread
    role_changes: list[RoleChange] = field(default_factory=list)  # shown in the preview before anything is written
    communities: list[str] = field(default_factory=list)  # codes of the communities the import adds to or changes

    def add_error(self, *, sheet: str, row: int, column: str, reason: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(RowError(sheet=sheet, row=row, column=column, reason=reason))

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run

    @property
    def unreported_error_count(self) -> int:
        return self.error_count - len(self.errors)

    def as_report(self) -> dict:
        """as_dict() with the outcome and the bad cells, for the page that shows a job's result."""
        return {
            **self.as_dict(),
            "ok": self.ok,
            "dry_run": self.dry_run,
            "written": self.written,
            "error_count": self.error_count,
            "unreported_error_count": self.unreported_error_count,
            "errors": [asdict(error) for error in self.errors],
        }

    def as_dict(self) -> dict:
        """A JSON-safe summary (money as strings), kept with an upload once it is imported."""
        return {
            "counts": {sheet: vars(counts) for sheet, counts in self.counts.items()},
            "allocation_count": self.allocation_count,
            "allocated": f"{self.allocated:.2f}",
            "credit_left": f"{self.credit_left:.2f}",
            "ignored_sheets": self.ignored_sheets,
            "communities": self.communities,
            "role_changes": [
                {**asdict(change), "before": list(change.before), "after": list(change.after)}
                for change in self.role_changes
            ],
        }
