"""Text helpers of paged readers (PDF, OFD, OCR'd pages): a line cleaned of extraction artefacts, a table
cell's visual lines joined, and the page furniture (page numbers, running headers and footers) taken off.
Shared by ingest/pdf.py, ingest/ofd.py and ingest/ocr.py, which import nothing of each other for it."""
from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import replace
from typing import Union

from ..grammar import load_grammars
from ..grammar.schema import layout_rules
from .base import LineBox, RawPage, RawTable
from .pdf_layout import PageLine

__all__ = ["Item", "clean_line", "clean_lines", "count_visible", "is_line", "join_cell_lines", "strip_page_numbers",
           "strip_running_lines", "to_raw_page"]

# ----------------------------------------------------------------------------------------------- text

_CJK = (
    "\u2e80-\u2fdf"  # CJK radicals, Kangxi radicals
    "\u3000-\u303f"  # CJK symbols and punctuation
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # ideographs
    "\uff00-\uffef"  # full-width forms (，（）：；)
    "\u2018\u2019\u201c\u201d\u2014\u2026\u00b7"  # ‘’“”—…· as used in Chinese text
)
# Inside a table cell the words of a wrapped line are not cells: spaces between CJK go.
_CJK_SPACE = re.compile(rf"(?<=[{_CJK}])[ \u00a0]+(?=[{_CJK}])")
# Kangxi radicals / CJK radicals supplement / compatibility ideographs: fonts whose ToUnicode maps a
# glyph to one of these instead of the unified ideograph (⽅ U+2F45 for 方). NFKC maps them back.
_RADICALS = re.compile("[\u2e80-\u2fdf\uf900-\ufaff]")
# Invisible extraction artefacts: NUL/other C0 controls, pdfium's hyphen marks (U+0002 / U+FFFE),
# soft hyphen, BOM / zero-width no-break space, zero-width space.
_ARTEFACTS = re.compile("[\x00-\x08\x0b-\x1f\x7f\u00ad\ufffe\ufeff\u200b]")
_WHITESPACE = (" ", "\r", "\n", "\t", "\u3000", "\u00a0")
# Dot leaders of a table of contents that WPS and Word draw with a private-use glyph (􀆺􀆺􀆺): one
# glyph repeated, maybe spaced out. They are dots, and read as the ellipsis a TOC entry is known by.
_PRIVATE_LEADERS = re.compile("([\ue000-\uf8ff\U000f0000-\U0010fffd])(?:[ \u00a0\u3000]*\\1){2,}")
# A line of nothing but leaders and a page number: the rest of the entry on the line above.
_LEADER_LINE = re.compile(r"^\s*(?:[.．…·⋯][ \u00a0\u3000]*){3,}\d{0,4}\s*$")
_LINE_SPLIT = re.compile(r"\r\n|\r|\n")


def _unradical(m: re.Match) -> str:
    ch = m.group(0)
    norm = unicodedata.normalize("NFKC", ch)
    return norm if len(norm) == 1 else ch


def clean_line(line: str) -> str:
    """Remove what is clearly an artefact of text extraction; keep everything else as it is.
    Spaces are kept, between CJK characters too: a gap may be all that is left of a table's cell
    border (`持续推进 市工业和信息化局牵头`); normalise squeezes the spaces of prose."""
    line = _ARTEFACTS.sub("", line)
    line = line.replace("\t", " ")
    if _PRIVATE_LEADERS.search(line):
        line = _PRIVATE_LEADERS.sub(lambda m: "…" * count_visible(m.group(0)), line)
    if _RADICALS.search(line):
        line = _RADICALS.sub(_unradical, line)
    return line.rstrip()


def join_cell_lines(text: str | None) -> str | None:
    """Join a table cell's visual lines without a separator (narrow CJK cells break anywhere, even in
    `VOCs`), after removing extraction artefacts from each line."""
    if text is None:
        return None
    return "".join(_CJK_SPACE.sub("", clean_line(p)).strip() for p in _LINE_SPLIT.split(text))


# ------------------------------------------------------------------------------------ page furniture

_DASHES = "\\-—–－~～_·•"
# A bare page number (`3`, `- 3 -`, `3/14`) is one only at the top or bottom of a page: by position.
_PAGE_NO_EDGE = re.compile(rf"^\s*[{_DASHES}]?\s*\d{{1,4}}\s*(?:/\s*\d{{1,4}}\s*)?[{_DASHES}]?\s*$")
_MAX_FURNITURE_LEN = 40
_SENTENCE_END = ("。", "；", "，", "：", "！", "？", ";", ",", ":", "!", "?")


def _furniture_key(line: str) -> str | None:
    key = re.sub(r"\s+", "", re.sub(r"\d+", "#", line))
    if not key or len(key) > _MAX_FURNITURE_LEN or len(key.replace("#", "")) < 2:
        return None
    if key.endswith(_SENTENCE_END):  # body text, however often it repeats
        return None
    return key


Item = Union[PageLine, RawTable]
# A bare number at the top or bottom of a page sits in the margin when the gap to the body text is
# this many times the page's line pitch (a row number of a table runs on at the line pitch).
_MARGIN_PITCHES = 1.8


def is_line(it: Item) -> bool:
    return isinstance(it, PageLine)


