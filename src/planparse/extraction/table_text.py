"""Task tables (and indicator tables, below) whose grid was lost: a table flattened to text, with
neither ruling nor tabs.

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
from ..normalise import NormalText, SourceLine, line_raws, line_texts, squeeze_spaces, visual_width
from ..text import split_top_level
from .agencies import AgencyParser
from .deadlines import find_time_expressions
from .table_grid import ColumnRoles, Grid, header_year, indicator_column_roles, indicator_roles

NEG = -math.inf
_LONG_ROLES = ("content", "measures", "indicator")  # columns of running text, any length
_INDICATOR_CELLS = ("target", "baseline", "actual", "unit", "attribute")  # an indicator table's short columns
_SENTENCE_END = re.compile(r"[。；！？;!?]")
_DIGITS = re.compile(r"^(\d{1,3})(?=[\p{Han}“《（(])")
_CELL_PUNCT = re.compile(r"[。，；,;]")
# A row number has a few digits (a run of thousands is no row, and int() refuses it).
_MAX_SEQ_DIGITS = 4


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
    t = _SPACES.sub("", text)
    if not t or _CELL_PUNCT.search(t) or visual_width(t) > g.tables.deadline_cell_max_width:
        return False
    if any(p.compiled.fullmatch(t) for p in g.tables.deadline_cell_extra):
        return True
    times = find_time_expressions(t, g, doc_year, cell=True)
    return bool(times) and times[0].start == 0 and (times[0].end - times[0].start) * 2 >= len(t)


class _Judge:
    """Scores of candidate cells (memoised: the same text is asked about many times)."""

    def __init__(self, g: Grammars, parser: AgencyParser | None, doc_year: int | None, heading_sim: Callable[[str], float] | None):
        self.g = g
        self.parser = parser
        self.year = doc_year
        self.heading_sim = heading_sim
        self.suffixes = tuple(sorted(g.tables.org_suffixes, key=len, reverse=True))
        self._agency: dict[str, float] = {}
        self._cells: dict[tuple[str, int, str], float] = {}
        self._sim: dict[str, float] = {}
        self._deadline: dict[str, bool] = {}

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

    def deadline(self, text: str) -> bool:
        if text not in self._deadline:
            self._deadline[text] = is_deadline_cell(text, self.g, self.year)
        return self._deadline[text]

    def short_cell(self, text: str) -> bool:
        """A value, an attribute or a blank: what an indicator table's short columns hold."""
        tr = self.g.tables
        t = _SPACES.sub("", text)
        return any(p is not None and p.compiled.match(t) for p in (tr.indicator_value, tr.indicator_attribute, tr.indicator_blank))

    def is_attribute(self, text: str) -> bool:
        p = self.g.tables.indicator_attribute
        return p is not None and bool(p.compiled.match(text))

    def indicator_cell(self, role: str, atoms: list[Atom]) -> float:
        """Score of a cell of an indicator table's short columns (target, baseline, unit, attribute)."""
        if not atoms:
            return -1.0 if role == "attribute" else -0.5
        key = (role, len(atoms), "".join(a.text for a in atoms))
        if key not in self._cells:
            self._cells[key] = self._indicator_cell(role, atoms)
        return self._cells[key]

    def _indicator_cell(self, role: str, atoms: list[Atom]) -> float:
        tr = self.g.tables
        text = _SPACES.sub("", _join(atoms))
        if role == "attribute":
            return 1.5 if len(atoms) <= 2 and tr.indicator_attribute and tr.indicator_attribute.compiled.match(text) else NEG
        if role == "unit":
            if len(atoms) > 2 or visual_width(text) > 12:
                return NEG
            return 1.0 if self.g.units.regex.fullmatch(text) else (0.3 if tr.indicator_blank and tr.indicator_blank.compiled.match(text) else NEG)
        # target / baseline / actual: a number (with its comparator), a blank, or a goal in words
        if len(atoms) <= 3 and tr.indicator_value and tr.indicator_value.compiled.match(text):
            return 1.0
        if len(atoms) <= 2 and tr.indicator_blank and tr.indicator_blank.compiled.match(text):
            return 0.3
        if tr.indicator_text_value and tr.indicator_text_value.compiled.match(text) and not tr.header_unit.compiled.search(text):
            return 0.2
        return NEG

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
    def __init__(self, cols: list[str], judge: _Judge, narrow_max: float, indicator: bool = False):
        self.cols = cols
        self.judge = judge
        self.narrow_max = narrow_max
        self.indicator = indicator  # the columns of an indicator table (指标 / 目标值 / 属性)

    def cell_score(self, role: str, atoms: list[Atom], j: int, k: int) -> float:
        cell = atoms[j:k]
        if role == "category":
            if not cell:
                return 0.0
            if self.indicator:
                # an indicator table's 类别 cell: short words, no value, no sentence
                text = _join(cell)
                return NEG if len(cell) > 4 or _SENTENCE_END.search(text) or self.judge.short_cell(text) else 0.5
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
        if role in _LONG_ROLES:
            if self.indicator and any(a.first and a.last and self.judge.is_attribute(a.text) for a in cell):
                return NEG  # an indicator's name never holds a line of its own saying 预期性
            return 0.0 if cell else NEG
        if role in _INDICATOR_CELLS:
            return self.judge.indicator_cell(role, cell)
        if role == "deadline":
            if not cell:
                return -1.0
            if len(cell) > 2 or len({a.line for a in cell}) > 1:
                return NEG
            return 2.0 if self.judge.deadline("".join(a.text for a in cell)) else NEG
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
        long_roles = _LONG_ROLES
        # Every cell but the content is short (a category, a date, a list of agencies): the search tries
        # at most tables.toml short_cell_max_atoms atoms for one, so a row of thousands of lines stays linear.
        max_short = self.judge.g.tables.short_cell_max_atoms
        for i, role in enumerate(self.cols):
            # Columns after the last long one hold short cells only: they start near the row's end.
            short_tail = not any(r in long_roles for r in self.cols[i:])
            first_j = max(0, n - (m - i) * max_short) if short_tail else 0
            for j in range(first_j, n + 1):
                if best[i][j] == NEG:
                    continue
                if i == m - 1:
                    ks = (n,) if role in long_roles or n - j <= max_short else ()
                elif role in long_roles:
                    ks = range(j, n + 1)
                else:
                    ks = range(j, min(n, j + max_short) + 1)
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


