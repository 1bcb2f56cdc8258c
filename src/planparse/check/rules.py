"""The lint rules. Each checker reads a Context and yields Findings for one or more rule codes.

Locations: a finding about a clause carries the clause's id, source line and page; one about a target,
deadline or agency annotation carries the clause (or task row) it belongs to; one found by scanning
the text carries the source line of the paragraph it is in.
"""
from __future__ import annotations

import datetime as _dt
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


# --- 发文字号: PP007 --------------------------------------------------------------------------------

_OPEN, _CLOSE = "〔[［(（【﹝〖", "〕]］)）】﹞〗"
_DOCNUM_LINE = re.compile(
    rf"^\s*(?P<org>\p{{Han}}{{1,12}}?)\s*(?P<open>[{re.escape(_OPEN)}])\s*(?P<year>\d{{4}}|\d{{2}})\s*"
    rf"(?P<close>[{re.escape(_CLOSE)}])\s*(?P<di>第)?\s*(?P<seq>\d{{1,4}})\s*号\s*$"
)
_DOCNUM_TEXT = re.compile(
    rf"(?P<org>\p{{Han}}{{1,8}})(?P<open>[{re.escape(_OPEN[1:])}])\s*(?P<year>(?:19|20)\d{{2}})\s*"
    rf"(?P<close>[{re.escape(_CLOSE[1:])}])\s*(?P<di>第)?\s*(?P<seq>\d{{1,4}})\s*号"
)


def _front_lines(ctx: Context) -> list[tuple[Optional[int], int, str]]:
    """(page, line, text as written) of the raw source lines before the first clause."""
    first = None
    if ctx.doc.clauses and ctx.doc.clauses[0].line is not None:
        c0 = ctx.doc.clauses[0]
        first = (c0.page or 0, c0.line)
    out = []
    nonblank = 0
    for page in ctx.raw.pages:
        for i, line in enumerate(page.lines, 1):
            if first is not None and (page.number or 0, i) >= first:
                return out
            if line.strip():
                nonblank += 1
                if first is None and nonblank > ctx.g.meta.max_front_lines:
                    return out
            out.append((page.number, i, line))
    return out


@checker(
    Rule("PP007", "doc-number-format", "error",
         "发文字号 not in the form 苏政发〔2024〕53号: year in [ ] ( ) （ ） 【 】 ［ ］ ﹝ ﹞ instead of 〔〕, "
         "a two-digit year, 第 before the number, or a number padded with 0.",
         why="The 发文字号 form is fixed by GB/T 9704 (year in 〔〕, no 第, no leading 0); a wrong one is rejected in filing and cited wrongly by others.",
         example="bad:  临政发[2024]12号 , 临政发〔2024〕第12号\nfine: 临政发〔2024〕12号"),
)
def check_doc_number(ctx: Context) -> Iterable[Finding]:
    for page, lineno, line in _front_lines(ctx):
        m = _DOCNUM_LINE.match(line.strip())
        if not m or (len(m.group("year")) == 4 and not m.group("year").startswith(("19", "20"))):
            continue
        issues = []
        if (m.group("open"), m.group("close")) != ("〔", "〕"):
            issues.append(f"the year is in {m.group('open')} {m.group('close')}, not 〔 〕")
        if len(m.group("year")) == 2:
            issues.append("the year is abbreviated to two digits")
        if m.group("di"):
            issues.append("第 before the number")
        if m.group("seq").startswith("0"):
            issues.append("the number is padded with 0")
        if issues:
            written = re.sub(r"\s+", "", line.strip())
            year = m.group("year") if len(m.group("year")) == 4 else "20" + m.group("year")
            fixed = f"{m.group('org')}〔{year}〕{int(m.group('seq'))}号"
            f = Finding(ctx.path, "PP007", f"发文字号 {written}: {'; '.join(issues)} (write {fixed})",
                        line=lineno, page=page)
            f.fix = Edit(lineno, r"^\s*" + r"\s*".join(re.escape(ch) for ch in written) + r"\s*$", fixed, f"{written} → {fixed}")
            yield f
    # Document numbers cited in the text, with the wrong brackets: （国发[2023]24号）.
    front_end = ctx.body_start
    for m in _DOCNUM_TEXT.finditer(ctx.nt.text):
        para_start = ctx.nt.text.rfind("\n", 0, m.start()) + 1
        para_end = ctx.nt.text.find("\n", m.end())
        para = ctx.nt.text[para_start: para_end if para_end >= 0 else len(ctx.nt.text)]
        if m.start() < front_end and _DOCNUM_LINE.match(para.strip()):
            continue  # the document's own 发文字号 line: reported above from the raw line
        written = f"{m.group('org')[-4:]}{m.group('open')}{m.group('year')}{m.group('close')}{m.group('di') or ''}{m.group('seq')}号"
        f = ctx.at("PP007", m.start(), f"document number {written} in the text: the year belongs in 〔 〕")
        org = m.group("org")[-2:]
        pattern = (re.escape(org) + rf"\s*[{re.escape(_OPEN[1:])}]\s*{m.group('year')}\s*[{re.escape(_CLOSE[1:])}]"
                   rf"\s*(?P<di>第)?\s*{m.group('seq')}\s*号")
        # Only the brackets: 第 and a padded number are for the reader to judge in running text.
        f.fix = Edit(f.line, pattern, f"{org}〔{m.group('year')}〕\\g<di>{m.group('seq')}号", f"{written} → {written.replace(m.group('open'), '〔').replace(m.group('close'), '〕')}")
        yield f


