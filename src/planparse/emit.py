"""Stage 6: serialise a Document (JSON, JSON Lines, CSV) — deterministic bytes, atomic writes."""
from __future__ import annotations

import csv
import functools
import io
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Iterable, Iterator

from pydantic import BaseModel

from .models import Document


def to_json(doc: Document, *, pretty: bool = False) -> str:
    data = doc.model_dump(mode="json")
    if pretty:
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def to_json_bytes(doc: Document) -> bytes:
    """`to_json(doc)` as UTF-8 (a lone surrogate as its backslash escape, which JSON reads back as
    itself), built from json_pieces: never the whole output as a dict and a str besides the bytes."""
    out = io.BytesIO()
    for piece in json_byte_pieces(doc):
        out.write(piece)
    return out.getvalue()  # the buffer itself, not a copy


def json_pieces(doc: Document, *, pretty: bool = False) -> Iterator[str]:
    """`to_json(doc, pretty=...)` a field, or a list item, at a time: the whole Document as one dict, then
    as one str, then as bytes would hold the output three times over (a large document's JSON is several
    times the size of its input). The pieces join to the very same text: compact separators, or
    json.dumps's indent of 2 with each piece's lines shifted to its depth."""
    if pretty:
        def dumps(value, depth: int) -> str:
            return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + "  " * depth)
        open_item, open_list, close_list, close_doc = "\n    ", "[", "\n  ]", "\n}\n"
        field_sep, key_sep = "\n  ", ": "
    else:
        def dumps(value, depth: int) -> str:
            return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        open_item, open_list, close_list, close_doc = "", "[", "]", "}\n"
        field_sep, key_sep = "", ":"

    yield "{"
    for i, name in enumerate(type(doc).model_fields):
        yield ("," if i else "") + field_sep + dumps(name, 1) + key_sep
        value = getattr(doc, name)
        if isinstance(value, list) and value and all(isinstance(item, BaseModel) for item in value):
            yield open_list
            for k, item in enumerate(value):
                yield ("," if k else "") + open_item + dumps(item.model_dump(mode="json"), 2)
            yield close_list
        else:
            yield dumps(doc.model_dump(mode="json", include={name})[name], 1)
    yield close_doc


def json_byte_pieces(doc: Document, *, pretty: bool = False) -> Iterator[bytes]:
    """json_pieces as UTF-8, as to_json_bytes encodes them."""
    return (piece.encode("utf-8", "backslashreplace") for piece in json_pieces(doc, pretty=pretty))


def write_json(path: str | Path, doc: Document, *, pretty: bool = False) -> None:
    """`to_json(doc, pretty=...)` written to `path` as it is built (write_atomic: whole or not at all),
    never held whole in memory."""
    write_atomic(path, json_byte_pieces(doc, pretty=pretty))


def to_jsonl(doc: Document) -> str:
    """One line for the document (as in `json`), for appending to a stream of documents."""
    return to_json(doc, pretty=False)


