"""Files from other systems waiting for their mapping and confirmation, under MEDIA_ROOT/imports/other/.

``<token>.xlsx`` (or ``.xls``) is the file as uploaded; ``<token>.json`` what it is and how to read it (source,
community, mapping). As for the template import (imports.uploads), ``<token>.status.json`` holds the job's progress
and outcome, ``<token>.claim`` exists while it is being imported and ``<token>.result.json`` holds the summary once
it has written; the file itself is deleted then.
"""

import json
import uuid
from pathlib import Path

from django.conf import settings

from ..uploads import StoredUpload


def upload_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / "other"


class SourceUpload(StoredUpload):
    """An uploaded foreign workbook and what is known about it."""

    kind = "other"
    # A check that failed may pass with another column mapping or due-date rule: the file stays for it.
    keep_file_after_errors = True

    def __init__(self, token: uuid.UUID, meta: dict | None = None):
        super().__init__(token)
        self._meta_path = self._base.with_suffix(".json")
        self._result = self._base.with_name(f"{token}.result.json")
        self.meta = meta if meta is not None else self._load()

    @classmethod
    def directory(cls) -> Path:
        return upload_dir()

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
        return bool(self.meta) and (self.path.is_file() or self.recorded() is not None or self.status() is not None)

    def delete_file(self) -> None:
        self.path.unlink(missing_ok=True)

    def write(self) -> None:
        self._meta_path.write_text(json.dumps(self.meta, ensure_ascii=False), encoding="utf-8")

    @property
    def mapping(self) -> dict[int, str] | None:
        stored = self.meta.get("mapping")
        return None if stored is None else {int(index): target for index, target in stored.items()}

    def set_mapping(self, mapping: dict[int, str]) -> None:
        self.meta["mapping"] = {str(index): target for index, target in mapping.items()}
        self.write()

    def recorded(self) -> dict | None:
        # Files imported before the import ran as a job kept the summary with the rest.
        return super().recorded() or self._load().get("recorded")
