"""Stage 3: the normalised text → clause tree (numbered clauses, headings, items) and annex sections.

A marker counts as a clause only at the start of a paragraph and only when its ordinal fits the
numbering seen so far: the next number at its level, under its parent or across the document
(both habits occur: `（一）…（二十六）` running across sections, and `（一）` restarting in each).
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field

import regex as re

from .grammar import Grammars, MarkerLevel, Pattern, any_of, compile_pattern
from .grammar.check import example_runner
from .normalise import NormalText, visual_width
from .numerals import chinese_number

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
    kind: str = "clause"  # chapter, section, article, part, subpart, item, subitem, point
    rank: int = 0  # index of its style in the ordered level list (smaller = outer)
    heading_rule: str = "sentence"
    tree_end: int = 0  # where the tree the clause belongs to ends (annex start or end of text)


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
        return int(chinese_number(num, "smart"))
    except (ValueError, KeyError, TypeError):
        return None


def match_marker(para: str, g: Grammars) -> tuple[MarkerLevel, int, str, int] | None:
    """(level rule, ordinal, marker as output, length of the marker in `para`) or None."""
    hit = _match_marker_ranked(para, g)
    return hit[1:] if hit else None


def _any_marker(g: Grammars):
    return any_of(g.numbering.levels)


def _match_marker_ranked(para: str, g: Grammars) -> tuple[int, MarkerLevel, int, str, int] | None:
    """(rank of the style, level rule, ordinal, marker as output, marker length) or None."""
    anywhere = g.built(_any_marker)
    if anywhere is not None and anywhere.match(para) is None:
        return None  # nearly half the paragraphs open with no marker: one question, not one a level
    for rank, lvl in enumerate(g.numbering.levels):
        m = lvl.compiled.match(para)
        if not m:
            continue
        rest = para[m.end():]
        if any(p.compiled.match(rest) for p in g.numbering.not_clause_after_marker + lvl.not_clause_after):
            return None
        ordinal = read_ordinal(m.group("num"), lvl.ordinal)
        if ordinal is None or ordinal <= 0:
            return None
        groups = {k: v for k, v in m.groupdict().items() if v is not None}
        marker = lvl.marker_format.format(**groups)
        return rank, lvl, ordinal, marker, m.end()
    return None


def split_heading(para_rest: str, level: int, g: Grammars, rule: str = "sentence") -> tuple[str | None, bool]:
    """(heading, heading_is_own_line) for the text after a marker.

    `rule` is the style's heading rule: `sentence` (the first sentence), `line` (the rest of the line:
    第一章 总则), `label` (a bracketed label 【立法目的】, or a short line with no sentence, or else the
    first sentence as for `sentence`). The first sentence is the heading whatever its length: article
    and run-in item headings are written that way (conventions, "Additions").
    """
    text = para_rest.strip()
    if not text:
        return None, True
    if rule != "sentence":
        label = g.numbering.heading_label.compiled.match(text) if g.numbering.heading_label else None
        if label:
            return label.group("label").strip(), False
        whole_line = _SENTENCE_END.search(text) is None and not text.endswith(("：", ":"))
        if whole_line and (rule == "line" or visual_width(text) <= g.numbering.heading_max_width / 2):
            return text, True
        if rule == "line":
            return None, False
    first_end = _SENTENCE_END.search(text)
    if first_end is None:
        # A line of its own with no sentence in it: the whole line is the heading.
        if level == 1 or visual_width(text) <= g.numbering.heading_max_width * 1.5:
            return text.rstrip("：:，, "), True
        return None, False
    sentence = text[: first_end.start()]
    if text[first_end.start()] == "；":
        return None, False
    colon = re.search(r"[：:]", sentence)
    if colon and 0 < visual_width(sentence[: colon.start()]) <= g.numbering.heading_max_width / 2 \
            and not _COMMA.search(sentence[: colon.start()]):
        return sentence[: colon.start()], False  # `（一）工作目标：到2025年，……。`
    if colon and "\n" in sentence[colon.end():]:
        return sentence[: colon.start()].strip() or None, False  # `第三条 …以下项目：` before its list
    if 0 < visual_width(sentence):
        return sentence.rstrip("：: "), False
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


@dataclass(slots=True)  # one per paragraph of the document: no per-object dict
class _Span:
    """A stretch of text that may open with a marker: a paragraph, or in a document without line
    structure, the part of a paragraph from an inline marker to the next one."""

    start: int
    text: str
    para_end: int  # end of the physical paragraph the span lies in
    para_start: bool  # the span opens its paragraph
    strict: bool = False  # a mid-line marker in a document with line structure: only the exact next number


def lacks_line_structure(nt: NormalText, g: Grammars) -> bool:
    """True when a few very wide paragraphs hold most of the text (a PDF flattened by a web page)."""
    # one pass, no list of the paragraphs (a copy of the text)
    count = total = wide = 0
    for _, p in nt.paragraphs:
        if p:
            count += 1
            total += len(p)
            if visual_width(p) >= g.numbering.run_together_width:
                wide += len(p)
    return total > 0 and (count == 1 or wide >= g.numbering.run_together_share * total)


def _any_inline_marker(g: Grammars) -> dict[bool, object]:
    """For each `anywhere_only`, the inline-capable levels' markers joined (unanchored) into one pattern, or None."""
    def joined(anywhere_only: bool):
        levels = [lvl for lvl in g.numbering.levels if lvl.inline and (lvl.inline_anywhere or not anywhere_only)]
        return any_of([Pattern.model_construct(pattern=lvl.pattern.lstrip("^")) for lvl in levels])
    return {False: joined(False), True: joined(True)}


