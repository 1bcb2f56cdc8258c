"""One document in a child process forked for it, watched from outside: what `--workers 1` and each Dask
task run, so that they get the guards the pool's watchdog gives (engines/pool.py).

A document can be stuck where its own timer cannot reach it (a long C call in a PDF library, a blocking
system call) or grow without bound. In-process, nothing could stop either without ending the batch. The
child is forked from a process that has loaded the stages (and warmed them, document.load_stages), so it
starts in milliseconds and shares that memory; the parent reads its Result from a pipe, and kills it when it
runs past its timeout plus a grace (`timeout`) or grows past its memory budget (`memory`). A child that dies
by itself (a crash in a native library) costs its document only (`crash`). Where there is no fork (Windows),
the document runs in-process as before."""
from __future__ import annotations

import contextlib
import os
import pickle
import select
import signal
import time
from typing import Optional

from .document import DocumentTask, Result, one_line, process_document, resident_bytes

WATCH_SECONDS = 0.5  # how often the parent looks at a child's time and memory


def kill_grace(timeout: float) -> float:
    """How long past its timeout a document may take to stop by itself before it is killed."""
    return max(3.0, 0.25 * timeout)


def run_supervised(task: DocumentTask) -> Result:
    """process_document(task) in a watched child process; in-process when the task has no limit to
    enforce or the platform cannot fork."""
    if not (task.timeout or task.memory_budget) or not hasattr(os, "fork"):
        return process_document(task)
    t0 = time.perf_counter()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_end)
        _child(task, write_end)
    os.close(write_end)
    try:
        data, killed = _watch(pid, read_end, task)
    finally:
        os.close(read_end)
        with contextlib.suppress(OSError):  # an exception in the parent (Ctrl-C) takes the child with it
            if os.waitpid(pid, os.WNOHANG) == (0, 0):
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
    if killed is not None:
        killed.seconds = time.perf_counter() - t0
        return killed
    try:
        return pickle.loads(data)
    except Exception:  # nothing or a part of a Result: the child died on its own
        return Result(task.index, False, seconds=time.perf_counter() - t0, kind="crash",
                      message="the worker process died while reading this document")


def _child(task: DocumentTask, out_fd: int) -> None:
    """Run the document, send its pickled Result to the parent, and exit without the parent's exit
    handlers (they belong to the parent: its output files, its terminal)."""
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's: it kills the child
        _die_with_parent()
        try:
            res = process_document(task)
        except BaseException as e:  # process_document records document errors; this is anything else
            res = Result(task.index, False, kind="internal", message=f"{type(e).__name__}: {one_line(e)}")
        data = pickle.dumps(res, protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(out_fd, "wb") as out:
            out.write(data)
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _die_with_parent() -> None:
    """A child outlives a parent killed with -9 unless the kernel is asked to end it too (Linux)."""
    import ctypes

    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() == 1:  # the parent was gone before the request
        os._exit(1)


def _watch(pid: int, fd: int, task: DocumentTask) -> tuple[bytes, Optional[Result]]:
    """Read the child's Result from `fd` until it closes, killing the child when it is overdue or over
    its memory budget: (bytes read, the Result of a kill or None)."""
    started = time.monotonic()
    rss0 = resident_bytes(pid)
    chunks: list[bytes] = []
    while True:
        ready, _, _ = select.select([fd], [], [], WATCH_SECONDS)
        if ready:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return b"".join(chunks), None
            chunks.append(chunk)
            continue
        killed = over_limit(pid, task, time.monotonic() - started, rss0)
        if killed is not None:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            return b"", killed


def over_limit(pid: int, task: DocumentTask, elapsed: float, rss0: Optional[int]) -> Optional[Result]:
    """The Result of killing the worker `pid` of `task` when it has run `elapsed` seconds past its
    timeout plus a grace, or grown past its memory budget since it started (at `rss0`); else None."""
    if task.timeout and elapsed > task.timeout + kill_grace(task.timeout):
        return Result(task.index, False, kind="timeout", message=(
            f"not finished after {task.timeout:g} s (--timeout); its worker did not stop and was killed"))
    if task.memory_budget and rss0 is not None:
        rss = resident_bytes(pid)
        if rss is not None and rss - rss0 > task.memory_budget:
            return Result(task.index, False, kind="memory", message=(
                f"its worker grew by {(rss - rss0) / 2**20:.0f} MB, over the budget of "
                f"{task.memory_budget / 2**20:.0f} MB for this input (--memory-budget plus 20x its size); killed"))
    return None
