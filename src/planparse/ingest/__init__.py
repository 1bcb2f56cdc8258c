"""Stage 1: read a file of any supported format into a RawDocument.

Readers register here by format name, suffixes and (lazily imported) reader function. The format
of a file is decided by its content first (`sniff`: government downloads are often misnamed — a
`.pdf` that is a zip, a `.doc` that is an HTML page) and by its suffix when the content does not say
(plain text). Archives (.zip, .tar.gz) are containers, not formats: `read` opens the one document
inside, and `ARCHIVE!/member` names a member (ingest/archive.py). Every reader returns the same
RawDocument, so nothing after this stage asks which format a document came from.
"""
from __future__ import annotations

import hashlib
import importlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..errors import EmptyFileError, InputError, MissingFileError, PlanparseError, UnknownFormatError
from .base import RawDocument, RawPage, RawTable
from .base import OCR_MODES, OcrMode

__all__ = [
    "read", "read_bytes", "RawDocument", "RawPage", "RawTable", "detect_format", "sniff", "ReadOptions",
    "READERS", "SUPPORTED_SUFFIXES", "OCR_MODES",
]


@dataclass(frozen=True)
class ReadOptions:
    """What the caller decides about reading (the CLI's --ocr)."""

    ocr: OcrMode = "auto"


@dataclass(frozen=True)
class Reader:
    format: str
    suffixes: tuple[str, ...]
    module: str  # planparse.ingest.<module>, imported on first use (keeps the CLI start fast)
    function: str
    options: tuple[str, ...] = ()  # the ReadOptions fields the reader takes as keyword arguments

    def function_object(self) -> Callable[..., RawDocument]:
        return getattr(importlib.import_module(f".{self.module}", __name__), self.function)

    def read(self, path: Path, data: bytes, options: ReadOptions) -> RawDocument:
        return self.function_object()(path, data, **{k: getattr(options, k) for k in self.options})


READERS: dict[str, Reader] = {}


def register(fmt: str, suffixes: tuple[str, ...], module: str, function: str, options: tuple[str, ...] = ()) -> None:
    READERS[fmt] = Reader(fmt, suffixes, module, function, options)


register("txt", (".txt", ".text"), "txt", "read_txt")
register("pdf", (".pdf",), "pdf", "read_pdf", options=("ocr",))
register("docx", (".docx",), "docx", "read_docx")
register("html", (".html", ".htm", ".shtml", ".xhtml"), "html", "read_html")
register("markdown", (".md", ".markdown"), "markdown", "read_markdown")
# Word 97 / WPS / RTF: converted to .docx by LibreOffice, then read as .docx (ingest/office.py).
register("doc", (".doc", ".rtf", ".dot"), "office", "read_doc")
register("wps", (".wps", ".wpt"), "office", "read_doc")
register("ofd", (".ofd",), "ofd", "read_ofd")

# Containers: opened by ingest/archive.py, their members read by the readers above.
ARCHIVE_SUFFIXES = (".zip", ".tar.gz", ".tgz", ".tar")

_BY_SUFFIX = {s: r.format for r in READERS.values() for s in r.suffixes}
# Suffixes a directory walk picks up (a file named explicitly is always tried).
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(_BY_SUFFIX) + ARCHIVE_SUFFIXES

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97 .doc, WPS .wps (and .xls/.ppt)
_HTML_OPENINGS = (b"<!doctype html", b"<html", b"<head", b"<meta", b"<?xml version")
_MARKDOWN_OPENINGS = (b"---\n", b"---\r\n", b"# ", b"## ", b"### ")


def _looks_like_markdown(head: bytes) -> bool:
    """A file without a known suffix that opens with YAML front matter or an ATX heading (weak
    evidence: used only when the suffix says nothing)."""
    return head.lstrip(b"\xef\xbb\xbf").startswith(_MARKDOWN_OPENINGS)


_MD_HEADING = re.compile(rb"(?m)^[ \t]{0,3}#{1,6}[ \t]+\S")
_MD_BOLD = re.compile(rb"\*\*[^*\r\n]{1,80}\*\*")
_MD_LINK = re.compile(rb"\[[^\]\r\n]{1,200}\]\([^)\s]{1,500}\)")


def _text_is_markdown(data: bytes) -> bool:
    """A `.txt` that is really a markdown scrape: ATX headings at line starts, with bold or links or more
    headings (one `#` alone is too weak: a text may hold a hash sign)."""
    head = data[:65536]
    headings = len(_MD_HEADING.findall(head))
    return headings >= 2 or (headings >= 1 and bool(_MD_BOLD.search(head) or _MD_LINK.search(head)))


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _looks_like_text(data: bytes) -> bool:
    """Plain text in any encoding the txt reader reads: no NUL byte (binary formats have them early),
    decodable as UTF-8 or GB18030, and (nearly) no control characters besides line and page breaks."""
    head = data[:65536]
    if head.startswith(_UTF16_BOMS):
        return True
    if b"\x00" in head:
        return False
    for enc in ("utf-8", "gb18030"):
        try:
            text = head.decode(enc)
        except UnicodeDecodeError as e:
            if e.start < len(head) - 4:  # not just a character cut at the end of the head
                continue
            text = head[: e.start].decode(enc)
        controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
        return controls <= len(text) // 100
    return False


