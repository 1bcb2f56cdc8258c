"""The work done for one document, wherever it runs (a pool worker, a Dask worker, or in-process):
extract, then render the output the sink asked for. Never raises for a document problem: the error
comes back in the Result as (kind, one-line message)."""
from __future__ import annotations

import json
import signal
import time
from dataclasses import dataclass
from typing import Optional

from ..errors import PlanparseError
from .rows import csv_rows


@dataclass(frozen=True)
class DocumentTask:
    """What a worker needs for one document: picklable, no reference to the parent's objects."""

    index: int
    path: str
    mode: str  # the sink's mode: json (write OUT file) | csv (write rows file) | jsonl (return the line)
    out_path: Optional[str]
    grammars: Optional[str]


@dataclass
class Result:
    index: int
    ok: bool
    seconds: float = 0.0
    sha256: Optional[str] = None
    pages: Optional[int] = None
    clauses: int = 0
    targets: int = 0
    tasks: int = 0
    kind: Optional[str] = None
    message: Optional[str] = None
    line: Optional[str] = None  # jsonl mode: the document's JSON line


def load_stages(grammars_dir: Optional[str]) -> None:
    """Load (and cache) the grammars and import the stages before the first document."""
    from ..grammar import load_grammars

    load_grammars(grammars_dir)
    import planparse.pipeline  # noqa: F401


def init_worker(grammars_dir: Optional[str]) -> None:
    """Once per worker process: the stages and grammars; Ctrl-C is the parent's to handle."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    load_stages(grammars_dir)


def one_line(e: BaseException) -> str:
    msg = " ".join(str(e).split())
    return msg or type(e).__name__


def process_document(task: DocumentTask) -> Result:
    """Extract one document and write its output (json/csv modes) or return its line (jsonl mode)."""
    t0 = time.perf_counter()
    from ..emit import to_json, write_atomic
    from ..pipeline import extract_file

    index, path = task.index, task.path
    try:
        doc = extract_file(path, grammars_dir=task.grammars)
        res = Result(
            index, True, sha256=doc.source.sha256, pages=doc.source.pages, clauses=len(doc.clauses),
            targets=len(doc.targets), tasks=len(doc.tasks),
        )
        if task.mode == "jsonl":
            res.line = to_json(doc)
            data = None
        elif task.mode == "json":
            data = to_json(doc)
        else:
            data = json.dumps({"source": path, "sha256": doc.source.sha256, "rows": csv_rows(doc, path)}, ensure_ascii=False) + "\n"
        del doc
    except PlanparseError as e:
        res, data = Result(index, False, kind=e.kind, message=one_line(e)), None
    except Exception as e:  # a bug in a stage: recorded, the batch goes on
        res, data = Result(index, False, kind="internal", message=f"{type(e).__name__}: {one_line(e)}"), None
    if data is not None:
        try:
            write_atomic(task.out_path, data)
        except OSError as e:  # disk full, permissions: the document was fine, its output could not be written
            res = Result(index, False, kind="write", message=one_line(e))
    res.seconds = time.perf_counter() - t0
    return res