def _row_number(raw: str) -> tuple[int | None, str]:
    """(the row number a stripped line starts with, the rest of the line), or (None, line)."""
    toks = raw.split(None, 1)
    head, rest = toks[0], (toks[1] if len(toks) > 1 else "")
    if head.isascii() and head.isdigit() and len(head) <= _MAX_SEQ_DIGITS:  # not ①: isdigit accepts ①
        return int(head), rest
    m = _DIGITS.match(raw)
    if m and not m.group(1).startswith("0"):
        return int(m.group(1)), raw[m.end():]
    return None, raw


def _quantity_follows(rest: str, g: Grammars) -> bool:
    rest = rest.lstrip()
    return bool(rest) and (rest[0] in "年月日号%‰．.、" or bool(g.units.regex.match(rest)))


def flat_grids(lines: list[SourceLine], g: Grammars, roles: ColumnRoles, parser: AgencyParser,
               doc_year: int | None, heading_sim: Callable[[str], float] | None = None) -> list[Grid]:
    """Every flattened task table in `lines` (cleaned source lines, raw spacing kept)."""
    out: list[Grid] = []
    texts, raws = line_texts(lines), line_raws(lines)
    i, n = 0, len(lines)
    while i < n:
        words = header_of(raws[i], roles) if texts[i] else None
        if not words:
            i += 1
            continue
        j = i + 1
        while j < n:
            t = texts[j]
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
    gap_warnings: list[tuple[str, str]] = []
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
        num, rest = _row_number(raw)
        # A row number lost on the way (deleted as a page number, dropped by the PDF) must not fold
        # every later row into one: the reader resynchronises on the next number and says so.
        resync = num is not None and bool(rows) and expected < num <= expected + g.tables.row_number_gap_max and bool(rest.strip())
        if num is not None and (num == expected or resync or (not rows and 1 <= num <= 3)) \
                and not _quantity_follows(rest, g):
            if resync:
                lost = f"{expected}" if num == expected + 1 else f"{expected}-{num - 1}"
                gap_warnings.append(("table-row-gap", f"flattened table: no row {lost} between rows {expected - 1} and {num}"))
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
    warnings: list[tuple[str, str]] = list(gap_warnings)
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


