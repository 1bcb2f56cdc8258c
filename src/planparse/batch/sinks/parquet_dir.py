"""Sink `parquet`: a directory of Parquet files (pyarrow), OUT/<table>.parquet for each table of
tables.py, typed (dates date32, values float64, name lists list<string>), failures in OUT/_errors.jsonl.

Each document's rows are staged by its worker as it finishes (OUT/_tables/<rel>.tables.json); the Parquet
files are written from them at the end, in input order, each atomically. `--resume` extracts only the
changed documents again: the rows of the others come from their staged files, unchanged."""
from __future__ import annotations


import pyarrow as pa
import pyarrow.parquet as pq

from ..discover import Job
from ..files import atomic_open
from ..tables import SCHEMA, TABLES, citable, link_citations
from .json_dir import StagedDirSink

TABLES_DIR = "_tables"

_ARROW = {
    "VARCHAR": pa.string(), "INTEGER": pa.int32(), "DOUBLE": pa.float64(), "BOOLEAN": pa.bool_(),
    "DATE": pa.date32(), "VARCHAR[]": pa.list_(pa.string()),
}


def arrow_schema(table: str) -> pa.Schema:
    return pa.schema([pa.field(c, _ARROW[t]) for c, t in SCHEMA[table]])


def _typed(value, kind: str):
    """A staged JSON value as the column's Python type (dates were staged as ISO text)."""
    if value is None:
        return None
    if kind == "DATE":
        import datetime as dt

        return dt.date.fromisoformat(value)
    return value


class ParquetSink(StagedDirSink):
    mode = "tables"
    stage_dir = TABLES_DIR
    suffix = ".tables.json"

    def finish(self, jobs: list[Job]) -> None:
        super().finish(jobs)
        columns = {name: [[] for _ in SCHEMA[name]] for name in TABLES}
        staged = list(self.staged(jobs, "tables"))
        documents = citable([r for t in staged for r in t.get("documents", [])], [c for c, _ in SCHEMA["documents"]])
        linked = iter(link_citations(documents, [tuple(r) for t in staged for r in t.get("citations", [])]))
        for tables in staged:
            tables["citations"] = [next(linked) for _ in tables.get("citations", [])]
            for name in TABLES:
                kinds = [t for _, t in SCHEMA[name]]
                for row in tables.get(name, []):
                    for i, v in enumerate(row):
                        columns[name][i].append(_typed(v, kinds[i]))
        for name in TABLES:
            schema = arrow_schema(name)
            table = pa.Table.from_arrays([pa.array(col, type=f.type) for col, f in zip(columns[name], schema)], schema=schema)
            with atomic_open(self.out / f"{name}.parquet", "wb") as f:
                pq.write_table(table, f, compression="zstd")
