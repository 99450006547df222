"""HTML to PDF with WeasyPrint, shared by the letters and the public arrears list (公示).

One ``FontConfiguration`` per process: WeasyPrint then loads the Noto Sans CJK faces once instead of rediscovering
them. Static files (the stylesheets under ``static/``) resolve through ``base_url``; nothing is fetched over the
network. A stylesheet named by the caller (the letters') is parsed once per process and handed to each document,
instead of linked from it and parsed again for every letter.

Many documents into one PDF (``render_documents``): each HTML document is laid out on its own, so its page counter
and ``counter(pages)`` ("第 1 / 2 页") are its own, then the pages of all of them are written as ONE PDF. The fonts are
then subset and embedded once for all of them instead of once per document: a batch of letters costs about what one
long document costs, and its file about 10 KB a letter instead of 240 KB. ``split_pages`` cuts the per-document
files back out of it by page ranges.
"""

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
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


def _base_url() -> str:
    return str(settings.BASE_DIR / "static")


@cache
def parsed_stylesheet(name: str):
    """The stylesheet ``static/<name>`` parsed once per process (WeasyPrint would parse a linked one per document)."""
    from weasyprint import CSS

    return CSS(filename=str(settings.BASE_DIR / "static" / name), font_config=font_config())


def _stylesheets(name: str | None) -> list:
    return [parsed_stylesheet(name)] if name else []


def html_to_pdf(html: str, *, stylesheet: str | None = None) -> bytes:
    """Render one HTML document to PDF bytes (under the stylesheet ``static/<stylesheet>`` if one is named)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=_base_url()).write_pdf(
        stylesheets=_stylesheets(stylesheet), font_config=font_config()
    )


@dataclass(frozen=True)
class RenderedDocuments:
    """One PDF holding several documents one after the other, and how many pages each has, in order."""

    pdf: bytes
    page_counts: list[int]

    def ranges(self) -> list[range]:
        """The 0-based page range of each document in ``pdf``."""
        found, start = [], 0
        for count in self.page_counts:
            found.append(range(start, start + count))
            start += count
        return found


def render_documents(htmls: Iterable[str], *, stylesheet: str | None = None) -> RenderedDocuments:
    """Lay out each HTML document alone (its own page numbers) and write all their pages as one PDF."""
    documents = [layout_document(html, stylesheet=stylesheet) for html in htmls]
    if not documents:
        raise ValueError("no document to render")
    return RenderedDocuments(pdf=write_documents(documents), page_counts=[len(d.pages) for d in documents])


def layout_document(html: str, *, stylesheet: str | None = None):
    """One HTML document laid out in pages (a WeasyPrint ``Document``), not yet written."""
    from weasyprint import HTML

    return HTML(string=html, base_url=_base_url()).render(
        stylesheets=_stylesheets(stylesheet), font_config=font_config()
    )


def write_documents(documents) -> bytes:
    """The pages of the laid-out documents, in order, as one PDF (each font subset and embedded once)."""
    return documents[0].copy([page for document in documents for page in document.pages]).write_pdf()


def split_pages(pdf: bytes, ranges: Sequence[range]) -> list[bytes]:
    """The pages of each range of ``pdf`` as a PDF of its own, with the fonts and images those pages use.

    pikepdf (qpdf, in C++): about five times faster than pypdf at this, which was a fifth of a batch's time.
    """
    import pikepdf

    parts = []
    with pikepdf.open(io.BytesIO(pdf)) as source:
        for pages in ranges:
            with pikepdf.new() as part:
                part.pages.extend(source.pages[pages.start : pages.stop])
                out = io.BytesIO()
                part.save(out)
            parts.append(out.getvalue())
    return parts