# ------------------------------------------------------------------------------ indicator tables
#
# A plan's table of indicators flattened to text, one cell a line (or one row a line, cells apart by
# spaces), the header too:
#
#     序号 / 指标 / 2025年目标值 / 属性          ← one word a line, repeated after a page break
#     1 / 数字经济核心产业增加值（亿元） / 5000 / 预期性
#     2 / 5G基站数量 / （万个） / >8 / 预期性      ← an indicator cell wrapped over two lines
#
# Rows are cut at the row numbers and dealt out to the columns by the same row splitter as task
# tables, with the cell shapes of an indicator table (a value, 预期性/约束性, a unit). A row is whole
# when its last column is filled: a number before that is a cell (a target of 3 in row 2 is no row 3),
# and the lines after the last whole row are the prose after the table, not part of it.

# compiled once: `re.sub(pattern, …)` looks the pattern up in regex's cache at each call, and the lines of
# every document and a table's cell search ask thousands of times
_SPACES = re.compile(r"\s+")


def _header_word(text: str, iroles: ColumnRoles, g: Grammars) -> bool:
    t = _SPACES.sub("", text)
    return bool(t) and visual_width(t) <= g.tables.header_word_max_width and not _CELL_PUNCT.search(t) and \
        (iroles.role(t) is not None or header_year(t, g) is not None)


def _indicator_header(words: list[str], iroles: ColumnRoles, g: Grammars) -> list[str | None] | None:
    """The column roles of an indicator table's header words, when they are one: the row number
    first (or after a 类别 column)."""
    if len(words) < 3:
        return None
    rs = indicator_roles(words, iroles, g)
    if rs is None or "seq" not in rs or rs.index("seq") > 1 or (rs.index("seq") == 1 and rs[0] != "category"):
        return None
    return rs


def indicator_header_at(raws: list[str], i: int, iroles: ColumnRoles, g: Grammars) -> tuple[list[str], int] | None:
    """(header words, index of the line after the header) of an indicator table's header starting at
    line i (`raws`: the raw text of each line): one line of words apart by spaces, or one word a line."""
    raw = raws[i].strip()
    if not raw or "\t" in raws[i]:
        return None  # tab-separated or tab-prefixed cells: table_grid reads those
    toks = raw.split()
    if len(toks) >= 3 and all(_header_word(t, iroles, g) for t in toks) and _indicator_header(toks, iroles, g):
        return toks, i + 1
    if len(toks) != 1 or not _header_word(raw, iroles, g):
        return None
    words, j = [], i
    while j < len(raws) and raws[j].strip() and "\t" not in raws[j] and len(raws[j].split()) == 1 \
            and _header_word(raws[j], iroles, g):
        words.append(raws[j].strip())
        j += 1
    return (words, j) if _indicator_header(words, iroles, g) else None


def line_starts(nt: NormalText) -> list[int | None]:
    """Offset in nt.text of each source line (None for a blank line or one not found)."""
    out: list[int | None] = []
    cursor = 0
    for sl in nt.source_lines:
        pos = nt.text.find(sl.text, max(cursor, sl.offset)) if sl.text else -1
        if pos < 0 or (sl.text and pos > sl.offset + len(sl.text) + 4000):
            out.append(None)
            continue
        out.append(pos)
        cursor = pos + len(sl.text)
    return out


