"""Reading the ledger sheets of a workbook (小区, 房屋, 应收, 实收): cells, rows, lookups and each sheet's stage.

The whole import (which sheets, one transaction, the pages and the command) is ``imports/``.
"""

from .result import ImportResult, RowError, SheetCounts

__all__ = ["ImportResult", "RowError", "SheetCounts"]
