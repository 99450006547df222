"""Benchmark of statement matching: parse an N-line CSV statement and match it to N payments (no database).

    .venv/bin/python bench/statement_match.py [--lines 20000]

Half the lines carry the payment's reference (matched), a quarter only its amount and date (possible), a quarter
nothing known (unmatched); prints the time to parse and to match.
"""

import argparse
import os
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django  # noqa: E402

django.setup()

from finance.matching import MATCHED, POSSIBLE, UNMATCHED, PaymentRow, match_statement  # noqa: E402
from finance.statements import parse_statement  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=20_000)
    count = parser.parse_args().lines
    start = date(2026, 3, 1)
    payments, rows = [], ["交易时间,金额(元),交易单号"]
    for n in range(count):
        day = start + timedelta(days=n % 28)
        amount = Decimal(100 + n % 500) + Decimal("0.50")
        payments.append(PaymentRow(id=n + 1, paid_on=day, amount=amount, reference=f"WX{n:08d}"))
        kind = n % 4
        reference = f"WX{n:08d}" if kind < 2 else ("" if kind == 2 else f"ZZ{n:08d}")
        line_amount = amount if kind < 3 else amount + 1
        rows.append(f"{day:%Y-%m-%d} 10:00:00,¥{line_amount},{reference}")
    data = ("\n".join(rows) + "\n").encode()

    began = time.perf_counter()
    lines = parse_statement("bench.csv", data)
    parsed = time.perf_counter()
    result = match_statement(lines, payments)
    matched = time.perf_counter()
    print(f"lines: {len(lines)}  payments: {len(payments)}")
    print(f"parse: {parsed - began:.2f} s  match: {matched - parsed:.2f} s")
    print(
        f"matched {result.count(MATCHED)}  possible {result.count(POSSIBLE)}  unmatched {result.count(UNMATCHED)}  "
        f"unmatched payments {len(result.unmatched_payments)}"
    )


if __name__ == "__main__":
    main()
