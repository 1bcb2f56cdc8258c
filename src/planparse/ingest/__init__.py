"""Stage 1: read a file of any supported format into a RawDocument.

Which reader reads which format, and how a file's format is told (by its content first, its suffix
second), is in formats.py. Archives (.zip, .tar.gz) are containers, not formats: `read` opens the one document
inside, and `ARCHIVE!/member` names a member (ingest/archive.py). Every reader returns the same
RawDocument, so nothing after this stage asks which format a document came from.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ..errors import EmptyFileError, InputError, MissingFileError, PlanparseError
from .archive import MEMBER_SEP, is_member_path, read_member_path, single_member
from .base import OCR_MODES, OcrMode, RawDocument, RawPage, RawTable
from .formats import READERS, SUPPORTED_SUFFIXES, ReadOptions, detect_format, sniff

__all__ = [
    "read", "read_bytes", "RawDocument", "RawPage", "RawTable", "detect_format", "sniff", "ReadOptions",
    "READERS", "SUPPORTED_SUFFIXES", "OCR_MODES",
]


def _load(name: str) -> bytes:
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
