"""The floor the import is measured against: read every sheet of a workbook with python-calamine and COPY all its
rows, as text, into one temporary table with no constraints, in one transaction.

    .venv/bin/python bench/raw_read.py LEDGER.xlsx DATABASE_URL
    .venv/bin/python bench/raw_read.py FOLDER_OF_CSV DATABASE_URL

No checking, no lookups, no ids, no triggers: what reading the file and moving its rows into PostgreSQL costs at
least. Prints JSON: rows copied and seconds for the read and the COPY. A folder's .csv files (UTF-8, one a sheet)
are read as a stream, row by row, while they are copied: its "read_seconds" is then the time to open them.
"""

import csv
import json
import sys
import time
from pathlib import Path

import psycopg
from python_calamine import CalamineWorkbook

WIDTH = 12  # the widest sheet (房屋)


def main(path: str, url: str) -> int:
    started = time.perf_counter()
    if Path(path).is_dir():
        files = [file.open(encoding="utf-8", newline="") for file in sorted(Path(path).glob("*.csv"))]
        sheets = {Path(file.name).stem: csv.reader(file) for file in files}
    else:
        book = CalamineWorkbook.from_path(path)
        sheets = {name: iter(book.get_sheet_by_name(name).to_python()) for name in book.sheet_names}
    read = time.perf_counter() - started
    count = 0
    with psycopg.connect(url) as connection, connection.cursor() as cursor:
        columns = ", ".join(f"c{i} text" for i in range(WIDTH))
        cursor.execute(f"CREATE TEMPORARY TABLE raw_rows (sheet text, {columns})")
        with cursor.copy("COPY raw_rows FROM STDIN") as copy:
            for name, rows in sheets.items():
                next(rows, None)  # the header
                for row in rows:
                    cells = ["" if value is None else str(value) for value in row[:WIDTH]]
                    copy.write_row([name, *cells, *[None] * (WIDTH - len(cells))])
                    count += 1
        connection.commit()
    print(json.dumps({"rows": count, "read_seconds": round(read, 2), "total_seconds": time.perf_counter() - started}))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
