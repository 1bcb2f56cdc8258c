"""Numbering rules: PP001 gap, PP002 repeat, PP003 order (the sequence of markers), PP004 bracket
width, PP005 separator (the shape of a marker), PP006 a level skipped."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Iterable, Iterator, Optional

import regex as re

from .core import Context, Finding
from .fix import Edit, marker_pattern
from .registry import Rule, checker

# --- numbering: PP001 gap, PP002 repeat, PP003 order -------------------------------------------------

_NUMERAL = re.compile(r"[一二三四五六七八九十百〇零]+|\d+|[①-⑳]")
_ABRIDGED = re.compile(r"有删减|有删节|有节选|节选")


@dataclass
class _Mark:
    offset: int
    level: int
    ordinal: int
    raw: str  # the marker as written
    clause: object  # the Clause, or None for a marker the segmenter did not take as a clause
    key: str


def _ordinal(clause) -> Optional[int]:
    try:
        return int(clause.id.rsplit(".", 1)[-1])
    except ValueError:
        return None


def _marks(ctx: Context) -> list[_Mark]:
    """Every clause marker in the body, plus paragraphs that open with a 一、 / （一） marker the segmenter
    rejected because its number did not fit (a repeat, a number going backwards, a large gap)."""
    from ..segment import match_marker

    marks: dict[int, _Mark] = {}
    for c in ctx.doc.clauses:
        o = _ordinal(c)
        if o is not None:
            marks[c.span[0]] = _Mark(c.span[0], c.level, o, c.marker_raw or c.marker, c, c.id)
    for off, para in ctx.nt.paragraphs:
        if off in marks or off < ctx.body_start or off >= ctx.body_end or not para:
            continue
        hit = match_marker(para, ctx.g)
        # Only the Chinese-numeral styles (一、 （一） 第一章 第一条): `1、` `（1）` at a paragraph start are
        # also running-text lists.
        if hit is None or hit[0].ordinal != "chinese":
            continue
        lvl, ordinal, _marker, mlen = hit
        marks[off] = _Mark(off, lvl.level, ordinal, para[:mlen], None, f"@{off}")
    return [marks[k] for k in sorted(marks)]


def _walk(marks: list[_Mark]) -> Iterator[tuple[_Mark, Optional[_Mark], Optional[_Mark], int, int]]:
    """(mark, previous sibling under the same parent, previous mark at the same level anywhere,
    highest ordinal so far among its siblings, highest ordinal so far at its level)."""
    stack: list[_Mark] = []
    last_child: dict[tuple, tuple[_Mark, int]] = {}
    last_level: dict[int, _Mark] = {}
    level_top: dict[int, int] = {}
    for m in marks:
        stack = [s for s in stack if s.level < m.level]
        pkey = stack[-1].key if stack else None
        pc, top = last_child.get((pkey, m.level), (None, 0))
        yield m, pc, last_level.get(m.level), top, level_top.get(m.level, 0)
        last_child[(pkey, m.level)] = (m, max(top, m.ordinal))
        last_level[m.level] = m
        level_top[m.level] = max(level_top.get(m.level, 0), m.ordinal)
        stack.append(m)


def _render(raw: str, n: int) -> str:
    """The marker `raw` with its number replaced by n, in the same numeral style."""
    m = _NUMERAL.search(raw)
    if not m:
        return str(n)
    num = m.group(0)
    if num.isdigit():
        new = str(n)
    elif "\u2460" <= num[0] <= "\u2473":
        new = chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n)
    else:
        import cn2an

        new = cn2an.an2cn(n)
    return raw[: m.start()] + new + raw[m.end():]


def _fold_brackets(s: str) -> str:
    return s.replace("(", "（").replace(")", "）").strip()


def _missing(raw: str, lo: int, hi: int) -> str:
    nums = list(range(lo, hi))
    shown = [_render(raw, n) for n in nums[:5]]
    return "、".join(shown) + ("…" if len(nums) > 5 else "")


@checker(
    Rule("PP001", "numbering-gap", "warning",
         "An ordinal is skipped at one level: （十五） followed by （十七）. Both numbering habits are accepted "
         "(continuous across sections and restarting in each section). Articles (第一条) are numbered through "
         "the whole document, across chapters. Info only when the document says it is abridged (本文有删减).",
         why="A skipped number makes a reader look for a missing task, and often is one: a paragraph deleted in review whose siblings were not renumbered.",
         example="bad:  （十五）… （十七）…\nfine: 一、（一）（二） 二、（一）（二） — numbering restarts in each section"),
    Rule("PP002", "numbering-repeat", "error",
         "The same ordinal is written twice in a row at one level: （十六） … （十六）, 第十二条 … 第十二条.",
         why="Two clauses with one number cannot both be cited (第十二条 is which?): a copy-paste or a merge of two drafts.",
         example="bad:  （十六）… （十六）…\nfine: 1. … inside （一） and 1. … inside （二）"),
    Rule("PP003", "numbering-order", "error",
         "An ordinal goes backwards at one level: （十七） followed by （十六）, 第九条 after 第十条.",
         why="A number going backwards is a clause moved without renumbering; references to it now point elsewhere.",
         example="bad:  第十条 … 第九条 …\nfine: 第十条 in 第二章 after 第九条 in 第一章"),
)
def check_numbering(ctx: Context) -> Iterable[Finding]:
    marks = _marks(ctx)
    # `（本文有删减）` (the normaliser drops it as page furniture: read the raw lines).
    abridged = any(
        _ABRIDGED.search(line) and len(line.strip()) <= 20 for page in ctx.raw.pages for line in page.lines
    )
    # Which levels restart their numbering under a new parent (（一） in each section)?
    restarts = {m.level for m, pc, pg, _, _ in _walk(marks) if pc is None and pg is not None and m.ordinal == 1}
    out: list[Finding] = []
    for m, pc, pg, top, ltop in _walk(marks):
        o = m.ordinal
        if pc is not None:
            prev: Optional[_Mark] = pc
            # The next number after the last one, or after the highest so far ((一)(三)(二)(四): (四) fits).
            if o == pc.ordinal + 1 or o == top + 1:
                continue
        else:
            if o == 1 or (pg is not None and o in (pg.ordinal + 1, ltop + 1)):
                continue
            prev = None if pg is None or m.level in restarts else pg
        where = {"clause_id": m.clause.id} if m.clause is not None else {"clause_id": None}
        note = "" if m.clause is not None else " (not read as a clause)"
        if prev is None:
            code, msg = "PP001", f"{m.raw} opens its level{note}: {_missing(m.raw, 1, o)} missing"
        elif o == prev.ordinal:
            code, msg = "PP002", f"{m.raw} repeats the number of {prev.raw} just before it{note}"
        elif o < prev.ordinal:
            code, msg = "PP003", f"{m.raw} follows {prev.raw}: numbers go backwards{note}"
        else:
            lo = max(prev.ordinal, top if pc is not None else ltop) + 1
            code, msg = "PP001", f"{m.raw} follows {prev.raw}: {_missing(m.raw, lo, o)} missing{note}"
        sev = "info" if code == "PP001" and abridged else ""
        if sev:
            msg += " (the document says it is abridged: 本文有删减)"
        f = ctx.at(code, m.offset, msg, severity=sev, **where)
        if m.clause is not None and m.clause.line is not None:
            f.line, f.page = m.clause.line, m.clause.page
        f.key = _fold_brackets(m.raw)
        out.append(f)
    rules = ctx.g.check
    if len(out) > max(rules.numbering_noise_floor, rules.numbering_noise_share * len(marks)):
        return []  # not one numbered sequence as read (see check.toml numbering_noise_floor)
    # What segmentation itself noticed (numbering-gap / numbering-repeat) about a marker the walk above
    # found nothing wrong with (a level-3 `1、` repeated, say).
    seen = {f.key for f in out}
    for w in ctx.doc.warnings:
        code = {"numbering-gap": "PP001", "numbering-repeat": "PP002"}.get(w.code)
        if not code:
            continue
        marker = _fold_brackets(w.message.split(" ", 1)[0])
        if marker in seen:
            continue
        seen.add(marker)
        out.append(ctx.at_clause(code, w.clause_id, f"{w.message} (segmentation)"))
    return out


# --- marker style: PP004 bracket width, PP005 separator; PP006 level skipped ---------------------------


def _style(raw: str) -> str:
    return _NUMERAL.sub("", raw).strip()


def _width(style: str) -> Optional[str]:
    full = any(ch in "（）" for ch in style)
    half = any(ch in "()" for ch in style)
    if full and half:
        return "mixed"
    return "full" if full else "half" if half else None


_WIDTH_WORD = {"full": "full-width （ ）", "half": "half-width ( )"}
_TO_FULL = str.maketrans("()", "（）")
_TO_HALF = str.maketrans("（）", "()")


def _bracket_fix(c, width: str) -> Optional[Edit]:
    fixed = c.marker_raw.strip().translate(_TO_FULL if width == "full" else _TO_HALF)
    return Edit(c.line, marker_pattern(c.marker_raw), fixed, f"{c.marker_raw.strip()} → {fixed}")


@checker(
    Rule("PP004", "mixed-bracket-width", "warning",
         "A marker uses half-width brackets (十六) where the other markers of its level use full-width （十五） "
         "(or the reverse), or mixes both in one marker.",
         why="GB/T 9704 writes 序号 in full-width brackets; a half-width one is a pasted marker and prints with a different width.",
         example="bad:  （十五）… (十六)…\nfine: (一)(二)(三) throughout: one consistent width"),
    Rule("PP005", "mixed-marker-separator", "warning",
         "Markers of one level use different separators: 1、 beside 1. (or 1．).",
         why="Mixed separators at one level read as two lists, and are a pasted or retyped marker.",
         example="bad:  1、… 2. …\nfine: 1. … 2. … throughout"),
)
def check_marker_style(ctx: Context) -> Iterable[Finding]:
    by_level: dict[int, list] = defaultdict(list)
    for c in ctx.doc.clauses:
        if c.marker_raw:
            by_level[c.level].append(c)
    for level, cs in sorted(by_level.items()):
        widths = {c.id: _width(_style(c.marker_raw)) for c in cs}
        if any(w is not None for w in widths.values()):
            n = Counter(w for w in widths.values() if w in ("full", "half"))
            majority = "half" if n["half"] > n["full"] else "full"
            for c in cs:
                if widths[c.id] == "mixed":
                    f = ctx.at_clause("PP004", c.id, f"{c.marker_raw} mixes full-width and half-width brackets")
                    f.fix = _bracket_fix(c, majority)
                    yield f
            if n["full"] and n["half"]:
                minority = "half" if majority == "full" else "full"
                example = next(c.marker_raw for c in cs if widths[c.id] == majority)
                for c in cs:
                    if widths[c.id] == minority:
                        f = ctx.at_clause(
                            "PP004", c.id,
                            f"{c.marker_raw} uses {_WIDTH_WORD[minority]} brackets; the other {n[majority]} "
                            f"level-{level} markers use {_WIDTH_WORD[majority]} ({example})",
                        )
                        f.fix = _bracket_fix(c, majority)
                        yield f
            continue
        styles = Counter(_style(c.marker_raw) for c in cs)
        if len(styles) > 1:
            # Most frequent first; on a tie, the GB/T 9704 form (、 for 一、, . for 1.) wins.
            preferred = "、" if level == 1 else "."
            majority = max(styles, key=lambda s: (styles[s], s == preferred))
            example = next(c.marker_raw for c in cs if _style(c.marker_raw) == majority)
            for c in cs:
                st = _style(c.marker_raw)
                if st != majority:
                    f = ctx.at_clause(
                        "PP005", c.id,
                        f"{c.marker_raw} uses the separator {st!r}; the other {styles[majority]} level-{level} "
                        f"markers use {majority!r} ({example})",
                    )
                    number = _NUMERAL.search(c.marker_raw)
                    # Only a separator after the number is swapped (1. → 1、); a bracket style is PP004's.
                    if number and c.marker_raw.strip().startswith(number.group(0)) and not _width(st) and not _width(majority):
                        f.fix = Edit(f.line, marker_pattern(c.marker_raw), number.group(0) + majority, f"{c.marker_raw} → {number.group(0)}{majority}")
                    yield f


@checker(
    Rule("PP006", "level-skipped", "warning",
         "A clause stands directly under a clause two or more levels up (1、 under 一、) although the "
         "document uses the level in between (（一）) elsewhere.",
         why="Skipping a level the document uses elsewhere misplaces the clause in the outline: a reader takes 1. for a sub-item of the wrong parent.",
         example="bad:  三、… 1. … although 一、 has （一）\nfine: 1. under 一、 in a document with no （一） at all"),
)
def check_level_skipped(ctx: Context) -> Iterable[Finding]:
    used: dict[int, str] = {}
    for c in ctx.doc.clauses:
        used.setdefault(c.level, c.marker_raw or c.marker)
    reported: set = set()
    for c in ctx.doc.clauses:
        p = ctx.clauses_by_id.get(c.parent_id) if c.parent_id else None
        if p is None:
            continue  # a document may start at any level; only a skip below a parent is reported
        between = [lv for lv in range(p.level + 1, c.level) if lv in used]
        if not between or (p.id, c.level) in reported:
            continue
        reported.add((p.id, c.level))
        lv = between[0]
        yield ctx.at_clause(
            "PP006", c.id,
            f"{c.marker_raw or c.marker} (level {c.level}) stands directly under {p.marker_raw or p.marker} "
            f"(level {p.level}), skipping level {lv} ({used[lv]}) that the document uses elsewhere",
        )
