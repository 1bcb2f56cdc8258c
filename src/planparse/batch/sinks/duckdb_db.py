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
from ..document import storable as _storable
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




def _as_os_error(e: Exception, out: Path) -> Exception:
    """A DuckDB error that is the disk's (full, unwritable) as the OSError it is, so that the batch ends
    with what failed (exit 2), the rows committed before it kept; any other DuckDB error as it is."""
    import errno

    msg = " ".join(str(e).split())
    for code, words in ((errno.ENOSPC, "No space left on device"), (errno.EDQUOT, "Disk quota exceeded"),
                        (errno.EROFS, "Read-only file system"), (errno.EACCES, "Permission denied")):
        if words in msg:
            return OSError(code, f"{words} (DuckDB: {msg[:200]}); the documents recorded before are kept", str(out))
    return e


DUCKDB_MAGIC = b"DUCK"  # at offset 8 of every DuckDB database file (after the header checksum)


def is_duckdb_file(path: Path) -> bool:
    """A DuckDB database (or an empty file, which holds nothing to lose)."""
    try:
        with open(path, "rb") as f:
            head = f.read(12)
    except OSError:
        return False
    return not head or head[8:12] == DUCKDB_MAGIC


class DuckdbSink:
    mode = "tables"

    def __init__(self, out: Path):
        self.out = out
        self.notes: list[str] = []
        self.db: Optional[duckdb.DuckDBPyConnection] = None

    def excluded(self) -> Optional[Path]:
        return None

    def working_files(self) -> list[Path]:
        return [self.out, self.out.with_name(self.out.name + ".wal")]

    def output_for(self, job: Job) -> None:
        return None  # the rows come back to this process

    def start(self, resume: bool) -> None:
        if self.out.is_dir():
            raise BatchUsageError(f"{self.out}: is a directory (a DuckDB output is a file)")
        self.out.parent.mkdir(parents=True, exist_ok=True)
        if not resume:
            # A new database replaces an old one, never another file that happens to be there.
            if self.out.exists() and not is_duckdb_file(self.out):
                raise BatchUsageError(f"{self.out}: exists and is not a DuckDB database; not replaced "
                                      "(remove it yourself, or give another -o)")
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
        row = self.db.execute("SELECT sha256 FROM documents WHERE source = ?", [_storable(job.path)]).fetchone()
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
        except BaseException as e:
            # A failed COMMIT (a full disk) has already ended the transaction: the ROLLBACK must not hide
            # why it failed, nor leave the next document a "no transaction is active".
            with contextlib.suppress(duckdb.Error):
                db.execute("ROLLBACK")
            if isinstance(e, duckdb.Error):
                raise _as_os_error(e, self.out) from None
            raise

    def ok(self, job: Job, res: Result) -> None:
        self._replace(_storable(job.path), res.payload, None)

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
        try:
            self.link_citations()
            self.db.execute("CHECKPOINT")
            self.db.close()
        except duckdb.Error as e:
            raise _as_os_error(e, self.out) from None
        self.db = None

    def abort(self) -> None:
        if self.db is not None:
            with contextlib.suppress(Exception):
                self.db.close()
            self.db = None
