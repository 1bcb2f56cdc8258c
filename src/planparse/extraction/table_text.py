"""Task tables whose grid was lost: a PDF table flattened to text, with neither ruling nor tabs.

What survives is the order of the cells and some of the spaces between them:

    序号 重点工作任务 完成时限 责任分工        ← header, repeated at every page
    4 推进园区、                              ← seq, then the category cell's first line
    产业集群绿                                 ← the category wraps in a narrow column
    …
    每年建设绿色工厂 10家，…建设。 持续推进 市工业和信息化局牵头。   ← content, 完成时限, 责任分工

Rows are cut at the seq numbers (1, 2, 3 … each at the start of a line, never a quantity such as
`30 公里`). Inside a row the text is cut into atoms at line ends and spaces (`SourceLine.raw` keeps
the spaces), and the atoms are dealt out to the columns named by the header, in header order, by a
small dynamic programme that scores each candidate cell by what such a cell looks like:

* category (optional: a merged cell is written once): narrow lines only, no sentence end, best
  when it matches a body clause heading;
* content: anything, never empty;
* 完成时限: one short atom that reads as a time limit (the deadline grammar, tables.toml);
* 责任分工: text whose every group ends with a role word (the agency grammar), or a list of names.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import regex as re

from ..grammar import Grammars
from ..grammar.check import EXAMPLE_DOC_YEAR, example_runner
from ..normalise import SourceLine, squeeze_spaces, visual_width
from ..text import split_top_level
from .agencies import AgencyParser
from .deadlines import find_time_expressions
from .table_grid import ColumnRoles, Grid

NEG = -math.inf
_SENTENCE_END = re.compile(r"[。；！？;!?]")
_DIGITS = re.compile(r"^(\d{1,3})(?=[\p{Han}“《（(])")
_CELL_PUNCT = re.compile(r"[。，；,;]")
# A row number has a few digits (a run of thousands is no row, and int() refuses it).
_MAX_SEQ_DIGITS = 4
# Every cell but the content is short (a category, a date, a list of agencies): the row-splitting
# search tries at most this many atoms for one, so a row of thousands of lines stays linear.
_MAX_SHORT_CELL_ATOMS = 32


@dataclass
class Atom:
    text: str
    line: int  # index of its line in the row
    first: bool  # first atom of its line (after the seq number)
    last: bool  # last atom of its line
    blank_before: bool  # a blank line stands before its line


def _join(atoms: list[Atom]) -> str:
    out = ""
    prev_line = None
    for a in atoms:
        if out:
            if a.line == prev_line:
                out += " "
            elif out[-1].isascii() and out[-1].isalnum() and a.text[:1].isascii() and a.text[:1].isalnum():
                out += " "
        out += a.text
        prev_line = a.line
    return squeeze_spaces(out)


def is_deadline_cell(text: str, g: Grammars, doc_year: int | None) -> bool:
    """A 完成时限 cell: short, no sentence punctuation, reads as a time limit."""
    t = re.sub(r"\s+", "", text)
    if not t or _CELL_PUNCT.search(t) or visual_width(t) > g.tables.deadline_cell_max_width:
        return False
    if any(p.compiled.fullmatch(t) for p in g.tables.deadline_cell_extra):
        return True
    times = find_time_expressions(t, g, doc_year, cell=True)
    return bool(times) and times[0].start == 0 and (times[0].end - times[0].start) * 2 >= len(t)


class _Judge:
    """Scores of candidate cells (memoised: the same text is asked about many times)."""

    def __init__(self, g: Grammars, parser: AgencyParser, doc_year: int | None, heading_sim: Callable[[str], float] | None):
        self.g = g
        self.parser = parser
        self.year = doc_year
        self.heading_sim = heading_sim
        self.suffixes = tuple(sorted(g.tables.org_suffixes, key=len, reverse=True))
        self._agency: dict[str, float] = {}
        self._sim: dict[str, float] = {}

    def names_list(self, text: str) -> bool:
        body = text.rstrip("。；; ")
        if len(body) > 400 or _SENTENCE_END.search(body):
            return False  # a list of names is short and holds no sentence
        names = [self.parser._clean(n) for n in split_top_level(text.rstrip("。；; "), "、，,")]
        return bool(names) and all(n and not _SENTENCE_END.search(n) and len(n) <= 30 and n.endswith(self.suffixes) for n in names)

    def agency(self, text: str) -> float:
        if text not in self._agency:
            if len(text) > 600:  # no 责任分工 cell is that long
                self._agency[text] = NEG
                return NEG
            if not self.parser._role_of(text) and not self.parser.rules.standing_rule.compiled.search(text):
                self._agency[text] = 0.5 if self.names_list(text) else NEG  # parse needs a role word at the end
                return self._agency[text]
            ag, standing = self.parser.parse(text)
            if ag is not None and (not ag.is_empty() or standing):
                self._agency[text] = 2.0
            elif self.names_list(text):
                self._agency[text] = 0.5
            else:
                self._agency[text] = NEG
        return self._agency[text]

    def sim(self, text: str) -> float:
        if self.heading_sim is None:
            return 0.0
        if text not in self._sim:
            self._sim[text] = self.heading_sim(text)
        return self._sim[text]


def header_of(raw: str, roles: ColumnRoles) -> list[str] | None:
    """The header words of a flattened task-table header line (序号 … 责任分工), else None."""
    if "\t" in raw:
        return None
    toks = raw.split()
    words = toks if len(toks) >= 2 and all(roles.role(t) for t in toks) else roles.split_words(raw)
    if not words or len(words) < 2:
        return None
    rs = [roles.role(w) for w in words]
    if rs[0] != "seq" or not {"category", "content", "measures"} & set(rs):
        return None
    if not {"agencies", "lead", "support", "deadline"} & set(rs):
        return None
    return words


class _RowSplitter:
    def __init__(self, cols: list[str], judge: _Judge, narrow_max: float):
        self.cols = cols
        self.judge = judge
        self.narrow_max = narrow_max

    def cell_score(self, role: str, atoms: list[Atom], j: int, k: int) -> float:
        cell = atoms[j:k]
        if role == "category":
            if not cell:
                return 0.0
            if any(visual_width(a.text) > self.narrow_max for a in cell):
                return NEG
            text = _join(cell)
            if _SENTENCE_END.search(text):
                return NEG
            sim = self.judge.sim(text)
            matched = sim >= self.judge.g.tables.category_match_min
            if not cell[-1].last and not matched:
                return NEG  # a category cell ends at its line's end, unless it is a whole heading
            # the longest run of narrow lines: a merged cell's text may have blank lines inside it
            return 0.5 + 0.25 * len(cell) + (2.0 * sim if matched else 0.0)
        if role in ("content", "measures"):
            return 0.0 if cell else NEG
        if role == "deadline":
            if not cell:
                return -1.0
            if len(cell) > 2 or len({a.line for a in cell}) > 1:
                return NEG
            return 2.0 if is_deadline_cell("".join(a.text for a in cell), self.judge.g, self.judge.year) else NEG
        if role in ("agencies", "lead", "support"):
            if not cell:
                return -1.0 if role == "agencies" else -0.5
            return self.judge.agency(_join(cell))
        return 0.0 if cell else -0.2  # a column of a role this reader does not know: anything

    def split(self, atoms: list[Atom]) -> list[str] | None:
        n, m = len(atoms), len(self.cols)
        best = [[NEG] * (n + 1) for _ in range(m + 1)]
        back = [[0] * (n + 1) for _ in range(m + 1)]
        best[0][0] = 0.0
        long_roles = ("content", "measures")
        for i, role in enumerate(self.cols):
            # Columns after the last long one hold short cells only: they start near the row's end.
            short_tail = not any(r in long_roles for r in self.cols[i:])
            first_j = max(0, n - (m - i) * _MAX_SHORT_CELL_ATOMS) if short_tail else 0
            for j in range(first_j, n + 1):
                if best[i][j] == NEG:
                    continue
                if i == m - 1:
                    ks = (n,) if role in long_roles or n - j <= _MAX_SHORT_CELL_ATOMS else ()
                elif role in long_roles:
                    ks = range(j, n + 1)
                else:
                    ks = range(j, min(n, j + _MAX_SHORT_CELL_ATOMS) + 1)
                for k in ks:  # the last column ends the row
                    s = self.cell_score(role, atoms, j, k)
                    if s == NEG:
                        continue
                    if k > j and k < n:
                        s += 0.2 * atoms[k].first + 0.2 * atoms[k].blank_before
                    total = best[i][j] + s
                    if total > best[i + 1][k]:
                        best[i + 1][k] = total
                        back[i + 1][k] = j
        if best[m][n] == NEG:
            return None
        cells: list[str] = []
        k = n
        for i in range(m, 0, -1):
            j = back[i][k]
            cells.append(_join(atoms[j:k]))
            k = j
        return cells[::-1]


def _quantity_follows(rest: str, g: Grammars) -> bool:
    rest = rest.lstrip()
    return bool(rest) and (rest[0] in "年月日号%‰．.、" or bool(g.units.regex.match(rest)))


def flat_grids(lines: list[SourceLine], g: Grammars, roles: ColumnRoles, parser: AgencyParser,
               doc_year: int | None, heading_sim: Callable[[str], float] | None = None) -> list[Grid]:
    """Every flattened task table in `lines` (cleaned source lines, raw spacing kept)."""
    out: list[Grid] = []
    i, n = 0, len(lines)
    while i < n:
        words = header_of(lines[i].raw, roles) if lines[i].text else None
        if not words:
            i += 1
            continue
        j = i + 1
        while j < n:
            t = lines[j].text
            if t and (any(p.compiled.match(t) for p in g.tables.table_end) or g.numbering.annex_start.compiled.match(t)):
                break
            j += 1
        grid = _rebuild(lines[i:j], words, g, roles, parser, doc_year, heading_sim)
        if grid is not None:
            out.append(grid)
        i = j
    return out


def _rebuild(block: list[SourceLine], words: list[str], g: Grammars, roles: ColumnRoles, parser: AgencyParser,
             doc_year: int | None, heading_sim: Callable[[str], float] | None) -> Grid | None:
    rs = [roles.role(w) for w in words]
    header = list(words)
    cols = rs[1:]
    if "category" in cols and not {"content", "measures"} & set(cols):
        at = cols.index("category") + 1
        cols.insert(at, "content")
        header.insert(at + 1, "")
    widths = sorted(visual_width(squeeze_spaces(sl.raw)) for sl in block if sl.text)
    wide = widths[int(0.9 * (len(widths) - 1))] if widths else 40.0
    narrow_max = max(4.0, g.tables.narrow_ratio * wide)
    # rows: cut at the seq numbers 1, 2, 3 … at the start of a line
    rows: list[tuple[int, int, list[tuple[str, SourceLine, bool]]]] = []  # (seq, line index, lines)
    expected = 1
    blank = False
    for li, sl in enumerate(block[1:], 1):
        raw = sl.raw.strip()
        if not sl.text or not raw:
            blank = True
            continue
        if header_of(sl.raw, roles):
            blank = True  # a page's repeated header
            continue
        toks = raw.split(None, 1)
        head, rest = toks[0], (toks[1] if len(toks) > 1 else "")
        num = None
        if head.isascii() and head.isdigit() and len(head) <= _MAX_SEQ_DIGITS:  # not ①: isdigit accepts ①
            num = int(head)
        else:
            m = _DIGITS.match(raw)
            if m and not m.group(1).startswith("0"):
                num, rest = int(m.group(1)), raw[m.end():]
        if num is not None and (num == expected or (not rows and 1 <= num <= 3)) and not _quantity_follows(rest, g):
            rows.append((num, li, []))
            expected = num + 1
            if rest.strip():
                rows[-1][2].append((rest.strip(), sl, True))
            blank = False
            continue
        if rows:
            rows[-1][2].append((raw, sl, blank))
        blank = False
    if not rows:
        return None
    judge = _Judge(g, parser, doc_year, heading_sim)
    splitter = _RowSplitter(cols, judge, narrow_max)
    grid_rows: list[list[str | None]] = [header]
    pages: list[int | None] = [block[0].page]
    offsets: list[int] = [block[0].offset]
    warnings: list[tuple[str, str]] = []
    for seq, li, row_lines in rows:
        atoms: list[Atom] = []
        for k, (raw, sl, blank_before) in enumerate(row_lines):
            toks = raw.split()
            for t_i, tok in enumerate(toks):
                atoms.append(Atom(tok, k, t_i == 0, t_i == len(toks) - 1, blank_before and t_i == 0))
        cells = splitter.split(atoms) if atoms else None
        if cells is None:
            warnings.append(("table-row-unsplit", f"row {seq} of a flattened table: cells could not be told apart"))
            cells = ["" for _ in cols]
            if "content" in cols:
                cells[cols.index("content")] = _join(atoms)
        row: list[str | None] = [str(seq)] + [c if c or r != "category" else None for c, r in zip(cells, cols)]
        grid_rows.append(row)
        pages.append(block[li].page)
        offsets.append(block[li].offset)
    return Grid(rows=grid_rows, pages=pages, offsets=offsets, source="flat", header_rows=1,
                end=block[-1].offset, warnings=warnings)


@example_runner
def _deadline_cell_examples(g: Grammars):
    for i, p in enumerate(g.tables.deadline_cell_extra):
        for ex in p.examples:
            yield f"tables.toml deadline_cell_extra[{i}]", ex, lambda s: is_deadline_cell(s, g, EXAMPLE_DOC_YEAR)
