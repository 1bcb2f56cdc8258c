"""Engine `dask`: the documents as tasks on a Dask distributed cluster (`--scheduler ADDRESS`), or on a
LocalCluster of worker processes when no address is given.

Dask does the scheduling: tasks go to workers, a worker that dies has its tasks run again elsewhere,
and a document that kills workers again and again ends as a KilledWorker error (recorded as `crash`).
Results are taken in the order the cluster finishes them (as_completed); at most a few tasks per
worker thread are submitted ahead, so a million-document batch never sits in the scheduler at once.
Each worker loads the grammars and the stages once, by a WorkerPlugin, before its first document, and runs
each document in a child forked for it and watched (supervised.py): past its --timeout or its memory
budget the child is killed and the document recorded as `timeout` or `memory`, as the pool does.
Outputs the workers write (json, csv, parquet staging) need a path every worker can reach: on one
machine any path, on a cluster a shared file system."""
from __future__ import annotations

import os
import uuid
from typing import Optional

from distributed import Client, LocalCluster, WorkerPlugin, as_completed

from ..discover import Job
from ..document import DocumentTask, Result, load_stages
from ..supervised import run_supervised
from .base import Record

TASKS_AHEAD_PER_THREAD = 4


class StagesPlugin(WorkerPlugin):
    """Loads the stages and grammars once per worker, before its first document."""

    idempotent = True

    def __init__(self, grammars: Optional[str]):
        self.grammars = grammars

    def setup(self, worker) -> None:
        load_stages(self.grammars, warm=True)


def _crash(job: Job, exc: BaseException) -> Result:
    return Result(job.index, False, kind="crash",
                  message=f"the worker process died while reading this document ({type(exc).__name__})")


class DaskEngine:
    name = "dask"

    def __init__(self, scheduler: Optional[str], workers: Optional[int], grammars: Optional[str],
                 processes: bool = True):
        self.scheduler = scheduler
        self.workers = workers if workers is not None else (os.cpu_count() or 1)
        self.grammars = grammars
        self.processes = processes  # False: a LocalCluster of threads in this process (tests)
        self.client = None
        self._cluster = None

    def connect(self):
        """The client, connecting (or starting the LocalCluster) on first use."""
        if self.client is None:
            if self.scheduler:
                self.client = Client(self.scheduler)
            else:
                self._cluster = LocalCluster(
                    n_workers=self.workers, threads_per_worker=1, processes=self.processes,
                    dashboard_address=None, silence_logs=40,
                )
                self.client = Client(self._cluster)
            self.client.register_plugin(StagesPlugin(self.grammars), name="planparse-stages")
        return self.client

    def workers_for(self, n_tasks: int) -> int:
        if self.scheduler:
            return len(self.connect().scheduler_info(n_workers=-1).get("workers", {})) or 1
        return max(1, min(self.workers, n_tasks))

    def run(self, work: list[tuple[Job, DocumentTask]], record: Record) -> None:
        if not work:
            self.close()
            return
        run_id = uuid.uuid4().hex[:8]  # keys of two batches on one cluster never meet
        try:
            client = self.connect()
            threads = sum(client.nthreads().values()) or 1
            queue = list(reversed(work))
            jobs = {}

            def submit():
                job, task = queue.pop()
                # pure=False: a document read again (--resume after a change) is a new task
                fut = client.submit(run_supervised, task, pure=False, key=f"planparse-{run_id}-{task.index}")
                jobs[fut.key] = job
                return fut

            stream = as_completed([submit() for _ in range(min(len(queue), threads * TASKS_AHEAD_PER_THREAD))])
            for fut in stream:
                job = jobs.pop(fut.key)
                if fut.status == "finished":
                    record(job, fut.result())
                else:  # KilledWorker, a lost scheduler: process_document itself never raises for a document
                    try:
                        exc = fut.exception()
                    except BaseException as e:  # a cancelled future raises instead of returning it
                        exc = e
                    record(job, _crash(job, exc))
                fut.release()
                if queue:
                    stream.add(submit())
        finally:
            self.close()

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None
