"""`planparse batch`: many documents in parallel processes, streamed to disk, resumable.

Outputs
    directory  OUT/<path relative to the inputs' common root>.json — the input's own name with `.json`
               added (`plans/a.pdf` → `OUT/plans/a.pdf.json`), so `a.pdf` and `a.txt` never collide.
               Failures: one line each in OUT/_errors.jsonl ({"source", "error": {"kind", "message"}}).
    .jsonl     one line per document (the contract JSON), or an error record for a failed one, in the
               order documents finish. Lines are appended (and flushed) to OUT.partial while the batch
               runs; at the end the newest line per input is written to OUT (temporary file + rename)
               and OUT.partial is removed. A killed run leaves OUT.partial: `--resume` keeps its
               complete lines (a torn last line is dropped) and carries on.
    csv        OUT/documents.csv, clauses.csv, targets.csv, tasks.csv (UTF-8 with BOM, each row with its
               source file). Each document's rows are written as it finishes, to OUT/_rows/<rel>.rows.json;
               the CSVs are assembled from those files at the end, in input order.

Every file is written atomically (temporary file in the same directory + rename), so a killed batch
leaves no half-written output; stale temporary files of a killed run are removed when the next run
starts. `--resume` skips an input whose output exists and records the sha256 the input has now.
"""
from __future__ import annotations

import contextlib
import csv
import glob
import hashlib
import json
import os
import re
import signal
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

from .errors import PlanparseError, UsageError
from .ingest import SUPPORTED_SUFFIXES  # one list of formats, owned by the readers

ERRORS_NAME = "_errors.jsonl"
ROWS_DIR = "_rows"
CSV_TABLES = ("documents", "clauses", "targets", "tasks")
_TMP_SUFFIX = ".tmp"


class BatchUsageError(UsageError):
    """Bad inputs or options for `batch` (exit 2)."""


# --- inputs ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    index: int
    path: str  # as found (relative to the working directory when given so): the record's `source`
    rel: str  # POSIX path relative to the inputs' common root: names the output


def _is_glob(s: str) -> bool:
    return any(ch in s for ch in "*?[")


def _walk(d: Path, skip: Optional[Path]) -> Iterator[Path]:
    for root, dirs, files in os.walk(d):
        rp = Path(root)
        dirs[:] = sorted(x for x in dirs if not x.startswith(".") and (skip is None or (rp / x).resolve() != skip))
        for name in sorted(files):
            if not name.startswith(".") and name.lower().endswith(SUPPORTED_SUFFIXES):
                yield rp / name


def collect_inputs(args: list[str], *, exclude: Optional[Path] = None) -> list[Job]:
    """Files (any suffix: the reader decides), directories (recursively, supported suffixes only, hidden
    names skipped) and globs (supported suffixes only). Raises BatchUsageError when an argument matches
    nothing or nothing is found at all."""
    skip = exclude.resolve() if exclude is not None else None
    found: list[tuple[Path, Path]] = []  # (file, base directory its name is relative to)
    for arg in args:
        p = Path(arg)
        if p.is_dir():
            found += [(f, p) for f in _walk(p, skip)]
        elif p.is_file():
            found.append((p, p.parent))
        elif _is_glob(arg):
            hits = sorted(glob.glob(arg, recursive=True))
            if not hits:
                raise BatchUsageError(f"{arg}: no file matches")
            for h in hits:
                hp = Path(h)
                if hp.is_dir():
                    found += [(f, hp) for f in _walk(hp, skip)]
                elif hp.is_file() and hp.name.lower().endswith(SUPPORTED_SUFFIXES):
                    found.append((hp, hp.parent))
        else:
            raise BatchUsageError(f"{arg}: no such file or directory")
    seen: set[Path] = set()
    unique: list[tuple[Path, Path]] = []
    for f, base in found:
        r = f.resolve()
        if r in seen or (skip is not None and skip in r.parents):
            continue
        seen.add(r)
        unique.append((f, base))
    if not unique:
        raise BatchUsageError("no input documents found (supported: " + " ".join(SUPPORTED_SUFFIXES) + ")")
    root = Path(os.path.commonpath([str(b.resolve()) for _, b in unique]))
    return _with_archive_members(
        [(os.path.normpath(str(f)), f.resolve().relative_to(root).as_posix()) for f, _ in unique]
    )


