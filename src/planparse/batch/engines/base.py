"""What an engine is: it runs DocumentTasks somewhere and hands each Result back as it completes."""
from __future__ import annotations

from typing import Callable, Protocol

from ..discover import Job
from ..document import DocumentTask, Result

Record = Callable[[Job, Result], None]


class Engine(Protocol):
    name: str

    def workers_for(self, n_tasks: int) -> int: ...  # how many workers a batch of n_tasks gets (reported)
    def run(self, work: list[tuple[Job, DocumentTask]], record: Record) -> None: ...
    def close(self) -> None: ...  # release what the engine holds (run() does it when it ends)
