"""The command line: output, exit codes and one-line errors (run as a real subprocess)."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "000_1e3bdffa556e102e.txt"


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "planparse.cli", *map(str, args)], capture_output=True, text=True, cwd=cwd)


@pytest.mark.cli
def test_version():
    r = run("--version")
    assert r.returncode == 0 and r.stdout.startswith("planparse ")


@pytest.mark.cli
def test_help_lists_commands():
    r = run("--help")
    assert r.returncode == 0 and "extract" in r.stdout and "schema" in r.stdout


@pytest.mark.slow
@pytest.mark.cli
def test_extract_to_stdout_is_contract_json():
    r = run("extract", SAMPLE)
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["schema_version"] == "1"
    assert {"source", "meta", "clauses", "targets", "tasks", "tables", "warnings"} <= set(d)
    assert d["source"]["format"] == "txt" and len(d["source"]["sha256"]) == 64
    assert d["meta"]["doc_number"] == "苏政发〔2024〕53号"


@pytest.mark.slow
@pytest.mark.cli
def test_extract_to_file_pretty_and_jsonl(tmp_path):
    out = tmp_path / "sub" / "o.json"
    assert run("extract", SAMPLE, "-o", out, "--pretty").returncode == 0
    pretty = out.read_text(encoding="utf-8")
    assert pretty.startswith("{\n") and not list(out.parent.glob(".*tmp"))
    r = run("extract", SAMPLE, "--format", "jsonl")
    assert r.stdout.count("\n") == 1 and json.loads(r.stdout) == json.loads(pretty)


@pytest.mark.cli
def test_schema_is_json_schema():
    r = run("schema")
    s = json.loads(r.stdout)
    assert s["type"] == "object" and "clauses" in s["properties"]


@pytest.mark.cli
@pytest.mark.parametrize("name,content,needle", [
    ("missing.txt", None, "no such file"),
    ("empty.txt", b"", "empty"),
    ("blank.txt", b"  \n\n ", "empty"),
    ("data.xyz", b"\x00\x01hello", "unknown format"),  # binary: a text with any suffix is read as text
    ("binary.txt", bytes(range(256)) * 8, "binary"),
    ("broken.pdf", b"%PDF-1.4\n1 0 obj garbage", "pdf"),
    ("broken.docx", b"PK\x03\x04garbage", "docx"),
])
@pytest.mark.slow
def test_bad_input_exits_3_with_one_line(tmp_path, name, content, needle):
    p = tmp_path / name
    if content is not None:
        p.write_bytes(content)
    r = run("extract", p)
    assert r.returncode == 3, (r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("planparse: error:")
    assert needle in lines[0].lower() and "Traceback" not in r.stderr
    assert r.stdout == ""


@pytest.mark.cli
def test_usage_error_exits_2():
    r = run("extract")
    assert r.returncode == 2


@pytest.mark.slow
@pytest.mark.cli
def test_gbk_and_utf16_text_give_the_same_result(tmp_path):
    text = SAMPLE.read_text(encoding="utf-8")
    outs = []
    for enc in ("gb18030", "utf-16", "utf-8-sig"):
        p = tmp_path / f"{enc}.txt"
        p.write_bytes(text.encode(enc))
        r = run("extract", p)
        assert r.returncode == 0, r.stderr
        d = json.loads(r.stdout)
        outs.append(([c["heading"] for c in d["clauses"]], d["meta"]["title"]))
    assert outs[0] == outs[1] == outs[2] and len(outs[0][0]) == 36


@pytest.mark.slow
@pytest.mark.cli
def test_output_does_not_depend_on_the_working_directory(tmp_path):
    a = run("extract", SAMPLE)
    b = run("extract", SAMPLE, cwd=tmp_path)
    assert a.stdout == b.stdout


def _encrypted_pdf(path):
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), encrypt=pdfencrypt.StandardEncryption("secret", "owner", strength=128))
    c.drawString(72, 720, "secret text")
    c.save()
    return path


def _image_only_pdf(path):
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    c.rect(72, 400, 300, 200, fill=1)  # a scanned page has pictures and no text layer
    c.save()
    return path


@pytest.mark.slow
@pytest.mark.cli
@pytest.mark.parametrize("make,needle", [(_encrypted_pdf, "encrypted"), (_image_only_pdf, "no text layer")])
def test_unreadable_pdfs_exit_3(tmp_path, make, needle):
    r = run("extract", make(tmp_path / "x.pdf"))
    assert r.returncode == 3 and needle in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert "Traceback" not in r.stderr


@pytest.mark.slow
@pytest.mark.cli
def test_truncated_pdf_exits_3(tmp_path, rendered_pdfs):
    data = rendered_pdfs["000_1e3bdffa556e102e"].read_bytes()
    p = tmp_path / "cut.pdf"
    p.write_bytes(data[: len(data) // 2])
    r = run("extract", p)
    assert r.returncode == 3 and "truncated PDF (no %%EOF" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.slow
@pytest.mark.cli
def test_form_feeds_in_text_are_pages(tmp_path):
    text = SAMPLE.read_text(encoding="utf-8")
    i = text.index("三、优化能源结构")
    p = tmp_path / "pdftotext.txt"
    p.write_text(text[:i] + "\f" + text[i:] + "\f", encoding="utf-8")
    d = json.loads(run("extract", p).stdout)
    assert d["source"]["pages"] == 2
    pages = {c["id"]: c["page"] for c in d["clauses"]}
    assert pages["2.4"] == 1 and pages["3"] == 2 and pages["10.26"] == 2
    assert [c["heading"] for c in d["clauses"]] == [c["heading"] for c in json.loads(run("extract", SAMPLE).stdout)["clauses"]]
