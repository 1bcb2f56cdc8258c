"""The batch, step by step: discover inputs → run them on an engine → sink each result → report."""
from __future__ import annotations

import errno
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from .discover import BatchUsageError, Job, collect_inputs, sha256_file
from .document import MEMORY_BASE, DocumentTask, Result, memory_budget, one_line
from ..ingest.archive import MEMBER_SEP
from .engines import Engine, PoolEngine
from .files import OutsideOutput
from .lock import OutputLock
from .report import PlainReporter, Summary
from .report_pages import ReportIndex
from .sinks import Sink, sink_for

DEFAULT_TIMEOUT = 300.0  # seconds per document: a 500-page PDF takes well under a minute


@dataclass
class BatchOptions:
    inputs: list[str]
    output: Path
    fmt: str = "auto"  # auto | json | jsonl | csv | duckdb | parquet
    workers: Optional[int] = None
    resume: bool = False
    grammars: Optional[str] = None
    max_tasks_per_child: Optional[int] = 100
    timeout: Optional[float] = DEFAULT_TIMEOUT  # per document; None or 0: no limit
    report: bool = False  # also an HTML report per document and an index page (report_root)
    engine: str = "pool"  # pool | dask
    scheduler: Optional[str] = None  # dask: a scheduler address; None: a LocalCluster
    dask_processes: bool = True  # dask LocalCluster: worker processes (False: threads, for tests)
    ocr: str = "auto"  # auto | always | never (ingest/ocr.py)
    memory_budget_mb: Optional[float] = MEMORY_BASE / 2**20  # per document, plus 20x its size; None or 0: no limit


def engine_for(opts: BatchOptions) -> Engine:
    if opts.workers is not None and opts.workers < 1:
        raise BatchUsageError("--workers must be at least 1")
    if opts.scheduler and opts.engine != "dask":
        raise BatchUsageError("--scheduler needs --engine dask")
    if opts.engine == "pool":
        return PoolEngine(opts.workers, opts.grammars, opts.max_tasks_per_child)
    if opts.engine == "dask":
        try:
            from .engines.dask import DaskEngine
        except ImportError as e:
            raise BatchUsageError(f"--engine dask needs the dask extra: pip install 'planparse[dask]' ({e})") from None
        return DaskEngine(opts.scheduler, opts.workers, opts.grammars, processes=opts.dask_processes)
    raise BatchUsageError(f"unknown engine {opts.engine!r} (pool, dask)")


def lock_path(output: Path) -> Path:
    """`.NAME.lock` beside the output (file or directory): usable before the output exists."""
    out = output.resolve()
    return out.parent / f".{out.name}.lock"


def report_root(output: Path, sink: Sink) -> Path:
    """Where --report writes: OUT/_report/ for a directory output, NAME.report/ beside a file output."""
    out_dir = sink.excluded()
    return out_dir / "_report" if out_dir is not None else output.with_name(output.name + ".report")


_DISK_FULL = (errno.ENOSPC, errno.EDQUOT)


def budget_for(job: Job, base_mb: Optional[float]) -> Optional[int]:
    """The memory a worker may grow by for `job`: --memory-budget plus 20x the input's size (for an
    archive member, the archive's: an upper bound known without reading it)."""
    if not base_mb:
        return None
    try:
        size = os.path.getsize(job.path.split(MEMBER_SEP, 1)[0] if not os.path.exists(job.path) else job.path)
    except OSError:
        size = 0
    return memory_budget(size, int(base_mb * 2**20))


def refuse_inputs_we_write(jobs: list[Job], ours: list[Path]) -> None:
    """An output, a lock or a partial file that is also an input (`batch plan.txt -o plan.txt`, an input
    named `.out.jsonl.lock`) would be truncated or deleted before it is read: a usage error, before any
    file is touched."""
    from ..ingest.archive import MEMBER_SEP

    written = {os.path.realpath(p): p for p in ours}
    for job in jobs:
        outer = job.path.split(MEMBER_SEP, 1)[0] if MEMBER_SEP in job.path else job.path
        hit = written.get(os.path.realpath(outer))
        if hit is not None:
            raise BatchUsageError(f"{outer!r} is an input and also a file this batch writes ({hit}): "
                                  "give another -o")


