"""Uploaded ledger files waiting for their jobs, under MEDIA_ROOT/imports/, named by a random token.

For a token: the file itself (``<token>.xlsx`` or ``<token>.zip``; a single .csv is kept as a zip holding it
under its own name, since the name says which sheet it is), ``<token>.status.json`` with the job's progress and
outcome, ``<token>.claim`` while the import itself runs, and ``<token>.json`` with the summary once it has
written. The file is deleted when the import has run, or when the preview found errors.
"""

import contextlib
import json
import os
import time
import uuid
import zipfile
from datetime import UTC, datetime
from pathlib import Path, PurePath

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arrears.importer.result import ImportResult
from core.uploads import is_xlsx

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
STALE_CLAIM_SECONDS = 2 * 60 * 60
# A job that has given no news for this long (progress, or the heartbeat imports.jobs keeps while it runs) may have
# lost its worker: the page says so.
STALE_STATUS_SECONDS = 10 * 60
_ZIP_MAGIC = b"PK\x03\x04"  # an .xlsx is a zip archive too
ACCEPTED = (".xlsx", ".csv", ".zip")


def upload_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


class UploadForm(forms.Form):
    file = forms.FileField(label=_("台账文件(.xlsx、.csv 或 .zip)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = PurePath(upload.name).suffix.lower()
        if suffix not in ACCEPTED:
            raise forms.ValidationError(_("请上传 .xlsx 格式的 Excel 文件,或 .csv 文件(或多个 .csv 打包的 .zip)"))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("文件不能超过 50 MB"))
        head = upload.read(len(_ZIP_MAGIC))
        upload.seek(0)
        if suffix == ".xlsx" and (head != _ZIP_MAGIC or not is_xlsx(upload)):
            raise forms.ValidationError(_("文件不是有效的 Excel 工作簿(.xlsx)"))
        if suffix == ".zip" and head != _ZIP_MAGIC:
            raise forms.ValidationError(_("文件不是有效的 zip 压缩包"))
        return upload


class StoredUpload:
    """An uploaded file and what its jobs recorded about it."""

    # Which import the job runs on the file (imports.jobs); a file from another system has its own kind.
    kind = "ledger"
    # A file whose check found errors is deleted: it has to be corrected and uploaded again.
    keep_file_after_errors = False

    def __init__(self, token: uuid.UUID):
        self.token = token
        base = self.directory() / str(token)
        self._base = base
        self._claim = base.with_suffix(".claim")
        self._result = base.with_suffix(".json")
        self._status = base.with_name(f"{token}.status.json")

    @classmethod
    def directory(cls) -> Path:
        return upload_dir()

    @property
    def path(self) -> Path:
        """The stored file (an .xlsx, or a .zip of CSV files)."""
        zipped = self._base.with_suffix(".zip")
        return zipped if zipped.is_file() else self._base.with_suffix(".xlsx")

    @classmethod
    def save(cls, upload) -> "StoredUpload":
        stored = cls(uuid.uuid4())
        cls.directory().mkdir(parents=True, exist_ok=True)
        suffix = PurePath(upload.name).suffix.lower()
        if suffix == ".csv":
            archive = zipfile.ZipFile(stored._base.with_suffix(".zip"), "w", zipfile.ZIP_DEFLATED)
            with archive, archive.open(PurePath(upload.name).name, "w") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
        else:
            with stored._base.with_suffix(suffix).open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
        return stored

    def exists(self) -> bool:
        return self.path.is_file() or self._status.is_file() or self._result.is_file()

    def delete_file(self) -> None:
        for suffix in (".xlsx", ".zip"):
            self._base.with_suffix(suffix).unlink(missing_ok=True)

    def claim(self) -> bool:
        """Take the right to import this file; False while another job holds it.

        A claim older than STALE_CLAIM_SECONDS is taken to be left by a process that died mid-import.
        """
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

    def claimed(self) -> bool:
        return self._claim.exists()

    def release(self) -> None:
        self._claim.unlink(missing_ok=True)

    def record(self, result: ImportResult, *, user) -> None:
        summary = {
            **result.as_dict(),
            "imported_at": timezone.now().isoformat(),
            "user": user.get_username() if user is not None else "",
        }
        _write_json(self._result, summary)

    def recorded(self) -> dict | None:
        """The summary of the import of this file, or None when it has not been imported."""
        return _read_json(self._result)

    def status(self) -> dict | None:
        """The last job's progress or outcome: ``state`` (queued, running, done, failed), ``dry_run``, the counters
        and, when done, ``result`` (ImportResult.as_report())."""
        return _read_json(self._status)

    def set_status(self, **status) -> None:
        _write_json(self._status, {**status, "updated_at": time.time()})

    def touch_status(self) -> None:
        """Note that the job is alive without changing what it reported (its heartbeat)."""
        with contextlib.suppress(FileNotFoundError):
            os.utime(self._status)

    def last_news(self) -> datetime | None:
        """When the job last reported or beat, or None before it was queued."""
        try:
            return datetime.fromtimestamp(self._status.stat().st_mtime, tz=UTC)
        except FileNotFoundError:
            return None

    def stalled(self, status: dict | None = None) -> bool:
        """Queued or running, but without news for STALE_STATUS_SECONDS: its worker may have stopped. ``status`` is
        the job's status when the caller has just read it."""
        status = (self.status() or {}) if status is None else status
        last = self.last_news()
        return (
            status.get("state") in ("queued", "running")
            and last is not None
            and time.time() - last.timestamp() > STALE_STATUS_SECONDS
        )


def _write_json(path: Path, data: dict) -> None:
    """Written whole or not at all: the page may read it while the job writes it."""
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    partial.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(partial, path)


def _read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
