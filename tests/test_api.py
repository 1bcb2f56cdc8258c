"""The Python API (docs/api.md): `planparse.extract`, `compare` and `check` on paths, bytes and file
objects; the package's exports; errors that name their file; and the CLI edges found the same way
(`-o` to a place that cannot be written, `--ocr always` without an engine, `--list-rules` at 80
columns, an example in every `--help`). The documents are made up."""
from __future__ import annotations

import doctest
import io
import re
import types
from pathlib import Path

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

import planparse
from planparse.cli import app
from planparse.ingest import ocr
from tests.conftest import FIXTURES, ROOT

PLAN = ("示范市大气污染防治行动方案\n一、工作目标\n到2026年，全市PM2.5浓度下降到30微克/立方米以下。\n"
        "二、重点任务\n（一）推进工业减排。完成重点企业深度治理50家。\n")
OFFICE_PDF = FIXTURES / "office" / "000_1e3bdffa556e102e.pdf"


def _signature(doc: planparse.Document) -> tuple:
    return (tuple((c.id, c.heading, c.text) for c in doc.clauses),
            tuple((t.value, t.unit, t.target_year) for t in doc.targets), doc.source.sha256)


# ------------------------------------------------------------------------------------------ extract


def test_a_path_bytes_and_a_file_object_give_the_same_document(tmp_path: Path):
    path = tmp_path / "plan.txt"
    path.write_text(PLAN, encoding="utf-8")
    from_path = planparse.extract(path)
    from_str = planparse.extract(str(path))
    from_bytes = planparse.extract(PLAN.encode("utf-8"), filename="plan.txt")
    with path.open("rb") as f:
        from_file = planparse.extract(f)  # the file object's own name is the format hint
    from_stream = planparse.extract(io.BytesIO(PLAN.encode("utf-8")), filename="上报/plan.txt")
    assert isinstance(from_path, planparse.Document)
    assert len({_signature(d) for d in (from_path, from_str, from_bytes, from_file, from_stream)}) == 1
    assert [c.id for c in from_path.clauses] == ["1", "2", "2.1"]
    assert (from_bytes.source.path, from_file.source.path, from_stream.source.path) == ("plan.txt", str(path), "上报/plan.txt")


def test_a_pdf_needs_no_name_its_bytes_say_what_it_is():
    data = OFFICE_PDF.read_bytes()
    doc = planparse.extract(data)
    assert doc.source.format == "pdf" and doc.source.path == "<bytes>"
    assert _signature(doc)[0] == _signature(planparse.extract(OFFICE_PDF))[0]


def test_filename_is_the_format_hint_of_a_misnamed_path(tmp_path: Path):
    path = tmp_path / "download.aspx"
    path.write_text(PLAN, encoding="utf-8")
    # Text under a name nobody registered is sniffed as text (issue 22); the hint chooses another reader.
    assert planparse.extract(path).source.format == "txt"
    hinted = planparse.extract(path, filename="plan.md")
    assert hinted.source.format == "markdown"
    assert [c.id for c in hinted.clauses] == ["1", "2", "2.1"]


def test_text_bytes_without_a_name_are_read_as_text_and_other_bytes_ask_for_one():
    assert [c.id for c in planparse.extract(PLAN.encode("utf-8")).clauses] == ["1", "2", "2.1"]
    with pytest.raises(planparse.UnknownFormatError, match=r'^<bytes>: unknown format .*pass filename='):
        planparse.extract(b"\x00\x01\x02\x03 binary, not a document")


@pytest.mark.parametrize("source, message", [
    (io.StringIO(PLAN), "open it in binary mode"),
    (12345, "source must be a path, bytes or a binary file object, not int"),
])
def test_a_source_of_another_kind_is_a_usage_error(source, message):
    with pytest.raises(planparse.UsageError, match=message):
        planparse.extract(source)


def test_an_unknown_ocr_mode_is_a_usage_error():
    with pytest.raises(planparse.UsageError, match="ocr must be one of auto, always, never, not 'sometimes'"):
        planparse.extract(PLAN.encode(), filename="plan.txt", ocr="sometimes")  # type: ignore[arg-type]


def test_every_error_names_its_file(tmp_path: Path):
    missing = tmp_path / "nowhere" / "plan.pdf"
    with pytest.raises(planparse.MissingFileError) as e:
        planparse.extract(missing)
    assert str(e.value) == f"{missing}: no such file"
    assert (e.value.path, e.value.message, e.value.kind) == (str(missing), "no such file", "missing")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(planparse.EmptyFileError, match=f"^{empty}: empty file$"):
        planparse.extract(empty)
    with pytest.raises(planparse.InputError, match=r"^scan\.pdf: "):
        planparse.extract(b"%PDF-1.4\n1 0 obj garbage", filename="scan.pdf")


