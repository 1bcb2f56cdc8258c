"""Cost of huge inputs (issue 22), the pieces that keep it bounded: the JSON written as it is built, whole
or not at all; the source lines kept a column per field, each line still read back as it was; the models'
shared sets of given fields, never shared in what they say; a long markdown parsed a stretch at a time,
as one whole parse reads it; an analyst's grammar directory of bounded size."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from conftest import CLI_ENV, PLANPARSE, SAMPLES, SCORED
from planparse import emit
from planparse.ingest import markdown
from planparse.grammar import load_grammars
from planparse.grammar.load import MAX_USER_GRAMMAR_BYTES
from planparse.ingest.base import LineBox, RawDocument, RawPage
from planparse.models import Deadline, Target
from planparse.normalise import SourceLine, SourceLines, fold_width, normalise
from planparse.pipeline import extract_file

SAMPLE = SAMPLES / "002_5ca395b12717d3cc.txt"


def test_compact_json_written_as_it_is_built_is_to_json_byte_for_byte(tmp_path):
    doc = extract_file(SAMPLE)
    out = tmp_path / "plan.json"
    emit.write_json(out, doc)
    assert out.read_bytes() == emit.to_json(doc).encode("utf-8") == emit.to_json_bytes(doc)


def test_a_json_that_fails_half_way_leaves_the_old_file_and_no_temporary_one(tmp_path, monkeypatch):
    doc = extract_file(SAMPLE)
    out = tmp_path / "plan.json"
    out.write_bytes(b"the previous output\n")
    whole = list(emit.json_pieces(doc))

    def broken(doc, **_):
        yield from whole[:5]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(emit, "json_pieces", broken)
    with pytest.raises(OSError):
        emit.write_json(out, doc)
    assert out.read_bytes() == b"the previous output\n"
    assert os.listdir(tmp_path) == ["plan.json"]


@pytest.mark.parametrize("name", [p.name for p in sorted(SAMPLES.glob("*.txt"))[:3]] + ["no clauses"])
def test_indented_json_written_as_it_is_built_is_to_json_byte_for_byte(tmp_path, name):
    path = SAMPLES / name
    if name == "no clauses":  # empty lists and nulls everywhere
        path = tmp_path / "notice.txt"
        path.write_text("关于某事的通知\n请遵照执行。\n", encoding="utf-8")
    doc = extract_file(path)
    out = tmp_path / "plan.json"
    emit.write_json(out, doc, pretty=True)
    assert out.read_bytes() == emit.to_json(doc, pretty=True).encode("utf-8")
    assert "".join(emit.json_pieces(doc, pretty=True)) == json.dumps(doc.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


def test_extract_gives_the_same_bytes_to_a_file_and_to_stdout(tmp_path):
    out = tmp_path / "plan.json"
    to_file = subprocess.run(PLANPARSE + ["extract", str(SAMPLE), "-o", str(out)], env=CLI_ENV, capture_output=True, timeout=120)
    to_stdout = subprocess.run(PLANPARSE + ["extract", str(SAMPLE)], env=CLI_ENV, capture_output=True, timeout=120)
    assert to_file.returncode == 0 and to_stdout.returncode == 0, (to_file.stderr, to_stdout.stderr)
    assert out.read_bytes() == to_stdout.stdout == emit.to_json(extract_file(SAMPLE)).encode("utf-8")
    assert json.loads(to_stdout.stdout)["clauses"]
    pretty_file = subprocess.run(PLANPARSE + ["extract", str(SAMPLE), "--pretty", "-o", str(out)], env=CLI_ENV, capture_output=True, timeout=120)
    pretty_stdout = subprocess.run(PLANPARSE + ["extract", str(SAMPLE), "--pretty"], env=CLI_ENV, capture_output=True, timeout=120)
    assert out.read_bytes() == pretty_stdout.stdout == emit.to_json(extract_file(SAMPLE), pretty=True).encode("utf-8")


def test_models_built_alike_share_their_set_of_given_fields_but_not_what_is_set_later():
    a = Deadline(text="2025年底前", date="2025-12-31", kind="date")
    b = Deadline(text="2026年底前", date="2026-12-31", kind="date")
    assert a.model_fields_set is b.model_fields_set  # one set for every model built with the same fields
    a.clause_id = "1.2"
    assert "clause_id" in a.model_fields_set and "clause_id" not in b.model_fields_set
    assert b.model_dump(exclude_unset=True) == {"text": "2026年底前", "date": "2026-12-31", "kind": "date"}
    t = Target(metric="覆盖率", value=90.0, unit="%", text="覆盖率达到90%")
    t.target_year = 2025
    assert t.model_dump(exclude_unset=True)["target_year"] == 2025
    assert a == Deadline(text="2025年底前", date="2025-12-31", kind="date", clause_id="1.2")


def _norm(lines, boxes=None, paragraphs=None):
    page = RawPage(number=None if boxes is None else 3, lines=lines, boxes=boxes, paragraph_numbers=paragraphs)
    return normalise(RawDocument(path="x", format="txt", sha256="", pages=[page]), load_grammars(None))


def test_source_lines_read_back_each_line_as_it_was():
    lines = ["一、总体要求 ", "  （一）推进建设。  ", "", "   ", "序号  任务  牵头单位", "\t城市\t39", "１　全角",
             " 二、保障 措施", "到2025年，覆盖率达到90%。\u3000"]
    nt = _norm(lines)
    assert isinstance(nt.source_lines, SourceLines) and len(nt.source_lines) == len(lines)
    assert [sl.raw for sl in nt.source_lines] == [fold_width(line).strip("\r\n") for line in lines]
    assert [sl.lineno for sl in nt.source_lines] == list(range(1, len(lines) + 1))
    assert all(sl.page is None and sl.box is None and sl.paragraph is None for sl in nt.source_lines)
    paragraph_starts = {0} | {i + 1 for i, ch in enumerate(nt.text) if ch == "\n"}
    assert all(sl.offset in paragraph_starts for sl in nt.source_lines)  # each line: the paragraph it went into
    assert nt.source_lines[1].offset == nt.text.index("（一）推进建设。")
    as_list = list(nt.source_lines)
    assert nt.source_lines[2:5] == as_list[2:5] and nt.source_lines[-1] == as_list[-1] and nt.source_lines == as_list
    with pytest.raises(IndexError):
        nt.source_lines[len(lines)]


def test_source_lines_keep_boxes_pages_and_paragraphs():
    lines = ["一、总体要求", "（一）推进建设。", "到2025年完成。"]
    boxes = [LineBox(x0=90.0 + i, top=100.0 + 20 * i, x1=500.0, bottom=112.0 + 20 * i, size=12.0) for i in range(3)]
    nt = _norm(lines, boxes=boxes, paragraphs=[0, 4, 5])
    assert [(sl.page, sl.box, sl.paragraph) for sl in nt.source_lines] == [(3, b, p) for b, p in zip(boxes, [0, 4, 5])]


def test_source_lines_of_a_traditional_text_are_folded_like_the_text():
    nt = _norm(["一、發展目標 ", "（一）推進數字經濟發展。"])
    assert nt.original_text is not None
    assert [sl.text for sl in nt.source_lines] == ["一、发展目标", "（一）推进数字经济发展。"]
    assert nt.source_lines[0].raw == "一、发展目标 "


def test_a_source_line_list_built_by_hand_still_serves():
    built = SourceLines()
    built.append("甲", 1, " 甲 ", 7, None, None, offset=4)
    assert built[0] == SourceLine("甲", 1, 4, " 甲 ", 7, None, None)


def test_an_oversized_grammar_directory_is_refused_in_one_line(tmp_path):
    user = tmp_path / "mine"
    user.mkdir()
    entry = '[[agencies]]\ncanonical = "某某管理局"\naliases = ["某管局"]\n'
    (user / "agency_lexicon.toml").write_text(entry * (MAX_USER_GRAMMAR_BYTES // len(entry.encode()) + 1), encoding="utf-8")
    for args in (["extract", str(SAMPLE), "--grammars", str(user)], ["grammars", "check", str(user)]):
        r = subprocess.run(PLANPARSE + args, env=CLI_ENV, capture_output=True, text=True, timeout=60)
        assert r.returncode == 2, r.stderr
        assert r.stderr.count("\n") == 1 and "at most 1 MB" in r.stderr and "Traceback" not in r.stderr
        assert r.stdout == ""


_MARKDOWN_SHAPES = """# 一、总体要求

