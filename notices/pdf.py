"""HTML to PDF with WeasyPrint, shared by the letters and the public arrears list (公示).

One ``FontConfiguration`` per process: WeasyPrint then loads and subsets the Noto Sans CJK faces once per
document instead of rediscovering them. Static files (the stylesheets under ``static/``) resolve through
``base_url``; nothing is fetched over the network.
"""

from functools import cache, wraps

from django.conf import settings
from django.utils import translation

# Letters and the 公示 go to owners and onto notice boards: always in Chinese, whatever the reader's UI language.
DOCUMENT_LANGUAGE = "zh-hans"


def in_document_language(func):
    """Run ``func`` with the documents' language active (the addressee, dates and wording it builds)."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        with translation.override(DOCUMENT_LANGUAGE):
            return func(*args, **kwargs)

    return wrapper


@cache
def font_config():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def html_to_pdf(html: str) -> bytes:
    """Render one HTML document to PDF bytes."""
    from weasyprint import HTML

    base_url = str(settings.BASE_DIR / "static")
    return HTML(string=html, base_url=base_url).write_pdf(font_config=font_config())