def _with_archive_members(inputs: list[tuple[str, str]]) -> list[Job]:
    """An archive is its documents: one job per member (`a.zip!/x/y.pdf`, output `a.zip!/x/y.pdf.json`),
    read from the archive by the worker, never unpacked to disk. Refused members (zip bomb, a path
    leaving the archive) are jobs too: reading them fails with the reason, as any bad input does."""
    from .ingest.archive import documents_in

    jobs: list[Job] = []
    for path, rel in inputs:
        members = documents_in(path)
        for member in members if members is not None else [path]:
            inner = member[len(path):]  # "" or "!/x/y.pdf"
            jobs.append(Job(len(jobs), member, rel + inner))
    return jobs


def sha256_file(path: str | Path) -> str:
    from .ingest.archive import MEMBER_SEP, read_member_path

    if MEMBER_SEP in str(path) and not os.path.exists(path):  # an archive member: the sha of its bytes
        return hashlib.sha256(read_member_path(str(path))).hexdigest()
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# --- atomic writing ----------------------------------------------------------------------------------


@contextlib.contextmanager
def atomic_open(path: Path, mode: str = "w", **kw) -> Iterator[Any]:
    """A file beside `path` that replaces it on success (fsync + rename) and vanishes on failure.
    The temporary name is `.NAME.<random>.tmp`, as emit.write_atomic uses, so one clean-up finds both."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=_TMP_SUFFIX, dir=str(path.parent))
    try:
        with os.fdopen(fd, mode, **kw) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


# `.NAME.<8 random characters>.tmp` where NAME is one of our outputs (mkstemp adds 8 characters of [a-z0-9_]).
_STALE = re.compile(r"^\..+\.(?:json|jsonl|csv)\.[a-z0-9_]{8}\.tmp$")


def remove_stale_temps(directory: Path) -> int:
    """Delete the temporary files a killed run left beside its outputs (nothing else: OUT may be shared)."""
    n = 0
    if not directory.is_dir():
        return 0
    for root, dirs, files in os.walk(directory):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if _STALE.match(name):
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(root, name))
                    n += 1
    return n


# --- the work done for one document (in a worker process, or in-process with --workers 1) ------------


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


_WORKER_GRAMMARS: Optional[str] = None


def _init_worker(grammars_dir: Optional[str]) -> None:
    """Once per worker process: load (and cache) the grammars; leave Ctrl-C to the parent."""
    global _WORKER_GRAMMARS
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER_GRAMMARS = grammars_dir
    from .grammar import load_grammars

    load_grammars(grammars_dir)
    import planparse.pipeline  # noqa: F401  (import the stages before the first document)


def _yn(v: Any) -> Any:
    return ("true" if v else "false") if isinstance(v, bool) else v


def _join(names) -> str:
    return "、".join(names or [])


def csv_rows(doc, source: str) -> dict[str, list[list]]:
    """Compact rows of one Document for the four CSV tables (the whole Document is not kept)."""
    m = doc.meta
    rows: dict[str, list[list]] = {
        "documents": [[
            source, doc.source.format, doc.source.pages, doc.source.sha256, m.notice_title, m.title,
            m.doc_number, _join(m.issuer), m.issue_date, m.level, len(doc.clauses), len(doc.targets),
            len(doc.tasks), len(doc.warnings),
        ]],
        "clauses": [
            [source, c.id, c.marker, c.level, c.parent_id, c.heading, c.page, c.line, len(c.targets),
             len(c.deadlines), c.text]
            for c in doc.clauses
        ],
        "targets": [
            [source, t.clause_id, t.task_seq, t.metric, t.scope, t.value, t.value_max, t.unit, t.comparator,
             t.direction, t.baseline_year, t.target_year, _yn(t.aspirational), t.text]
            for t in doc.targets
        ],
        "tasks": [],
    }
    for t in doc.tasks:
        a = t.agencies
        d = t.deadline
        rows["tasks"].append([
            source, t.seq, t.category, t.content, t.deadline_text, d.kind if d else None, d.date if d else None,
            _join(a.lead) if a else "", _join(a.support) if a else "", _join(a.responsible) if a else "",
            _join(a.implementers) if a else "", t.clause_id, t.page,
        ])
    return rows


CSV_HEADERS: dict[str, list[str]] = {
    "documents": ["source", "format", "pages", "sha256", "notice_title", "title", "doc_number", "issuer",
                  "issue_date", "level", "clauses", "targets", "tasks", "warnings"],
    "clauses": ["source", "id", "marker", "level", "parent_id", "heading", "page", "line", "targets",
                "deadlines", "text"],
    "targets": ["source", "clause_id", "task_seq", "metric", "scope", "value", "value_max", "unit",
                "comparator", "direction", "baseline_year", "target_year", "aspirational", "text"],
    "tasks": ["source", "seq", "category", "content", "deadline_text", "deadline_kind", "deadline_date",
              "lead", "support", "responsible", "implementers", "clause_id", "page"],
}


def one_line(e: BaseException) -> str:
    msg = " ".join(str(e).split())
    return msg or type(e).__name__


def process_document(index: int, path: str, mode: str, out_path: Optional[str], grammars_dir: Optional[str],
                     ocr: str = "auto") -> Result:
    """Extract one document and write its output (dir/csv modes) or return its line (jsonl mode).
    Never raises for a document problem: the error comes back as (kind, one-line message)."""
    t0 = time.perf_counter()
    from .emit import to_json, write_atomic
    from .pipeline import extract_file

    try:
        doc = extract_file(path, grammars_dir=grammars_dir, ocr=ocr)  # type: ignore[arg-type]
        res = Result(
            index, True, sha256=doc.source.sha256, pages=doc.source.pages, clauses=len(doc.clauses),
            targets=len(doc.targets), tasks=len(doc.tasks),
        )
        if mode == "jsonl":
            res.line = to_json(doc)
            data = None
        elif mode == "json":
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
            write_atomic(out_path, data)
        except OSError as e:  # disk full, permissions: the document was fine, its output could not be written
            res = Result(index, False, kind="write", message=one_line(e))
    res.seconds = time.perf_counter() - t0
    return res


# --- sinks: where results go -------------------------------------------------------------------------


class _ErrorLog:
    """OUT/_errors.jsonl: the failures of this run, one line each, flushed as they happen."""

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.f = open(path, "w", encoding="utf-8")
        self.count = 0

    def add(self, source: str, kind: str, message: str) -> None:
        self.f.write(json.dumps({"source": source, "error": {"kind": kind, "message": message}}, ensure_ascii=False) + "\n")
        self.f.flush()
        self.count += 1

    def close(self) -> None:
        self.f.close()
        if self.count == 0:
            with contextlib.suppress(OSError):
                self.path.unlink()


class DirSink:
    mode = "json"

    def __init__(self, out: Path):
        self.out = out

    def output_for(self, job: Job) -> Path:
        return self.out / (job.rel + ".json")

    def start(self) -> None:
        if self.out.exists() and not self.out.is_dir():
            raise BatchUsageError(f"{self.out}: exists and is not a directory")
        self.out.mkdir(parents=True, exist_ok=True)
        remove_stale_temps(self.out)
        self.errors = _ErrorLog(self.out / ERRORS_NAME)

    def recorded_sha(self, job: Job) -> Optional[str]:
        p = self.output_for(job)
        try:
            with open(p, encoding="utf-8") as f:
                return json.load(f)["source"]["sha256"]
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def ok(self, job: Job, res: Result) -> None:
        pass  # the worker wrote the file

    def failed(self, job: Job, res: Result) -> None:
        self.errors.add(job.path, res.kind, res.message)
        # An output left from an earlier run describes another version of the input: remove it.
        with contextlib.suppress(OSError):
            self.output_for(job).unlink()

    def finish(self, jobs: list[Job]) -> None:
        self.errors.close()

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            self.errors.f.close()


class CsvSink(DirSink):
    mode = "csv"

    def output_for(self, job: Job) -> Path:
        return self.out / ROWS_DIR / (job.rel + ".rows.json")

    def recorded_sha(self, job: Job) -> Optional[str]:
        try:
            with open(self.output_for(job), encoding="utf-8") as f:
                return json.load(f)["sha256"]
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def finish(self, jobs: list[Job]) -> None:
        super().finish(jobs)
        from .emit import csv_text

        with contextlib.ExitStack() as stack:
            files = {}
            writers = {}
            for name in CSV_TABLES:
                f = stack.enter_context(atomic_open(self.out / f"{name}.csv", "w", encoding="utf-8", newline=""))
                f.write(csv_text(CSV_HEADERS[name], []))  # BOM + header, as emit writes every CSV
                files[name] = f
                writers[name] = csv.writer(f, lineterminator="\r\n")
            for job in jobs:  # input order: the CSVs do not depend on which worker finished first
                try:
                    with open(self.output_for(job), encoding="utf-8") as f:
                        rows = json.load(f)["rows"]
                except (OSError, ValueError, KeyError):
                    continue  # failed document: in _errors.jsonl
                for name in CSV_TABLES:
                    for r in rows.get(name, []):
                        writers[name].writerow(["" if v is None else v for v in r])


def _cut_torn_tail(path: Path) -> None:
    """Cut a last line that has no newline (a kill in the middle of a write), reading from the end."""
    with open(path, "r+b") as f:
        pos = f.seek(0, os.SEEK_END)
        while pos > 0:
            step = min(1 << 16, pos)
            pos -= step
            f.seek(pos)
            i = f.read(step).rfind(b"\n")
            if i >= 0:
                f.truncate(pos + i + 1)
                return
        f.truncate(0)


class JsonlSink:
    mode = "jsonl"

    def __init__(self, out: Path):
        self.out = out
        self.partial = out.with_name(out.name + ".partial")
        self.index: dict[str, str] = {}  # source -> sha256 of a recorded success (resume)

    def output_for(self, job: Job) -> None:
        return None

    @staticmethod
    def _record_source(line: str) -> tuple[Optional[str], Optional[str]]:
        """(source, sha256 or None for an error record) of one complete line; (None, None) if torn."""
        try:
            rec = json.loads(line)
        except ValueError:
            return None, None
        if not isinstance(rec, dict):
            return None, None
        if "error" in rec:
            return rec.get("source"), None
        src = rec.get("source") or {}
        return src.get("path"), src.get("sha256")

    def start(self, resume: bool = False) -> None:
        if self.out.is_dir():
            raise BatchUsageError(f"{self.out}: is a directory (a .jsonl output is a file)")
        self.out.parent.mkdir(parents=True, exist_ok=True)
        # Only our own temporary files: the directory around a .jsonl file is not ours to sweep.
        for name in os.listdir(self.out.parent):
            if name.startswith(f".{self.out.name}.") and name.endswith(_TMP_SUFFIX):
                with contextlib.suppress(OSError):
                    os.unlink(self.out.parent / name)
        if not resume:
            self.f = open(self.partial, "w", encoding="utf-8")
            return
        # Keep what earlier runs recorded: complete lines of OUT.partial (a killed run) and of OUT.
        if self.partial.exists():
            _cut_torn_tail(self.partial)
        known: set[str] = set()
        if self.partial.exists():
            with open(self.partial, encoding="utf-8") as f:
                for line in f:
                    src, sha = self._record_source(line)
                    if src is not None:
                        known.add(src)
                        if sha:
                            self.index[src] = sha
                        else:
                            self.index.pop(src, None)
        self.f = open(self.partial, "a", encoding="utf-8")
        if self.out.exists():
            with open(self.out, encoding="utf-8") as f:
                for line in f:
                    src, sha = self._record_source(line)
                    if src is None or src in known:
                        continue
                    self.f.write(line if line.endswith("\n") else line + "\n")
                    if sha:
                        self.index[src] = sha
            self.f.flush()

    def recorded_sha(self, job: Job) -> Optional[str]:
        return self.index.get(job.path)

    def _append(self, line: str) -> None:
        self.f.write(line if line.endswith("\n") else line + "\n")
        self.f.flush()

    def ok(self, job: Job, res: Result) -> None:
        self._append(res.line)

    def failed(self, job: Job, res: Result) -> None:
        self._append(json.dumps({"source": job.path, "error": {"kind": res.kind, "message": res.message}}, ensure_ascii=False))

    def finish(self, jobs: list[Job]) -> None:
        self.f.flush()
        os.fsync(self.f.fileno())
        self.f.close()
        wanted = {j.path for j in jobs}
        # The newest complete line per current input, in the order they were written.
        last: dict[str, int] = {}
        with open(self.partial, encoding="utf-8") as f:
            for i, line in enumerate(f):
                src, _ = self._record_source(line)
                if src in wanted:
                    last[src] = i
        keep = set(last.values())
        with atomic_open(self.out, "w", encoding="utf-8") as out, open(self.partial, encoding="utf-8") as f:
            for i, line in enumerate(f):
                if i in keep:
                    out.write(line)
        os.unlink(self.partial)

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            self.f.close()


# --- reporting ---------------------------------------------------------------------------------------


@dataclass
class Summary:
    total: int = 0
    ok: int = 0
    skipped: int = 0
    failed: int = 0
    pages: int = 0
    clauses: int = 0
    targets: int = 0
    tasks: int = 0
    failures: Counter = field(default_factory=Counter)
    wall: float = 0.0
    cpu_seconds: float = 0.0

    def as_rows(self) -> list[tuple[str, str]]:
        rate = (self.ok + self.failed) / self.wall if self.wall > 0 else 0.0
        fails = ", ".join(f"{k} {v}" for k, v in sorted(self.failures.items())) or "none"
        return [
            ("documents", f"{self.total} ({self.ok} ok, {self.skipped} skipped unchanged, {self.failed} failed)"),
            ("pages (PDF)", str(self.pages)),
            ("clauses", str(self.clauses)),
            ("targets", str(self.targets)),
            ("tasks", str(self.tasks)),
            ("failures by kind", fails),
            ("wall time", f"{self.wall:.2f} s ({rate:.1f} docs/s)"),
        ]


class PlainReporter:
    """One line per document on stderr (CI logs), and a plain-text summary."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr

    def _w(self, s: str) -> None:
        self.stream.write(s + "\n")
        self.stream.flush()

    def start(self, total: int, workers: int) -> None:
        self._w(f"planparse batch: {total} document(s), {workers} worker(s)")

    def skip(self, job: Job) -> None:
        self._w(f"skip {job.path} (unchanged)")

    def done(self, job: Job, res: Result, summary: Summary) -> None:
        if res.ok:
            self._w(f"ok {job.path} ({res.seconds:.2f}s)")
        else:
            self._w(f"FAIL {job.path}: {res.kind}: {res.message}")

    def finish(self, summary: Summary) -> None:
        width = max(len(k) for k, _ in summary.as_rows())
        self._w("summary:")
        for k, v in summary.as_rows():
            self._w(f"  {k.ljust(width)}  {v}")

    def close(self) -> None:
        pass


