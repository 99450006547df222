"""The workbook import: check every sheet (小区, 房屋, 应收, 实收, 员工) in memory, then write them all in one
transaction, or nothing."""

import gc
from collections.abc import Iterable
from pathlib import Path

from django.db import connection, transaction
from django.utils.translation import gettext as _

from arrears.importer.balances import balances_written_once
from arrears.importer.charges import check_charges, write_charges
from arrears.importer.columns import CHARGES, COMMUNITIES, HOUSEHOLDS, PAYMENTS
from arrears.importer.communities import check_communities, write_communities
from arrears.importer.credit import allocate_new_households, apply_credit, plan_new_households
from arrears.importer.foreign_keys import checked_at_once
from arrears.importer.households import check_households, write_households
from arrears.importer.indexes import rebuilt_once
from arrears.importer.payments import check_payments, recheck_closed_days, write_payments
from arrears.importer.result import ImportResult, SheetCounts
from arrears.importer.row import forget_parsed_cells
from arrears.importer.state import ImportState, ProgressCallback
from arrears.importer.workbook import WorkbookError, column_order, iter_rows, open_workbook
from arrears.models import (
    Allocation,
    Building,
    Charge,
    ChargeBalance,
    Community,
    FeeItem,
    Household,
    Owner,
    Payment,
)
from assignments.staff_import import STAFF_SHEET, import_staff
from audit.models import BulkKind
from audit.services import bulk_operation_record

from .template import NOTES_SHEET


def _keep_staff_rows(state: ImportState, rows: Iterable) -> None:
    state.staff_rows = list(rows)


_STAGES = (
    (COMMUNITIES, check_communities),
    (HOUSEHOLDS, check_households),
    (CHARGES, check_charges),
    (PAYMENTS, check_payments),
    (STAFF_SHEET, _keep_staff_rows),
)
# One import writes at a time: each checks against what the one before it wrote.
_LOCK_KEY = 0x57_55_59_45_49_4D  # "WUYEIM"


def ledger_import(
    *,
    path: Path | str,
    dry_run: bool = False,
    user=None,
    more_paths: Iterable[Path | str] = (),
    progress: ProgressCallback | None = None,
) -> ImportResult:
    """Import a ledger workbook (小区, 房屋, 应收, 实收, 员工): an .xlsx, a .csv per sheet (``房屋.csv`` …, the
    others in ``more_paths``) or a .zip of them. Any bad row, or ``dry_run``, rolls everything back.

    Every row is checked first, against lookups of the database read once; only when all are good are the new
    rows written, with one COPY per table, and the payments' credit allocated. A dry run writes too and rolls
    back, so that its counts and allocations are exact. ``user`` is recorded as the verifier of the imported
    payments; ``progress`` is called with a Progress as rows are read, checked and written.
    """
    result = ImportResult(dry_run=dry_run)
    try:
        workbook = open_workbook(path, *more_paths)
    except WorkbookError as exc:
        result.add_error(sheet="", row=0, column="", reason=str(exc))
        return result
    # Hundreds of thousands of rows stay in memory until written: the cyclic collector would walk them all again
    # and again while they grow (they hold no cycles), so it waits until the import is done.
    collecting = gc.isenabled()
    gc.disable()
    try:
        stages = [(spec, check) for spec, check in _STAGES if spec.name in workbook.sheetnames]
        known = {spec.name for spec, _check in _STAGES} | {NOTES_SHEET}
        result.ignored_sheets = [name for name in workbook.sheetnames if name not in known]
        if not stages:
            names = "、".join(spec.name for spec, _check in _STAGES)
            result.add_error(
                sheet="", row=0, column="", reason=_("工作簿中没有可导入的工作表(%(names)s)") % {"names": names}
            )
            return result
        with transaction.atomic():
            _lock()
            state = ImportState(result=result, user=user, progress=progress)
            try:
                _check(state, workbook, stages)
            except WorkbookError as exc:
                result.add_error(sheet="", row=0, column="", reason=str(exc))
            if state.staff_rows:
                import_staff(state, state.staff_rows)
            if result.ok:
                _write(state)
            state.report(phase="done")
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
        forget_parsed_cells()
        if collecting:
            gc.enable()
    return result


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


def _check(state: ImportState, workbook, stages) -> None:
    result = state.result
    header_failed = False
    for spec, check in stages:
        result.counts[spec.name] = SheetCounts()
        state.report(phase="reading")
        height, rows = workbook.sheet(spec.name)
        state.report(rows_total=state.progress.rows_total + max(height - 1, 0))
        header = next(rows, ())
        state.report(phase="checking", rows_read=state.progress.rows_total)
        order = column_order(header, spec, result)
        header_failed = header_failed or order is None
        if header_failed:
            continue  # after a wrong header row only the other sheets' headers are checked: the rows would all fail
        check(state, state.counted(iter_rows(rows, order), "rows_checked"))


def _write(state: ImportState) -> None:
    """Write what the sheets checked. On PostgreSQL a large import drops the foreign keys of the tables it fills and
    adds them back at the end, checked once each (arrears.importer.foreign_keys: meanwhile the ledger's pages wait),
    and builds the secondary indexes of the tables it (at least) doubles once (arrears.importer.indexes); a dry run,
    rolled back, keeps them."""
    state.report(
        phase="writing",
        rows_to_write=len(state.new_households) + len(state.new_charges) + len(state.new_payments),
    )
    plan_new_households(state)  # in memory, before the tables are held
    new_rows = {} if state.result.dry_run else _new_rows(state)
    with checked_at_once(new_rows, referencing=[model._meta.db_table for model in _LEDGER_TABLES]) as dropped:
        held = {key.table for key in dropped}
        # With its tables held, the tables that at least double get their secondary indexes built once, before
        # anything reads by them, and the balances of the new charges are written once, after their allocations.
        with rebuilt_once(new_rows, held=held):
            write_communities(state)
            write_households(state)
            if state.new_payments and not recheck_closed_days(state):
                return
            with balances_written_once(held=held) as new_charge_ids:
                charge_ids = write_charges(state)
                new_charge_ids.extend(charge_ids)
                payment_ids = write_payments(state)
                existing = allocate_new_households(state, charge_ids=charge_ids, payment_ids=payment_ids)
        apply_credit(household_ids=existing, result=state.result, statistics=state.statistics)
    state.statistics.analyze(Household, Charge, Payment, Allocation)
    state.result.communities = sorted(state.touched_communities())


# The tables the import's rows point to; keys to others (the users on a payment) are never dropped.
_LEDGER_TABLES = (Community, Building, Owner, Household, FeeItem, Charge, Payment)


def _new_rows(state: ImportState) -> dict[str, int]:
    """Rows about to be written, by table (a balance per charge, by the triggers; about an allocation a payment)."""
    return {
        Owner._meta.db_table: len(state.new_owners),
        Household._meta.db_table: len(state.new_households),
        Charge._meta.db_table: len(state.new_charges),
        ChargeBalance._meta.db_table: len(state.new_charges),
        Payment._meta.db_table: len(state.new_payments),
        Allocation._meta.db_table: len(state.new_payments),
    }
