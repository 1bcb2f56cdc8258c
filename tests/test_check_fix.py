"""`planparse check --fix`: the mechanical fixes, applied to .txt, .md and .docx and nothing else; the
fixed file re-checks clean for those rules and opens in python-docx (and LibreOffice, where installed)."""
from __future__ import annotations

import shutil
import subprocess

import docx
import pytest
from typer.testing import CliRunner

from planparse.check import check_file
from planparse.cli import app
from test_check import BASE, variant
from test_check_locations import write_docx

runner = CliRunner()
FIXED_RULES = {"PP004", "PP005", "PP007", "PP017"}

DEFECTS = (
    ("临政发〔2024〕12号", "临政发[2024]12号"),  # PP007 发文字号
    ("（二）优化能源结构", "(二)优化能源结构"),  # PP004 bracket width
    ("为贯彻落实《江苏省空气质量持续改善行动计划实施方案》（苏政发〔2024〕53号）要求",
     "为贯彻落实《江苏省空气质量持续改善行动计划实施方案（苏政发〔2024〕53号）》要求，参照（国发[2023]24号）"),  # PP017, PP007 in the text
)
SEPARATORS = variant(("（一）优化产业结构。严格落实“两高”项目管理目录。到2025年，淘汰35蒸吨/小时及以下燃煤锅炉。（市发展改革委牵头，市生态环境局配合）",
                      "（一）优化产业结构\n\n1.严格项目准入。严格落实“两高”项目管理目录。（市发展改革委牵头）\n\n"
                      "2、推进落后产能退出。淘汰35蒸吨/小时及以下燃煤锅炉。（市工业和信息化局牵头）\n\n"
                      "3.推进产业集群整治。制定专项整治方案。（市生态环境局牵头）"))


def codes(fs):
    return sorted({f.code for f in fs})


def test_fix_a_text_file_changes_only_the_defects(tmp_path):
    src = tmp_path / "draft.txt"
    src.write_text(variant(*DEFECTS), encoding="utf-8")
    assert codes(check_file(src)) == ["PP004", "PP007", "PP017"]
    out = tmp_path / "draft.fixed.txt"
    r = runner.invoke(app, ["check", "--fix", str(src), "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "fixed" in r.stderr and "(二) → （二）" in r.stderr
    assert check_file(out) == []
    fixed = out.read_text(encoding="utf-8")
    expected = BASE.replace("要求，持续", "要求，参照（国发〔2023〕24号），持续")
    assert fixed == expected  # the defects undone, and not a character more
    assert src.read_text(encoding="utf-8") == variant(*DEFECTS)  # -o: the draft itself is untouched


def test_fix_separators_in_place_keeps_gbk_and_crlf(tmp_path):
    src = tmp_path / "draft.txt"
    src.write_bytes(SEPARATORS.replace("\n", "\r\n").encode("gbk"))
    assert codes(check_file(src)) == ["PP005"]
    r = runner.invoke(app, ["check", "--fix", str(src)])
    assert r.exit_code == 0, r.output
    data = src.read_bytes()
    assert data == SEPARATORS.replace("2、推进", "2.推进").replace("\n", "\r\n").encode("gbk")


def test_fix_markdown(tmp_path):
    src = tmp_path / "draft.md"
    src.write_text(variant(("（二）优化能源结构", "(二)优化能源结构")), encoding="utf-8")
    assert runner.invoke(app, ["check", "--fix", str(src)]).exit_code == 0
    assert "（二）优化能源结构" in src.read_text(encoding="utf-8")


def test_fix_a_word_draft_keeps_its_formatting(tmp_path):
    src = write_docx(tmp_path / "draft.docx", variant(*DEFECTS))
    d = docx.Document(str(src))
    target = next(p for p in d.paragraphs if p.text.startswith("(二)"))
    target.runs[0].text = "(二)"
    bold = target.add_run("优化能源结构。")
    bold.bold = True
    target.add_run("到2025年，非化石能源消费比重达到20%左右。（市发展改革委牵头，市工业和信息化局配合）")
    d.save(str(src))
    out = tmp_path / "draft.fixed.docx"
    r = runner.invoke(app, ["check", "--fix", str(src), "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert not FIXED_RULES & set(codes(check_file(out)))
    fixed = docx.Document(str(out))  # Word's library opens it
    para = next(p for p in fixed.paragraphs if "优化能源结构" in p.text)
    assert para.text.startswith("（二）优化能源结构。") and [r.bold for r in para.runs] == [None, True, None]
    texts = [p.text for p in fixed.paragraphs]
    assert "临政发〔2024〕12号" in texts
    assert sum(t != o for t, o in zip(texts, [p.text for p in docx.Document(str(src)).paragraphs])) == 3


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_fixed_word_draft_survives_a_libreoffice_round_trip(tmp_path):
    src = write_docx(tmp_path / "draft.docx", variant(*DEFECTS))
    out = tmp_path / "fixed.docx"
    assert runner.invoke(app, ["check", "--fix", str(src), "-o", str(out)]).exit_code == 0
    back = tmp_path / "back"
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "odt",
                    "--outdir", str(back), str(out)], check=True, capture_output=True, timeout=120)
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "docx",
                    "--outdir", str(tmp_path / "again"), str(back / "fixed.odt")], check=True, capture_output=True, timeout=120)
    again = tmp_path / "again" / "fixed.docx"
    assert not FIXED_RULES & set(codes(check_file(again)))
    assert "（二）优化能源结构" in "\n".join(p.text for p in docx.Document(str(again)).paragraphs)


def test_fix_refuses_what_it_cannot_write(tmp_path):
    from tools.render_pdf import render_sample

    src = tmp_path / "draft.txt"
    src.write_text(variant(*DEFECTS), encoding="utf-8")
    pdf = render_sample(src, tmp_path / "draft.pdf")
    r = runner.invoke(app, ["check", "--fix", str(pdf)])
    assert r.exit_code == 2 and "--fix writes .txt, .md and .docx" in r.stderr
    other = tmp_path / "other.txt"
    other.write_text(BASE, encoding="utf-8")
    r = runner.invoke(app, ["check", "--fix", str(src), str(other), "-o", str(tmp_path / "x.txt")])
    assert r.exit_code == 2 and "one document" in r.stderr
