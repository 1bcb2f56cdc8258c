"""`planparse batch`: real inputs (the samples, a corrupt PDF, an empty file, an image-only PDF, a GBK copy),
all output modes, a batch killed mid-run and resumed, --resume skipping unchanged inputs, exit codes."""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planparse.cli import app
from planparse.emit import to_json
from planparse.pipeline import extract_file

from tests.conftest import CLI_ENV as ENV, PLANPARSE, ROOT, run_cli as run

SAMPLES = sorted((ROOT / "samples").glob("*.txt"))


def image_only_pdf(path: Path) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFillGray(0.6)
    c.rect(80, 400, 420, 300, fill=1, stroke=1)  # a scanned page: shapes, no text layer
    c.circle(300, 250, 60, fill=1)
    c.showPage()
    c.save()
    return path


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    """tmp/in/samples/*.txt, tmp/in/bad/{corrupt.pdf, empty.txt, scan.pdf}, tmp/in/gbk/004_gbk.txt, tmp/in/notes.csv"""
    root = tmp_path / "in"
    (root / "samples").mkdir(parents=True)
    for s in SAMPLES:
        shutil.copy(s, root / "samples" / s.name)
    bad = root / "bad"
    bad.mkdir()
    (bad / "corrupt.pdf").write_bytes(os.urandom(4096))
    (bad / "empty.txt").write_bytes(b"")
    image_only_pdf(bad / "scan.pdf")
    (root / "gbk").mkdir()
    text = (ROOT / "samples" / "004_f8539a09ccbc65f7.txt").read_text(encoding="utf-8")
    (root / "gbk" / "004_gbk.txt").write_bytes(text.encode("gb18030"))
    (root / "notes.csv").write_text("not a document: skipped in a directory walk", encoding="utf-8")
    return root


def load_jsonl(p: Path) -> list[dict]:
    return [json.loads(line) for line in p.read_text(encoding="utf-8").splitlines()]


def strip_path(d: dict) -> dict:
    d = json.loads(json.dumps(d))
    d["source"].pop("path")
    return d


EXPECTED_FAILURES = {"in/bad/corrupt.pdf": "corrupt", "in/bad/empty.txt": "empty", "in/bad/scan.pdf": "no_text_layer"}


@pytest.mark.slow
@pytest.mark.cli
def test_batch_directory_mode(corpus: Path):
    cwd = corpus.parent
    r = run(["batch", "in", "-o", "out", "--workers", "2"], cwd)
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr
    out = cwd / "out"
    # one output per readable input, mirroring the input tree, named NAME.EXT.json
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.json"))
    assert written == sorted([f"samples/{s.name}.json" for s in SAMPLES] + ["gbk/004_gbk.txt.json"])
    for s in SAMPLES:
        got = json.loads((out / "samples" / f"{s.name}.json").read_text(encoding="utf-8"))
        want = json.loads(to_json(extract_file(s)))
        assert strip_path(got) == strip_path(want)
        assert got["source"]["path"] == f"in/samples/{s.name}"
    gbk = json.loads((out / "gbk" / "004_gbk.txt.json").read_text(encoding="utf-8"))
    utf8 = json.loads((out / "samples" / "004_f8539a09ccbc65f7.txt.json").read_text(encoding="utf-8"))
    assert gbk["source"]["encoding"] == "gb18030"
    assert gbk["clauses"] == utf8["clauses"] and gbk["meta"] == utf8["meta"]
    # each failure once, with its kind and a one-line message
    errors = load_jsonl(out / "_errors.jsonl")
    assert {e["source"]: e["error"]["kind"] for e in errors} == EXPECTED_FAILURES
    assert all(e["error"]["message"] and "\n" not in e["error"]["message"] for e in errors)
    # plain log lines (stderr is not a terminal), then the summary
    log = r.stderr.splitlines()
    assert sum(line.startswith("ok in/") for line in log) == 6
    assert "FAIL in/bad/corrupt.pdf: corrupt: " in r.stderr
    assert "FAIL in/bad/scan.pdf: no_text_layer: " in r.stderr
    assert "FAIL in/bad/empty.txt: empty: empty file" in r.stderr
    assert "notes.csv" not in r.stderr
    assert "9 (6 ok, 0 skipped unchanged, 3 failed)" in r.stderr
    assert "corrupt 1, empty 1, no_text_layer 1" in r.stderr
    assert not list(out.rglob("*.tmp"))


