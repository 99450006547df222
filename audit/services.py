"""Writing to the audit trail where no model signal does: bulk writes."""

import hashlib
from pathlib import Path

from django.db import transaction

from .models import BulkOperation


def file_sha256(path: Path | str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


@transaction.atomic
def bulk_operation_record(
    *, kind: str, counts: dict, description: str = "", path: Path | str | None = None, actor=None
) -> BulkOperation:
    """Record a bulk write (its counts, and the file's SHA-256 when it came from a file) as one trail entry.

    Call inside the bulk write's transaction, so that the entry and the rows commit or roll back together."""
    return BulkOperation.objects.create(
        kind=kind,
        counts=counts,
        description=description[:255],
        file_sha256=file_sha256(path) if path else "",
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