def test_ocr_always_without_an_engine_says_how_to_install_one(monkeypatch):
    monkeypatch.setattr(ocr, "find_engine", lambda name=None: None)  # as on a machine without one
    with pytest.raises(planparse.OcrUnavailableError) as e:
        planparse.extract(OFFICE_PDF, ocr="always")
    assert str(e.value).startswith(f"{OFFICE_PDF}: --ocr always, but no OCR engine is installed: ")
    assert "pip install 'planparse[ocr]'" in str(e.value) and e.value.exit_code == 3
    assert planparse.extract(OFFICE_PDF, ocr="auto").clauses  # a text PDF needs no engine


def test_grammars_are_a_directory_or_a_loaded_set(tmp_path: Path):
    from planparse.grammar import load_grammars

    loaded = load_grammars(None)
    a = planparse.extract(PLAN.encode(), filename="plan.txt", grammars=loaded)
    with pytest.raises(planparse.GrammarError, match="grammar directory not found"):
        planparse.extract(PLAN.encode(), filename="plan.txt", grammars=tmp_path / "no-such-grammars")
    assert _signature(a) == _signature(planparse.extract(PLAN.encode(), filename="plan.txt"))


# ------------------------------------------------------------------------------------ compare, check


def test_compare_takes_documents_paths_and_planparse_json(tmp_path: Path):
    parent_text = "示范省行动方案\n一、工作目标\n到2025年，全省森林覆盖率达到30%以上。\n"
    child_text = "示范市实施方案\n一、工作目标\n到2025年，全市森林覆盖率达到28%以上。\n"
    parent = planparse.extract(parent_text.encode(), filename="province.txt")
    (tmp_path / "city.txt").write_text(child_text, encoding="utf-8")
    (tmp_path / "province.json").write_text(parent.model_dump_json(), encoding="utf-8")
    for result in (planparse.compare(parent, tmp_path / "city.txt"),
                   planparse.compare(tmp_path / "province.json", str(tmp_path / "city.txt"))):
        assert isinstance(result, planparse.Comparison)
        assert [(p.parent.value, p.child.value, p.verdict) for p in result.targets.pairs] == [(30.0, 28.0, "looser")]


def test_check_selects_and_ignores_like_the_cli():
    draft = "示范市行动方案\n一、工作目标\n三、保障措施\n加强组织领导。\n"
    findings = planparse.check(io.BytesIO(draft.encode()), filename="draft.txt")
    assert [(f.code, f.path, f.line) for f in findings if f.code == "PP001"] == [("PP001", "draft.txt", 3)]
    assert all(isinstance(f, planparse.Finding) for f in findings)
    assert planparse.check(draft.encode(), filename="draft.txt", select=["PP001"], ignore="PP001") == []
    assert {f.code for f in planparse.check(draft.encode(), filename="draft.txt", select="numbering-gap")} == {"PP001"}


# ------------------------------------------------------------------------------------------ package


def test_the_package_exports_its_api_models_and_errors():
    assert "annotations" not in planparse.__all__ and not hasattr(planparse, "annotations")
    assert [name for name in dir(planparse) if not name.startswith("_") and name not in planparse.__all__] == ["Warning"]
    for name in planparse.__all__:
        assert getattr(planparse, name) is not None, name
    for name in ("Document", "Clause", "Target", "Deadline", "Agencies", "Task", "Table", "Meta", "Warning"):
        assert isinstance(getattr(planparse, name), type), name
    assert issubclass(planparse.OcrUnavailableError, planparse.InputError)
    assert issubclass(planparse.InputError, planparse.PlanparseError)


def test_the_functions_keep_their_names_once_the_subpackages_are_imported():
    import planparse.check.core  # noqa: F401
    import planparse.compare.render  # noqa: F401

    assert isinstance(planparse.compare, types.FunctionType) and isinstance(planparse.check, types.FunctionType)
    from planparse.check import RULES

    assert "PP001" in RULES


def test_the_package_is_marked_typed():
    assert (ROOT / "src" / "planparse" / "py.typed").is_file()
    assert re.search(r'^planparse = \[[^\]]*"py\.typed"', (ROOT / "pyproject.toml").read_text(encoding="utf-8"), re.M)
    assert planparse.extract.__annotations__["return"] in ("Document", planparse.Document)