@pytest.mark.slow
@pytest.mark.cli
def test_batch_all_good_exits_0_and_resume_skips_unchanged(tmp_path: Path):
    src = tmp_path / "docs"
    src.mkdir()
    for s in SAMPLES:
        shutil.copy(s, src / s.name)
    r = run(["batch", "docs", "-o", "out", "--workers", "2"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert not (tmp_path / "out" / "_errors.jsonl").exists()
    outputs = sorted((tmp_path / "out").glob("*.json"))
    assert len(outputs) == len(SAMPLES)
    mtimes = {p: p.stat().st_mtime_ns for p in outputs}

    r = run(["batch", "docs", "-o", "out", "--resume"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert sorted(line for line in r.stderr.splitlines() if line.startswith("skip ")) == sorted(
        f"skip docs/{s.name} (unchanged)" for s in SAMPLES
    )
    assert not any(line.startswith("ok ") for line in r.stderr.splitlines())
    assert {p: p.stat().st_mtime_ns for p in outputs} == mtimes

    # a changed input is processed again, the others are still skipped
    changed = src / SAMPLES[3].name
    changed.write_text(changed.read_text(encoding="utf-8") + "\n（此件公开发布）\n", encoding="utf-8")
    r = run(["batch", "docs", "-o", "out", "--resume", "--workers", "1"], tmp_path)
    assert r.returncode == 0
    assert [line.split(" (")[0] for line in r.stderr.splitlines() if line.startswith("ok ")] == [f"ok docs/{changed.name}"]
    assert sum(line.startswith("skip ") for line in r.stderr.splitlines()) == len(SAMPLES) - 1
    new = json.loads((tmp_path / "out" / f"{changed.name}.json").read_text(encoding="utf-8"))
    import hashlib

    assert new["source"]["sha256"] == hashlib.sha256(changed.read_bytes()).hexdigest()


def _many(tmp_path: Path, copies: int) -> Path:
    many = tmp_path / "many"
    for i in range(copies):
        s = SAMPLES[i % len(SAMPLES)]
        d = many / f"part{i % 3}"
        d.mkdir(parents=True, exist_ok=True)
        shutil.copy(s, d / f"{i:03d}_{s.name}")
    return many


@pytest.mark.slow
@pytest.mark.cli
@pytest.mark.parametrize("mode", ["dir", "jsonl"])
def test_killed_batch_resumes_to_a_complete_valid_output(tmp_path: Path, mode: str):
    copies = 60
    _many(tmp_path, copies)
    target = tmp_path / ("out" if mode == "dir" else "out.jsonl")
    args = PLANPARSE + ["batch", "many", "-o", target.name, "--workers", "1"]
    proc = subprocess.Popen(args, cwd=tmp_path, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if mode == "dir" and target.is_dir() and any(target.rglob("*.json")):
                break
            partial = tmp_path / "out.jsonl.partial"
            if mode == "jsonl" and partial.exists() and partial.stat().st_size > 0:
                break
            assert proc.poll() is None, "the batch finished before it could be killed"
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    if mode == "dir":
        done_before = list(target.rglob("*.json"))
        assert 0 < len(done_before) < copies
        for p in done_before:  # whatever the kill interrupted, no output is half-written
            json.loads(p.read_text(encoding="utf-8"))
    else:
        assert not target.exists()  # the final file appears only when a run completes

    r = run(["batch", "many", "-o", target.name, "--workers", "2", "--resume"], tmp_path)
    assert r.returncode == 0, r.stderr
    skipped = [line for line in r.stderr.splitlines() if line.startswith("skip ")]
    assert len(skipped) >= 1
    if mode == "dir":
        assert len(skipped) >= len(done_before)
        outputs = list(target.rglob("*.json"))
        assert len(outputs) == copies
        for p in outputs:
            assert json.loads(p.read_text(encoding="utf-8"))["schema_version"] == "1"
        assert not [p for p in target.rglob("*") if p.name.endswith(".tmp")]
    else:
        records = load_jsonl(target)
        assert len(records) == copies
        assert len({rec["source"]["path"] for rec in records}) == copies
        assert not (tmp_path / "out.jsonl.partial").exists()
        assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.slow
@pytest.mark.cli
def test_jsonl_mode(corpus: Path):
    cwd = corpus.parent
    r = run(["batch", "in/samples", "in/bad/corrupt.pdf", "-o", "all.jsonl", "--workers", "2"], cwd)
    assert r.returncode == 1
    records = load_jsonl(cwd / "all.jsonl")
    assert len(records) == len(SAMPLES) + 1
    errors = [rec for rec in records if "error" in rec]
    assert errors == [{"source": "in/bad/corrupt.pdf", "error": {"kind": "corrupt", "message": errors[0]["error"]["message"]}}]
    docs = {rec["source"]["path"]: rec for rec in records if "error" not in rec}
    assert set(docs) == {f"in/samples/{s.name}" for s in SAMPLES}
    one = SAMPLES[4]
    assert strip_path(docs[f"in/samples/{one.name}"]) == strip_path(json.loads(to_json(extract_file(one))))
    assert not (cwd / "all.jsonl.partial").exists()
    assert not (cwd / "in" / "_errors.jsonl").exists()  # jsonl mode keeps its error records in the file


@pytest.mark.slow
@pytest.mark.cli
def test_jsonl_resume_drops_a_torn_line(tmp_path: Path):
    docs = tmp_path / "docs"
    docs.mkdir()
    for s in SAMPLES:
        shutil.copy(s, docs / s.name)
    assert run(["batch", "docs", "-o", "o.jsonl", "--workers", "1"], tmp_path).returncode == 0
    lines = (tmp_path / "o.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    # what a kill in the middle of writing the third line leaves behind
    (tmp_path / "o.jsonl").unlink()
    (tmp_path / "o.jsonl.partial").write_text("".join(lines[:2]) + lines[2][: len(lines[2]) // 2], encoding="utf-8")
    r = run(["batch", "docs", "-o", "o.jsonl", "--resume", "--workers", "1"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert sum(line.startswith("skip ") for line in r.stderr.splitlines()) == 2
    assert sum(line.startswith("ok ") for line in r.stderr.splitlines()) == len(SAMPLES) - 2
    records = load_jsonl(tmp_path / "o.jsonl")
    assert sorted(rec["source"]["path"] for rec in records) == sorted(f"docs/{s.name}" for s in SAMPLES)
    assert not (tmp_path / "o.jsonl.partial").exists()


@pytest.mark.slow
@pytest.mark.cli
def test_csv_mode(corpus: Path):
    cwd = corpus.parent
    r = run(["batch", "in/samples", "in/bad", "-o", "tables", "--format", "csv", "--workers", "2"], cwd)
    assert r.returncode == 1
    out = cwd / "tables"
    docs = {s.name: extract_file(s) for s in SAMPLES}
    expected_rows = {
        "documents": len(SAMPLES),
        "clauses": sum(len(d.clauses) for d in docs.values()),
        "targets": sum(len(d.targets) for d in docs.values()),
        "tasks": sum(len(d.tasks) for d in docs.values()),
        "measures": sum(len(d.measures) for d in docs.values()),
    }
    for name, n in expected_rows.items():
        raw = (out / f"{name}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), name  # UTF-8 BOM for Excel
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        assert rows[0][0] == "source"
        assert len(rows) - 1 == n, name
        assert {row[0] for row in rows[1:]} <= {f"in/samples/{s}" for s in docs}
    rows = list(csv.DictReader(io.StringIO((out / "documents.csv").read_text(encoding="utf-8-sig"))))
    # rows in input order, whatever order the workers finished in
    assert [row["source"] for row in rows] == [f"in/samples/{s.name}" for s in SAMPLES]
    by_src = {row["source"]: row for row in rows}
    d4 = docs["004_f8539a09ccbc65f7.txt"]
    row = by_src["in/samples/004_f8539a09ccbc65f7.txt"]
    assert row["doc_number"] == d4.meta.doc_number == "连开委〔2024〕35号"
    assert int(row["clauses"]) == len(d4.clauses) and row["sha256"] == d4.source.sha256
    targets = list(csv.DictReader(io.StringIO((out / "targets.csv").read_text(encoding="utf-8-sig"))))
    t0 = docs[SAMPLES[0].name].targets[0]
    first = next(t for t in targets if t["source"] == f"in/samples/{SAMPLES[0].name}")
    assert first["metric"] == t0.metric and float(first["value"]) == t0.value and first["unit"] == t0.unit
    assert {e["error"]["kind"] for e in load_jsonl(out / "_errors.jsonl")} == {"corrupt", "empty", "no_text_layer"}
    assert not list(out.rglob("*.tmp"))


runner = CliRunner()


@pytest.mark.slow
def test_unexpected_exception_is_recorded_as_internal(tmp_path: Path, monkeypatch):
    import planparse.pipeline as pipeline

    real = pipeline.extract_with_text

    def flaky(path, **kw):
        if "003_" in str(path):
            raise RuntimeError("clause map\n  is inconsistent")
        return real(path, **kw)

    monkeypatch.setattr(pipeline, "extract_with_text", flaky)
    docs = tmp_path / "docs"
    docs.mkdir()
    for s in SAMPLES:
        shutil.copy(s, docs / s.name)
    r = runner.invoke(app, ["batch", str(docs), "-o", str(tmp_path / "out"), "--workers", "1", "--no-progress"])
    assert r.exit_code == 1
    assert "Traceback" not in r.output
    errors = load_jsonl(tmp_path / "out" / "_errors.jsonl")
    assert [(Path(e["source"]).name, e["error"]["kind"], e["error"]["message"]) for e in errors] == [
        (SAMPLES[3].name, "internal", "RuntimeError: clause map is inconsistent")
    ]
    assert len(list((tmp_path / "out").glob("*.json"))) == len(SAMPLES) - 1


@pytest.mark.slow
def test_progress_bar_and_summary_table(tmp_path: Path):
    r = runner.invoke(app, ["batch", str(ROOT / "samples"), "-o", str(tmp_path / "o"), "--workers", "1", "--progress"])
    assert r.exit_code == 0
    assert "planparse batch" in r.stderr and "5 (5 ok, 0 skipped unchanged, 0 failed)" in r.stderr
    assert "docs/s" in r.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["batch", "nothing-here", "-o", "o"], "no such file or directory"),
        (["batch", "empty-dir", "-o", "o"], "no input documents found"),
        (["batch", "*.nomatch", "-o", "o"], "no file matches"),
        (["batch", "docs", "-o", "o", "--workers", "0"], ""),
        (["batch", "docs", "-o", "o", "--grammars", "no-such-grammars"], "grammar directory not found"),
        (["batch", "docs", "-o", "a-file.txt"], "not a directory"),
        (["batch", "docs", "-o", "o.jsonl", "--format", "json"], "writes a directory"),
        (["batch", "docs"], ""),
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty-dir").mkdir()
    (tmp_path / "docs").mkdir()
    shutil.copy(SAMPLES[0], tmp_path / "docs" / SAMPLES[0].name)
    (tmp_path / "a-file.txt").write_text("x", encoding="utf-8")
    r = runner.invoke(app, args)
    assert r.exit_code == 2, r.output
    assert message in r.output
    assert "Traceback" not in r.output
    assert not (tmp_path / "o").exists() or args[1] == "docs"


def test_output_directory_inside_the_input_tree_is_not_read_back(tmp_path: Path):
    for s in SAMPLES[:2]:
        shutil.copy(s, tmp_path / s.name)
    (tmp_path / "out").mkdir()
    shutil.copy(SAMPLES[2], tmp_path / "out" / "stray.txt")  # not an input: it is under OUT
    r = runner.invoke(app, ["batch", str(tmp_path), "-o", str(tmp_path / "out"), "--workers", "1", "--no-progress"])
    assert r.exit_code == 0
    assert sorted(p.name for p in (tmp_path / "out").glob("*.json")) == sorted(f"{s.name}.json" for s in SAMPLES[:2])
