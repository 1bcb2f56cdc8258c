"""Task-decomposition tables and annex tables (being written: see the tables issue)."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..models import Table, Target, Task, Warning


@dataclass
class TableResult:
    tasks: list[Task] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)


def extract_tables(nt, seg, g, meta, parser) -> TableResult:
    return TableResult()