# --- dates: PP008 missing, PP009 invalid -------------------------------------------------------------

_CN_DIGITS = "〇一二三四五六七八九"
_DATE_LINE = re.compile(
    r"^\s*[（(]?\s*(?P<y>\d{4}|[〇零一二三四五六七八九○Ｏ]{4})\s*年\s*(?P<m>\d{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*"
    r"(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})\s*日\s*[）)]?\s*(?P<printed>印\s*发)?\s*$"
)


def _cn_int(s: str) -> int:
    s = s.strip().replace("○", "〇").replace("Ｏ", "〇").replace("零", "〇")
    if s.isdigit():
        return int(s)
    if len(s) == 4 and all(ch in _CN_DIGITS for ch in s):
        return int("".join(str(_CN_DIGITS.index(ch)) for ch in s))
    import cn2an

    return int(cn2an.cn2an(s, "smart"))


def _valid_iso(s: Optional[str]) -> Optional[_dt.date]:
    if not s:
        return None
    try:
        return _dt.date.fromisoformat(s)
    except ValueError:
        return None


@checker(
    Rule("PP008", "issue-date-missing", "error",
         "A notice (it has a notice title or a 发文字号) without a 成文日期.",
         why="A notice without a 成文日期 has no date from which it takes effect or its deadlines run.",
         example="bad:  a 通知 with 发文字号 and no date line under the signature\nfine: a bare plan or attachment, which carries no date of its own"),
    Rule("PP009", "issue-date-invalid", "error",
         "A date line (成文日期 or 印发日期) that is not a calendar date: 2024年2月30日, 2024年13月1日.",
         why="An impossible date on the signature line is a typo a reader cannot resolve.",
         example="bad:  2024年2月30日\nfine: 2024年2月29日"),
)
def check_dates(ctx: Context) -> Iterable[Finding]:
    meta = ctx.doc.meta
    invalid: list[Finding] = []
    for off, para in ctx.nt.paragraphs:
        m = _DATE_LINE.match(para)
        if not m:
            continue
        try:
            y, mo, d = _cn_int(m.group("y")), _cn_int(m.group("m")), _cn_int(m.group("d"))
            _dt.date(y, mo, d)
        except (ValueError, KeyError, TypeError):
            what = "印发日期" if m.group("printed") else "date"
            f = ctx.at("PP009", off, f"{what} {para.strip()} is not a calendar date")
            f.key = para.strip()
            invalid.append(f)
    yield from invalid
    for field_name, label in (("issue_date", "成文日期"), ("print_date", "印发日期")):
        value = getattr(meta, field_name)
        if value and _valid_iso(value) is None and not invalid:
            yield Finding(ctx.path, "PP009", f"{label} {value} is not a calendar date")
    if (meta.notice_title or meta.doc_number) and not meta.issue_date and not invalid:
        line = page = None
        for pg, lineno, text in _front_lines(ctx):
            if _DOCNUM_LINE.match(text.strip()) or (meta.notice_title and text.strip() and text.strip() in meta.notice_title):
                line, page = lineno, pg
                break
        what = f"《{meta.notice_title}》" if meta.notice_title else f"the notice {meta.doc_number}"
        yield Finding(ctx.path, "PP008", f"{what} has no 成文日期 (a date line under the issuer's signature)",
                      line=line, page=page)


