"""Uploaded files judged by their content, not their name: a workbook is a zip holding a workbook's parts, a photo
decodes as the image its name says."""

import zipfile

# The parts every .xlsx has (ECMA-376): without them it is some other zip renamed.
_XLSX_PARTS = ("[Content_Types].xml", "xl/workbook.xml")


def is_xlsx(upload) -> bool:
    """Whether the file is an Office Open XML workbook; the file is left at its start."""
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if not all(part in names for part in _XLSX_PARTS):
                return False
            return b"spreadsheetml" in archive.read("[Content_Types].xml")
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, ValueError):
        return False
    finally:
        upload.seek(0)


def is_image(upload, kind: str) -> bool:
    """Whether a JPEG or PNG decodes as one (Pillow reads its structure); the file is left at its start."""
    from PIL import Image, UnidentifiedImageError

    try:
        upload.seek(0)
        with Image.open(upload) as image:
            if (image.format or "").lower() != {"jpg": "jpeg"}.get(kind, kind):
                return False
            image.verify()
        return True
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return False
    finally:
        upload.seek(0)
