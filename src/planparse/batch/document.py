"""The work done for one document, wherever it runs (a pool worker, a Dask worker, or in-process):
extract, then render the output the sink asked for. Never raises for a document problem: the error
comes back in the Result as (kind, one-line message). Rendering and writing are inside that boundary,
so a result that cannot be encoded (lone surrogates) is the document's `internal` error, not the batch's end."""
from __future__ import annotations

import contextlib
import ctypes
import json
import os
import signal
import threading
import time
from dataclasses import dataclass
from typing import Any, Iterator, Optional

from ..errors import PlanparseError
from ..grammar.timed import DeadlinePassed, deadline
from .rows import csv_rows


@dataclass(frozen=True)
class DocumentTask:
    """What a worker needs for one document: picklable, no reference to the parent's objects."""

    index: int
    path: str
    mode: str  # what to render: json | jsonl | csv (the CSV tables' rows) | tables (tables.py)
    out_path: Optional[str]  # the worker writes the rendered bytes here; None: they go back in the Result
    grammars: Optional[str]
    timeout: Optional[float] = None  # seconds for the whole document; None: no limit
    report_path: Optional[str] = None  # --report: also write the document's HTML report here
    ocr: str = "auto"  # auto | always | never (ingest/ocr.py)
    memory_budget: Optional[int] = None  # bytes the worker may grow by for this document (pool.py kills past it)


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
    ocr_pages: int = 0
    ocr_seconds: float = 0.0  # summed over the OCR'd pages
    kind: Optional[str] = None
    message: Optional[str] = None
    payload: Any = None  # the rendered output when the sink writes it (no out_path): bytes or rows
    entry: Optional[dict] = None  # --report: the document's row of the index page (report.IndexEntry fields)


# A short plan that passes through every stage after ingest: reading it builds what the stages compile on
# first use (patterns, the word dictionary), so children forked afterwards (supervised.py) share it.
_WARM_UP = ("关于印发某某行动方案的通知\n一、主要目标\n到2025年，覆盖率达到90%以上。（市发展改革委牵头，各区政府负责）\n"
            "二、重点任务\n（一）推进建设。2024年底前完成。\n")


def load_stages(grammars_dir: Optional[str], warm: bool = False) -> None:
    """Load (and cache) the grammars and import the stages before the first document; `warm`: also read
    a short text, for a process that forks a child per document."""
    from ..grammar import load_grammars

    g = load_grammars(grammars_dir)
    import planparse.pipeline  # noqa: F401

    if warm:
        from ..emit import to_json
        from ..ingest import READERS, read_bytes

        from ..words import preload

        for reader in READERS.values():
            reader.function_object()  # imported once here, not in every child
        preload(g)
        to_json(planparse.pipeline.extract_raw(read_bytes("warm-up.txt", _WARM_UP.encode("utf-8")), g))
        import gc

        gc.freeze()  # a child's collections then never walk (and so copy) the pages it shares with us


def exit_with_parent() -> None:
    """In a worker process: exit as soon as the parent process is gone (even after kill -9, which gives
    the parent no chance to stop its workers). The parent's sentinel is a pipe that closes with it."""
    import multiprocessing as mp
    from multiprocessing.connection import wait

    parent = mp.parent_process()
    if parent is None:
        return

    def watch() -> None:
        wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="planparse-parent-watch", daemon=True).start()


_started: Any = None  # in a pool worker: the queue on which it says which document it starts (pool.py's watchdog)


def init_worker(grammars_dir: Optional[str], started: Any = None) -> None:
    """Once per worker process: the stages and grammars, warmed by a short text (so that a worker's first
    document does not pay for building the word dictionary, against its time and memory budget); Ctrl-C
    is the parent's to handle."""
    global _started
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    exit_with_parent()
    _started = started
    load_stages(grammars_dir, warm=True)


def process_document_watched(task: "DocumentTask") -> "Result":
    """process_document, first telling the parent (index, pid, start time), so that a worker stuck where
    its own timer cannot reach (a blocking system call, a long C call) can be killed from outside."""
    if _started is not None:
        _started.put((task.index, os.getpid(), time.monotonic(), resident_bytes(os.getpid())))
    return process_document(task)


def resident_bytes(pid: int) -> Optional[int]:
    """The resident memory of a process (Linux /proc), or None where it cannot be read."""
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


MEMORY_BASE = 1536 * 1024 * 1024  # what any document may take: the stages, the word dictionary, a PDF's pages
MEMORY_PER_INPUT_BYTE = 20  # and this much per byte of input


def memory_budget(input_bytes: int, base: int = MEMORY_BASE) -> int:
    """The memory a worker may grow by for one document: a constant plus 20× its size."""
    return base + MEMORY_PER_INPUT_BYTE * input_bytes


def one_line(e: BaseException) -> str:
    # the record names its input already; a PlanparseError's str() would name it twice
    msg = " ".join((e.message if isinstance(e, PlanparseError) else str(e)).split())
    return msg or type(e).__name__


class DocumentTimeout(DeadlinePassed):
    """Raised inside the thread working on a document when its time is up (a BaseException, as
    DeadlinePassed, which a grammar pattern raises when its regex timeout runs out)."""


