"""`planparse batch` under hostile conditions: results that cannot be written, symlinked inputs, documents
that take too long, a killed parent, two batches on one output, damaged `.partial` files, umask, order."""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planparse.cli import app

from tests.conftest import CLI_ENV as ENV, PLANPARSE, ROOT, run_cli as run

SAMPLES = sorted((ROOT / "samples").glob("*.txt"))
runner = CliRunner()


def copy_samples(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for s in SAMPLES:
        shutil.copy(s, dest / s.name)
    return dest


def load_jsonl(p: Path) -> list[dict]:
    return [json.loads(line) for line in p.read_text(encoding="utf-8").splitlines()]


def invoke(args: list[str]):
    return runner.invoke(app, ["batch", *args, "--no-progress"])


# --- one document never stops a batch, not even through its output ------------------------------------

LONE = "\ud835"  # the high half of a mathematical letter, as pdfium hands out some text layers


@pytest.fixture()
def surrogate_in_003(monkeypatch):
    """Sample 003's output cannot be encoded: its renderer meets a lone surrogate it cannot write. (A
    lone surrogate in a name or a title is now written as its JSON escape, test_hostile_names.py; this
    makes the rendering fail all the same, so that the error boundary itself is what is tested.)"""
    import planparse.batch.document as document

    real = document.render

    def render(doc, task):
        if "003_" in str(task.path):
            ("title" + LONE).encode("utf-8")  # raises UnicodeEncodeError, as an unencodable output did
        return real(doc, task)

    monkeypatch.setattr(document, "render", render)


@pytest.mark.slow
@pytest.mark.parametrize("fmt, out", [("json", "out"), ("jsonl", "out.jsonl"), ("csv", "tables")])
def test_an_unwritable_result_is_that_documents_internal_error(tmp_path: Path, surrogate_in_003, fmt, out):
    docs = copy_samples(tmp_path / "docs")
    target = tmp_path / out
    r = invoke([str(docs), "-o", str(target), "--format", fmt, "--workers", "1"])
    assert r.exit_code == 1, r.output
    assert "Traceback" not in r.output
    bad = str(docs / SAMPLES[3].name)
    records = load_jsonl(target if fmt == "jsonl" else target / "_errors.jsonl")
    errors = [rec for rec in records if "error" in rec]
    assert [(e["source"], e["error"]["kind"]) for e in errors] == [(bad, "internal")]
    assert "UnicodeEncodeError" in errors[0]["error"]["message"]
    assert "4 ok" in r.output and "1 failed" in r.output
    if fmt == "json":
        assert sorted(p.name for p in target.glob("*.json")) == sorted(f"{s.name}.json" for s in SAMPLES if s.name != SAMPLES[3].name)
    if fmt == "csv":
        docs_csv = (target / "documents.csv").read_text(encoding="utf-8-sig").splitlines()
        assert len(docs_csv) == 1 + 4 and not any(SAMPLES[3].name in line for line in docs_csv)
    assert not [p for p in tmp_path.rglob("*.tmp")]

    # --resume tries the failed document again (and only it); it fails the same way, the batch completes
    r = invoke([str(docs), "-o", str(target), "--format", fmt, "--workers", "1", "--resume"])
    assert r.exit_code == 1, r.output
    assert "4 skipped unchanged" in r.output and "1 failed" in r.output
    if fmt == "jsonl":
        records = load_jsonl(target)
        assert [rec.get("source") if "error" in rec else rec["source"]["path"] for rec in records] == [
            str(docs / s.name) for s in SAMPLES
        ]


def test_a_sink_that_fails_to_write_records_the_document_and_goes_on(tmp_path: Path, monkeypatch):
    """The failure happens in the parent, while the sink writes the line (as it did before ingest and
    the worker encoded the text): the boundary around the sink turns it into an error record."""
    from planparse.batch.sinks.jsonl import JsonlSink

    real_ok = JsonlSink.ok

    def ok(self, job, res):
        if "001_" in job.path:
            raise UnicodeEncodeError("utf-8", LONE, 0, 1, "surrogates not allowed")
        return real_ok(self, job, res)

    monkeypatch.setattr(JsonlSink, "ok", ok)
    docs = copy_samples(tmp_path / "docs")
    r = invoke([str(docs), "-o", str(tmp_path / "o.jsonl"), "--workers", "1"])
    assert r.exit_code == 1, r.output
    records = load_jsonl(tmp_path / "o.jsonl")
    assert len(records) == len(SAMPLES)
    errors = [rec for rec in records if "error" in rec]
    assert [(Path(e["source"]).name, e["error"]["kind"]) for e in errors] == [(SAMPLES[1].name, "internal")]
    assert errors[0]["error"]["message"].startswith("output not written: UnicodeEncodeError")


def test_an_error_record_with_an_undecodable_name_is_still_written(tmp_path: Path):
    from planparse.batch.sinks import error_record

    line = error_record(f"docs/bad{LONE}.txt", "empty", "empty file")
    assert json.loads(line) == {"source": f"docs/bad{LONE}.txt", "error": {"kind": "empty", "message": "empty file"}}


# --- input discovery ----------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.cli
def test_a_directory_of_symlinks_is_named_by_the_links(tmp_path: Path):
    real = copy_samples(tmp_path / "store" / "deep")
    links = tmp_path / "links"
    links.mkdir()
    for s in SAMPLES[:3]:
        (links / f"plan-{s.name}").symlink_to(real / s.name)
    r = run(["batch", "links", "-o", "out", "--workers", "1"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(f"plan-{s.name}.json" for s in SAMPLES[:3])
    got = json.loads((tmp_path / "out" / f"plan-{SAMPLES[0].name}.json").read_text(encoding="utf-8"))
    assert got["source"]["path"] == f"links/plan-{SAMPLES[0].name}"
    # a symlinked directory inside the input tree: named by where it was found too
    (tmp_path / "tree").mkdir()
    (tmp_path / "tree" / "linked").symlink_to(real, target_is_directory=True)
    shutil.copy(SAMPLES[4], tmp_path / "tree" / "own.txt")
    r = run(["batch", "tree/linked", "tree/own.txt", "-o", "out2", "--workers", "1"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "out2" / "own.txt.json").exists()
    assert len(list((tmp_path / "out2" / "linked").glob("*.json"))) == len(SAMPLES)


# --- time limit ---------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_document_over_its_time_is_recorded_as_timeout(tmp_path: Path, monkeypatch):
    import planparse.pipeline as pipeline

    real = pipeline.extract_with_text

    def extract(path, **kw):
        if "002_" in str(path):
            while True:  # a stage that never ends (pure Python, as the super-linear ones were)
                sum(range(1000))
        return real(path, **kw)

    for s in SAMPLES:  # the one-off loading (jieba's dictionaries) before the clock runs
        real(s)
    monkeypatch.setattr(pipeline, "extract_with_text", extract)
    docs = copy_samples(tmp_path / "docs")
    r = invoke([str(docs), "-o", str(tmp_path / "o.jsonl"), "--workers", "1", "--timeout", "4"])
    assert r.exit_code == 1, r.output
    errors = [rec for rec in load_jsonl(tmp_path / "o.jsonl") if "error" in rec]
    assert [(Path(e["source"]).name, e["error"]["kind"]) for e in errors] == [(SAMPLES[2].name, "timeout")]
    assert errors[0]["error"]["message"] == "not finished after 4 s (--timeout)"
    assert "4 ok" in r.output


# --- a killed parent leaves nothing behind -------------------------------------------------------------


def _children(pid: int) -> list[int]:
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(d.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has exited; only its parent (init, here) has yet to reap it


@pytest.mark.slow
@pytest.mark.cli
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to find the worker processes")
def test_workers_exit_when_the_parent_is_killed(tmp_path: Path):
    many = tmp_path / "many"
    many.mkdir()
    for i in range(40):
        shutil.copy(SAMPLES[i % len(SAMPLES)], many / f"{i:03d}_{SAMPLES[i % len(SAMPLES)].name}")
    proc = subprocess.Popen(PLANPARSE + ["batch", "many", "-o", "out", "--workers", "2", "--no-progress"], cwd=tmp_path,
                            env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        workers: list[int] = []
        while time.monotonic() < deadline:  # both workers started and working
            workers = [p for p in _children(proc.pid) if b"multiprocessing" in Path(f"/proc/{p}/cmdline").read_bytes()]
            if len(workers) >= 2 and any((tmp_path / "out").glob("*.json")):
                break
            assert proc.poll() is None, "the batch finished before it could be killed"
            time.sleep(0.05)
        assert len(workers) >= 2
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(_alive(p) for p in workers):
            time.sleep(0.1)
        assert not [p for p in workers if _alive(p)], "workers outlived their parent"
    finally:
        if proc.poll() is None:
            proc.kill()
        for p in _children(proc.pid):
            with contextlib.suppress(OSError):
                os.kill(p, signal.SIGKILL)


# --- two batches, one output --------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.cli
def test_a_second_batch_on_the_same_output_exits_2_while_the_first_runs(tmp_path: Path):
    copy_samples(tmp_path / "docs")
    from planparse.batch.lock import OutputLock
    from planparse.batch.run import lock_path

    with OutputLock(lock_path(tmp_path / "same.jsonl"), tmp_path / "same.jsonl"):
        r = run(["batch", "docs", "-o", "same.jsonl"], tmp_path)
        assert r.returncode == 2, r.stderr
        assert r.stderr.strip().splitlines()[-1] == (
            f"planparse: error: same.jsonl: another batch (pid {os.getpid()}) is writing here; wait for it to "
            f"finish or stop it (lock: {tmp_path / '.same.jsonl.lock'})"
        )
        assert not (tmp_path / "same.jsonl.partial").exists()  # the running batch's file is not touched
    # a real second batch while the first is running
    many = tmp_path / "many"
    many.mkdir()
    for i in range(30):
        shutil.copy(SAMPLES[i % 5], many / f"{i:02d}.txt")
    first = subprocess.Popen(PLANPARSE + ["batch", "many", "-o", "same.jsonl", "--workers", "1", "--no-progress"],
                             cwd=tmp_path, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not (tmp_path / "same.jsonl.partial").exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        second = run(["batch", "many", "-o", "same.jsonl", "--workers", "1"], tmp_path)
        assert second.returncode == 2 and f"another batch (pid {first.pid})" in second.stderr
        assert first.wait(timeout=240) == 0, first.stderr.read()
    finally:
        if first.poll() is None:
            first.kill()
    assert len(load_jsonl(tmp_path / "same.jsonl")) == 30
    assert not (tmp_path / ".same.jsonl.lock").exists()


@pytest.mark.slow
@pytest.mark.cli
def test_a_stale_lock_of_a_dead_process_is_taken_over(tmp_path: Path):
    copy_samples(tmp_path / "docs")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    (tmp_path / ".out.lock").write_text(dead.stdout)  # what a kill -9 leaves
    r = run(["batch", "docs", "-o", "out", "--workers", "1"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert len(list((tmp_path / "out").glob("*.json"))) == len(SAMPLES)
    assert not (tmp_path / ".out.lock").exists()


@pytest.mark.slow
@pytest.mark.cli
def test_resume_skips_and_reports_lines_it_cannot_read(tmp_path: Path):
    copy_samples(tmp_path / "docs")
    assert run(["batch", "docs", "-o", "o.jsonl", "--workers", "1"], tmp_path).returncode == 0
    lines = (tmp_path / "o.jsonl").read_bytes().splitlines(keepends=True)
    (tmp_path / "o.jsonl").unlink()
    # line 2: two writers interleaved; line 3: a bad byte; last: torn by a kill
    damaged = lines[0] + lines[1][:40] + lines[2] + b"\xff\xfe" + lines[3] + lines[4][:100]
    (tmp_path / "o.jsonl.partial").write_bytes(damaged)
    r = run(["batch", "docs", "-o", "o.jsonl", "--resume", "--workers", "1"], tmp_path)
    assert r.returncode == 0, r.stderr
    notes = [line for line in r.stderr.splitlines() if line.startswith("note: ")]
    assert notes == [
        "note: o.jsonl.partial: line 2 cannot be read back; skipped (its document is done again)",
        "note: o.jsonl.partial: line 3 cannot be read back; skipped (its document is done again)",
    ]
    assert sum(line.startswith("skip ") for line in r.stderr.splitlines()) == 1
    assert (tmp_path / "o.jsonl").read_bytes() == b"".join(lines)


# --- files people can share, same input same bytes, no silent surprises ----------------------------------


@pytest.mark.slow
@pytest.mark.cli
@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o027, 0o640)])
def test_outputs_get_the_mode_the_umask_gives(tmp_path: Path, umask: int, mode: int):
    copy_samples(tmp_path / "docs")
    for out in ("out", "o.jsonl"):
        r = run(["batch", "docs", "-o", out, "--workers", "1"], tmp_path, preexec_fn=lambda: os.umask(umask))
        assert r.returncode == 0, r.stderr
    files = list((tmp_path / "out").glob("*.json")) + [tmp_path / "o.jsonl"]
    assert {oct(p.stat().st_mode & 0o777) for p in files} == {oct(mode)}


@pytest.mark.slow
@pytest.mark.cli
def test_jsonl_is_in_input_order_and_the_same_bytes_every_run(tmp_path: Path):
    many = tmp_path / "many"
    many.mkdir()
    for i in range(12):  # the big sample first: with two workers, later small ones finish before it
        s = SAMPLES[(2 + i) % 5]
        shutil.copy(s, many / f"{i:02d}_{s.name}")
    outs = []
    for n, workers in enumerate(("2", "2", "1")):
        r = run(["batch", "many", "-o", f"o{n}.jsonl", "--workers", workers], tmp_path)
        assert r.returncode == 0, r.stderr
        outs.append((tmp_path / f"o{n}.jsonl").read_bytes())
    assert outs[0] == outs[1] == outs[2]
    assert [rec["source"]["path"] for rec in load_jsonl(tmp_path / "o0.jsonl")] == sorted(
        f"many/{p.name}" for p in many.iterdir()
    )


@pytest.mark.parametrize("out, fmt", [("out.csv", None), ("out.csv", "csv"), ("out.json", None)])
def test_a_file_name_for_a_directory_output_is_a_usage_error(tmp_path: Path, monkeypatch, out, fmt):
    monkeypatch.chdir(tmp_path)
    copy_samples(tmp_path / "docs")
    r = runner.invoke(app, ["batch", "docs", "-o", out] + (["--format", fmt] if fmt else []))
    assert r.exit_code == 2, r.output
    assert "writes a directory" in r.output and "give a directory" in r.output
    assert not (tmp_path / out).exists()
