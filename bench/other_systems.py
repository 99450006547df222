"""How long converting another system's export takes, beside the ledger import of what it converts to.

    DJANGO_SETTINGS_MODULE=config.settings_test .venv/bin/python bench/other_systems.py --households 2000 --months 12

Builds an HC小区管理系统 export (房屋费用信息: the last months owed; 房屋缴费历史: the months before, paid) in a
scratch SQLite database, then times reading and converting it (hc_convert) and the dry run of the ledger import of
the result (conversion_import). The conversion is a step in front of the import: it should cost less than the import.
"""

import argparse
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def export(path: Path, households: int, months: int) -> int:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    fees, history = workbook.create_sheet("房屋费用信息"), workbook.create_sheet("房屋缴费历史")
    fees.append(["房屋编号", "费用名称", "计费周期", None, "金额"])
    fees.append([None, None, "开始时间", "结束时间", None])
    history.append(["房屋缴费历史"])
    history.append(
        [
            "房屋编号",
            "收费项目",
            "缴费周期",
            "开始时间",
            "结束时间",
            "缴费时间",
            "应缴金额",
            "实缴金额",
            "收银员",
            "备注",
        ]
    )
    rows = 0
    for number in range(households):
        house = f"{number // 200 + 1}-{number // 100 % 2 + 1}-{number % 100 + 101}"
        for month in range(1, months + 1):
            start, end = date(2025, month, 1), date(2025, month, 28)
            if month <= months // 2:
                history.append(
                    [
                        house,
                        "物业费",
                        "1",
                        start.isoformat(),
                        end.isoformat(),
                        f"2025-{month:02d}-10",
                        "¥1,234.50",
                        "1,234.50",
                        "李四",
                        "",
                    ]
                )
            else:
                fees.append([house, "物业费", (start - date(1899, 12, 30)).days, end.isoformat(), "1234.5"])
            rows += 1
    fees.append(["合计", None, None, None, "0"])
    workbook.save(path)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=2000)
    parser.add_argument("--months", type=int, default=12)
    options = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    import django

    django.setup()
    from django.test.utils import setup_databases

    setup_databases(verbosity=0, interactive=False)
    from arrears.models import Community
    from imports.sources.convert import conversion_import
    from imports.sources.hc import hc_convert

    community = Community.objects.create(code="BENCH", name="基准小区", company_name="基准物业")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "hc.xlsx"
        rows = export(path, options.households, options.months)
        started = time.perf_counter()
        conversion = hc_convert(path=path, community=community, channel="现金")
        converted = time.perf_counter() - started
        assert conversion.result.ok, conversion.result.errors[:3]
        started = time.perf_counter()
        result = conversion_import(conversion=conversion, dry_run=True, user=None)
        imported = time.perf_counter() - started
        assert result.ok, result.errors[:3]
    print(f"rows {rows} (households {options.households} x months {options.months})")
    print(f"read and convert the HC export: {converted:.1f} s")
    print(f"ledger import of the result (dry run, the limit): {imported:.1f} s")
    print("within the limit" if converted <= imported else "OVER the limit")


if __name__ == "__main__":
    main()