@dataclass
class _IndicatorRow:
    seq: int
    first: int  # index of its row-number line
    lines: list[int]  # indices of its lines: leading cells (类别), then the rest


class _IndicatorReader:
    def __init__(self, lines: list[SourceLine], words: list[str], rs: list[str | None], g: Grammars):
        self.lines, self.words, self.g = lines, words, g
        self.seq_at = rs.index("seq")
        self.cols = [r or "unknown" for k, r in enumerate(rs) if k != self.seq_at]
        self.lead = self.seq_at  # columns written before the row number (a merged 类别 cell)
        self.header_keys = {_SPACES.sub("", w) for w in words}
        judge = _Judge(g, None, None, None)  # no agency column here
        self.splitter = _RowSplitter(self.cols, judge, narrow_max=g.tables.header_word_max_width, indicator=True)
        self.max_row_lines = 3 * len(self.cols) + 2

    def split(self, row: _IndicatorRow, n: int | None = None) -> list[str] | None:
        """The row's cells from its first n lines, when they fill it up to its last column."""
        idx = row.lines if n is None else row.lines[:n]
        first_rest = _row_number(self.lines[row.first].raw.strip())[1]
        atoms: list[Atom] = []
        for k, li in enumerate(idx):
            raw = first_rest if li == row.first else self.lines[li].raw.strip()
            toks = raw.split()
            for t_i, tok in enumerate(toks):
                atoms.append(Atom(tok, k, t_i == 0, t_i == len(toks) - 1, False))
        cells = self.splitter.split(atoms) if atoms else None
        return cells if cells and cells[-1] else None

    def whole(self, row: _IndicatorRow) -> int | None:
        """How many of the row's lines make it whole (the most that do), else None."""
        for n in range(len(row.lines), 0, -1):
            if self.split(row, n) is not None:
                return n
        return None

    def is_header_repeat(self, li: int) -> bool:
        raw = self.lines[li].raw.strip()
        return _SPACES.sub("", raw) in self.header_keys or (
            len(raw.split()) > 1 and all(_SPACES.sub("", t) in self.header_keys for t in raw.split()))

    def starts_cell(self, li: int) -> bool:
        """The line reads as a short cell (value, attribute, blank): a number before it is a cell too."""
        return self.splitter.judge.short_cell(self.lines[li].raw.strip())

    def read(self, start: int) -> tuple[list[_IndicatorRow], int]:
        """The rows from line `start` on, and the index of the table's last line + 1."""
        rows: list[_IndicatorRow] = []
        pending: list[int] = []  # lines before a row number: its leading cells
        expected, li, n = 1, start, len(self.lines)
        while li < n:
            sl = self.lines[li]
            raw = sl.raw.strip()
            if not sl.text or not raw:
                li += 1
                continue
            if self.is_header_repeat(li):
                k = li
                while k < n and (not self.lines[k].text or self.is_header_repeat(k)):
                    k += 1
                if rows and k < n and _row_number(self.lines[k].raw.strip())[0] == 1:
                    break  # a header and row 1 again: the next table
                li = k  # the header again, after a page break
                continue
            if any(p.compiled.match(sl.text) for p in self.g.tables.table_end):
                break
            num, rest = _row_number(raw)
            starts = num is not None and not _quantity_follows(rest, self.g) and (
                num == expected or (not rows and 1 <= num <= 3) or (bool(rows) and expected < num <= expected + self.g.tables.row_number_gap_max))
            keep = self.whole(rows[-1]) if starts and rows else None
            if starts and rows and keep is None and not rest.strip():
                nxt = next((k for k in range(li + 1, min(n, li + 4)) if self.lines[k].text), None)
                if nxt is not None and self.starts_cell(nxt):
                    starts = False  # the row above lacks its last cells: this number is one of them
            if starts:
                if rows and keep is not None and keep < len(rows[-1].lines) and self.lead:
                    # the lines after the row above is whole are this row's leading cells (类别)
                    pending = rows[-1].lines[keep:] + pending
                    del rows[-1].lines[keep:]
                rows.append(_IndicatorRow(num, li, list(pending) if self.lead else []))
                rows[-1].lines.append(li)
                pending = []
                expected = num + 1
            elif rows:
                rows[-1].lines.append(li)
                if len(rows[-1].lines) > self.max_row_lines:
                    break
            else:
                pending.append(li)
                if len(pending) > 4 * max(1, self.lead):
                    return [], start
            li += 1
        if not rows:
            return [], start
        keep = self.whole(rows[-1])
        if keep is None:
            rows.pop()
            if not rows:
                return [], start
        else:
            del rows[-1].lines[keep:]
        return rows, rows[-1].lines[-1] + 1

    def grid(self, rows: list[_IndicatorRow], header_line: int, starts: list[int | None], text_len: int) -> Grid:
        grid_rows: list[list[str | None]] = [list(self.words)]
        pages = [self.lines[header_line].page]
        offsets = [self.lines[header_line].offset]
        warnings: list[tuple[str, str]] = []
        category: str | None = None
        for row in rows:
            cells = self.split(row)
            if cells is None:
                warnings.append(("table-row-unsplit", f"row {row.seq} of a flattened indicator table: cells could not be told apart"))
                cells = [""] * len(self.cols)
                cells[self.cols.index("indicator")] = " ".join(self.lines[k].raw.strip() for k in row.lines)
            if "category" in self.cols:
                at = self.cols.index("category")
                category = cells[at] or category  # a merged 类别 cell, written once
                cells[at] = category or ""
            out: list[str | None] = list(cells)
            out.insert(self.seq_at, str(row.seq))
            grid_rows.append(out)
            pages.append(self.lines[row.first].page)
            offsets.append(self.lines[row.first].offset)
        last = rows[-1].lines[-1]
        a, b = starts[header_line], starts[last]
        span = (a, min(text_len, b + len(self.lines[last].text))) if a is not None and b is not None else None
        return Grid(rows=grid_rows, pages=pages, offsets=offsets, source="flat", header_rows=1,
                    end=span[1] if span else self.lines[last].offset, warnings=warnings, span=span)


