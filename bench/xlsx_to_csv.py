"""Save each sheet of an .xlsx as a UTF-8 CSV file named by the sheet (房屋.csv …), the import's CSV format.

    .venv/bin/python bench/xlsx_to_csv.py LEDGER.xlsx OUT_DIR

For the import of a ledger too large for one Excel sheet (100,000 households: 2.4 million 应收 rows) as CSV files.
Dates are written as the import reads them in a CSV (YYYY-MM-DD); prints JSON: rows written per sheet and seconds.
"""

import csv
import json
import sys
import time
from datetime import date, datetime
from pathlib import Path

from python_calamine import CalamineWorkbook


def cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def main(path: str, out_dir: str) -> int:
    started = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    book = CalamineWorkbook.from_path(path)
    counts = {}
    for name in book.sheet_names:
        rows = book.get_sheet_by_name(name).to_python()
        with (out / f"{name}.csv").open("w", encoding="utf-8", newline="") as target:
            writer = csv.writer(target)
            for row in rows:
                writer.writerow([cell(value) for value in row])
        counts[name] = len(rows) - 1
        del rows
    print(json.dumps({"rows": counts, "seconds": round(time.perf_counter() - started, 1)}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
