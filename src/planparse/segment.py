"""Stage 3: the normalised text → clause tree (numbered clauses, headings, items) and annex sections.

A marker counts as a clause only at the start of a paragraph and only when its ordinal fits the
numbering seen so far: the next number at its level, under its parent or across the document
(both habits occur: `（一）…（二十六）` running across sections, and `（一）` restarting in each).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import cn2an
import regex as re

from .grammar import Grammars, MarkerLevel
from .grammar.check import example_runner
from .normalise import NormalText, visual_width

_CIRCLED = {chr(0x2460 + i): i + 1 for i in range(20)}
_SENTENCE_END = re.compile(r"[。！？；]")
_COMMA = re.compile(r"[，,]")


@dataclass
class ClauseDraft:
    id: str
    marker: str
    level: int
    ordinal: int
    heading: str | None
    start: int  # offset of the marker
    body_start: int  # offset just after the marker
    end: int  # end of the clause's own text (exclusive)
    parent_id: str | None
    page: int | None = None
    items: list[str] = field(default_factory=list)
    marker_raw: str = ""  # the marker exactly as written (`(十六)` with half-width brackets)
    line: int | None = None


@dataclass
class AnnexDraft:
    label: str
    title: str | None
    start: int
    end: int
    page: int | None = None


@dataclass
class Segmentation:
    clauses: list[ClauseDraft]
    body_start: int  # offset of the first clause (end of the front matter)
    body_end: int  # offset where the annexes begin (len(text) when none)
    annexes: list[AnnexDraft]
    attachment_list: list[str]  # titles listed under `附件：` before the annexes
    warnings: list[tuple[str, str, str | None]]  # (code, message, clause_id)


def read_ordinal(num: str, kind: str) -> int | None:
    if kind == "arabic":
        return int(num)
    if kind == "circled":
        return _CIRCLED.get(num)
    try:
        return int(cn2an.cn2an(num, "smart"))
    except (ValueError, KeyError, TypeError):
        return None


def match_marker(para: str, g: Grammars) -> tuple[MarkerLevel, int, str, int] | None:
    """(level rule, ordinal, marker as output, length of the marker in `para`) or None."""
    for lvl in g.numbering.levels:
        m = lvl.compiled.match(para)
        if not m:
            continue
        rest = para[m.end():]
        if any(p.compiled.match(rest) for p in g.numbering.not_clause_after_marker):
            return None
        ordinal = read_ordinal(m.group("num"), lvl.ordinal)
        if ordinal is None or ordinal <= 0:
            return None
        groups = {k: v for k, v in m.groupdict().items() if v is not None}
        marker = lvl.marker_format.format(**groups)
        return lvl, ordinal, marker, m.end()
    return None


def split_heading(para_rest: str, level: int, g: Grammars) -> tuple[str | None, bool]:
    """(heading, heading_is_own_line) for the text after a marker."""
    text = para_rest.strip()
    if not text:
        return None, True
    first_end = _SENTENCE_END.search(text)
    if first_end is None:
        # A line of its own with no sentence in it: the whole line is the heading.
        if level == 1 or visual_width(text) <= g.numbering.heading_max_width * 1.5:
            return text.rstrip("：:，, "), True
        return None, False
    sentence = text[: first_end.start()]
    if text[first_end.start()] == "；":
        return None, False
    if 0 < visual_width(sentence) <= g.numbering.heading_max_width and len(_COMMA.findall(sentence)) <= g.numbering.heading_max_commas:
        return sentence.rstrip("：: "), False
    colon = re.search(r"[：:]", sentence)
    if colon and 0 < visual_width(sentence[: colon.start()]) <= g.numbering.heading_max_width / 2 \
            and not _COMMA.search(sentence[: colon.start()]):
        return sentence[: colon.start()], False  # `（一）工作目标：到2025年，……。`
    return None, False


def find_items(text: str, g: Grammars) -> list[str]:
    starts = [m for m in g.numbering.item.compiled.finditer(text)]
    ords = [read_ordinal(m.group("num"), "chinese") for m in starts]
    # Keep the run 一是, 二是, 三是 … in order; stray `是` after a numeral is not an item.
    picked, want = [], 1
    for m, o in zip(starts, ords):
        if o == want:
            picked.append(m.start())
            want += 1
    if len(picked) < 2:
        return []
    bounds = picked + [len(text)]
    return [text[a:b].strip() for a, b in zip(bounds, bounds[1:])]


def _annex_label(para: str, g: Grammars):
    m = g.numbering.annex_start.compiled.match(para)
    if not m:
        return None
    return m.group("num"), m.group("rest").strip()


def segment(nt: NormalText, g: Grammars) -> Segmentation:
    text = nt.text
    paras = nt.paragraphs
    clauses: list[ClauseDraft] = []
    warnings: list[tuple[str, str, str | None]] = []
    stack: list[ClauseDraft] = []
    last_at_level: dict[int, int] = {}  # last ordinal per level, across the document
    last_child: dict[tuple[str | None, int], int] = {}  # (parent id, level) -> last ordinal
    body_end = len(text)
    annex_para_idx: int | None = None
    ids: set[str] = set()

    for idx, (off, para) in enumerate(paras):
        if not para:
            continue
        label = _annex_label(para, g)
        if label is not None and clauses:
            body_end = off
            annex_para_idx = idx
            break
        hit = match_marker(para, g)
        if hit is None:
            continue
        lvl, ordinal, marker, mlen = hit
        level = lvl.level
        # The parent is the nearest open clause of a higher level (smaller number).
        open_stack = [c for c in stack if c.level < level]
        parent = open_stack[-1] if open_stack else None
        pid = parent.id if parent else None
        prev_under_parent = last_child.get((pid, level), 0)
        prev_global = last_at_level.get(level, 0)
        expected = {prev_under_parent + 1, prev_global + 1}
        if ordinal not in expected and ordinal != 1:
            gap_ok = prev_under_parent < ordinal <= prev_under_parent + 3 or prev_global < ordinal <= prev_global + 3
            # An excerpt may start at `十、`: the first section marker of a document is taken as it is.
            first_section = prev_global == 0 and level <= 2 and not any(c.level <= level for c in clauses)
            if not (gap_ok or first_section) or (level > 2 and not stack):
                continue  # a number in running text, not a clause
            warnings.append(("numbering-gap", f"{marker} follows ordinal {max(prev_under_parent, prev_global)} at level {level}", None))
        if ordinal == 1 and prev_under_parent >= 1 and stack and stack[-1].level == level and stack[-1].parent_id == pid:
            continue  # `1、` again under the same parent: a list inside running text, not a clause
        cid = f"{pid}.{ordinal}" if pid else str(ordinal)
        if cid in ids:
            warnings.append(("numbering-repeat", f"{marker} repeats clause {cid}", cid))
            continue
        heading, _ = split_heading(para[mlen:], level, g)
        draft = ClauseDraft(
            id=cid, marker=marker, level=level, ordinal=ordinal, heading=heading,
            start=off, body_start=off + mlen, end=off + len(para), parent_id=pid, marker_raw=para[:mlen],
        )
        clauses.append(draft)
        ids.add(cid)
        stack = [c for c in stack if c.level < level] + [draft]
        last_at_level[level] = ordinal
        last_child[(pid, level)] = ordinal

    starts = [c.start for c in clauses] + [body_end]
    for c, nxt in zip(clauses, starts[1:]):
        c.end = max(c.body_start, nxt - 1 if nxt > c.body_start and text[nxt - 1 : nxt] == "\n" else nxt)
        c.page = nt.page_at(c.start)
        c.line = nt.line_at(c.start)
        c.items = find_items(text[c.body_start : c.end], g)

    annexes, attachments = _annexes(nt, g, annex_para_idx)
    body_start = clauses[0].start if clauses else 0
    return Segmentation(clauses, body_start, body_end, annexes, attachments, warnings)


def _annexes(nt: NormalText, g: Grammars, first_idx: int | None) -> tuple[list[AnnexDraft], list[str]]:
    if first_idx is None:
        return [], []
    paras = nt.paragraphs[first_idx:]
    attachments: list[str] = []
    sections: list[tuple[int, str, int]] = []  # (para index, label number, offset)
    in_list = False
    for i, (off, para) in enumerate(paras):
        label = _annex_label(para, g)
        if label is not None:
            num, rest = label
            if rest:
                # `附件：标题` / `附件1、标题`: the list of attachments, not an annex itself.
                attachments.append(re.sub(r"^\d{1,2}\s*[、.．:：]\s*", "", rest))
                in_list = True
                continue
            sections.append((i, num, off))
            in_list = False
            continue
        if in_list:
            m = re.match(r"^(\d{1,2})\s*[、.．:：]\s*(.+)$", para)
            if m:
                attachments.append(m.group(2).strip())
                continue
            in_list = False
    if not sections and attachments:
        # `附件1：标题` directly followed by the annex content: each labelled line starts a section.
        for i, (off, para) in enumerate(paras):
            label = _annex_label(para, g)
            if label is not None:
                sections.append((i, label[0], off))
    out: list[AnnexDraft] = []
    bounds = [s[2] for s in sections] + [len(nt.text)]
    for (i, num, off), end in zip(sections, bounds[1:]):
        title = None
        for _, para in paras[i + 1 : i + 3]:
            if para and "\t" not in para and visual_width(para) <= 60:
                title = para.strip()
                break
        label_text = f"附件{num}" if num else "附件"
        out.append(AnnexDraft(label=label_text, title=title, start=off, end=max(off, end - 1), page=nt.page_at(off)))
    return out, attachments


@example_runner
def _numbering_examples(g: Grammars):
    for i, lvl in enumerate(g.numbering.levels):
        def ordinal(s, lvl=lvl):
            m = lvl.compiled.match(s)
            return read_ordinal(m.group("num"), lvl.ordinal) if m else False
        for ex in lvl.examples:
            yield f"numbering.toml levels[{i}]", ex, ordinal
    for ex in g.numbering.item.examples:
        yield "numbering.toml item", ex, lambda s: len(find_items(s, g))