def indicator_grids(nt: NormalText, g: Grammars) -> list[Grid]:
    """Every indicator table flattened into the text (one cell a line, or one row a line)."""
    if not g.tables.indicator_columns:
        return []
    iroles = indicator_column_roles(g)
    lines = nt.source_lines
    texts, raws = line_texts(lines), line_raws(lines)
    starts: list[int | None] | None = None
    out: list[Grid] = []
    i = 0
    while i < len(lines):
        found = indicator_header_at(raws, i, iroles, g) if texts[i] else None
        if not found:
            i += 1
            continue
        words, body = found
        rs = _indicator_header(words, iroles, g)
        reader = _IndicatorReader(lines, words, rs or [], g)
        rows, end = reader.read(body)
        if not rows:
            i = body
            continue
        if starts is None:
            starts = line_starts(nt)
        out.append(reader.grid(rows, i, starts, len(nt.text)))
        i = end
    return out


@example_runner
def _indicator_examples(g: Grammars):
    tr = g.tables
    iroles = ColumnRoles(g, tr.indicator_columns)
    for i, col in enumerate(tr.indicator_columns):
        for ex in col.examples:
            yield f"tables.toml indicator_columns[{i}]", ex, iroles.role
    for name in ("indicator_value", "indicator_text_value", "indicator_attribute", "indicator_blank"):
        p = getattr(tr, name)
        for ex in (p.examples if p is not None else []):
            yield f"tables.toml {name}", ex, lambda s, p=p: bool(p.compiled.match(s))


@example_runner
def _deadline_cell_examples(g: Grammars):
    for i, p in enumerate(g.tables.deadline_cell_extra):
        for ex in p.examples:
            yield f"tables.toml deadline_cell_extra[{i}]", ex, lambda s: is_deadline_cell(s, g, EXAMPLE_DOC_YEAR)
