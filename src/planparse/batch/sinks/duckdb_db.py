"""Sink `duckdb`: an embedded DuckDB database (`-o archive.duckdb`) with the tables of tables.py, and
`errors` (source, kind, message) for the documents that failed.

Workers return each document's rows; the parent writes them, one transaction per document, as documents
finish: a killed batch leaves a consistent database of the documents done so far, and `--resume` goes
on from it, replacing the rows of changed documents only. A run without --resume starts a new database.

Keys: every table has a PRIMARY KEY, and `source` joins every table to documents. The foreign keys
are not declared: DuckDB cannot delete or update (list columns) a referenced row in the transaction that
replaces its children, and replacing a changed document in one transaction matters more.
"""
from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Optional

import duckdb

from ..discover import BatchUsageError, Job
from ..document import Result
from ..tables import PRIMARY_KEYS, SCHEMA, TABLES, link_citations


def create_statements() -> list[str]:
    out = []
    for name in TABLES:
        cols = [f'"{c}" {t}' + (" NOT NULL" if c in PRIMARY_KEYS[name] else "") for c, t in SCHEMA[name]]
        cols.append("PRIMARY KEY (" + ", ".join(f'"{c}"' for c in PRIMARY_KEYS[name]) + ")")
        out.append(f"CREATE TABLE IF NOT EXISTS {name} (\n  " + ",\n  ".join(cols) + "\n)")
    out.append("CREATE TABLE IF NOT EXISTS errors (source VARCHAR PRIMARY KEY, kind VARCHAR, message VARCHAR)")
    return out


def upgrade_statements() -> list[str]:
    """Columns added to the tables since a database was made (`--resume` on an older version's output):
    the contract only ever adds, so adding the missing columns (null in the rows already there) upgrades it."""
    return [f'ALTER TABLE {name} ADD COLUMN IF NOT EXISTS "{c}" {t}' for name in TABLES for c, t in SCHEMA[name]
            if c not in PRIMARY_KEYS[name]]


def _storable(text: Optional[str]) -> Optional[str]:
    """Text DuckDB accepts: a lone surrogate (an undecodable file name) as a backslash escape."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8") if text else text


class DuckdbSink:
    mode = "tables"

    def __init__(self, out: Path):
        self.out = out
        self.notes: list[str] = []
        self.db: Optional[duckdb.DuckDBPyConnection] = None

    def excluded(self) -> Optional[Path]:
        return None

    def output_for(self, job: Job) -> None:
        return None  # the rows come back to this process

    def start(self, resume: bool) -> None:
        if self.out.is_dir():
            raise BatchUsageError(f"{self.out}: is a directory (a DuckDB output is a file)")
        self.out.parent.mkdir(parents=True, exist_ok=True)
        if not resume:
            for p in (self.out, self.out.with_name(self.out.name + ".wal")):
                with contextlib.suppress(FileNotFoundError):
                    p.unlink()
        try:
            self.db = duckdb.connect(str(self.out))
        except duckdb.Error as e:
            raise BatchUsageError(f"{self.out}: not a DuckDB database ({' '.join(str(e).split())})") from None
        for stmt in create_statements() + upgrade_statements():
            self.db.execute(stmt)
        # Columns named: a database an older version made has the columns added since at its end.
        self._insert = {
            name: f"INSERT INTO {name} (" + ", ".join(f'"{c}"' for c, _ in SCHEMA[name]) + ") VALUES ("
            + ", ".join("?" for _ in SCHEMA[name]) + ")"
            for name in TABLES
        }

    def recorded_sha(self, job: Job) -> Optional[str]:
        row = self.db.execute("SELECT sha256 FROM documents WHERE source = ?", [job.path]).fetchone()
        return row[0] if row else None

    def _replace(self, source: str, tables: dict[str, list[tuple]], error: Optional[tuple]) -> None:
        """One transaction: the document's rows (or its error) replace what an earlier run recorded."""
        db = self.db
        db.execute("BEGIN TRANSACTION")
        try:
            for name in (*TABLES, "errors"):
                db.execute(f"DELETE FROM {name} WHERE source = ?", [source])
            for name in TABLES:
                if tables.get(name):
                    db.executemany(self._insert[name], [list(r) for r in tables[name]])
            if error is not None:
                db.execute("INSERT INTO errors VALUES (?, ?, ?)", list(error))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def ok(self, job: Job, res: Result) -> None:
        self._replace(job.path, res.payload, None)

    def failed(self, job: Job, res: Result) -> None:
        self._replace(_storable(job.path), {}, (_storable(job.path), res.kind, _storable(res.message)))

    def link_citations(self) -> None:
        """Resolve every citation against the documents now in the database (those of earlier runs
        too, with --resume), in one transaction."""
        docs = self.db.execute('SELECT source, doc_number, title, notice_title FROM documents').fetchall()
        cols = [c for c, _ in SCHEMA["citations"]]
        rows = self.db.execute("SELECT " + ", ".join(f'"{c}"' for c in cols) + " FROM citations ORDER BY source, citation_no").fetchall()
        linked = link_citations(docs, rows)
        self.db.execute("BEGIN TRANSACTION")
        try:
            self.db.execute("DELETE FROM citations")
            if linked:
                self.db.executemany(self._insert["citations"], [list(r) for r in linked])
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    def finish(self, jobs: list[Job]) -> None:
        self.link_citations()
        self.db.execute("CHECKPOINT")
        self.db.close()
        self.db = None

    def abort(self) -> None:
        if self.db is not None:
            with contextlib.suppress(Exception):
                self.db.close()
            self.db = None
