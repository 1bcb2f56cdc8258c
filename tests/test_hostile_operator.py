"""A tired operator (issue 22): an output that is an input or one of our working files, a DuckDB -o
that is some other file, a full disk, a terminal that cannot show Chinese, standard input, a file
with no suffix, --grammars given a file. Nothing is lost, and the message says what failed."""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import subprocess
from pathlib import Path

import pytest

from conftest import CLI_ENV, PLANPARSE, run_cli

# Probes that run planparse as an attacker or a tired operator would: processes, pools, timeouts, a
# browser. The whole suite runs them; the quick check (-m "not slow") leaves them out.
pytestmark = pytest.mark.slow

PLAN = "某市推进某项工作实施方案\n一、总体要求\n到2025年，完成率达到90%。\n二、重点任务\n（一）推进工作。（市发展改革委牵头）\n"


def sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def has_duckdb() -> bool:
    try:
        import duckdb  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.parametrize("input_name,args", [
    ("plan.txt", ["-o", "plan.txt", "--format", "jsonl"]),
    ("plan.txt", ["-o", "plan.txt", "--format", "duckdb"]),
    ("plan.txt", ["-o", "plan.txt"]),
    ("out.jsonl.partial", ["-o", "out.jsonl"]),
    (".out.jsonl.lock", ["-o", "out.jsonl"]),
    (".out.lock", ["-o", "out"]),
    (".out.lock", ["-o", "out", "--format", "csv"]),
    (".out.duckdb.lock", ["-o", "out.duckdb"]),
    ("out.duckdb.wal", ["-o", "out.duckdb"]),
])
def test_an_output_that_is_an_input_is_a_usage_error(tmp_path, input_name, args):
    if "duckdb" in " ".join(args) and not has_duckdb():
        pytest.skip("duckdb is not installed")
    victim = tmp_path / input_name
    victim.write_text(PLAN, encoding="utf-8")
    before = sha(victim)
    r = run_cli(["batch", input_name, *args, "--workers", "1"], cwd=tmp_path)
    assert r.returncode == 2 and "is an input and also a file this batch writes" in r.stderr, r.stderr
    assert sha(victim) == before  # the input's hash unchanged


def test_extract_refuses_to_write_over_its_input(tmp_path):
    (tmp_path / "plan.txt").write_text(PLAN, encoding="utf-8")
    before = sha(tmp_path / "plan.txt")
    r = run_cli(["extract", "plan.txt", "-o", "plan.txt"], cwd=tmp_path)
    assert r.returncode == 2 and sha(tmp_path / "plan.txt") == before


def test_report_refuses_to_write_over_its_input(tmp_path):
    (tmp_path / "plan.txt").write_text(PLAN, encoding="utf-8")
    before = sha(tmp_path / "plan.txt")
    r = run_cli(["report", "plan.txt", "-o", "plan.txt"], cwd=tmp_path)
    assert r.returncode == 2 and "is the input" in r.stderr and sha(tmp_path / "plan.txt") == before


@pytest.mark.skipif(not has_duckdb(), reason="duckdb is not installed")
def test_duckdb_never_replaces_a_file_that_is_not_a_database(tmp_path):
    (tmp_path / "plan.txt").write_text(PLAN, encoding="utf-8")
    victim = tmp_path / "notes.duckdb"
    victim.write_text("my notes, not a database\n", encoding="utf-8")
    r = run_cli(["batch", "plan.txt", "-o", "notes.duckdb", "--workers", "1"], cwd=tmp_path)
    assert r.returncode == 2 and "not a DuckDB database" in r.stderr
    assert victim.read_text(encoding="utf-8") == "my notes, not a database\n"
    # a database of ours is replaced as before
    assert run_cli(["batch", "plan.txt", "-o", "out.duckdb", "--workers", "1"], cwd=tmp_path).returncode == 0
    assert run_cli(["batch", "plan.txt", "-o", "out.duckdb", "--workers", "1"], cwd=tmp_path).returncode == 0


@contextlib.contextmanager
def small_disk(path: Path, size: str):
    """A tmpfs of `size` at `path` (root only: skipped elsewhere)."""
    path.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({r.stderr.decode(errors='replace').strip()})")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