def _line_pitch(lines: list[PageLine]) -> float:
    steps = sorted(b.box.top - a.box.top for a, b in zip(lines, lines[1:]) if b.box.top > a.box.top)
    if len(steps) >= 2:
        return steps[(len(steps) - 1) // 2]  # the lower median: the gap to a footer is not a pitch
    return 1.5 * max((ln.box.size for ln in lines), default=10.0)


def _in_margin(lines: list[PageLine], k: int, pitch: float) -> bool:
    """Line k (the first or last of its page) stands apart from the body text."""
    if len(lines) == 1:
        return True
    near = lines[1] if k == 0 else lines[k - 1]
    return abs(near.box.top - lines[k].box.top) > _MARGIN_PITCHES * pitch


def _bare_number(text: str) -> int | None:
    m = _PAGE_NO_EDGE.match(text)
    return int(re.search(r"\d+", text).group(0)) if m else None  # type: ignore[union-attr]


def strip_page_numbers(pages: list[list[Item]]) -> list[list[Item]]:
    """Drop page numbers. A decorated one (`— 11 —`, `第 1 页 共 14 页`: layout.toml `page_number` of the
    bundled grammars; normalise applies them again with the analyst's) anywhere on the page; a bare
    number on the first or last line only when it sits in the margin apart from the body text, or fits
    the document's page sequence on a page that shows no other page number. A table's row number that
    falls on a page edge runs on at the line pitch and is kept."""
    decorated_number = load_grammars(None).built(layout_rules)["page_number"]
    decorated: list[set[int]] = []
    bare: list[list[tuple[int, int, bool]]] = []  # (item index, value, in margin)
    shift: Counter[int] = Counter()
    for number, items in enumerate(pages, start=1):
        pos = [i for i, it in enumerate(items) if is_line(it)]
        lines: list[PageLine] = [items[i] for i in pos]  # type: ignore[misc]
        deco = {pos[k] for k, ln in enumerate(lines) if decorated_number.fullmatch(ln.text.strip())}
        cands = []
        if lines:
            pitch = _line_pitch(lines)
            for k in sorted({0, len(lines) - 1}):
                value = _bare_number(lines[k].text)
                if value is not None and pos[k] not in deco:
                    margin = _in_margin(lines, k, pitch)
                    cands.append((pos[k], value, margin))
                    if margin:
                        shift[value - number] += 1
        decorated.append(deco)
        bare.append(cands)
    usual_shift = shift.most_common(1)[0][0] if shift else None
    out = []
    for number, (items, deco, cands) in enumerate(zip(pages, decorated, bare), start=1):
        drop = set(deco)
        in_margin = [c for c in cands if c[2]]
        for idx, value, margin in cands:
            if margin or (not deco and not in_margin and usual_shift is not None and value - number == usual_shift):
                drop.add(idx)
        out.append([it for i, it in enumerate(items) if i not in drop])
    return out


def _edge_positions(items: list[Item]) -> tuple[list[int], list[int]]:
    pos = [i for i, it in enumerate(items) if is_line(it)]
    return pos[:2], pos[-2:]


def strip_running_lines(pages: list[list[Item]]) -> list[list[Item]]:
    """Drop headers/footers: the same short line (digits ignored) at the top/bottom of >= half the pages."""
    with_lines = [p for p in pages if any(is_line(it) for it in p)]
    if len(pages) < 3 or len(with_lines) < 2:
        return pages
    need = max(2, math.ceil(len(with_lines) / 2))
    top: Counter[str] = Counter()
    bottom: Counter[str] = Counter()
    for items in with_lines:
        head, tail = _edge_positions(items)
        top.update({k for k in (_furniture_key(items[i].text) for i in head) if k})  # type: ignore[union-attr]
        bottom.update({k for k in (_furniture_key(items[i].text) for i in tail) if k})  # type: ignore[union-attr]
    top_keys = {k for k, n in top.items() if n >= need}
    bottom_keys = {k for k, n in bottom.items() if n >= need}
    if not top_keys and not bottom_keys:
        return pages
    out = []
    for items in pages:
        head, tail = _edge_positions(items)
        drop = {i for i in head if _furniture_key(items[i].text) in top_keys}  # type: ignore[union-attr]
        drop |= {i for i in tail if _furniture_key(items[i].text) in bottom_keys}  # type: ignore[union-attr]
        out.append([it for i, it in enumerate(items) if i not in drop])
    return out


def to_raw_page(number: int, items: list[Item]) -> RawPage:
    lines: list[str] = []
    boxes: list[LineBox] = []
    tables: list[RawTable] = []
    for it in items:
        if isinstance(it, PageLine):
            lines.append(it.text)
            boxes.append(it.box)
        else:
            it.line_index = len(lines)
            tables.append(it)
    return RawPage(number=number, lines=lines, tables=tables, boxes=boxes)


def count_visible(text: str) -> int:
    return len(text) - sum(text.count(ws) for ws in _WHITESPACE)


def clean_lines(lines: list[PageLine]) -> list[PageLine]:
    out: list[PageLine] = []
    for ln in lines:
        text = clean_line(ln.text)
        if not text.strip():
            continue
        if out and _LEADER_LINE.match(text):
            # a TOC entry whose leaders sit a little lower than its words: one entry, one line
            prev = out[-1]
            out[-1] = PageLine(f"{prev.text} {text.strip()}", replace(prev.box, x1=max(prev.box.x1, ln.box.x1)))
            continue
        out.append(PageLine(text, ln.box))
    return out
