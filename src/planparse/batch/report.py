"""Batch step 4, report: progress while the batch runs, and the summary at the end."""
from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass, field

from .discover import Job
from .document import Result


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
    slowest: list[tuple[float, str, Result]] = field(default_factory=list)  # (seconds, path, result), slowest first

    def timed(self, path: str, res: Result) -> None:
        """Keep the document among the slowest few, which the summary names with what made them slow."""
        self.slowest.append((res.seconds, path, res))
        self.slowest.sort(key=lambda s: -s[0])
        del self.slowest[SLOWEST_SHOWN:]

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
        ] + ([("slowest", "; ".join(_why_slow(path, res) for _, path, res in self.slowest))] if self.slowest else [])


SLOWEST_SHOWN = 3


def _why_slow(path: str, res: Result) -> str:
    """`12.3 s plan.pdf (116 pages, 2 OCR'd in 9.8 s)`: the time, and what it went on."""
    if not res.ok:
        why = str(res.kind)
    elif res.pages is None:
        why = "not paged"
    else:
        why = f"{res.pages} page{'' if res.pages == 1 else 's'}" + (f", {res.ocr_pages} OCR'd in {res.ocr_seconds:.1f} s" if res.ocr_pages else "")
    return f"{res.seconds:.1f} s {log_name(path)} ({why})"


def log_name(path: str) -> str:
    """A name as a log line shows it: as it is when every character prints, else quoted with escapes
    (a newline in a file name must not forge a line of the log; an undecodable byte shows as \\udcXX)."""
    return path if path.isprintable() else repr(path)


def log_text(text: object) -> str:
    """A message on one line, whatever it quotes."""
    s = str(text)
    return s if s.isprintable() else repr(s)[1:-1]


class PlainReporter:
    """One line per document on stderr (CI logs), and a plain-text summary."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr

    def _w(self, s: str) -> None:
        self.stream.write(s + "\n")
        self.stream.flush()

    def start(self, total: int, workers: int) -> None:
        self._w(f"planparse batch: {total} document(s), {workers} worker(s)")

    def note(self, message: str) -> None:
        self._w(f"note: {log_text(message)}")

    def skip(self, job: Job) -> None:
        self._w(f"skip {log_name(job.path)} (unchanged)")

    def done(self, job: Job, res: Result, summary: Summary) -> None:
        if res.ok:
            self._w(f"ok {log_name(job.path)} ({res.seconds:.2f}s)")
        else:
            self._w(f"FAIL {log_name(job.path)}: {res.kind}: {log_text(res.message)}")

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

    def note(self, message: str) -> None:
        from rich.markup import escape

        self.console.print(f"[yellow]note[/] {escape(message)}")

    def skip(self, job: Job) -> None:
        t = self.progress.tasks[0]
        self.progress.update(self.task, advance=1, skipped=t.fields["skipped"] + 1)

    def done(self, job: Job, res: Result, summary: Summary) -> None:
        self.progress.update(self.task, advance=1, ok=summary.ok, failed=summary.failed)
        if not res.ok:
            from rich.markup import escape

            self.progress.console.print(f"[red]FAIL[/] {escape(log_name(job.path))}: {escape(str(res.kind))}: {escape(log_text(res.message))}")

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