class RichReporter:
    """A progress bar (done / failed / docs/s / ETA) on the terminal, and a summary table."""

    def __init__(self):
        from rich.console import Console

        self.console = Console(stderr=True)

    def start(self, total: int, workers: int) -> None:
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, SpinnerColumn,
                                   TextColumn, TimeElapsedColumn, TimeRemainingColumn)
        from rich.text import Text

        class Throughput(ProgressColumn):
            def render(self, task) -> Text:
                speed = task.finished_speed or task.speed
                return Text(f"{speed:.1f} docs/s" if speed else "– docs/s", style="progress.data.speed")

        self.progress = Progress(
            SpinnerColumn(), TextColumn("[bold]batch"), BarColumn(), MofNCompleteColumn(),
            TextColumn("[green]{task.fields[ok]} ok[/] [red]{task.fields[failed]} failed[/] {task.fields[skipped]} skipped"),
            Throughput(), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
            console=self.console, transient=False,
        )
        self.progress.start()
        self.task = self.progress.add_task("batch", total=total, ok=0, failed=0, skipped=0)

    def skip(self, job: Job) -> None:
        t = self.progress.tasks[0]
        self.progress.update(self.task, advance=1, skipped=t.fields["skipped"] + 1)

    def done(self, job: Job, res: Result, summary: Summary) -> None:
        self.progress.update(self.task, advance=1, ok=summary.ok, failed=summary.failed)
        if not res.ok:
            from rich.markup import escape

            self.progress.console.print(f"[red]FAIL[/] {escape(job.path)}: {escape(str(res.kind))}: {escape(str(res.message))}")

    def finish(self, summary: Summary) -> None:
        from rich.table import Table

        self.close()
        table = Table(title="planparse batch", show_header=False)
        table.add_column(style="bold")
        table.add_column()
        for k, v in summary.as_rows():
            table.add_row(k, v)
        self.console.print(table)

    def close(self) -> None:
        p = getattr(self, "progress", None)
        if p is not None:
            p.stop()
            self.progress = None