# --- agencies: PP010 no owner, PP014 spelling --------------------------------------------------------


def _owners(a) -> list[str]:
    own_impl = [n for n in a.implementers if n not in set(a.implementers_inherited)]
    return list(a.lead) + list(a.responsible) + own_impl


def _task_location(ctx: Context, task) -> dict:
    loc: dict = {"task_seq": task.seq, "page": task.page, "clause_id": None, "line": None}
    probe = re.sub(r"\s+", "", task.content or "")[:12]
    if probe:
        off = ctx.nt.text.find(probe, ctx.body_end if ctx.body_end < len(ctx.nt.text) else 0)
        if off >= 0:
            loc["line"] = ctx.line_at(off)
            loc["page"] = loc["page"] or ctx.page_at(off)
    return loc


@checker(
    Rule("PP010", "agency-no-owner", "warning",
         "A task-table row, or a clause's agency annotation, names no lead (牵头) or responsible (负责, "
         "负责落实) agency — only supporting (配合) agencies, or none at all.",
         why="A task that names only supporting agencies has nobody accountable for it.",
         example="bad:  （市生态环境局配合）\nfine: （市发展改革委牵头，市生态环境局配合）"),
)
def check_agency_owner(ctx: Context) -> Iterable[Finding]:
    for c in ctx.doc.clauses:
        for a in c.agencies:
            if not _owners(a) and a.support:
                yield ctx.at_clause(
                    "PP010", c.id,
                    f"agency annotation names only supporting agencies (配合: {'、'.join(a.support)}); "
                    f"no lead (牵头) or responsible (负责) agency",
                )
    for t in ctx.doc.tasks:
        a = t.agencies
        if a is not None and _owners(a):
            continue
        loc = _task_location(ctx, t)
        what = (t.content or t.category or "").strip()
        what = what[:24] + ("…" if len(what) > 24 else "")
        if a is not None and a.support:
            msg = f"task {t.seq} ({what}) names only supporting agencies (配合: {'、'.join(a.support)}); no lead or responsible agency"
        else:
            msg = f"task {t.seq} ({what}) names no lead (牵头) or responsible (负责) agency"
        yield Finding(ctx.path, "PP010", msg, line=loc["line"], page=loc["page"], task_seq=t.seq)


def _canonical(name: str, written: dict, index: dict, prefixes: list[str]) -> str:
    if name in written:
        return written[name]
    if name in index:
        return index[name]
    for p in prefixes:
        if name.startswith(p) and name[len(p):] in index:
            return p + index[name[len(p):]]
    return name