def _inline_starts(para: str, g: Grammars, anywhere_only: bool = False) -> list[int]:
    """Offsets inside `para` where an inline-capable marker could open a clause."""
    anywhere = g.built(_any_inline_marker)[anywhere_only]
    if anywhere is not None and anywhere.search(para) is None:
        return []  # nearly half the paragraphs hold no marker at all: one search, not one a level
    starts: set[int] = set()
    for lvl in g.numbering.levels:
        if not lvl.inline or (anywhere_only and not lvl.inline_anywhere):
            continue
        for m in compile_pattern(lvl.pattern.lstrip("^")).finditer(para):
            # Only the few characters before the marker decide (a window, so a huge line stays linear).
            if m.start() and lvl.compiled_inline_after.search(para, max(0, m.start() - g.numbering.inline_after_window), m.start()):
                starts.add(m.start())
    return sorted(starts)


def _spans(nt: NormalText, g: Grammars) -> list[_Span]:
    inline = lacks_line_structure(nt, g)
    out: list[_Span] = []
    for off, para in nt.paragraphs:
        if not para:
            continue
        cuts = [0] + _inline_starts(para, g, anywhere_only=not inline) + [len(para)]
        for a, b in zip(cuts, cuts[1:]):
            out.append(_Span(off + a, para[a:b], off + len(para), a == 0, strict=a > 0 and not inline))
    return out


def _is_toc_entry(text: str, g: Grammars) -> bool:
    rule = g.numbering.toc_entry
    return rule is not None and rule.compiled.search(text) is not None


def _holds_articles(spans: list[_Span], g: Grammars) -> bool:
    """An annex that is an attached 办法/条例: it has chapter or article markers of its own."""
    levels = g.numbering.levels
    for sp in spans:
        hit = _match_marker_ranked(sp.text, g) if sp.para_start else None
        if hit and levels[hit[0]].kind in _ARTICLE_FAMILY:
            return True
    return False


_ARTICLE_FAMILY = {"chapter", "section", "article"}