# --- the batch ---------------------------------------------------------------------------------------


@dataclass
class BatchOptions:
    inputs: list[str]
    output: Path
    fmt: str = "auto"  # auto | json | jsonl | csv
    workers: Optional[int] = None
    resume: bool = False
    grammars: Optional[str] = None
    max_tasks_per_child: Optional[int] = 100
    ocr: str = "auto"  # auto | always | never (ingest/ocr.py)


def _sink_for(opts: BatchOptions):
    fmt = opts.fmt
    if fmt == "auto":
        fmt = "jsonl" if opts.output.suffix.lower() == ".jsonl" else "json"
    if fmt == "json" and opts.output.suffix.lower() == ".jsonl":
        raise BatchUsageError(f"{opts.output}: --format json writes a directory, not a .jsonl file")
    if fmt == "jsonl":
        return JsonlSink(opts.output)
    if fmt == "csv":
        return CsvSink(opts.output)
    if fmt == "json":
        return DirSink(opts.output)
    raise BatchUsageError(f"unknown format {opts.fmt!r} (auto, json, jsonl, csv)")


def run_batch(opts: BatchOptions, reporter=None) -> Summary:
    """Run the batch; returns the summary (failures are in it, never raised). Raises BatchUsageError
    (or GrammarError) before any document is processed when the inputs or options are wrong."""
    from .grammar import load_grammars

    t_start = time.perf_counter()
    workers = opts.workers if opts.workers is not None else (os.cpu_count() or 1)
    if workers < 1:
        raise BatchUsageError("--workers must be at least 1")
    load_grammars(opts.grammars)  # a bad --grammars directory is a usage error, found before any work
    sink = _sink_for(opts)
    out_dir = opts.output if sink.mode != "jsonl" else None
    jobs = collect_inputs(opts.inputs, exclude=out_dir)
    reporter = reporter or PlainReporter()
    summary = Summary(total=len(jobs))
    if sink.mode == "jsonl":
        sink.start(resume=opts.resume)
    else:
        sink.start()
    todo: list[Job] = []
    reporter.start(len(jobs), min(workers, len(jobs)))
    try:
        for job in jobs:
            if opts.resume:
                recorded = sink.recorded_sha(job)
                if recorded is not None:
                    try:
                        current = sha256_file(job.path)
                    except OSError:
                        current = None
                    if current == recorded:
                        summary.skipped += 1
                        reporter.skip(job)
                        continue
            todo.append(job)

        def record(job: Job, res: Result) -> None:
            if res.ok:
                sink.ok(job, res)
                summary.ok += 1
                summary.pages += res.pages or 0
                summary.clauses += res.clauses
                summary.targets += res.targets
                summary.tasks += res.tasks
            else:
                sink.failed(job, res)
                summary.failed += 1
                summary.failures[res.kind] += 1
            summary.cpu_seconds += res.seconds
            reporter.done(job, res, summary)

        def args_for(job: Job) -> tuple:
            out = sink.output_for(job)
            return (job.index, job.path, sink.mode, str(out) if out is not None else None, opts.grammars, opts.ocr)

        if workers == 1 or len(todo) <= 1:
            _init_in_process(opts.grammars)
            for job in todo:
                record(job, process_document(*args_for(job)))
        else:
            _run_pool(todo, min(workers, len(todo)), opts, args_for, record)
        sink.finish(jobs)
    except BaseException:
        sink.abort()
        reporter.close()
        raise
    summary.wall = time.perf_counter() - t_start
    reporter.finish(summary)
    return summary