def test_the_examples_of_the_api_docs_run():
    result = doctest.testfile(str(ROOT / "docs" / "api.md"), module_relative=False, report=True,
                              optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 20 and result.failed == 0


def test_the_docstring_examples_run():
    import planparse.api

    result = doctest.testmod(planparse.api)
    assert result.attempted >= 10 and result.failed == 0


# ------------------------------------------------------------------------------------------ CLI edges

runner = CliRunner()


@pytest.mark.parametrize("command, where, why", [
    *[(c, where, why) for c in (["extract"], ["check"], ["report"])
      for where, why in (("a-file/out", "File exists"), ("a-directory", "Is a directory"))],
    (["extract", "--format", "csv"], "a-file/tables", "Not a directory"),  # -o is the CSV files' directory
])
def test_an_output_that_cannot_be_written_is_a_one_line_usage_error(tmp_path: Path, command, where, why):
    doc = tmp_path / "plan.txt"
    doc.write_text(PLAN, encoding="utf-8")
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    (tmp_path / "a-directory").mkdir()
    out = tmp_path / where
    r = runner.invoke(app, [command[0], str(doc), *command[1:], "-o", str(out)])
    assert r.exit_code == 2
    assert r.stderr.splitlines() == [f"planparse: error: {out}: cannot write: {why}"]


def test_ocr_always_without_an_engine_exits_3_saying_how_to_install_one(monkeypatch):
    monkeypatch.setenv("PLANPARSE_OCR_ENGINE", "no-such-engine")  # the engine asked for is not installed
    r = runner.invoke(app, ["extract", str(OFFICE_PDF), "--ocr", "always"])
    assert r.exit_code == 3 and r.stdout == ""
    assert r.stderr.strip() == (f"planparse: error: {OFFICE_PDF}: --ocr always, but no OCR engine is installed: "
                                "pip install 'planparse[ocr]', or apt install tesseract-ocr tesseract-ocr-chi-sim")


def test_list_rules_fits_80_columns_when_not_a_terminal(monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    r = runner.invoke(app, ["check", "--list-rules"])
    lines = r.stdout.splitlines()
    assert r.exit_code == 0 and max(cell_len(line) for line in lines) <= 80
    from planparse.check import RULES

    starts = [line.split()[0] for line in lines if not line.startswith(" ")]
    assert starts == list(RULES)  # one entry per rule, its summary wrapped under it
    for rule in RULES.values():  # nothing of a summary is lost in the wrapping
        assert rule.summary.replace(" ", "") in "".join(lines).replace(" ", "")


def test_list_rules_wraps_to_a_narrow_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "50")
    r = runner.invoke(app, ["check", "--list-rules"])
    assert max(cell_len(line) for line in r.stdout.splitlines()) <= 50


@pytest.mark.parametrize("command", [[], ["extract"], ["report"], ["schema"], ["batch"], ["check"], ["compare"],
                                     ["grammars"], ["grammars", "check"]])
def test_every_help_shows_an_example(command):
    r = runner.invoke(app, [*command, "--help"], terminal_width=80)
    assert r.exit_code == 0 and max(len(line) for line in r.stdout.splitlines()) <= 80
    example = r.stdout.split("Example", 1)[1].splitlines()
    assert any(line.strip().startswith(" ".join(["planparse", *command[:1]])) for line in example)


def test_an_extraction_collects_rarely_and_puts_the_collector_back(monkeypatch):
    """While a document is extracted the young generation is collected every lazy.YOUNG_THRESHOLD
    objects (the stages make many and free them by reference counting); the caller's threshold is
    put back after, also after a failure, and a process that collects more rarely keeps its own."""
    import gc
    import threading

    from planparse import lazy, pipeline

    sample = Path(__file__).resolve().parents[1] / "samples" / "000_1e3bdffa556e102e.txt"
    seen: list[int] = []
    segment = pipeline.segment
    monkeypatch.setattr(pipeline, "segment", lambda *a: seen.append(gc.get_threshold()[0]) or segment(*a))
    before = gc.get_threshold()
    try:
        gc.set_threshold(700, *before[1:])
        pipeline.extract_file(sample)
        assert seen == [lazy.YOUNG_THRESHOLD] and gc.get_threshold()[0] == 700
        gc.set_threshold(50_000, *before[1:])
        pipeline.extract_file(sample)
        assert seen[-1] == 50_000 and gc.get_threshold()[0] == 50_000
        gc.set_threshold(700, *before[1:])
        with pytest.raises(Exception):
            pipeline.extract_file(sample.with_name("no such file.txt"))
        assert gc.get_threshold()[0] == 700
        # documents in two threads at once: one change, put back when the last ends
        with lazy.fewer_collections():
            worker = threading.Thread(target=pipeline.extract_file, args=(sample,))
            worker.start()
            worker.join()
            assert gc.get_threshold()[0] == lazy.YOUNG_THRESHOLD
        assert gc.get_threshold()[0] == 700
    finally:
        gc.set_threshold(*before)
