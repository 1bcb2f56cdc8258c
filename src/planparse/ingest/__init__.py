"""Stage 1: read a file of any supported format into a RawDocument."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ..errors import EmptyFileError, InputError, MissingFileError, PlanparseError, UnknownFormatError
from .base import RawDocument, RawPage, RawTable

__all__ = ["read", "RawDocument", "RawPage", "RawTable", "detect_format", "SUPPORTED_SUFFIXES"]

_SUFFIXES = {
    ".md": "markdown", ".markdown": "markdown",
    ".txt": "txt", ".text": "txt",
    ".pdf": "pdf",
    ".docx": "docx",
    ".html": "html", ".htm": "html", ".shtml": "html", ".xhtml": "html",
}


# Suffixes a directory walk picks up (a file named explicitly is always tried).
SUPPORTED_SUFFIXES = (".pdf", ".txt", ".docx", ".html", ".htm", ".md", ".markdown")

_MARKDOWN_OPENINGS = (b"---\n", b"---\r\n", b"# ", b"## ", b"### ")


def _looks_like_markdown(head: bytes) -> bool:
    """A file without a known suffix that opens with YAML front matter or an ATX heading."""
    return head.lstrip(b"\xef\xbb\xbf").startswith(_MARKDOWN_OPENINGS)


def detect_format(path: Path, head: bytes) -> str:
    """Format from the file's magic bytes first, its suffix second."""
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04") and path.suffix.lower() == ".docx":
        return "docx"
    fmt = _SUFFIXES.get(path.suffix.lower())
    if fmt == "pdf" or fmt == "docx":
        return fmt  # the reader reports the corruption precisely
    if fmt:
        return fmt
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    sniff = head[:512].lstrip().lower()
    if sniff.startswith((b"<!doctype html", b"<html")):
        return "html"
    if _looks_like_markdown(head):
        return "markdown"
    raise UnknownFormatError(
        f"unknown format '{path.suffix or '(no suffix)'}' (supported: {' '.join(SUPPORTED_SUFFIXES)})",
        path=str(path),
    )


def read(path: str | Path) -> RawDocument:
    p = Path(path)
    if not p.exists():
        raise MissingFileError("no such file", path=str(p))
    if p.is_dir():
        raise InputError("is a directory, not a document", path=str(p))
    try:
        data = p.read_bytes()
    except OSError as e:
        raise InputError(f"cannot read file ({e.strerror})", path=str(p)) from None
    if not data.strip():
        raise EmptyFileError("empty file", path=str(p))
    fmt = detect_format(p, data[:1024])
    sha = hashlib.sha256(data).hexdigest()
    try:
        doc = _read_format(fmt, p, data)
    except PlanparseError as e:
        e.path = e.path or str(p)  # every error line names the file
        raise
    doc.sha256 = sha
    doc.path = str(p)
    repair_surrogates(doc)
    if not any(line.strip() for page in doc.pages for line in page.lines) and not any(
        page.tables for page in doc.pages
    ):
        raise EmptyFileError("no text in document", path=str(p))
    return doc


def _read_format(fmt: str, p: Path, data: bytes) -> RawDocument:
    if fmt == "txt":
        from .txt import read_txt

        return read_txt(p, data)
    if fmt == "pdf":
        from .pdf import read_pdf

        return read_pdf(p, data)
    if fmt == "docx":
        from .docx import read_docx

        return read_docx(p, data)
    if fmt == "markdown":
        from .markdown import read_markdown

        return read_markdown(p, data)
    from .html import read_html

    return read_html(p, data)


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