def _is_sub_document(title: str, spans: list[_Span], g: Grammars) -> bool:
    """An annex that is a document of its own: an attached 办法/条例 (chapters or articles), or a plan
    (`附件2 …实施方案`) numbered 一、二、 of its own. A list or a catalogue is not."""
    if _holds_articles(spans, g):
        return True
    title = title.strip()
    if not (title and g.meta.plan_title.compiled.search(title)) or g.numbering.annex_list_title.compiled.search(title):
        return False
    levels = g.numbering.levels
    parts = [hit[2] for sp in spans if sp.para_start and (hit := _match_marker_ranked(sp.text, g))
             and levels[hit[0]].kind == "part"]
    return parts[:2] == [1, 2]


def _has_chinese_markers(spans: list[_Span], g: Grammars) -> bool:
    """A Chinese-numbered marker (一、 （一） 第一条) opens some paragraph of the document."""
    levels = g.numbering.levels
    for sp in spans:
        hit = _match_marker_ranked(sp.text, g) if sp.para_start else None
        if hit and levels[hit[0]].ordinal == "chinese":
            return True
    return False


class _Tree:
    """The numbering state of one clause tree while it is being read."""

    def __init__(self, prefix: str = "", closed: bool = False):
        self.prefix = prefix
        self.closed = closed  # an annex that is not a document of its own: no clauses in it
        self.clauses: list[ClauseDraft] = []
        self.stack: list[ClauseDraft] = []
        self.last_at_rank: dict[int, int] = {}  # last ordinal per style, across the document
        self.last_child: dict[tuple[str | None, int], int] = {}  # (parent id, style) -> last ordinal
        self.ids: set[str] = set()
        self.only_headings = True  # nothing but marker lines so far: what a table of contents looks like
        self.alone = False  # the document has no Chinese-numbered marker: arabic styles may be its top level


def _place(tree: _Tree, sp: _Span, g: Grammars, warnings: list) -> ClauseDraft | None:
    """The clause `sp` opens in `tree`, or None when its marker does not fit the numbering seen so far."""
    hit = _match_marker_ranked(sp.text, g)
    if hit is None:
        return None
    rank, lvl, ordinal, marker, mlen = hit
    # The parent is the nearest open clause of an outer style.
    open_stack = [c for c in tree.stack if c.rank < rank]
    parent = open_stack[-1] if open_stack else None
    pid = parent.id if parent else None
    prev_under_parent = tree.last_child.get((pid, rank), 0)
    prev_global = tree.last_at_rank.get(rank, 0)
    expected = {prev_under_parent + 1, prev_global + 1}
    chinese = lvl.ordinal == "chinese"
    if lvl.only_alone and not tree.alone:
        return None
    if not chinese and not tree.stack and not (tree.alone and lvl.top_level_alone):
        return None  # `1、` `（1）` with nothing above them: a list in running text
    if sp.strict and ordinal not in expected:
        return None
    if ordinal not in expected and ordinal != 1:
        gap_ok = prev_under_parent < ordinal <= prev_under_parent + 3 or prev_global < ordinal <= prev_global + 3
        # An excerpt may start at `十、`: the first marker of its style is taken as it is.
        first_of_style = prev_global == 0 and chinese and not any(r <= rank for r in tree.last_at_rank)
        # An excerpt that skips items (`10.` then `38.` under a new `六、`): the first child of a new
        # parent may carry any later number, as long as the numbering still goes forward.
        excerpt_jump = sp.para_start and parent is not None and prev_under_parent == 0 and ordinal > prev_global
        if not (gap_ok or first_of_style or excerpt_jump):
            return None  # a number in running text, not a clause
        warnings.append(("numbering-gap", f"{marker} follows ordinal {max(prev_under_parent, prev_global)} at level {lvl.level}", None))
    if ordinal == 1 and prev_under_parent >= 1 and tree.stack and tree.stack[-1].rank == rank and tree.stack[-1].parent_id == pid:
        return None  # `1、` again under the same parent: a list inside running text, not a clause
    cid = f"{pid}.{ordinal}" if pid else f"{tree.prefix}{ordinal}"
    in_article = any(c.kind == "article" for c in open_stack)
    return ClauseDraft(
        id=cid, marker=marker, level=max(lvl.level, parent.level + 1 if parent else 0), ordinal=ordinal, heading=None,
        start=sp.start, body_start=sp.start + mlen, end=sp.start + len(sp.text), parent_id=pid,
        marker_raw=sp.text[:mlen], kind=(lvl.kind_in_article if in_article and lvl.kind_in_article else lvl.kind),
        rank=rank, heading_rule=lvl.heading,
    )