@functools.cache
def _umask() -> int:
    try:  # Linux says it without changing it (os.umask can only be read by setting it, racing threads)
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def temp_beside(path: Path) -> tuple[int, str]:
    """A new temporary file `.NAME.<random>.tmp` beside `path` (fd, name), with the mode the umask
    gives a new file (mkstemp's own 0600 would survive the rename and hide the output from others)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=str(path.parent))
    try:
        os.fchmod(fd, 0o666 & ~_umask())
    except OSError:  # a file system without modes: keep what it gave
        pass
    return fd, tmp


def is_special_file(path: str | Path) -> bool:
    """A device, FIFO or socket (following links): renaming a file over it would destroy it (as root,
    `-o /dev/null` would leave a regular file where the device was)."""
    import stat

    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def write_atomic(path: str | Path, data: str | bytes | Iterable[bytes], *, encoding: str = "utf-8") -> None:
    """Write to a temporary file beside `path`, then rename: readers never see half a file. A character
    the encoding cannot hold (a lone surrogate from an undecodable file name) is written as its
    backslash escape (in JSON, the escape that reads back as the same character). `data` may come in
    pieces (bytes), written as they come."""
    path = Path(path)
    if isinstance(data, str):
        data = data.encode(encoding, "backslashreplace")
    pieces = (data,) if isinstance(data, bytes) else data
    if is_special_file(path):  # -o /dev/null, /dev/stdout, a FIFO: written into, never replaced by a file
        with open(path, "wb") as f:
            for piece in pieces:
                f.write(piece)
        return
    fd, tmp = temp_beside(path)
    try:
        with os.fdopen(fd, "wb") as f:
            for piece in pieces:
                f.write(piece)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


# A cell a spreadsheet would run as a formula (OWASP "CSV injection"): = + - @, and tab or carriage
# return, which some spreadsheets skip before looking for one.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?")  # -5, +3.2, -1e5, -5%


def inert_cell(value):
    """A CSV cell no spreadsheet runs: text that starts like a formula gets a leading ' (OWASP), except
    a number written as text (-5, +3.2), which stays a number. None is the empty cell."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def inert_row(row) -> list:
    return [inert_cell(v) for v in row]


def csv_text(header: list[str], rows: list[list]) -> str:
    """CSV with a UTF-8 BOM so that Excel opens Chinese text correctly; every cell inert (inert_cell)."""
    buf = io.StringIO()
    buf.write("\ufeff")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(inert_row(header))
    for r in rows:
        w.writerow(inert_row(r))
    return buf.getvalue()


_UNSAFE_FILENAME = str.maketrans({c: "_" for c in '/\\:*?"<>|\t\n\r '})


def _table_filename(index: int, title: str | None) -> str:
    name = (title or "table").translate(_UNSAFE_FILENAME).strip("._") or "table"
    return f"table_{index:02d}_{name[:40]}.csv"


def document_csvs(doc: Document) -> list[tuple[str, str]]:
    """(file name, CSV text) of tasks.csv, targets.csv and one CSV per table (table_01_<title>.csv).

    UTF-8 with a BOM (csv_text). tasks.csv and targets.csv are always there (header only when
    empty), so a batch job finds the same files for every document.
    """
    def names(ag, role: str) -> str:
        return "、".join(getattr(ag, role)) if ag is not None else ""

    task_rows = []
    for t in doc.tasks:
        d = t.deadline
        task_rows.append([
            t.seq, t.category, t.content, t.deadline_text, d.date if d else None, d.kind if d else None,
            names(t.agencies, "lead"), names(t.agencies, "support"), names(t.agencies, "responsible"),
            names(t.agencies, "implementers"), t.clause_id, t.page,
        ])
    files = [("tasks.csv", csv_text(
        ["seq", "category", "content", "deadline_text", "deadline_date", "deadline_kind", "lead", "support",
         "responsible", "implementers", "clause_id", "page"], task_rows))]

    target_rows = [[
        t.metric, t.scope, t.value, t.value_max, t.unit, t.comparator, t.direction, t.baseline_year, t.target_year,
        t.aspirational, t.clause_id, t.task_seq, t.table_index, t.text,
    ] for t in doc.targets]
    files.append(("targets.csv", csv_text(
        ["metric", "scope", "value", "value_max", "unit", "comparator", "direction", "baseline_year", "target_year",
         "aspirational", "clause_id", "task_seq", "table_index", "text"], target_rows)))

    for i, table in enumerate(doc.tables, 1):
        ncols = max([len(table.header)] + [len(r) for r in table.rows])
        header = list(table.header) + [""] * (ncols - len(table.header))
        files.append((_table_filename(i, table.title),
                      csv_text(header, [list(r) + [""] * (ncols - len(r)) for r in table.rows])))
    return files


def write_document_csvs(doc: Document, directory: Path) -> list[Path]:
    """document_csvs written into `directory`, each atomically; returns the written paths in order."""
    written: list[Path] = []
    for name, text in document_csvs(doc):
        path = Path(directory) / name
        write_atomic(path, text)
        written.append(path)
    return written
