"""Uploaded workbooks waiting for confirmation, under MEDIA_ROOT/imports/, named by a random token."""

import json
import os
import time
import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arrears.importer.result import ImportResult
from core.uploads import is_xlsx

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
STALE_CLAIM_SECONDS = 2 * 60 * 60
_ZIP_MAGIC = b"PK\x03\x04"  # an .xlsx is a zip archive


def upload_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


class UploadForm(forms.Form):
    file = forms.FileField(label=_("台账文件(.xlsx)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("请上传 .xlsx 格式的 Excel 文件"))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("文件不能超过 50 MB"))
        head = upload.read(len(_ZIP_MAGIC))
        upload.seek(0)
        if head != _ZIP_MAGIC or not is_xlsx(upload):
            raise forms.ValidationError(_("文件不是有效的 Excel 工作簿(.xlsx)"))
        return upload


class StoredUpload:
    """An uploaded workbook: ``<token>.xlsx``, claimed by ``<token>.claim`` while it is imported, and
    ``<token>.json`` holding the result once it has been."""

    def __init__(self, token: uuid.UUID):
        self.token = token
        base = upload_dir() / str(token)
        self.path = base.with_suffix(".xlsx")
        self._claim = base.with_suffix(".claim")
        self._result = base.with_suffix(".json")

    @classmethod
    def save(cls, upload) -> "StoredUpload":
        stored = cls(uuid.uuid4())
        stored.path.parent.mkdir(parents=True, exist_ok=True)
        with stored.path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        return stored

    def exists(self) -> bool:
        return self.path.is_file()

    def claim(self) -> bool:
        """Take the right to import this file; False while another request holds it.

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

    def release(self) -> None:
        self._claim.unlink(missing_ok=True)

    def record(self, result: ImportResult, *, user) -> None:
        summary = {**result.as_dict(), "imported_at": timezone.now().isoformat(), "user": user.get_username()}
        self._result.write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")

    def recorded(self) -> dict | None:
        """The summary of the import of this file, or None when it has not been imported."""
        if not self._result.is_file():
            return None
        return json.loads(self._result.read_text(encoding="utf-8"))
