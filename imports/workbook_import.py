"""The workbook import: check every sheet (小区, 房屋, 应收, 实收, 员工), write them all in one transaction or none."""

from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from arrears.importer.charges import import_charges
from arrears.importer.columns import CHARGES, COMMUNITIES, HOUSEHOLDS, PAYMENTS
from arrears.importer.communities import import_communities
from arrears.importer.credit import apply_credit
from arrears.importer.households import import_households
from arrears.importer.payments import import_payments
from arrears.importer.result import ImportResult, SheetCounts
from arrears.importer.state import ImportState
from arrears.importer.workbook import WorkbookError, column_order, iter_rows, open_workbook
from assignments.staff_import import STAFF_SHEET, import_staff
from audit.models import BulkKind
from audit.services import bulk_operation_record

from .template import NOTES_SHEET

_STAGES = (
    (COMMUNITIES, import_communities),
    (HOUSEHOLDS, import_households),
    (CHARGES, import_charges),
    (PAYMENTS, import_payments),
    (STAFF_SHEET, import_staff),
)


def ledger_import(*, path: Path | str, dry_run: bool = False, user=None) -> ImportResult:
    """Import a ledger workbook (小区, 房屋, 应收, 实收, 员工). Any bad row, or ``dry_run``, rolls everything back.

    Rows are written as they are read, inside one transaction, so that later rows see earlier ones and the
    counts are exact; errors are collected to the end, then the transaction is rolled back. ``user`` is
    recorded as the verifier of the imported payments.
    """
    result = ImportResult(dry_run=dry_run)
    try:
        workbook = open_workbook(path)
    except WorkbookError as exc:
        result.add_error(sheet="", row=0, column="", reason=str(exc))
        return result
    try:
        sheets = [
            (spec, stage, workbook[spec.name], column_order(workbook[spec.name], spec, result))
            for spec, stage in _STAGES
            if spec.name in workbook.sheetnames
        ]
        known = {spec.name for spec, _stage in _STAGES} | {NOTES_SHEET}
        result.ignored_sheets = [name for name in workbook.sheetnames if name not in known]
        if not sheets:
            names = "、".join(spec.name for spec, _stage in _STAGES)
            result.add_error(
                sheet="",
                row=0,
                column="",
                reason=_("工作簿中没有可导入的工作表(%(names)s)") % {"names": names},
            )
        if not result.ok:
            return result
        with transaction.atomic():
            state = ImportState(result=result, user=user)
            for spec, stage, worksheet, order in sheets:
                result.counts[spec.name] = SheetCounts()
                stage(state, iter_rows(worksheet, order))
            if result.ok:
                apply_credit(household_ids=state.touched, result=result, statistics=state.statistics)
            if result.written:
                # The rows went in by COPY and bulk writes, which leave no entry per row: one entry for the import.
                bulk_operation_record(
                    kind=BulkKind.LEDGER_IMPORT,
                    counts=result.as_dict(),
                    description=Path(path).name,
                    path=path,
                    actor=user,
                )
            else:
                transaction.set_rollback(True)
    finally:
        workbook.close()
    return result
