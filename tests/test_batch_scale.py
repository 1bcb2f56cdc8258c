"""`planparse batch` beyond one process pool: the Dask engine (the same bytes as the pool, a killed worker
loses nothing) and the analysis outputs (DuckDB, Parquet: the same counts as the JSON, typed, keyed,
resumed by changed document)."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from planparse.batch import BatchOptions, PlainReporter, run_batch

from tests.conftest import CLI_ENV as ENV, PLANPARSE, ROOT, run_cli as run

SAMPLES = sorted((ROOT / "samples").glob("*.txt"))


@pytest.fixture()
def inputs(tmp_path: Path) -> Path:
    """tmp/in: the samples, a corrupt PDF and an empty file (both recorded as errors)."""
    d = tmp_path / "in"
    d.mkdir()
    for s in SAMPLES:
        shutil.copy(s, d / s.name)
    (d / "corrupt.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)
    (d / "empty.txt").write_bytes(b"")
    return d


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def quiet(tmp_path: Path) -> PlainReporter:
    return PlainReporter(open(tmp_path / "log.txt", "a", encoding="utf-8"))


# --- the Dask engine ----------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.cli
def test_dask_local_cluster_gives_the_pool_s_bytes(tmp_path: Path, inputs: Path, monkeypatch):
    pytest.importorskip("distributed", reason="the dask extra (dask[distributed]) is not installed")
    monkeypatch.chdir(tmp_path)
    for out in ("pool-dir", "pool.jsonl"):
        r = run(["batch", "in", "-o", out, "--workers", "2"], tmp_path)
        assert r.returncode == 1, r.stderr  # the two bad inputs
    for out in ("dask-dir", "dask.jsonl"):
        # a LocalCluster of two single-threaded workers, as threads of this process: the same
        # scheduler, task stream and worker plugin as a real cluster, without its start-up time
        opts = BatchOptions(inputs=["in"], output=Path(out), workers=2, engine="dask", dask_processes=False)
        summary = run_batch(opts, quiet(tmp_path))
        assert (summary.ok, summary.failed) == (len(SAMPLES), 2)
    assert tree(tmp_path / "dask-dir") == tree(tmp_path / "pool-dir")
    assert set(tree(tmp_path / "dask-dir")) == {f"{s.name}.json" for s in SAMPLES} | {"_errors.jsonl"}
    assert (tmp_path / "dask.jsonl").read_bytes() == (tmp_path / "pool.jsonl").read_bytes()

    # --resume on the cluster: nothing changed, nothing done again, the file the same
    before = (tmp_path / "dask.jsonl").read_bytes()
    opts = BatchOptions(inputs=["in"], output=Path("dask.jsonl"), workers=2, engine="dask", dask_processes=False, resume=True)
    summary = run_batch(opts, quiet(tmp_path))
    assert (summary.skipped, summary.ok, summary.failed) == (len(SAMPLES), 0, 2)  # failures are tried again
    assert (tmp_path / "dask.jsonl").read_bytes() == before


def _workers_of(pid: int) -> list[int]:
    """Processes below `pid` that are Dask worker processes (spawned by the LocalCluster's nannies)."""
    out = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
            cmd = (d / "cmdline").read_bytes()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid and b"multiprocessing" in cmd and b"resource_tracker" not in cmd:
            out.append(int(d.name))
    return out


@pytest.mark.slow
@pytest.mark.cli
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to find the worker processes")
def test_a_killed_dask_worker_loses_no_document(tmp_path: Path):
    pytest.importorskip("distributed", reason="the dask extra (dask[distributed]) is not installed")
    many = tmp_path / "many"
    many.mkdir()
    n = 24
    for i in range(n):
        shutil.copy(SAMPLES[i % len(SAMPLES)], many / f"{i:02d}_{SAMPLES[i % len(SAMPLES)].name}")
    proc = subprocess.Popen(PLANPARSE + ["batch", "many", "-o", "out", "--engine", "dask", "--workers", "2", "--no-progress"],
                            cwd=tmp_path, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:  # the cluster is up and the first documents are done
            if len(list((tmp_path / "out").glob("*.json"))) >= 2 and len(_workers_of(proc.pid)) >= 2:
                break
            assert proc.poll() is None, "the batch finished before a worker could be killed"
            time.sleep(0.05)
        victim = _workers_of(proc.pid)[0]
        os.kill(victim, signal.SIGKILL)
        _, err = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    outputs = sorted((tmp_path / "out").glob("*.json"))
    assert len(outputs) == n
    for p in outputs:
        assert json.loads(p.read_text(encoding="utf-8"))["schema_version"] == "1"
    assert f"{n} ({n} ok, 0 skipped unchanged, 0 failed)" in err


# --- DuckDB and Parquet -------------------------------------------------------------------------------


def json_counts(records: list[dict]) -> dict[str, int]:
    docs = [r for r in records if "error" not in r]
    roles = ("lead", "support", "responsible", "implementers")
    return {
        "documents": len(docs),
        "clauses": sum(len(d["clauses"]) for d in docs),
        "targets": sum(len(d["targets"]) for d in docs),
        "deadlines": sum(len(d["deadlines"]) for d in docs),
        "agencies": sum(len(a[r]) for d in docs for a in d["agencies"] for r in roles)
        + sum(len([n for n in a["implementers_inherited"] if n not in a["implementers"]]) for d in docs for a in d["agencies"]),
        "tasks": sum(len(d["tasks"]) for d in docs),
        "measures": sum(len(d.get("measures") or []) for d in docs),
    }


@pytest.mark.slow
@pytest.mark.cli
def test_duckdb_and_parquet_hold_what_the_json_holds(tmp_path: Path, inputs: Path):
    duckdb = pytest.importorskip("duckdb", reason="the duckdb extra is not installed")
    pytest.importorskip("pyarrow", reason="the parquet extra (pyarrow) is not installed")
    r = run(["batch", "in", "-o", "all.jsonl", "--workers", "1"], tmp_path)
    records = [json.loads(line) for line in (tmp_path / "all.jsonl").read_text(encoding="utf-8").splitlines()]
    want = json_counts(records)
    assert want["documents"] == len(SAMPLES) and want["tasks"] > 0 and want["agencies"] > 0
    for args in (["-o", "archive.duckdb"], ["-o", "pq", "--format", "parquet"]):
        r = run(["batch", "in", *args, "--workers", "2"], tmp_path)
        assert r.returncode == 1, r.stderr  # the two bad inputs
    db = duckdb.connect(str(tmp_path / "archive.duckdb"), read_only=True)
    pq = duckdb.connect()
    for table, n in want.items():
        assert db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == n, table
        assert pq.execute(f"SELECT count(*) FROM '{tmp_path / 'pq' / table}.parquet'").fetchone()[0] == n, table
    assert sorted(db.execute("SELECT source, kind FROM errors").fetchall()) == [("in/corrupt.pdf", "corrupt"), ("in/empty.txt", "empty")]
    assert sorted(json.loads(line)["error"]["kind"] for line in (tmp_path / "pq" / "_errors.jsonl").read_text().splitlines()) == ["corrupt", "empty"]

    # typed columns, the same in both
    types = {(t, c): ty for t, c, ty in db.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns").fetchall()}
    assert types[("deadlines", "date")] == "DATE" and types[("targets", "value")] == "DOUBLE"
    assert types[("documents", "issue_date")] == "DATE" and types[("documents", "issuer")] == "VARCHAR[]"
    pq_types = dict((c, ty) for c, ty, *_ in pq.execute(f"DESCRIBE SELECT * FROM '{tmp_path / 'pq' / 'targets'}.parquet'").fetchall())
    assert pq_types["value"] == "DOUBLE" and pq_types["target_year"] == "INTEGER"
    # keys: a primary key per table; every row joins its document
    cons = db.execute("SELECT table_name, constraint_type FROM duckdb_constraints()").fetchall()
    assert {t for t, c in cons if c == "PRIMARY KEY"} >= {"documents", "clauses", "targets", "deadlines", "agencies", "tasks", "measures"}
    for table in ("clauses", "targets", "deadlines", "agencies", "tasks"):
        assert db.execute(f"SELECT count(*) FROM {table} t ANTI JOIN documents d USING (source)").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM targets t ANTI JOIN clauses c USING (source, clause_id) WHERE t.clause_id IS NOT NULL").fetchone()[0] == 0

    # what an analyst asks, the same from both outputs and from the JSON
    q_pm25 = "SELECT source, scope, value, unit FROM {t} WHERE metric LIKE '%PM2.5%' AND target_year = 2025 ORDER BY ALL"
    from_json = [
        (r["source"]["path"], t["scope"], t["value"], t["unit"])
        for r in records if "error" not in r for t in r["targets"]
        if "PM2.5" in (t["metric"] or "") and t["target_year"] == 2025
    ]
    got_db = db.execute(q_pm25.format(t="targets")).fetchall()
    got_pq = pq.execute(q_pm25.format(t=f"'{tmp_path / 'pq' / 'targets'}.parquet'")).fetchall()
    assert len(from_json) >= 3
    assert [tuple(x) for x in got_db] == [tuple(x) for x in got_pq]
    assert sorted(got_db, key=lambda x: tuple(str(v) for v in x)) == sorted(from_json, key=lambda x: tuple(str(v) for v in x))
    citing = db.execute(
        "SELECT source FROM documents WHERE list_contains(cited_doc_numbers, '国发〔2023〕24号') ORDER BY source").fetchall()
    assert [s for (s,) in citing] == sorted(
        r["source"]["path"] for r in records if "error" not in r
        and any(c["doc_number"] == "国发〔2023〕24号" for c in r["meta"]["cited_documents"]))
    db.close()


@pytest.mark.slow
@pytest.mark.cli
def test_a_resumed_duckdb_batch_replaces_the_rows_of_changed_documents_only(tmp_path: Path):
    duckdb = pytest.importorskip("duckdb", reason="the duckdb extra is not installed")
    docs = tmp_path / "docs"
    docs.mkdir()
    for s in SAMPLES:
        shutil.copy(s, docs / s.name)
    assert run(["batch", "docs", "-o", "a.duckdb", "--workers", "1"], tmp_path).returncode == 0

    def snapshot() -> dict[str, list]:
        db = duckdb.connect(str(tmp_path / "a.duckdb"), read_only=True)
        try:
            return {t: db.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
                    for t in ("documents", "clauses", "targets", "deadlines", "agencies", "tasks")}
        finally:
            db.close()

    before = snapshot()
    changed = docs / SAMPLES[0].name
    text = changed.read_text(encoding="utf-8")
    changed.write_text(text.replace("2025年", "2026年", 1) + "\n（此件公开发布）\n", encoding="utf-8")
    r = run(["batch", "docs", "-o", "a.duckdb", "--workers", "1", "--resume"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert sum(line.startswith("skip ") for line in r.stderr.splitlines()) == len(SAMPLES) - 1
    after = snapshot()
    name = f"docs/{SAMPLES[0].name}"
    for table in before:
        others_before = [row for row in before[table] if row[0] != name]
        others_after = [row for row in after[table] if row[0] != name]
        assert others_after == others_before, table  # untouched
    import hashlib

    assert [row[1] for row in after["documents"] if row[0] == name] == [hashlib.sha256(changed.read_bytes()).hexdigest()]
    assert len([row for row in after["clauses"] if row[0] == name]) == len([row for row in before["clauses"] if row[0] == name])


MEASURES_TEXT = ("示范市促进数字经济发展若干措施\n\n一、支持企业上云\n对新上云的规上企业，按不超过服务费用50%给予补助，最高20万元。\n"
                 "二、奖励示范项目\n对认定的市级示范项目，给予一次性奖励30万元。\n")


@pytest.mark.slow
@pytest.mark.cli
def test_a_resumed_duckdb_made_by_an_older_version_gets_the_columns_added_since(tmp_path: Path):
    """The contract only adds: a database whose tables lack the newer columns (here targets.baseline_value and
    every measures column after `text`) is upgraded by --resume, its old rows kept, the new rows complete."""
    duckdb = pytest.importorskip("duckdb", reason="the duckdb extra is not installed")
    from planparse.batch.tables import SCHEMA

    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(SAMPLES[0], docs / SAMPLES[0].name)
    assert run(["batch", "docs", "-o", "a.duckdb", "--workers", "1"], tmp_path).returncode == 0
    db = duckdb.connect(str(tmp_path / "a.duckdb"))
    for col in ("baseline_value", "metric_key"):  # every targets column after `text`
        db.execute(f'ALTER TABLE targets DROP COLUMN "{col}"')
    for col in ("fields", "rate", "basis", "ratio", "cap_unit"):
        db.execute(f'ALTER TABLE measures DROP COLUMN "{col}"')
    old_targets = db.execute("SELECT count(*) FROM targets").fetchone()[0]
    db.close()
    (docs / "measures.txt").write_text(MEASURES_TEXT, encoding="utf-8")
    r = run(["batch", "docs", "-o", "a.duckdb", "--workers", "1", "--resume"], tmp_path)
    assert r.returncode == 0, r.stderr
    db = duckdb.connect(str(tmp_path / "a.duckdb"), read_only=True)
    try:
        cols = [row[0] for row in db.execute("DESCRIBE targets").fetchall()]
        assert cols == [c for c, _ in SCHEMA["targets"]]
        assert db.execute("SELECT count(*) FROM targets").fetchone()[0] == old_targets
        got = db.execute("SELECT kind, rate, cap, unit FROM measures WHERE source = 'docs/measures.txt' ORDER BY measure_no").fetchall()
    finally:
        db.close()
    assert got == [("subsidy", 50.0, 20.0, "万元"), ("award", None, None, "万元")]


@pytest.mark.slow
@pytest.mark.cli
def test_csv_batch_writes_the_measures_of_each_document(tmp_path: Path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "measures.txt").write_text(MEASURES_TEXT, encoding="utf-8")
    assert run(["batch", "docs", "-o", "out", "--format", "csv", "--workers", "1"], tmp_path).returncode == 0
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO((tmp_path / "out" / "measures.csv").read_text(encoding="utf-8-sig"))))
    assert [(r["source"], r["clause_id"], r["kind"], r["rate"], r["cap"], r["amount"]) for r in rows] == [
        ("docs/measures.txt", "1", "subsidy", "50.0", "20.0", ""), ("docs/measures.txt", "2", "award", "", "", "30.0")]


def test_dask_and_the_analysis_formats_are_usage_errors_without_their_extras(tmp_path: Path, monkeypatch):
    """The message names the extra to install (simulated: the import is made to fail)."""
    import builtins

    real_import = builtins.__import__

    def no_extras(name, *a, **kw):
        if name.split(".")[0] in ("duckdb", "pyarrow", "distributed"):
            raise ImportError(f"No module named '{name}'")
        return real_import(name, *a, **kw)

    for mod in [m for m in sys.modules if m.startswith(("planparse.batch.sinks.duckdb_db", "planparse.batch.sinks.parquet_dir", "planparse.batch.engines.dask"))]:
        monkeypatch.delitem(sys.modules, mod)
    monkeypatch.setattr(builtins, "__import__", no_extras)
    from planparse.batch.discover import BatchUsageError

    for opts, extra in (
        (BatchOptions(inputs=[str(ROOT / "samples")], output=tmp_path / "a.duckdb"), "planparse[duckdb]"),
        (BatchOptions(inputs=[str(ROOT / "samples")], output=tmp_path / "p", fmt="parquet"), "planparse[parquet]"),
        (BatchOptions(inputs=[str(ROOT / "samples")], output=tmp_path / "o", engine="dask"), "planparse[dask]"),
    ):
        with pytest.raises(BatchUsageError, match=extra.replace("[", r"\[").replace("]", r"\]")):
            run_batch(opts, quiet(tmp_path))
