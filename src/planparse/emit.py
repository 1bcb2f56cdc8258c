"""Stage 6: serialise a Document (JSON, JSON Lines, CSV) — deterministic bytes, atomic writes."""
from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path

from .models import Document


def to_json(doc: Document, *, pretty: bool = False) -> str:
    data = doc.model_dump(mode="json")
    if pretty:
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def to_jsonl(doc: Document) -> str:
    """One line for the document (as in `json`), for appending to a stream of documents."""
    return to_json(doc, pretty=False)


def write_atomic(path: str | Path, data: str | bytes, *, encoding: str = "utf-8") -> None:
    """Write to a temporary file beside `path`, then rename: readers never see half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=str(path.parent))
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data.encode(encoding) if isinstance(data, str) else data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def csv_text(header: list[str], rows: list[list]) -> str:
    """CSV with a UTF-8 BOM so that Excel opens Chinese text correctly."""
    buf = io.StringIO()
    buf.write("\ufeff")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    for r in rows:
        w.writerow(["" if v is None else v for v in r])
    return buf.getvalue()