def _add(tree: _Tree, c: ClauseDraft) -> None:
    tree.clauses.append(c)
    tree.ids.add(c.id)
    tree.stack = [x for x in tree.stack if x.rank < c.rank] + [c]
    tree.last_at_rank[c.rank] = c.ordinal
    tree.last_child[(c.parent_id, c.rank)] = c.ordinal


def _restarts_after_contents(tree: _Tree, sp: _Span, g: Grammars) -> bool:
    """`sp` repeats the first marker of a tree that so far holds nothing but heading lines."""
    if not (tree.only_headings and len(tree.clauses) >= 2 and sp.para_start):
        return False
    hit = _match_marker_ranked(sp.text, g)
    first = tree.clauses[0]
    return hit is not None and (hit[0], hit[2]) == (first.rank, first.ordinal)


def segment(nt: NormalText, g: Grammars) -> Segmentation:
    text = nt.text
    spans = _spans(nt, g)
    warnings: list[tuple[str, str, str | None]] = []
    alone = not _has_chinese_markers(spans, g)
    trees = [_Tree()]
    trees[0].alone = alone
    tree_ends: list[int] = []
    body_end = len(text)
    annex_start: int | None = None
    label_at = [k for k, x in enumerate(spans) if x.para_start and _annex_label(x.text, g) is not None]
    i = 0
    while i < len(spans):
        sp = spans[i]
        i += 1
        tree = trees[-1]
        if sp.para_start:
            label = _annex_label(sp.text, g)
            if label is not None and (tree.clauses or annex_start is not None):
                if annex_start is None:
                    body_end = annex_start = sp.start
                # Each annex closes the tree before it. An attached 办法/条例 is read as a tree of its own
                # (ids prefixed by the annex when the notice has clauses of its own, so ids stay unique);
                # any other annex (tables, lists) holds no clauses.
                later = bisect.bisect_left(label_at, i)
                nxt = label_at[later] if later < len(label_at) else len(spans)
                tree_ends.append(sp.start)
                if _is_sub_document(label[1] or (spans[i].text if i < len(spans) else ""), spans[i:nxt], g):
                    attached = sum(1 for t in trees if t.prefix) + 1
                    # Ids carry the annex number (A2.1, A2.2.1), so every id of the document is unique.
                    prefix = f"A{label[0] or attached}." if any(t.clauses for t in trees) else ""
                    trees.append(_Tree(prefix))
                    trees[-1].alone = alone
                else:
                    trees.append(_Tree(closed=True))
                continue
            if _is_toc_entry(sp.text, g):
                continue
        if tree.closed:
            continue
        if _restarts_after_contents(tree, sp, g):
            # The numbers start again after a run of bare headings: that run was a table of contents.
            trees[-1] = tree = _Tree(tree.prefix)
        draft = _place(tree, sp, g, warnings)
        if draft is not None and draft.id in tree.ids:
            warnings.append(("numbering-repeat", f"{draft.marker} repeats clause {draft.id}", draft.id))
            draft = None
        if draft is None:
            if tree.clauses:
                tree.only_headings = False
            continue
        rest = sp.text[draft.body_start - draft.start:].strip()
        if draft.heading_rule == "sentence" and rest and (_SENTENCE_END.search(rest) or visual_width(rest) > g.numbering.heading_max_width):
            tree.only_headings = False
        _add(tree, draft)
    tree_ends.append(len(text))

    clauses: list[ClauseDraft] = []
    for tree, t_end in zip(trees, tree_ends):
        cs = tree.clauses
        if cs:
            # The signature, 抄送 and 印发 lines after the last clause close the document: no clause's text.
            t_end = _closing_block_start(nt, cs[-1].body_start, t_end, g)
        starts = [c.start for c in cs] + [t_end]
        for c, nxt in zip(cs, starts[1:]):
            c.end = max(c.body_start, nxt - 1 if nxt > c.body_start and text[nxt - 1 : nxt] == "\n" else nxt)
            c.tree_end = t_end
        clauses += cs
    para_ends = {sp.start: sp.para_end for sp in spans}
    for k, c in enumerate(clauses):
        c.page = nt.page_at(c.start)
        c.line = nt.line_at(c.start)
        # The heading is read up to the next clause or the end of the paragraph, whichever is first.
        next_start = clauses[k + 1].start if k + 1 < len(clauses) else len(text)
        head_end = min(para_ends.get(c.start, c.end), next_start, max(c.end, c.body_start))
        c.heading, _ = split_heading(text[c.body_start : head_end], c.level, g, c.heading_rule)
        c.items = find_items(text[c.body_start : c.end], g)

    annexes, attachments = _annexes(nt, g, _para_index(nt, annex_start))
    body_start = clauses[0].start if clauses else 0
    return Segmentation(clauses, body_start, body_end, annexes, attachments, warnings)


