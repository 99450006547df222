"""The delivery form: method, date, tracking number or signer, a photo of the evidence, a note."""

from pathlib import PurePath

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import WindowDateField
from core.uploads import is_image
from core.widgets import DateInput

from .deliveries import delivery_errors
from .models import DeliveryMethod, Notice

MAX_PHOTO_BYTES = 10 * 1024 * 1024
# HEIC/HEIF (iPhone photos) are ISO media files: "ftyp" at offset 4, then one of these brands.
_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1")
PHOTO_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".heic": "image/heic",
    ".heif": "image/heif",
    ".pdf": "application/pdf",
}


def photo_kind(head: bytes) -> str | None:
    """The file's kind by its first bytes (jpeg, png, heic, pdf), or None for anything else."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return "heic"
    return None


_KIND_OF_SUFFIX = {".jpg": "jpeg", ".jpeg": "jpeg", ".png": "png", ".heic": "heic", ".heif": "heic", ".pdf": "pdf"}


class DeliveryForm(forms.Form):
    """A delivery of one notice; the rules on dates, tracking numbers and signers are ``delivery_errors``'s."""

    method = forms.ChoiceField(label=_("送达方式"), choices=DeliveryMethod.choices)
    delivered_on = WindowDateField(past_only=True, label=_("送达日期"), widget=DateInput())
    tracking_no = forms.CharField(
        label=_("快递单号"), max_length=100, required=False, help_text=_("邮寄、挂号信、EMS 必填")
    )
    signed_by = forms.CharField(label=_("签收人"), max_length=100, required=False, help_text=_("当面送达必填"))
    photo = forms.FileField(
        label=_("照片或回执"),
        required=False,
        help_text=_("张贴现场照片、签收单或回执;JPG、PNG、HEIC 或 PDF,不超过 10 MB"),
        # No ``capture``: it would open the camera only, and a scanned receipt (PDF) could not be chosen.
        widget=forms.FileInput(attrs={"accept": "image/*,application/pdf"}),
    )
    note = forms.CharField(label=_("备注"), max_length=300, required=False)

    def __init__(self, *args, notice: Notice, **kwargs):
        super().__init__(*args, **kwargs)
        self.notice = notice
        if not self.is_bound:
            self.initial.setdefault("delivered_on", timezone.localdate())

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if not photo:
            return None
        suffix = PurePath(photo.name or "").suffix.lower()
        if suffix not in _KIND_OF_SUFFIX:
            raise forms.ValidationError(_("照片只能是 JPG、PNG、HEIC 或 PDF 文件"))
        if photo.size > MAX_PHOTO_BYTES:
            raise forms.ValidationError(_("照片不能超过 10 MB"))
        head = photo.read(16)
        photo.seek(0)
        kind = photo_kind(head)
        if kind != _KIND_OF_SUFFIX[suffix] or (kind in ("jpeg", "png") and not is_image(photo, kind)):
            raise forms.ValidationError(_("文件内容与扩展名不符,或文件已损坏"))
        return photo

    def clean(self):
        cleaned = super().clean()
        method = cleaned.get("method")
        delivered_on = cleaned.get("delivered_on")
        if method and delivered_on:
            errors = delivery_errors(
                notice=self.notice,
                method=method,
                delivered_on=delivered_on,
                tracking_no=cleaned.get("tracking_no", ""),
                signed_by=cleaned.get("signed_by", ""),
            )
            for field, message in errors.items():
                self.add_error(field, message)
        return cleaned