@checker(
    Rule("PP014", "agency-spelling", "warning",
         "One agency written two ways in one document (省发改委 and 省发展改革委): names whose canonical forms "
         "(agency lexicon) agree but whose spellings differ.",
         why="Two spellings of one agency make readers (and task trackers) think there are two.",
         example="bad:  市发改委 … 市发展改革委\nfine: 市发展改革委 throughout"),
)
def check_agency_spelling(ctx: Context) -> Iterable[Finding]:
    index = ctx.g.lexicon.index
    prefixes = sorted(ctx.g.agencies.level_prefixes, key=len, reverse=True)
    # canonical -> spelling -> [count, first location kwargs]
    seen: dict[str, dict[str, list]] = defaultdict(dict)

    def note(a, loc: dict) -> None:
        for role in ("lead", "support", "responsible", "implementers"):
            for n in getattr(a, role):
                if role == "implementers" and n in a.implementers_inherited:
                    continue
                canon = _canonical(n, a.canonical, index, prefixes)
                entry = seen[canon].setdefault(n, [0, loc])
                entry[0] += 1

    for c in ctx.doc.clauses:
        for a in c.agencies:
            note(a, {"clause_id": c.id, "line": c.line, "page": c.page})
    for t in ctx.doc.tasks:
        if t.agencies is not None:
            note(t.agencies, {k: v for k, v in _task_location(ctx, t).items() if k != "clause_id"})
    for canon, spellings in seen.items():
        if len(spellings) < 2:
            continue
        ranked = sorted(spellings.items(), key=lambda kv: -kv[1][0])
        listing = " and ".join(f"{n} ({cnt}×)" for n, (cnt, _) in ranked)
        _, (_, loc) = ranked[1]
        yield Finding(ctx.path, "PP014", f"{listing} name the same agency ({canon}): write it one way", **loc)


# --- targets: PP011 no year, PP012 no unit; deadlines: PP013 ----------------------------------------

_YEAR = re.compile(r"(?:19|20)\d{2}")
_GOALS = re.compile(r"目标")


def _dated(deadlines) -> bool:
    return any(d is not None and d.kind in ("date", "period", "recurring") for d in deadlines)


def _clause_implies_year(ctx: Context, cid: Optional[str]) -> bool:
    while cid:
        c = ctx.clauses_by_id.get(cid)
        if c is None:
            return False
        if _dated(c.deadlines):
            return True
        cid = c.parent_id
    return False


def _time_expressions(ctx: Context, text: str) -> list:
    from ..extraction.deadlines import deadlines_in

    try:
        return deadlines_in(text, ctx.g, ctx.doc.meta.doc_year, 0)
    except Exception:  # the deadline grammar is not this rule's business: no expression found
        return []


@checker(
    Rule("PP011", "target-no-year", "info",
         "A quantified target with no target year, where none is implied: by a dated or recurring deadline "
         "in its clause, a parent clause, its task row or its own text (每年), by a year in the plan's "
         "title, or by the plan's first section or targets section (主要目标：到2025年…).",
         why="A target without a year cannot be assessed: by when?",
         example="bad:  PM2.5浓度下降10%. in a plan with no year anywhere\nfine: the same under 主要目标：到2025年，…"),
    Rule("PP012", "target-no-unit", "warning",
         "A quantified target whose number has no unit (80 instead of 80%), except dimensionless ratios and indices "
         "(PUE 1.3, …比 0.4, 系数, 指数: grammars/check.toml dimensionless_metric).",
         why="80 without a unit may be a percent, a count or a concentration: the target cannot be assessed. Ratios and indices have no unit.",
         example="bad:  非化石能源消费比重达到20左右\nfine: 数据中心PUE降至1.3以下 ; 炼焦产能与长流程炼钢产能比控制在0.4左右"),
)
def check_targets(ctx: Context) -> Iterable[Finding]:
    meta = ctx.doc.meta
    # A year for the whole plan: in its title (江苏省2020年…工作计划), or in its targets section
    # (（三）目标指标。到2025年，…): later targets without a year of their own aim at that horizon.
    # The first section of a plan (总体要求 / 主要目标) states its horizon too: `主要目标是：到2025年，…`.
    first = ctx.doc.clauses[0].id.split(".")[0] if ctx.doc.clauses else None
    horizon = bool(_YEAR.search((meta.title or "") + (meta.notice_title or ""))) or any(
        (_GOALS.search(c.heading or "") or c.id.split(".")[0] == first) and _dated(c.deadlines)
        for c in ctx.doc.clauses
    )
    tasks = {t.seq: t for t in ctx.doc.tasks}
    for t in ctx.doc.targets:
        if t.qualitative or t.value is None or t.table_index is not None:
            continue  # table cells take their unit and year from the table's header and title
        task = tasks.get(t.task_seq) if t.task_seq is not None else None
        if task is not None:
            loc = _task_location(ctx, task)
        else:
            c = ctx.clauses_by_id.get(t.clause_id) if t.clause_id else None
            line = ctx.line_at(t.span[0]) if t.span else (c.line if c else None)
            loc = {"clause_id": t.clause_id, "line": line, "page": c.page if c else None, "task_seq": None}
        text = t.text or (t.metric or "")
        if t.target_year is None and not horizon:
            implied = _clause_implies_year(ctx, t.clause_id if task is None else task.clause_id)
            if task is not None and _dated([task.deadline]):
                implied = True
            if not implied and _dated(_time_expressions(ctx, text)):
                implied = True  # `每年建设绿色工厂10家`: the target recurs every year
            if not implied:
                yield Finding(ctx.path, "PP011", f"target “{text}” has no target year (到20XX年) and none is implied", **loc)
        if not t.unit and not ctx.g.check.dimensionless_metric.compiled.search(t.metric or ""):
            yield Finding(ctx.path, "PP012", f"target “{text}” gives {t.value:g} without a unit", **loc)


