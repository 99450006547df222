"""The Excel import of the ledger finance keeps: 小区, 房屋, 应收, 实收, all or nothing."""

from .ledger_import import ledger_import
from .result import ImportResult, RowError, SheetCounts

__all__ = ["ImportResult", "RowError", "SheetCounts", "ledger_import"]
