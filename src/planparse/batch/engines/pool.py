"""Engine `pool` (the default): worker processes on this machine (concurrent.futures); with one worker,
a child forked for each document from this process (supervised.py), under the same guards. A worker that dies (a crash in a native library, the OOM killer) costs a rebuilt pool,
never a document: what was in flight is retried one at a time, and the one that kills a worker again
is recorded as `crash`. A worker still on one document past its --timeout (and a grace) is stuck where
its own timer cannot reach it: it is killed, the pool rebuilt, and that document recorded as `timeout`;
one that grows past its memory budget (document.memory_budget) is killed the same way, as `memory`."""
from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import queue as queue_mod
import signal
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Optional

from ..discover import Job
from ..document import DocumentTask, Result, init_worker, load_stages, process_document_watched
from ..supervised import WATCH_SECONDS, over_limit, run_supervised
from .base import Record


class PoolEngine:
    name = "pool"

    def __init__(self, workers: Optional[int], grammars: Optional[str], max_tasks_per_child: Optional[int] = 100):
        self.workers = workers if workers is not None else (os.cpu_count() or 1)
        self.grammars = grammars
        self.max_tasks_per_child = max_tasks_per_child

    def workers_for(self, n_tasks: int) -> int:
        return max(1, min(self.workers, n_tasks))

    def run(self, work: list[tuple[Job, DocumentTask]], record: Record) -> None:
        if self.workers == 1 or len(work) <= 1:
            load_stages(self.grammars, warm=True)
            for job, task in work:
                record(job, run_supervised(task))
        else:
            self._run_pool(work, self.workers_for(len(work)), record)

    def close(self) -> None:
        pass  # the pool lives inside run()

    def _new_pool(self, workers: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=workers, mp_context=self._ctx, initializer=init_worker,
            initargs=(self.grammars, self._started), max_tasks_per_child=self.max_tasks_per_child,
        )

    def _submit(self, pool: ProcessPoolExecutor, task: DocumentTask) -> Future:
        return pool.submit(process_document_watched, task)

    def _overdue(self, in_flight: dict[Future, tuple[Job, DocumentTask]]) -> None:
        """Kill the worker of a document that is past its timeout plus a grace: its own timer should
        have stopped it, so it is stuck where no Python code runs (the pool then breaks, and the
        document is recorded as `timeout`, the others in flight retried)."""
        while True:
            try:
                index, pid, t0, rss0 = self._started.get_nowait()
            except queue_mod.Empty:
                break
            self._running[index] = (pid, t0, rss0)
        now = time.monotonic()
        for _, task in in_flight.values():
            seen = self._running.get(task.index)
            if seen is None or task.index in self._killed:
                continue
            pid, t0, rss0 = seen
            killed = over_limit(pid, task, now - t0, rss0)
            if killed is not None:
                self._killed[task.index] = killed
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)

    def _lost(self, job: Job, task: DocumentTask) -> Optional[Result]:
        """The Result of a document whose worker died: `timeout` when the watchdog killed it."""
        return self._killed.get(task.index)

    def _run_pool(self, work: list[tuple[Job, DocumentTask]], workers: int, record: Record) -> None:
        """Keep at most 2×workers documents in flight; results are recorded as they complete."""
        self._ctx = mp.get_context("spawn")
        self._started = self._ctx.Queue()
        self._running: dict[int, tuple[int, float]] = {}
        self._killed: dict[int, Result] = {}  # documents whose worker the watchdog killed, and why
        queue = list(reversed(work))
        suspects: list[tuple[Job, DocumentTask]] = []  # in flight when a pool broke: retried alone
        pool = self._new_pool(workers)
        try:
            in_flight: dict[Future, tuple[Job, DocumentTask]] = {}
            while queue or suspects or in_flight:
                if suspects and not in_flight:
                    item = suspects.pop(0)
                    in_flight[self._submit(pool, item[1])] = item
                    alone = True
                else:
                    alone = False
                while not alone and queue and not suspects and len(in_flight) < 2 * workers:
                    item = queue.pop()
                    try:
                        in_flight[self._submit(pool, item[1])] = item
                    except BrokenProcessPool:  # a worker died since the last wait: retry what was in flight
                        queue.append(item)
                        suspects.extend(in_flight.values())
                        in_flight.clear()
                        pool.shutdown(wait=False, cancel_futures=True)
                        pool = self._new_pool(workers)
                        break
                if not in_flight:
                    continue
                done: set[Future] = set()
                while not done:
                    done, _ = wait(in_flight, timeout=WATCH_SECONDS, return_when=FIRST_COMPLETED)
                    if not done:
                        self._overdue(in_flight)
                broken = False
                for fut in done:
                    item = in_flight.pop(fut)
                    try:
                        record(item[0], fut.result())
                    except BrokenProcessPool:
                        broken = True
                        lost = self._lost(*item)
                        if lost is not None:
                            record(item[0], lost)
                        elif alone:  # retried alone and it killed its worker again
                            record(item[0], Result(item[0].index, False, kind="crash",
                                                   message="the worker process died while reading this document"))
                        else:
                            suspects.append(item)
                if broken:
                    for item in in_flight.values():
                        lost = self._lost(*item)
                        if lost is not None:
                            record(item[0], lost)
                        else:
                            suspects.append(item)
                    in_flight.clear()
                    pool.shutdown(wait=False, cancel_futures=True)
                    pool = self._new_pool(workers)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            self._started.close()