@checker(
    Rule("PP013", "deadline-before-issue", "error",
         "A deadline that falls before the document's 成文日期 (or its 印发日期 when there is no 成文日期).",
         why="A deadline already past when the document is signed is a year left over from an earlier draft.",
         example="bad:  2023年底前 in a notice dated 2024年3月15日\nfine: 2024年底前"),
)
def check_deadlines(ctx: Context) -> Iterable[Finding]:
    meta = ctx.doc.meta
    ref, label = _valid_iso(meta.issue_date), "成文日期"
    if ref is None:
        ref, label = _valid_iso(meta.print_date), "印发日期"
    if ref is None:
        return
    for c in ctx.doc.clauses:
        for d in c.deadlines:
            when = _valid_iso(d.date)
            # A period (`2019-2020年秋冬季`) names a campaign that may be under way or just ended: only a
            # time limit (a date) can be missed.
            if d.kind == "date" and when is not None and when < ref:
                f = ctx.at_clause("PP013", c.id, f"deadline “{d.text}” ({d.date}) is before the {label} {ref.isoformat()}")
                if d.span:
                    f.line = ctx.line_at(d.span[0]) or f.line
                yield f
    for t in ctx.doc.tasks:
        d = t.deadline
        when = _valid_iso(d.date) if d else None
        if d is not None and d.kind == "date" and when is not None and when < ref:
            loc = _task_location(ctx, t)
            yield Finding(ctx.path, "PP013", f"task {t.seq}: deadline “{d.text}” ({d.date}) is before the {label} {ref.isoformat()}", **loc)


# --- attachments: PP015 ------------------------------------------------------------------------------

_ATT_NUMBERED = re.compile(
    r"附\s*件\s*(?P<nums>\d{1,2}(?!\d)(?:\s*(?:、|，|,|和|及|与|至|到|-|—|–|~|～)\s*\d{1,2}(?!\d))*)"
)
_ATT_PLAIN = re.compile(r"(?:见|详见|参见|附后的?)附\s*件(?![\d\s]*\d)|[（(]附\s*件[）)]")
_RANGE_SEP = re.compile(r"至|到|-|—|–|~|～")


def _attachment_numbers(nums: str) -> list[int]:
    out: list[int] = []
    parts = re.split(r"\s*(、|，|,|和|及|与|至|到|-|—|–|~|～)\s*", nums)
    vals, seps = parts[0::2], parts[1::2]
    prev = None
    for i, v in enumerate(vals):
        n = int(v)
        if prev is not None and _RANGE_SEP.fullmatch(seps[i - 1]) and n > prev:
            out.extend(range(prev + 1, n + 1))
        else:
            out.append(n)
        prev = n
    return out


