"""Concatenate PDFs into one file while holding a single source in memory at a time.

``pypdf.PdfWriter.append`` keeps every page of every source in memory until the end (about 0.7 MB per letter:
each letter embeds its own subset of the CJK fonts), so a batch of thousands would need gigabytes. Here each
source is read with pypdf, the objects its pages reach are renumbered and written out at once, and only the
output's offsets and page numbers are kept; a plain cross-reference table and trailer close the file.
"""

from collections.abc import Iterable
from typing import BinaryIO

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, NumberObject

CATALOG, PAGES = 1, 2
INHERITED = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")


def _inherit(page: DictionaryObject) -> None:
    """Copy the attributes a page inherits from its page-tree parents onto the page itself."""
    parent = page.get("/Parent")
    while parent is not None:
        parent = parent.get_object()
        for key in INHERITED:
            if key not in page and key in parent:
                page[NameObject(key)] = parent.raw_get(key)
        parent = parent.get("/Parent")


class _Writer:
    def __init__(self, out: BinaryIO):
        self.out = out
        self.offsets: dict[int, int] = {}
        self.kids: list[int] = []
        self.next_number = PAGES + 1
        self.start = out.tell()
        out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    def _write(self, number: int, obj) -> None:
        self.offsets[number] = self.out.tell() - self.start
        self.out.write(f"{number} 0 obj\n".encode())
        obj.write_to_stream(self.out)
        self.out.write(b"\nendobj\n")

    def add(self, source) -> None:
        reader = PdfReader(source)
        numbers: dict[tuple[int, int], int] = {}
        pending: list[tuple[int, int]] = []
        page_keys: set[tuple[int, int]] = set()

        def renumber(ref: IndirectObject) -> IndirectObject:
            key = (ref.idnum, ref.generation)
            if key not in numbers:
                numbers[key] = self.next_number
                self.next_number += 1
                pending.append(key)
            return IndirectObject(numbers[key], 0, None)  # type: ignore[arg-type]

        def rewrite(value):
            if isinstance(value, IndirectObject):
                return renumber(value)
            if isinstance(value, DictionaryObject):
                for key in list(value.keys()):
                    value[key] = rewrite(value.raw_get(key))
            elif isinstance(value, ArrayObject):
                for index in range(len(value)):
                    value[index] = rewrite(list.__getitem__(value, index))
            return value

        for page in reader.pages:
            ref = page.indirect_reference
            page_keys.add((ref.idnum, ref.generation))
            self.kids.append(renumber(ref).idnum)
        while pending:
            key = pending.pop()
            obj = reader.get_object(IndirectObject(key[0], key[1], reader))
            if key in page_keys:
                _inherit(obj)
                del obj["/Parent"]
                rewrite(obj)
                obj[NameObject("/Parent")] = IndirectObject(PAGES, 0, None)  # type: ignore[arg-type]
            else:
                obj = rewrite(obj)
            self._write(numbers[key], obj)

    def close(self) -> None:
        kids = ArrayObject(IndirectObject(n, 0, None) for n in self.kids)  # type: ignore[arg-type]
        pages = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Pages"),
                NameObject("/Kids"): kids,
                NameObject("/Count"): NumberObject(len(self.kids)),
            }
        )
        catalog = DictionaryObject(
            {NameObject("/Type"): NameObject("/Catalog"), NameObject("/Pages"): IndirectObject(PAGES, 0, None)}
        )
        self._write(PAGES, pages)
        self._write(CATALOG, catalog)
        xref = self.out.tell() - self.start
        size = self.next_number
        lines = [f"xref\n0 {size}\n", "0000000000 65535 f \n"]
        lines += [f"{self.offsets[number]:010d} 00000 n \n" for number in range(1, size)]
        lines.append(f"trailer\n<< /Size {size} /Root {CATALOG} 0 R >>\nstartxref\n{xref}\n%%EOF\n")
        self.out.write("".join(lines).encode())


def merge_pdfs(sources: Iterable, out: BinaryIO) -> int:
    """Write the pages of every source (path or binary file), in order, to ``out``; return the page count."""
    writer = _Writer(out)
    for source in sources:
        writer.add(source)
    writer.close()
    return len(writer.kids)