@pytest.mark.skipif(not has_duckdb(), reason="duckdb is not installed")
@pytest.mark.parametrize("resume", [False, True])
def test_duckdb_on_a_full_disk_says_so_and_keeps_the_rows_before(tmp_path, resume):
    import duckdb

    (tmp_path / "in").mkdir()
    body = PLAN * 200
    for i in range(40):
        (tmp_path / "in" / f"d{i:02d}.txt").write_text(body + f"（{i}）\n", encoding="utf-8")
    with small_disk(tmp_path / "disk", "4m") as disk:
        out = disk / "o.duckdb"
        if resume:
            assert run_cli(["batch", "in/d00.txt", "-o", str(out), "--workers", "1"], cwd=tmp_path).returncode == 0
        st = os.statvfs(disk)
        (disk / "fill").write_bytes(b"\0" * (st.f_bavail * st.f_frsize - 900_000))  # room for a few documents
        r = run_cli(["batch", "in", "-o", str(out), "--workers", "1"] + (["--resume"] if resume else []), cwd=tmp_path)
        assert r.returncode == 2, r.stderr[-500:]
        assert "No space left on device" in r.stderr and "internal error" not in r.stderr
        assert "no transaction is active" not in r.stdout + r.stderr
        (disk / "fill").unlink()  # room for DuckDB to replay its log
        db = duckdb.connect(str(out))
        kept = db.execute("SELECT count(*) FROM documents").fetchone()[0]
        db.close()
        assert kept >= 1  # the documents recorded before the disk filled are there


@pytest.mark.parametrize("env", [{"PYTHONIOENCODING": "ascii"}, {"LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}])
@pytest.mark.parametrize("command", ["extract", "check"])
def test_a_terminal_that_cannot_show_chinese(tmp_path, env, command):
    (tmp_path / "计划.txt").write_text(PLAN, encoding="utf-8")
    r = subprocess.run(PLANPARSE + [command, "计划.txt"], cwd=tmp_path, env={**CLI_ENV, **env}, capture_output=True, timeout=120)
    assert r.returncode in (0, 1) and b"internal error" not in r.stderr, r.stderr
    if command == "extract":
        assert json.loads(r.stdout.decode("ascii"))["meta"]["title"]  # JSON escapes: still the same document


def test_extract_dash_reads_standard_input(tmp_path):
    data = PLAN.encode("gb18030")
    r = subprocess.run(PLANPARSE + ["extract", "-"], input=data, cwd=tmp_path, env=CLI_ENV, capture_output=True, timeout=120)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["source"]["sha256"] == hashlib.sha256(data).hexdigest() and doc["clauses"]


@pytest.mark.parametrize("name", ["plan", "plan.xyz", "plan.txt.bak", "README"])
def test_a_text_with_no_or_an_unknown_suffix_is_sniffed(tmp_path, name):
    (tmp_path / name).write_bytes(PLAN.encode("gbk"))
    r = run_cli(["extract", name], cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["source"]["format"] == "txt"


def test_binary_with_an_unknown_suffix_is_still_unknown(tmp_path):
    (tmp_path / "blob.xyz").write_bytes(bytes(range(256)) * 4)
    r = run_cli(["extract", "blob.xyz"], cwd=tmp_path)
    assert r.returncode == 3 and "unknown format" in r.stderr


@pytest.mark.parametrize("command", [["extract", "plan.txt"], ["batch", "plan.txt", "-o", "o.jsonl"], ["grammars", "check"]])
def test_grammars_given_a_file_says_it_needs_a_directory(tmp_path, command):
    (tmp_path / "plan.txt").write_text(PLAN, encoding="utf-8")
    (tmp_path / "rules.toml").write_text("[toc_entry]\npattern = 'x'\n", encoding="utf-8")
    args = command + (["rules.toml"] if command[0] == "grammars" else ["--grammars", "rules.toml"])
    r = run_cli(args, cwd=tmp_path)
    assert r.returncode == 2 and "needs a directory" in r.stderr, r.stderr


@pytest.mark.parametrize("command", [["extract", "plan.txt", "-o", "sink"], ["batch", "plan.txt", "-o", "sink", "--format", "jsonl"]])
def test_an_output_that_is_a_fifo_is_written_into_not_replaced(tmp_path, command):
    # The shape of -o /dev/null: renaming a new file over it would leave a regular file where it was.
    import stat
    import threading

    (tmp_path / "plan.txt").write_text(PLAN, encoding="utf-8")
    os.mkfifo(tmp_path / "sink")
    got = []
    reader = threading.Thread(target=lambda: got.append((tmp_path / "sink").read_bytes()), daemon=True)
    reader.start()
    r = run_cli(command, cwd=tmp_path, timeout=120)
    reader.join(30)
    assert r.returncode == 0, r.stderr
    assert stat.S_ISFIFO(os.stat(tmp_path / "sink").st_mode)
    assert json.loads(got[0].decode("utf-8").splitlines()[0])["clauses"]