def _suffix(name: str) -> str:
    lower = name.lower()
    for s in ARCHIVE_SUFFIXES:
        if lower.endswith(s):
            return s
    return Path(lower).suffix


def sniff(data: bytes, name: str = "") -> str | None:
    """The format the content says, whatever the file is called; None when the content does not say."""
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(_OLE2):
        return "wps" if _suffix(name) in READERS["wps"].suffixes else "doc"
    if head.startswith(b"{\\rtf"):
        return "doc"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        from .archive import zip_kind

        return zip_kind(data)  # "docx", "ofd" or "zip"
    if head.startswith(b"\x1f\x8b"):
        return "tar.gz"
    if len(data) > 262 and data[257:262] == b"ustar":
        return "tar"
    opening = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if opening.startswith(_HTML_OPENINGS) and (b"<html" in data[:4096].lower() or b"<body" in data[:8192].lower()):
        return "html"
    return None


def detect_format(path: Path, data: bytes) -> str:
    """Format from the file's content first, its suffix second."""
    found = sniff(data, path.name)
    if found:
        return found
    suffix = _suffix(path.name)
    if suffix == ".txt" and _text_is_markdown(data):
        return "markdown"
    if suffix in _BY_SUFFIX:
        return _BY_SUFFIX[suffix]
    if suffix in ARCHIVE_SUFFIXES:
        from ..errors import CorruptFileError

        raise CorruptFileError(f"not a {suffix} archive (damaged or misnamed)", path=str(path))
    if _looks_like_markdown(data[:1024]):
        return "markdown"
    if _looks_like_text(data):
        return "txt"  # a name without a suffix, or with one nobody registered: the content says text
    raise UnknownFormatError(
        f"unknown format '{path.suffix or '(no suffix)'}' (supported: {' '.join(SUPPORTED_SUFFIXES)})",
        path=str(path),
    )


def _load(name: str) -> bytes:
    from .archive import MEMBER_SEP, is_member_path, read_member_path

    if is_member_path(name):
        return read_member_path(name)
    p = Path(name)
    if not p.exists():
        if MEMBER_SEP in name:
            return read_member_path(name)
        raise MissingFileError("no such file", path=name)
    if p.is_dir():
        raise InputError("is a directory, not a document", path=name)
    try:
        return p.read_bytes()
    except OSError as e:
        raise InputError(f"cannot read file ({e.strerror})", path=name) from None


def read(path: str | Path, *, ocr: OcrMode = "auto") -> RawDocument:
    """Read a document: a file, an archive holding one document, or a member `ARCHIVE!/path/inside`."""
    name = str(path)
    return read_bytes(name, _load(name), ReadOptions(ocr=ocr))


def read_bytes(name: str, data: bytes, options: ReadOptions = ReadOptions()) -> RawDocument:
    """Read a document already in memory; `name` is what messages and the output's source.path say."""
    if not data.strip():
        raise EmptyFileError("empty file", path=name)
    fmt = detect_format(Path(name), data)
    if fmt in ("zip", "tar", "tar.gz"):
        from .archive import single_member

        member, member_data = single_member(name, data, fmt)
        return read_bytes(member, member_data, options)
    try:
        doc = READERS[fmt].read(Path(name), data, options)
    except PlanparseError as e:
        e.path = e.path or name  # every error line names the file
        raise
    doc.sha256 = hashlib.sha256(data).hexdigest()
    doc.path = name
    repair_surrogates(doc)
    if not any(line.strip() for page in doc.pages for line in page.lines) and not any(
        page.tables for page in doc.pages
    ):
        raise EmptyFileError("no text in document", path=name)
    return doc


_SURROGATE = re.compile("[\ud800-\udfff]")


def _repair(s: str) -> tuple[str, int]:
    """Surrogate pairs joined into their character, lone surrogates replaced by U+FFFD (with the count)."""
    fixed = s.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return fixed, fixed.count("\ufffd") - s.count("\ufffd")


def repair_surrogates(doc: RawDocument) -> None:
    """Readers can hand over UTF-16 surrogates (pdfium for 𝐀 and other mathematical letters, CESU-8 text):
    no string with one can be written as UTF-8, so they are repaired here, once, for every format."""
    lone = 0
    for page in doc.pages:
        for i, line in enumerate(page.lines):
            if _SURROGATE.search(line):
                page.lines[i], n = _repair(line)
                lone += n
        for table in page.tables:
            for row in table.rows:
                for j, cell in enumerate(row):
                    if cell and _SURROGATE.search(cell):
                        row[j], n = _repair(cell)
                        lone += n
    for key, value in list(doc.header.items()):
        if _SURROGATE.search(value):
            doc.header[key], n = _repair(value)
            lone += n
    if lone:
        doc.warnings.append(("lone-surrogates-replaced", f"{lone} unpaired UTF-16 surrogate(s) in the text replaced by U+FFFD"))
