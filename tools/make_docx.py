#!/usr/bin/env python3
"""Build .docx fixtures with REAL Word automatic numbering (numbering.xml + numPr), via python-docx.

Library use (tests import this file):

    doc = docx.Document()
    add_abstract_num(doc, 10, [Level("chineseCounting", "%1、"), Level("chineseCounting", "（%2）"),
                               Level("decimal", "%3.")])
    add_num(doc, 10, 10)
    numbered(doc.add_paragraph("总体要求"), num_id=10, ilvl=0)   # Word shows "一、总体要求"

Command line: turn a plain-text policy document (e.g. samples/000_*.txt) into a .docx whose
一、/（一）/1. markers are Word automatic numbering instead of typed text:

    python tools/make_docx.py samples/000_1e3bdffa556e102e.txt /tmp/000.docx
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import docx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn


@dataclass
class Level:
    fmt: str  # w:numFmt, e.g. chineseCounting, decimal, decimalEnclosedCircle
    text: str  # w:lvlText; %N is level N's counter (1-based): lvl0 "%1、", lvl1 "（%2）", lvl2 "%3."
    start: int = 1
    restart: int | None = None  # w:lvlRestart (0 = never restart)
    is_legal: bool = False
    pstyle: str | None = None  # w:pStyle: the paragraph style linked to this level
    suffix: str | None = None  # w:suff: tab (default), space, nothing


def _el(tag: str, **attrs: str):
    el = OxmlElement(tag)
    for k, v in attrs.items():
        el.set(qn(k), str(v))
    return el


def _numbering_root(doc):
    return doc.part.numbering_part.element


def add_abstract_num(doc, abstract_id: int, levels: list[Level]) -> None:
    """Append a w:abstractNum (before the first w:num, as the schema wants)."""
    an = _el("w:abstractNum", **{"w:abstractNumId": abstract_id})
    an.append(_el("w:multiLevelType", **{"w:val": "hybridMultilevel" if len(levels) > 1 else "singleLevel"}))
    for i, lv in enumerate(levels):
        lvl = _el("w:lvl", **{"w:ilvl": i})
        lvl.append(_el("w:start", **{"w:val": lv.start}))
        lvl.append(_el("w:numFmt", **{"w:val": lv.fmt}))
        if lv.restart is not None:
            lvl.append(_el("w:lvlRestart", **{"w:val": lv.restart}))
        if lv.pstyle:
            lvl.append(_el("w:pStyle", **{"w:val": lv.pstyle}))
        if lv.is_legal:
            lvl.append(_el("w:isLgl"))
        if lv.suffix:
            lvl.append(_el("w:suff", **{"w:val": lv.suffix}))
        lvl.append(_el("w:lvlText", **{"w:val": lv.text}))
        lvl.append(_el("w:lvlJc", **{"w:val": "left"}))
        ppr = _el("w:pPr")
        ppr.append(_el("w:ind", **{"w:left": 420 * (i + 1), "w:hanging": 420}))
        lvl.append(ppr)
        an.append(lvl)
    root = _numbering_root(doc)
    first_num = root.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(an)
    else:
        root.append(an)


def add_num(doc, num_id: int, abstract_id: int, start_overrides: dict[int, int] | None = None) -> None:
    """Append a w:num instance; start_overrides {ilvl: value} become w:lvlOverride/w:startOverride."""
    num = _el("w:num", **{"w:numId": num_id})
    num.append(_el("w:abstractNumId", **{"w:val": abstract_id}))
    for ilvl, value in (start_overrides or {}).items():
        ov = _el("w:lvlOverride", **{"w:ilvl": ilvl})
        ov.append(_el("w:startOverride", **{"w:val": value}))
        num.append(ov)
    _numbering_root(doc).append(num)


def _set_numpr(ppr, num_id: int | None, ilvl: int | None) -> None:
    numpr = _el("w:numPr")
    if ilvl is not None:
        numpr.append(_el("w:ilvl", **{"w:val": ilvl}))
    if num_id is not None:
        numpr.append(_el("w:numId", **{"w:val": num_id}))
    # numPr comes after pStyle/keepNext/... and before spacing/ind in CT_PPr; insert after pStyle.
    pstyle = ppr.find(qn("w:pStyle"))
    if pstyle is not None:
        pstyle.addnext(numpr)
    else:
        ppr.insert(0, numpr)


def numbered(paragraph, num_id: int | None, ilvl: int | None = 0):
    """Give a paragraph a direct w:numPr (numId 0 switches numbering off)."""
    _set_numpr(paragraph._p.get_or_add_pPr(), num_id, ilvl)
    return paragraph


def add_numbered_style(doc, style_id: str, num_id: int | None, ilvl: int | None = None,
                       based_on: str | None = None):
    """A paragraph style whose pPr carries numPr (as Word's 标题 1/标题 2 linked to a list)."""
    style = doc.styles.add_style(style_id, WD_STYLE_TYPE.PARAGRAPH)
    if based_on:
        style.base_style = doc.styles[based_on]
    if num_id is not None or ilvl is not None:
        _set_numpr(style.element.get_or_add_pPr(), num_id, ilvl)
    return style


def set_cell(cell, *paragraphs: str) -> None:
    cell.text = paragraphs[0] if paragraphs else ""
    for text in paragraphs[1:]:
        cell.add_paragraph(text)


# ----------------------------------------------------------------------------------------------
# Command line: txt -> docx with automatic numbering
# ----------------------------------------------------------------------------------------------

_L0 = re.compile(r"^\s*([一二三四五六七八九十]{1,3})、\s*")
_L1 = re.compile(r"^\s*[（(]([一二三四五六七八九十]{1,4})[）)]\s*")
_L2 = re.compile(r"^\s*(\d{1,2})[.．、](?!\d)\s*")
_END = re.compile(r"[。：:；;！？”）)]\s*$")


def _paragraphs(text: str) -> list[str]:
    """Rejoin PDF-wrapped lines: a paragraph ends at 。/： or a short line; markers start one."""
    paras: list[str] = []
    cur = ""
    for raw in text.replace("\f", "\n").splitlines():
        line = raw.strip()
        if not line:
            continue
        if cur and (_L0.match(line) or _L1.match(line) or _L2.match(line)):
            paras.append(cur)
            cur = ""
        cur += line
        if _END.search(line) or len(line) < 20:
            paras.append(cur)
            cur = ""
    if cur:
        paras.append(cur)
    return paras


def _numbering_habits(text: str) -> tuple[bool, bool, str]:
    """(（一） runs on across 一、 sections, 1. runs on across （一） clauses, separator of level 3)
    — read from the sample with planparse itself, so that Word shows the same numbers."""
    from planparse.grammar import load_grammars
    from planparse.ingest.base import RawDocument, RawPage
    from planparse.normalise import normalise
    from planparse.segment import segment

    g = load_grammars(None)
    raw = RawDocument(path="", format="txt", sha256="", pages=[RawPage(number=None, lines=text.split("\n"))])
    clauses = segment(normalise(raw, g), g).clauses

    def runs_on(level: int) -> bool:
        parents = {}
        for c in clauses:
            if c.level == level:
                parents.setdefault(c.parent_id, []).append(c.ordinal)
        firsts = [ords[0] for ords in parents.values()]
        return len(firsts) > 1 and any(f > 1 for f in firsts[1:])

    sep = next((c.marker[-1] for c in clauses if c.level == 3), ".")
    return runs_on(2), runs_on(3), sep


def txt_to_docx(src: Path, dst: Path) -> None:
    """The sample's paragraphs with 一、/（一）/1. as Word numbering (same habits as the sample:
    running on or restarting per section), and its annex tables as Word tables with merged cells."""
    from tools.render_pdf import txt_to_blocks

    text = src.read_text(encoding="utf-8", errors="replace")
    l2_runs_on, l3_runs_on, sep = _numbering_habits(text)
    doc = docx.Document()
    add_abstract_num(doc, 90, [
        Level("chineseCounting", "%1、", suffix="nothing"),
        Level("chineseCounting", "（%2）", restart=0 if l2_runs_on else None, suffix="nothing"),
        Level("decimal", "%3" + sep, restart=0 if l3_runs_on else None, suffix="nothing"),
    ])
    add_num(doc, 90, 90)
    in_annex = False
    for kind, value in txt_to_blocks(text):
        if kind == "table":
            _add_table(doc, value)
            continue
        para = value
        in_annex = in_annex or bool(re.match(r"^附\s*件\s*\d{0,2}\s*(?:[:：]|$)", para))
        for ilvl, pat in enumerate((_L0, _L1, _L2)):
            m = None if in_annex else pat.match(para)
            if m:
                numbered(doc.add_paragraph(para[m.end():]), 90, ilvl)
                break
        else:
            doc.add_paragraph(para)
    doc.save(str(dst))


def _add_table(doc, spec: dict) -> None:
    header = list(spec.get("header") or [])
    rows = [list(r) for r in spec.get("rows") or []]
    extra = [list(r) for r in spec.get("header_rows") or []]
    grid = ([header] if header else []) + extra + rows
    ncols = max(len(r) for r in grid)
    table = doc.add_table(rows=len(grid), cols=ncols)
    for r, row in enumerate(grid):
        for c in range(ncols):
            text = row[c] if c < len(row) else ""
            if text:
                table.cell(r, c).text = text
    for (c0, r0), (c1, r1) in spec.get("spans") or []:
        if (c0, r0) != (c1, r1):
            table.cell(r0, c0).merge(table.cell(r1, c1))


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        print("usage: make_docx.py SRC.txt DST.docx", file=sys.stderr)
        return 2
    txt_to_docx(Path(argv[0]), Path(argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