@checker(
    Rule("PP015", "attachment-missing", "error",
         "The text refers to an attachment (见附件2, （附件3）) that the document does not have.",
         why="A reference to an attachment that is not there leaves the reader without the table or list the text relies on.",
         example="bad:  目标见附件2 in a document with only 附件1\nfine: 见附件1"),
)
def check_attachments(ctx: Context) -> Iterable[Finding]:
    labels = [a.label for a in ctx.doc.annexes]
    numbered = {int(x[2:]) for x in labels if x[2:].isdigit()}
    listed = len(ctx.doc.meta.attachments)
    have_nums = sorted(numbered | set(range(1, listed + 1)))
    if have_nums:
        have_text = "、".join(f"附件{i}" for i in have_nums)
    else:
        have_text = "one unnumbered 附件" if labels else "no attachments"
    body = ctx.nt.text[: ctx.body_end]
    reported: set = set()
    for m in _ATT_NUMBERED.finditer(body):
        for n in _attachment_numbers(m.group("nums")):
            present = n in numbered or n <= listed or (n == 1 and "附件" in labels)
            if present or n in reported:
                continue
            reported.add(n)
            yield ctx.at("PP015", m.start(), f"the text refers to 附件{n} ({m.group(0).strip()}) but the document has {have_text}")
    if not labels and not listed:
        for m in _ATT_PLAIN.finditer(body):
            yield ctx.at("PP015", m.start(), f"the text refers to an attachment ({m.group(0)}) but the document has none")
            break


# --- citations: PP016 no number, PP017 number inside 《》 ---------------------------------------------

_INNER_NUMBER = re.compile(r"[（(]\s*(?P<num>[^（）()]*?号)\s*[）)]\s*$")


@checker(
    Rule("PP016", "citation-no-number", "warning",
         "A document is cited by title without its number (《…》) before a later citation of the same title "
         "gives the number: the number belongs with the first citation.",
         why="The first citation of a document should let the reader find it: the number belongs there.",
         example="bad:  《…方案》 … later 《…方案》（苏政发〔2024〕53号）\nfine: the number at the first citation, the title alone later"),
    Rule("PP017", "citation-number-inside", "warning",
         "A document number written inside the title marks: 《…的通知（国发〔2023〕24号）》 instead of "
         "《…的通知》（国发〔2023〕24号）.",
         why="The number is not part of the title: inside 《》 it misquotes the title.",
         example="bad:  《…的通知（国发〔2023〕24号）》\nfine: 《…的通知》（国发〔2023〕24号）"),
)
def check_citations(ctx: Context) -> Iterable[Finding]:
    text = ctx.nt.text
    num_pat = ctx.g.meta.citation_number.compiled
    occurrences: dict[str, list[tuple[int, bool]]] = defaultdict(list)
    for m in ctx.g.meta.citation.compiled.finditer(text):
        title = re.sub(r"\s+", "", m.group("title"))
        inner = _INNER_NUMBER.search(title)
        if inner and num_pat.match(inner.group(0)):
            key = title[: inner.start()]
            occurrences[key].append((m.start(), True))
            f = ctx.at(
                "PP017", m.start(),
                f"the number {inner.group('num')} is inside the title marks: write 《{key}》（{inner.group('num')}）",
            )
            num = r"\s*".join(re.escape(ch) for ch in inner.group("num"))
            title_pattern = r"\s*".join(re.escape(ch) for ch in key)
            f.fix = Edit(f.line, rf"(《\s*{title_pattern})\s*([（(]\s*{num}\s*[）)])\s*》", r"\1》\2",
                         f"《{key}（{inner.group('num')}）》 → 《{key}》（{inner.group('num')}）")
            yield f
            continue
        after = text[m.end(): m.end() + 40]
        numbered = after[:1] in "（(" and bool(num_pat.match(after))
        occurrences[title].append((m.start(), numbered))
    with_number = {c.title.replace("\n", "") for c in ctx.doc.meta.cited_documents if c.doc_number}
    for title, occ in occurrences.items():
        first_numbered = next((off for off, numbered in occ if numbered), None)
        if first_numbered is None and title not in with_number:
            continue
        for off, numbered in occ:
            if numbered or (first_numbered is not None and off > first_numbered):
                break
            where = f"line {ctx.line_at(first_numbered)}" if first_numbered is not None else "elsewhere"
            yield ctx.at(
                "PP016", off,
                f"《{title}》 is cited without its number, which the citation at {where} gives: "
                f"give the number at the first citation",
            )