def _unchanged(sink: Sink, job: Job) -> bool:
    """--resume: the sink holds an output made from the input as it is now."""
    recorded = sink.recorded_sha(job)
    if recorded is None:
        return False
    try:
        return sha256_file(job.path) == recorded
    except OSError:
        return False


def run_batch(opts: BatchOptions, reporter=None) -> Summary:
    """Run the batch; returns the summary (failures are in it, never raised). Raises BatchUsageError
    (or GrammarError) before any document is processed when the inputs or options are wrong, and
    OutputLocked (exit 2) when another batch is writing to the same output."""
    from ..grammar import load_grammars

    t_start = time.perf_counter()
    if opts.timeout is not None and opts.timeout < 0:
        raise BatchUsageError("--timeout must be 0 (no limit) or more seconds")
    engine = engine_for(opts)
    load_grammars(opts.grammars)  # a bad --grammars directory is a usage error, found before any work
    sink = sink_for(opts.output, opts.fmt)
    reports = ReportIndex(report_root(opts.output, sink)) if opts.report else None
    jobs = collect_inputs(opts.inputs, exclude=sink.excluded(), also_exclude=(reports.root,) if reports else ())
    refuse_inputs_we_write(jobs, [*sink.working_files(), lock_path(opts.output)])
    reporter = reporter or PlainReporter()
    summary = Summary(total=len(jobs))
    with OutputLock(lock_path(opts.output), opts.output):
        sink.start(opts.resume)
        for note in sink.notes:
            reporter.note(note)
        reporter.start(len(jobs), engine.workers_for(len(jobs)))
        try:
            todo: list[Job] = []
            never_run: list[Job] = []
            for job in jobs:
                if job.refused:
                    never_run.append(job)
                elif opts.resume and _unchanged(sink, job) and (reports is None or reports.has(job)):
                    summary.skipped += 1
                    reporter.skip(job)
                    if reports:
                        reports.add_existing(job)
                else:
                    todo.append(job)

            def record(job: Job, res: Result) -> None:
                # The per-document error boundary reaches into the sink: a result it cannot write is
                # that document's failure, never the batch's end.
                if res.ok:
                    try:
                        sink.ok(job, res)
                    except OSError as e:
                        if e.errno in _DISK_FULL:
                            raise  # every later document would fail the same way: the batch ends, saying why
                        res = Result(job.index, False, seconds=res.seconds, kind="internal",
                                     message=f"output not written: {type(e).__name__}: {one_line(e)}")
                    except Exception as e:
                        res = Result(job.index, False, seconds=res.seconds, kind="internal",
                                     message=f"output not written: {type(e).__name__}: {one_line(e)}")
                if res.ok and reports:
                    reports.add(job, res.entry)
                if res.ok:
                    summary.ok += 1
                    summary.pages += res.pages or 0
                    summary.clauses += res.clauses
                    summary.targets += res.targets
                    summary.tasks += res.tasks
                else:
                    sink.failed(job, res)
                    if reports:
                        reports.add_failed(job, res.kind, res.message)
                    summary.failed += 1
                    summary.failures[res.kind] += 1
                summary.cpu_seconds += res.seconds
                summary.timed(job.path, res)
                reporter.done(job, res, summary)

            def task_for(job: Job) -> DocumentTask:
                out = sink.output_for(job)
                page = reports.page_for(job) if reports else None
                return DocumentTask(job.index, job.path, sink.mode, str(out) if out is not None else None,
                                    opts.grammars, opts.timeout or None, ocr=opts.ocr,
                                    report_path=str(page) if page is not None else None,
                                    memory_budget=budget_for(job, opts.memory_budget_mb))

            for job in never_run:  # refused members, FIFOs: a record, never a path
                record(job, Result(job.index, False, kind="unsafe_member" if MEMBER_SEP in job.path else "not_a_file",
                                   message=job.refused))
            work = []
            for job in todo:
                try:
                    work.append((job, task_for(job)))
                except OutsideOutput as e:
                    record(job, Result(job.index, False, kind="unsafe_output", message=str(e)))
            engine.run(work, record)
            sink.finish(jobs)
            if reports:
                reports.finish(jobs)
        except BaseException:
            engine.close()
            sink.abort()
            reporter.close()
            raise
    summary.wall = time.perf_counter() - t_start
    reporter.finish(summary)
    return summary
