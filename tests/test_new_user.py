"""What a new user trips on, and input that is damaged but readable (run as a real subprocess).

Made-up plan text of the usual shape; the damage (a bad byte, a cut character, lone surrogates,
a NUL) is put in by hand.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLAN = ("某市推进绿色出行实施方案\n一、总体目标\n（一）工作目标。到2027年，全市公交出行分担率达到45%以上。\n"
        "二、重点任务\n（一）优化线网。（市交通运输局牵头，市公安局配合）\n（二）完善站点。各区负责落实。\n")


def run(*args, cwd=None):
    env = dict(os.environ, COLUMNS="80", PYTHONPATH=str(ROOT / "src"))
    return subprocess.run([sys.executable, "-m", "planparse.cli", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, env=env)


def extract_bytes(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    r = run("extract", path)
    return path, r, (json.loads(r.stdout) if r.returncode == 0 else None)


def codes(doc):
    return [w["code"] for w in doc["warnings"]]


@pytest.mark.cli
def test_cesu8_surrogates_are_joined_or_replaced(tmp_path):
    """UTF-8 written from UTF-16 units one by one: 𝐀 as two surrogates, and one lone high surrogate."""
    damaged = PLAN.encode() + "公式".encode() + b"\xed\xa0\xb5\xed\xb0\x80" + "与".encode() + b"\xed\xa0\xb5" + "。\n".encode()
    path, r, doc = extract_bytes(tmp_path, "cesu.txt", damaged)
    assert r.returncode == 0, r.stderr
    assert "公式\U0001d400与\ufffd。" in doc["clauses"][-1]["text"]
    assert "lone-surrogates-replaced" in codes(doc)
    assert f"planparse: warning: {path}: 1 unpaired UTF-16 surrogate" in r.stderr


@pytest.mark.cli
def test_utf16_text_with_a_lone_surrogate(tmp_path):
    data = ("\ufeff" + PLAN + "符号\udc80。\n").encode("utf-16-le", "surrogatepass")
    _, r, doc = extract_bytes(tmp_path, "u16.txt", data)
    assert r.returncode == 0, r.stderr
    assert "符号\ufffd。" in doc["clauses"][-1]["text"] and "lone-surrogates-replaced" in codes(doc)


@pytest.mark.cli
def test_one_invalid_byte_is_replaced_with_a_warning(tmp_path):
    data = PLAN.encode()
    at = data.index("二、".encode())
    path, r, doc = extract_bytes(tmp_path, "bad.txt", data[:at] + b"\xff" + data[at:])
    assert r.returncode == 0, r.stderr
    assert doc["source"]["encoding"] == "utf-8" and [c["id"] for c in doc["clauses"]][:2] == ["1", "1.1"]
    msg = next(w["message"] for w in doc["warnings"] if w["code"] == "invalid-bytes-replaced")
    assert msg.startswith("1 invalid utf-8 byte sequence") and f"offset {at}" in msg
    assert str(path) in r.stderr


@pytest.mark.cli
def test_a_file_cut_inside_a_character_is_read(tmp_path):
    data = PLAN.encode()
    _, r, doc = extract_bytes(tmp_path, "cut.txt", data[:-2])  # `head -c`: the last 。 cut in two
    assert r.returncode == 0, r.stderr
    assert "invalid-bytes-replaced" in codes(doc) and doc["clauses"][-1]["text"].endswith("各区负责落实\ufffd")


@pytest.mark.slow
@pytest.mark.cli
def test_a_stray_nul_is_removed_real_binary_is_rejected_naming_the_file(tmp_path):
    data = PLAN.encode()
    _, r, doc = extract_bytes(tmp_path, "nul.txt", data[:30] + b"\x00" + data[30:])
    assert r.returncode == 0 and "control-characters-removed" in codes(doc)
    path, r, _ = extract_bytes(tmp_path, "blob.txt", bytes(range(256)) * 64)
    assert r.returncode == 3 and r.stderr.startswith(f"planparse: error: {path}: binary data")
    assert len(r.stderr.strip().splitlines()) == 1


@pytest.mark.slow
@pytest.mark.cli
def test_gb18030_is_still_detected_not_taken_for_damaged_utf8(tmp_path):
    _, r, doc = extract_bytes(tmp_path, "gb.txt", PLAN.encode("gb18030"))
    assert r.returncode == 0 and doc["source"]["encoding"] == "gb18030" and "invalid-bytes-replaced" not in codes(doc)


@pytest.mark.slow
@pytest.mark.cli
def test_text_without_any_numbered_clause_warns(tmp_path):
    path, r, doc = extract_bytes(tmp_path, "prose.txt", "这是一段说明文字，没有任何编号条款。\n第二段也只是说明。\n".encode())
    assert r.returncode == 0 and doc["clauses"] == [] and "no-clauses" in codes(doc)
    assert f"planparse: warning: {path}: no numbered clause" in r.stderr


@pytest.mark.slow
@pytest.mark.cli
def test_csv_without_a_directory_prints_targets_and_with_o_writes_the_files(tmp_path):
    src = tmp_path / "plan.txt"
    src.write_text(PLAN, encoding="utf-8")
    r = run("extract", src, "--format", "csv")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("metric,scope,value") and "公交出行分担率" in lines[1]
    r = run("extract", src, "--format", "csv", "-o", tmp_path / "out")
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["targets.csv", "tasks.csv"]


@pytest.mark.slow
@pytest.mark.cli
@pytest.mark.parametrize("command", ["extract", "batch", "check"])
def test_help_at_80_columns_has_plain_metavars(command):
    r = run(command, "--help")
    assert r.returncode == 0
    for typer_label in ("<bool>", "<list[str]>", "<int range>", "<path>", "[x>=1]", "…"):
        assert typer_label not in r.stdout, (typer_label, r.stdout)
    assert all(len(line) <= 80 for line in r.stdout.splitlines())


@pytest.mark.cli
def test_help_keeps_choices_whole():
    out = run("extract", "--help").stdout
    assert "[json|jsonl|csv]" in out


@pytest.mark.cli
def test_a_bad_format_is_a_one_line_usage_error(tmp_path):
    src = tmp_path / "plan.txt"
    src.write_text(PLAN, encoding="utf-8")
    r = run("extract", src, "--format", "xml")
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.strip() == "planparse: error: --format: must be one of json, jsonl, csv (see --help)"
    r = run("check", src, "--format", "xml")
    assert r.returncode == 2 and r.stderr.strip().splitlines() == [
        "planparse: error: --format: must be one of text, json, github, junit, sarif (see --help)"]


@pytest.mark.cli
def test_check_of_a_missing_file_reports_it_and_exits_3(tmp_path):
    r = run("check", "nonexist.txt", cwd=tmp_path)
    assert r.returncode == 3
    assert "planparse: error: nonexist.txt: missing: no such file" in r.stderr
    assert "in 0 file(s); 1 file(s) could not be read" in r.stderr
