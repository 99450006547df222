"""Export the only community's ledger to an .xlsx (run by bench/run.py in a fresh process); print a JSON summary."""

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from arrears.ledger_export import write_ledger_workbook
    from arrears.models import Community

    started = time.perf_counter()
    summary = write_ledger_workbook(community=Community.objects.get(), path=sys.argv[1])
    print(
        json.dumps(
            {
                "households": summary.households,
                "charges": summary.charges,
                "payments": summary.payments,
                "fits_excel": summary.fits_excel,
                "seconds": round(time.perf_counter() - started, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
