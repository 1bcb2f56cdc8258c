"""Either side of a comparison: a document in any input format, or planparse's own JSON output.

A JSON output is recognised by its content (a JSON object with planparse's top-level keys), whatever
the file is called, and validated with the contract's Document model: a JSON file that is not a valid
planparse document is bad input (exit 3), never guessed at.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Optional

from pydantic import ValidationError

from ..errors import EmptyFileError, InputError, MissingFileError
from ..grammar import Grammars
from ..ingest.base import OcrMode
from ..models import Document

_DOCUMENT_KEYS = {"schema_version", "source", "meta"}


class NotADocumentJson(InputError):
    """A JSON file that is not planparse output at all (a directory walk skips it)."""

    kind = "not_planparse_json"


def _looks_like_json(path: Path, head: bytes) -> bool:
    """An object at the start is JSON whatever the name; a `.json` file is JSON whatever it holds."""
    return head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{" or path.suffix.lower() == ".json"


def read_document_json(path: Path, data: bytes) -> Document:
    try:
        obj = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InputError(f"not valid JSON ({e})", path=str(path)) from None
    if not isinstance(obj, dict) or not _DOCUMENT_KEYS <= obj.keys():
        raise NotADocumentJson("JSON but not a planparse document (no schema_version/source/meta)", path=str(path))
    try:
        doc = Document.model_validate(obj)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise InputError(f"not a valid planparse document: {where}: {first['msg']}", path=str(path)) from None
    bad = _bad_id(obj)
    if bad:
        where, value = bad
        raise InputError(f"not a valid planparse document: {where}: {value!r} is not a clause id "
                         "(dotted ordinals such as 3.5)", path=str(path))
    return doc


# What planparse writes as a clause id (a dotted path of ordinals, output-contract.md), with room for
# letters; ids become anchors and attributes in the HTML pages, so a crafted one is refused on load.
_CLAUSE_ID = re.compile(r"[0-9A-Za-z][0-9A-Za-z._~-]{0,63}")
_ID_KEYS = ("id", "parent_id", "clause_id")


def _bad_id(node, where: str = "") -> tuple[str, str] | None:
    """The first id, parent_id or clause_id anywhere in the JSON that is not a clause id, with where it is."""
    if isinstance(node, dict):
        for k, v in node.items():
            here = f"{where}.{k}" if where else k
            if k in _ID_KEYS and v is not None and not (isinstance(v, str) and _CLAUSE_ID.fullmatch(v)):
                return here, v
            found = _bad_id(v, here)
            if found:
                return found
    elif isinstance(node, list):
        for i, v in enumerate(node):
            found = _bad_id(v, f"{where}.{i}")
            if found:
                return found
    return None


def load_side(path: str | Path, *, grammars_dir: Optional[str | Path] = None, grammars: Optional[Grammars] = None,
              ocr: OcrMode = "auto") -> Document:
    """The Document of `path`: validated from JSON output, or extracted from the document itself
    (with `grammars` when given, else those of `grammars_dir`)."""
    p = Path(path)
    if not p.exists():
        raise MissingFileError("no such file", path=str(p))
    if p.is_file():
        try:
            with p.open("rb") as f:
                head = f.read(4096)
        except OSError as e:
            raise InputError(f"cannot read file ({e.strerror})", path=str(p)) from None
        if not head.strip():
            raise EmptyFileError("empty file", path=str(p))
        if _looks_like_json(p, head):
            return read_document_json(p, p.read_bytes())
    from .. import ingest
    from ..pipeline import extract_file, extract_raw

    if grammars is not None:
        return extract_raw(ingest.read(p, ocr=ocr), grammars)
    return extract_file(p, grammars_dir=grammars_dir, ocr=ocr)


def directory_inputs(directory: Path) -> list[Path]:
    """Documents and planparse JSON files under `directory` (recursively, hidden names and anything that is
    not a regular file skipped), sorted."""
    from ..inputs import SUPPORTED_SUFFIXES, walk

    return list(walk(directory, suffixes=tuple(SUPPORTED_SUFFIXES) + (".json",), regular_only=True))