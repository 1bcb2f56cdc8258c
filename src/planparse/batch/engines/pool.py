"""Engine `pool` (the default): worker processes on this machine (concurrent.futures), or in-process
with one worker. A worker that dies (a crash in a native library, the OOM killer) costs a rebuilt pool,
never a document: what was in flight is retried one at a time, and the one that kills a worker again
is recorded as `crash`."""
from __future__ import annotations

import multiprocessing as mp
import os
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Optional

from ..discover import Job
from ..document import DocumentTask, Result, init_worker, load_stages, process_document
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
            load_stages(self.grammars)
            for job, task in work:
                record(job, process_document(task))
        else:
            self._run_pool(work, self.workers_for(len(work)), record)

    def close(self) -> None:
        pass  # the pool lives inside run()

    def _new_pool(self, workers: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=workers, mp_context=mp.get_context("spawn"), initializer=init_worker,
            initargs=(self.grammars,), max_tasks_per_child=self.max_tasks_per_child,
        )

    def _run_pool(self, work: list[tuple[Job, DocumentTask]], workers: int, record: Record) -> None:
        """Keep at most 2×workers documents in flight; results are recorded as they complete."""
        queue = list(reversed(work))
        suspects: list[tuple[Job, DocumentTask]] = []  # in flight when a pool broke: retried alone
        pool = self._new_pool(workers)
        try:
            in_flight: dict[Future, tuple[Job, DocumentTask]] = {}
            while queue or suspects or in_flight:
                if suspects and not in_flight:
                    job, task = suspects.pop(0)
                    fut = pool.submit(process_document, task)
                    try:
                        record(job, fut.result())
                    except BrokenProcessPool:
                        pool.shutdown(wait=False, cancel_futures=True)
                        pool = self._new_pool(workers)
                        record(job, Result(job.index, False, kind="crash", message="the worker process died while reading this document"))
                    continue
                while queue and not suspects and len(in_flight) < 2 * workers:
                    item = queue.pop()
                    try:
                        in_flight[pool.submit(process_document, item[1])] = item
                    except BrokenProcessPool:  # a worker died since the last wait: retry what was in flight
                        queue.append(item)
                        suspects.extend(in_flight.values())
                        in_flight.clear()
                        pool.shutdown(wait=False, cancel_futures=True)
                        pool = self._new_pool(workers)
                        break
                if not in_flight:
                    continue
                done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                broken = False
                for fut in done:
                    item = in_flight.pop(fut)
                    try:
                        record(item[0], fut.result())
                    except BrokenProcessPool:
                        broken = True
                        suspects.append(item)
                if broken:
                    suspects.extend(in_flight.values())
                    in_flight.clear()
                    pool.shutdown(wait=False, cancel_futures=True)
                    pool = self._new_pool(workers)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
