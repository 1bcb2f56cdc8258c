"""Formats: which reader reads what, and what a file is.

Readers register here by format name, suffixes and (lazily imported) reader function. The format of a
file is decided by its content first (`sniff`: government downloads are often misnamed — a `.pdf` that
is a zip, a `.doc` that is an HTML page) and by its suffix when the content does not say (plain text).
Archives (.zip, .tar.gz) are containers, not formats: ingest/archive.py opens them.
"""
from __future__ import annotations

import importlib
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..errors import CorruptFileError, UnknownFormatError
from ..lazy import lazy
from .base import OcrMode, RawDocument

zipfile = lazy("zipfile")  # only for an archive or an office file: not on every start-up

__all__ = ["ReadOptions", "Reader", "READERS", "register", "ARCHIVE_SUFFIXES", "SUPPORTED_SUFFIXES", "sniff",
           "detect_format", "zip_kind"]


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
        return getattr(importlib.import_module(f".{self.module}", __package__), self.function)

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


def zip_kind(data: bytes) -> str | None:
    """What a zip file is: a Word file, an OFD file, or an archive of documents (None: not a readable zip)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "word/document.xml" in names or ("[Content_Types].xml" in names and any(n.startswith("word/") for n in names)):
        return "docx"
    if "OFD.xml" in names:
        return "ofd"
    return "zip"


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
        raise CorruptFileError(f"not a {suffix} archive (damaged or misnamed)", path=str(path))
    if _looks_like_markdown(data[:1024]):
        return "markdown"
    if _looks_like_text(data):
        return "txt"  # a name without a suffix, or with one nobody registered: the content says text
    raise UnknownFormatError(
        f"unknown format '{path.suffix or '(no suffix)'}' (supported: {' '.join(SUPPORTED_SUFFIXES)})",
        path=str(path),
    )