def _closing_block_start(nt: NormalText, start: int, end: int, g: Grammars) -> int:
    """Where the closing block after the last clause begins (before `end`): the first 抄送 or 印发 line, or
    a date line alone, with the organisation lines right above it (the signature); `end` when there is none."""
    paras = [(off, p.strip()) for off, p in nt.paragraphs_between(start, end) if p.strip()]
    meta = g.meta
    for k, (off, p) in enumerate(paras):
        if meta.cc_prefix.compiled.match(p) or meta.print_line.compiled.match(p) or meta.date.compiled.fullmatch(p):
            j = k
            while j > 0 and _is_signature_line(paras[j - 1][1], g):
                j -= 1
            return paras[j][0]
    return end


def _is_signature_line(p: str, g: Grammars) -> bool:
    """A line that only names an organisation (the signature over a date): no sentence in it, short."""
    return visual_width(p) <= 60 and not _SENTENCE_END.search(p) and "，" not in p \
        and g.meta.organisation_end.compiled.search(p) is not None


def _para_index(nt: NormalText, offset: int | None) -> int | None:
    if offset is None:
        return None
    return next((i for i, (off, _) in enumerate(nt.paragraphs) if off == offset), None)


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
        # The next annex starts after a line break; the last one runs to the end of the text.
        stop = end - 1 if end < len(nt.text) else end
        out.append(AnnexDraft(label=label_text, title=title, start=off, end=max(off, stop), page=nt.page_at(off)))
    return out, attachments


@example_runner
def _numbering_examples(g: Grammars):
    for i, lvl in enumerate(g.numbering.levels):
        def ordinal(s, i=i):
            hit = _match_marker_ranked(s, g)
            return hit[2] if hit and hit[0] == i else False
        for ex in lvl.examples:
            yield f"numbering.toml levels[{i}]", ex, ordinal
    for name in ("toc_entry", "heading_label", "annex_list_title"):
        rule = getattr(g.numbering, name)
        for ex in rule.examples if rule else []:
            yield f"numbering.toml {name}", ex, lambda s, rule=rule: bool(rule.compiled.search(s))
    for ex in g.numbering.item.examples:
        yield "numbering.toml item", ex, lambda s: len(find_items(s, g))