def _init_in_process(grammars_dir: Optional[str]) -> None:
    from .grammar import load_grammars

    load_grammars(grammars_dir)


def _run_pool(todo: list[Job], workers: int, opts: BatchOptions, args_for: Callable, record: Callable) -> None:
    """Keep at most 2×workers documents in flight; results are recorded as they complete. When a worker
    dies (a crash in a native library, the OOM killer), the pool is rebuilt and the documents that were
    in flight are retried one at a time: the one that kills a worker again is recorded as `crash`."""
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    queue = list(reversed(todo))
    suspects: list[Job] = []  # in flight when a pool broke: retried alone

    def new_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=workers, mp_context=ctx, initializer=_init_worker, initargs=(opts.grammars,),
            max_tasks_per_child=opts.max_tasks_per_child,
        )

    pool = new_pool()
    try:
        in_flight: dict[Future, Job] = {}
        while queue or suspects or in_flight:
            if suspects and not in_flight:
                job = suspects.pop(0)
                fut = pool.submit(process_document, *args_for(job))
                try:
                    record(job, fut.result())
                except BrokenProcessPool:
                    pool.shutdown(wait=False, cancel_futures=True)
                    pool = new_pool()
                    record(job, Result(job.index, False, kind="crash", message="the worker process died while reading this document"))
                continue
            while queue and not suspects and len(in_flight) < 2 * workers:
                job = queue.pop()
                try:
                    in_flight[pool.submit(process_document, *args_for(job))] = job
                except BrokenProcessPool:  # a worker died since the last wait: retry what was in flight
                    queue.append(job)
                    suspects.extend(in_flight.values())
                    in_flight.clear()
                    pool.shutdown(wait=False, cancel_futures=True)
                    pool = new_pool()
                    break
            if not in_flight:
                continue
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            broken = False
            for fut in done:
                job = in_flight.pop(fut)
                try:
                    record(job, fut.result())
                except BrokenProcessPool:
                    broken = True
                    suspects.append(job)
            if broken:
                suspects.extend(in_flight.values())
                in_flight.clear()
                pool.shutdown(wait=False, cancel_futures=True)
                pool = new_pool()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