def _set_async_exc(tid: int, exc: Optional[type]) -> None:
    """Make thread `tid` raise `exc` at its next bytecode (None: forget one not raised yet)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(tid), ctypes.py_object(exc) if exc else None)


@contextlib.contextmanager
def time_limit(seconds: Optional[float]) -> Iterator[None]:
    """Raise DocumentTimeout in this thread after `seconds`. Works in any thread (pool workers run
    documents in their main thread, Dask workers in a thread pool), so one mechanism serves every
    engine; like a signal, it lands between two Python bytecodes."""
    if not seconds:
        yield
        return
    tid = threading.get_ident()
    lock = threading.Lock()
    state = {"finished": False, "fired": False}

    def fire() -> None:
        with lock:
            if not state["finished"]:
                state["fired"] = True
                _set_async_exc(tid, DocumentTimeout)

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    try:
        with deadline(seconds):  # one regex match is one bytecode: the patterns watch the time themselves
            yield
    finally:
        with lock:
            state["finished"] = True
            timer.cancel()
            fired = state["fired"]
            if fired:
                _set_async_exc(tid, None)  # a timeout set but not yet raised: raise it here instead
    if fired:
        raise DocumentTimeout


def render(doc, task: DocumentTask) -> Any:
    """The document's output for the sink: bytes to write (or a JSON line; to a file, the pieces of the
    JSON, made as they are written), or the tables' rows."""
    from ..emit import json_byte_pieces, to_json_bytes

    # A file name that is not UTF-8 (kept by Python as lone surrogates, surrogateescape) is written as
    # JSON's own \udcXX escape, which reads back as the same name; a table cell gets the visible escape.
    if task.mode in ("json", "jsonl"):
        # to a file: its pieces, written as they are built, never the whole output beside the Document
        return json_byte_pieces(doc) if task.out_path is not None else to_json_bytes(doc)
    if task.mode == "csv":
        rows = {"source": task.path, "sha256": doc.source.sha256, "rows": csv_rows(doc, task.path, task.grammars)}
        return (json.dumps(rows, ensure_ascii=False) + "\n").encode("utf-8", "backslashreplace")
    from .tables import document_rows

    tables = document_rows(doc, storable(task.path), task.grammars)
    if task.out_path is None:
        return tables
    staged = {"source": task.path, "sha256": doc.source.sha256, "tables": tables}
    return (json.dumps(staged, ensure_ascii=False, default=str) + "\n").encode("utf-8", "backslashreplace")  # dates as ISO text


def storable(text: Optional[str]) -> Optional[str]:
    """Text any UTF-8 store accepts (DuckDB, Arrow): a lone surrogate (an undecodable file name) as a
    visible backslash escape."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8") if text else text


def write_report(doc, text: str, path: str) -> dict:
    """--report: the document's HTML page, written atomically; returns its row of the index."""
    from dataclasses import asdict

    from ..emit import write_atomic
    from ..report import IndexEntry, render_report

    write_atomic(path, render_report(doc, text))
    return asdict(IndexEntry.of(doc, href=""))


def _written(res: Result, write) -> Result:
    """`res`, or a `write` failure when the output cannot be written (disk full, permissions): the
    document was fine, its output could not be written."""
    try:
        write()
    except OSError as e:
        return Result(res.index, False, kind="write", message=one_line(e))
    return res


def process_document(task: DocumentTask) -> Result:
    """Extract one document, then write its output to out_path or return it in the Result."""
    t0 = time.perf_counter()
    from ..emit import write_atomic
    from ..ingest.ocr import one_page_at_a_time
    from ..pipeline import extract_with_text

    one_page_at_a_time()  # the batch's documents already run in parallel: a document's pages do not

    index = task.index
    try:
        try:
            with time_limit(task.timeout):
                doc, text = extract_with_text(task.path, grammars_dir=task.grammars, ocr=task.ocr)  # type: ignore[arg-type]
                res = Result(
                    index, True, sha256=doc.source.sha256, pages=doc.source.pages, clauses=len(doc.clauses),
                    targets=len(doc.targets), tasks=len(doc.tasks),
                    ocr_pages=sum(1 for p in doc.source.page_info if p.ocr),
                    ocr_seconds=sum(p.ocr_seconds or 0.0 for p in doc.source.page_info),
                )
                out = render(doc, task)
                if task.report_path:
                    res.entry = write_report(doc, text, task.report_path)
                del doc, text
                if task.out_path is None:
                    res.payload = out
                else:  # a JSON is built as it is written (render): the writing is the document's time too
                    res = _written(res, lambda: write_atomic(task.out_path, out))
        except DeadlinePassed:
            res = Result(index, False, kind="timeout", message=f"not finished after {task.timeout:g} s (--timeout)")
    except PlanparseError as e:
        res = Result(index, False, kind=e.kind, message=one_line(e))
    except Exception as e:  # a bug in a stage, or an output that cannot be encoded: recorded, the batch goes on
        res = Result(index, False, kind="internal", message=f"{type(e).__name__}: {one_line(e)}")
    res.seconds = time.perf_counter() - t0
    return res
