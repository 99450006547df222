"""Files from other systems waiting for their mapping and confirmation, under MEDIA_ROOT/imports/other/.

``<token>.xlsx`` (or ``.xls``) is the file as uploaded; ``<token>.json`` what it is and how to read it (source,
community, mapping), and the result once imported; ``<token>.claim`` exists while it is being imported.
"""

import json
import os
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.utils import timezone

STALE_CLAIM_SECONDS = 2 * 60 * 60


def upload_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / "other"


class SourceUpload:
    """An uploaded foreign workbook and what is known about it."""

    def __init__(self, token: uuid.UUID, meta: dict | None = None):
        self.token = token
        self._base = upload_dir() / str(token)
        self._meta_path = self._base.with_suffix(".json")
        self._claim = self._base.with_suffix(".claim")
        self.meta = meta if meta is not None else self._load()

    def _load(self) -> dict:
        try:
            return json.loads(self._meta_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}

    @classmethod
    def save(cls, upload, *, meta: dict) -> "SourceUpload":
        extension = ".xls" if upload.name.lower().endswith(".xls") else ".xlsx"
        stored = cls(uuid.uuid4(), {**meta, "extension": extension, "name": upload.name})
        stored._base.parent.mkdir(parents=True, exist_ok=True)
        with stored.path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        stored.write()
        return stored

    @property
    def path(self) -> Path:
        return self._base.with_suffix(self.meta.get("extension", ".xlsx"))

    def exists(self) -> bool:
        return bool(self.meta) and self.path.is_file()

    def write(self) -> None:
        self._meta_path.write_text(json.dumps(self.meta, ensure_ascii=False), encoding="utf-8")

    @property
    def mapping(self) -> dict[int, str] | None:
        stored = self.meta.get("mapping")
        return None if stored is None else {int(index): target for index, target in stored.items()}

    def set_mapping(self, mapping: dict[int, str]) -> None:
        self.meta["mapping"] = {str(index): target for index, target in mapping.items()}
        self.write()

    def claim(self) -> bool:
        """Take the right to import this file; False while another request holds it (or one that died long ago)."""
        try:
            if time.time() - self._claim.stat().st_mtime > STALE_CLAIM_SECONDS:
                self._claim.unlink(missing_ok=True)
        except FileNotFoundError:
            pass
        try:
            os.close(os.open(self._claim, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return False
        return True

    def release(self) -> None:
        self._claim.unlink(missing_ok=True)

    def record(self, summary: dict, *, user) -> None:
        self.meta["recorded"] = {**summary, "imported_at": timezone.now().isoformat(), "user": user.get_username()}
        self.write()

    def recorded(self) -> dict | None:
        return self.meta.get("recorded")