1. 第一项 **加粗**
   续行<br>换行

2. 第二项
   - 子项

3. 第三项

> 引用一
> 引用二

> 引用三

    缩进代码一

    缩进代码二
不缩进

| 序号 | 任务 |
|---|---|
| 1 | 推进 |

<div>
html 块
</div>

标题二
======

- 项目 ~~删除~~

- 项目二
  续

[通知.pdf](/cms/a.pdf)

\\* 转义 &amp;

+ 加号列表
"""


def test_a_long_markdown_read_a_stretch_at_a_time_reads_as_one_whole_parse():
    texts = [_MARKDOWN_SHAPES.encode("utf-8")] + [p.read_bytes() for p in sorted((SCORED / "docs").glob("*.md"))[:4]]
    for data in texts:
        whole = markdown.read_markdown(Path("x.md"), data, chunk_lines=10**9)
        assert len(list(markdown._stretches(data.decode("utf-8"), 1))) > 5  # it was cut, at every place it may be
        for chunk_lines in (1, 3, 7, 40):
            assert markdown.read_markdown(Path("x.md"), data, chunk_lines=chunk_lines) == whole


def test_a_markdown_with_what_runs_across_blank_lines_is_parsed_whole():
    for shape in ("```\n代码\n\n不缩进\n```\n", "<!--\n注释\n\n不缩进\n-->\n", "[原文][dl]\n\n正文\n\n[dl]: /a.pdf\n"):
        body = "正文\n\n" * 10 + shape + "正文\n\n" * 10
        assert list(markdown._stretches(body, 1)) == [(0, body)]


def test_a_zip_of_many_members_is_opened_once_for_all_of_them(tmp_path, monkeypatch):
    """Reading every member of a 3,000-member zip, one after another as a batch worker does, parses its
    central directory once (per member, it made a batch over a 20,000-member zip quadratic)."""
    import zipfile

    from planparse import ingest
    from planparse.ingest import archive

    big = tmp_path / "many.zip"
    with zipfile.ZipFile(big, "w") as zf:
        for i in range(3000):
            zf.writestr(f"plan{i:04d}.txt", f"关于印发第{i}号方案的通知\n一、重点任务\n（一）推进建设。\n")
    opened = []

    class Counted(zipfile.ZipFile):
        def __init__(self, *args, **kwargs):
            opened.append(args[0])
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(archive.zipfile, "ZipFile", Counted)
    monkeypatch.setattr(archive, "_open_zips", [])
    for i in range(0, 3000, 7):
        raw = ingest.read(f"{big}{archive.MEMBER_SEP}plan{i:04d}.txt")
        assert f"第{i}号" in raw.pages[0].lines[0]
    assert len(opened) == 1
