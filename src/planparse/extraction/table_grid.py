"""Table grids: where a table's cells come from, and what its header says about its columns.

A `Grid` is a table as read — header rows and data rows together, `None` for a cell covered by a
merge, one page per row. Grids come from three places:

* geometric tables (PDF ruling lines, docx/html table elements): `nt.tables`; a table continued
  over several pages arrives as several RawTables with the header repeated, merged here;
* tab-separated lines (`seq\\tcategory\\tcontent\\tagencies`), header repeated at page chunks;
* one tab-prefixed cell per line (`\\t南京` / `\\t39` …), rows separated by blank lines, a cell
  wrapped onto a line without the tab, and 2-row headers whose first row has fewer cells (spans).

The flattened tables with neither ruling nor tabs are rebuilt in `table_text` (task tables, and
indicator tables: 序号 / 指标 / 目标值 / 属性, whose header vocabulary is `indicator_columns`).
"""
from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field

import regex as re

from ..grammar import Grammars, per_grammar_set
from ..ingest.base import Box
from ..grammar.check import example_runner
from ..normalise import NormalText, SourceLine, clean_line, line_texts, squeeze_spaces, visual_width

_WS = re.compile(r"\s+")
_INT = re.compile(r"^\s*(\d{1,4})\s*[.、．]?\s*$")
_HAN_OR_DIGIT = re.compile(r"[\p{Han}\p{L}\d]")


@dataclass
class Grid:
    rows: list[list[str | None]]  # header rows and data rows, as read
    pages: list[int | None]  # page of each row
    offsets: list[int]  # offset in nt.text of each row (its paragraph; the table's place for geometric)
    source: str  # geometric | tsv | cells | flat
    header_rows: int | None = None  # known number of header rows (None: decide from the cells)
    end: int = 0  # offset in nt.text just after the table
    warnings: list[tuple[str, str]] = field(default_factory=list)
    # [start, end) of the table's own lines in nt.text, where known exactly (a table flattened into
    # the body's text): prose readers leave that stretch alone.
    span: tuple[int, int] | None = None
    # Each row's cell boxes on its page (a ruled PDF table), else None: where a cell's fact stands.
    cells: list[list[Box | None] | None] | None = None

    def cell_box(self, r: int, c: int) -> tuple[int, Box] | None:
        """(page, box) of cell c of row r, where the reader measured it."""
        if self.cells is None or r >= len(self.cells) or self.cells[r] is None or c >= len(self.cells[r]):
            return None
        box, page = self.cells[r][c], self.pages[r]
        return (page, box) if box is not None and page is not None else None

    @property
    def offset(self) -> int:
        return self.offsets[0] if self.offsets else 0

    @property
    def ncols(self) -> int:
        return max((len(r) for r in self.rows), default=0)


def compact(s: str | None) -> str:
    return _WS.sub("", s or "")


def seq_of(cell: str | None) -> int | None:
    m = _INT.match(cell or "")
    return int(m.group(1)) if m else None


def clean_cell(cell: str | None, g: Grammars) -> str | None:
    """A cell's lines cleaned like body lines (width folding, markup) and joined without breaks."""
    if cell is None:
        return None
    parts = [clean_line(p, g, keep_tabs=False) for p in str(cell).replace("\r", "\n").split("\n")]
    out = ""
    for p in parts:
        if not p:
            continue
        glue = " " if out and out[-1].isascii() and out[-1].isalnum() and p[0].isascii() and p[0].isalnum() else ""
        out += glue + p
    return squeeze_spaces(out)


# ----------------------------------------------------------------------------------- column roles


class ColumnRoles:
    """Header words → column role (tables.toml `columns`, or another vocabulary: `indicator_columns`)."""

    def __init__(self, g: Grammars, columns=None):
        self.exact: dict[str, str] = {}
        self.words: list[tuple[str, str]] = []
        for col in (g.tables.columns if columns is None else columns):
            for w in col.words:
                self.exact.setdefault(compact(w), col.role)
                self.words.append((compact(w), col.role))
        self.words.sort(key=lambda x: len(x[0]), reverse=True)
        self._alt = re.compile("|".join(re.escape(w) for w, _ in self.words) or r"(?!)")

    def role(self, name: str | None) -> str | None:
        key = compact(name)
        if not key:
            return None
        if key in self.exact:
            return self.exact[key]
        for w, r in self.words:
            if w in key:
                return r
        return None

    def split_words(self, text: str) -> list[str] | None:
        """`序号重点工作任务完成时限责任分工` → its header words, when header words cover it entirely."""
        key = compact(text)
        out, pos = [], 0
        while pos < len(key):
            m = self._alt.match(key, pos)
            if not m or m.end() == pos:
                return None
            out.append(m.group(0))
            pos = m.end()
        return out or None


@per_grammar_set
def task_column_roles(g: Grammars) -> ColumnRoles:
    """The task tables' column vocabulary (tables.toml `columns`), built once per grammar set."""
    return ColumnRoles(g)


@per_grammar_set
def indicator_column_roles(g: Grammars) -> ColumnRoles:
    """The indicator tables' column vocabulary (tables.toml `indicator_columns`), built once per grammar set."""
    return ColumnRoles(g, g.tables.indicator_columns)


def roles_of_leaves(leaves: list[str], spanned: list[bool], roles: ColumnRoles) -> list[str | None]:
    """Each leaf column's role. A column under the category header's span (or with an empty header
    right after it) is the content column when the table names no content/measures column."""
    out = [roles.role(leaf.split("›")[-1]) or roles.role(leaf) for leaf in leaves]
    if "category" in out and not {"content", "measures"} & set(out):
        ci = out.index("category")
        nxt = ci + 1
        if nxt < len(out) and (out[nxt] is None or (out[nxt] == "category" and (spanned[nxt] or compact(leaves[nxt]) == compact(leaves[ci])))):
            out[nxt] = "content"
    return out


def header_year(leaf: str | None, g: Grammars) -> int | None:
    """The year a header cell names (`2025年目标值` → 2025; the last of a span)."""
    years = [int(m.group("y")) for m in g.tables.title_year.compiled.finditer(leaf or "")]
    return years[-1] if years else None


def indicator_roles(leaves: list[str], roles: ColumnRoles, g: Grammars) -> list[str | None] | None:
    """Each column's role in an indicator table (roles = the `indicator_columns` vocabulary), or None
    when the header is no indicator table's: it needs an indicator column and a column of values. A
    header that is a bare year (`2020年`, `2025年`) is a value column: of several, the earliest is the
    baseline (unless a 基期值 column is named, or it is not before a named target's year), the others targets."""
    out = [roles.role(leaf.split("›")[-1]) or roles.role(leaf) for leaf in leaves]
    years = [header_year(leaf, g) for leaf in leaves]
    bare = [i for i, r in enumerate(out) if r is None and years[i] is not None]
    for i in bare:
        out[i] = "target"
    if "indicator" not in out or not {"target", "baseline"} & set(out):
        return None
    named = [years[i] for i, r in enumerate(out) if r == "target" and i not in bare and years[i]]
    if bare and "baseline" not in out and (len(bare) > 1 or named):
        first = min(bare, key=lambda i: years[i])
        if not named or years[first] < min(named):
            out[first] = "baseline"
    return out


# ------------------------------------------------------------------------------- header expansion


def _bigrams(s: str) -> set[str]:
    s = re.sub(r"项目|指标|情况|[（）()%\s]", "", s)
    return {s[i : i + 2] for i in range(len(s) - 1)}


def _sim(child: str, parent: str) -> int:
    return len(_bigrams(child) & _bigrams(parent))


def _compositions(n: int, k: int):
    """All ways to cut a run of n cells into k non-empty consecutive groups (sizes)."""
    for cuts in itertools.combinations(range(1, n), k - 1):
        bounds = (0,) + cuts + (n,)
        yield [b - a for a, b in zip(bounds, bounds[1:])]


def expand_two_row_header(top: list[str], sub: list[str]) -> list[str] | None:
    """Leaf names of a 2-row header whose first row has fewer cells than the second (text tables):
    an empty cell below stands under a vertically spanned top cell; a run of filled cells below
    shares the top cells between its neighbours, split where the words fit their parent best."""
    items: list[tuple[str, list[str]]] = []  # ("V", [""]) | ("R", cells)
    for cell in sub:
        if not cell:
            items.append(("V", [""]))
        elif items and items[-1][0] == "R":
            items[-1][1].append(cell)
        else:
            items.append(("R", [cell]))
    n_parents = len(top)
    best: tuple[float, list[str]] | None = None

    def walk(i: int, p: int, score: float, leaves: list[str]) -> None:
        nonlocal best
        if i == len(items):
            if p == n_parents and (best is None or score > best[0]):
                best = (score, leaves)
            return
        kind, cells = items[i]
        if kind == "V":
            if p < n_parents:
                walk(i + 1, p + 1, score, leaves + [top[p]])
            return
        remaining_v = sum(1 for k, _ in items[i + 1 :] if k == "V")
        for k in range(1, min(len(cells), n_parents - p - remaining_v) + 1):
            for sizes in _compositions(len(cells), k):
                s, pos, new = 0.0, 0, []
                for j, size in enumerate(sizes):
                    parent = top[p + j]
                    group = cells[pos : pos + size]
                    s += sum(_sim(c, parent) for c in group)
                    new += [parent + c for c in group]
                    pos += size
                even = -0.01 * (max(sizes) - min(sizes))  # ties: the most even split
                walk(i + 1, p + k, score + s + even, leaves + new)

    walk(0, 0, 0.0, [])
    return best[1] if best else None


def header_leaves(header: list[list[str | None]], ncols: int) -> tuple[list[str], list[bool]]:
    """(leaf name of each column, whether the column sits under a span of the top header cell).

    Geometric headers mark a covered cell with None: in the top row it continues the cell on its
    left; below, it continues the cell above when that one covers only this column, else the cell
    on its left. Text headers whose top row is short are expanded by `expand_two_row_header`."""
    if not header:
        return [""] * ncols, [False] * ncols
    rows = [list(r) + [""] * (ncols - len(r)) for r in header]
    if len(header) == 2 and len(header[0]) < ncols and len(header[1]) == ncols and None not in header[0]:
        leaves = expand_two_row_header([c or "" for c in header[0]], [c or "" for c in header[1]])
        if leaves:
            return leaves, [False] * ncols
    owner: list[list[str]] = []
    kinds: list[list[str]] = []  # cell | h (continues the cell on the left) | v (continues the cell above)
    spanned = [False] * ncols
    for r, row in enumerate(rows):
        cur: list[str] = []
        kind: list[str] = []
        for c, cell in enumerate(row):
            if cell is not None:
                cur.append(cell.strip())
                kind.append("cell")
            elif r == 0:
                cur.append(cur[c - 1] if c else "")
                kind.append("h" if c else "v")
                spanned[c] = c > 0
            else:
                up = kinds[r - 1]
                vertical = c == 0 or up[c] == "v" or (up[c] == "cell" and (c + 1 >= ncols or up[c + 1] != "h"))
                cur.append("" if vertical else cur[c - 1])
                kind.append("v" if vertical else "h")
        owner.append(cur)
        kinds.append(kind)
    leaves = []
    for c in range(ncols):
        parts: list[str] = []
        for r in range(len(rows)):
            t = owner[r][c]
            if t and (not parts or parts[-1] != t):
                parts.append(t)
        leaves.append("".join(parts))
    return leaves, spanned


# --------------------------------------------------------------------------- geometric (nt.tables)


def _same_row(a: list[str | None], b: list[str | None]) -> bool:
    return len(a) == len(b) and all(compact(x) == compact(y) for x, y in zip(a, b))


def geometric_grids(nt: NormalText, g: Grammars) -> list[Grid]:
    """nt.tables as grids, a table continued on the next page merged into the one it continues
    (same number of columns, nothing but stray punctuation between them, header repeated or the
    continuation at the top of its page); the repeated header rows are dropped."""
    out: list[Grid] = []
    last_page: int | None = None
    for t, off in zip(nt.tables, nt.table_offsets):
        rows = [[clean_cell(c, g) for c in r] for r in t.rows]
        boxes = t.cell_boxes if t.cell_boxes is not None and len(t.cell_boxes) == len(rows) else [None] * len(rows)
        kept = [(r, b) for r, b in zip(rows, boxes) if any(c for c in r)]
        rows, boxes = [r for r, _ in kept], [b for _, b in kept]
        if not rows:
            continue
        prev = out[-1] if out else None
        if prev is not None and t.page is not None and last_page is not None and t.page == last_page + 1 \
                and len(rows[0]) == prev.ncols and not _HAN_OR_DIGIT.search(nt.text[prev.end : off]):
            k = 0  # a repeated header: the leading rows that repeat the table's first rows
            while k < len(rows) - 1 and k < len(prev.rows) and _same_row(rows[k], prev.rows[k]):
                k += 1
            if k or t.line_index == 0:
                rows = rows[k:]
                prev.cells += boxes[k:]
                prev.rows += rows
                prev.pages += [t.page] * len(rows)
                prev.offsets += [off] * len(rows)
                prev.end = off
                last_page = t.page
                continue
        out.append(Grid(rows=rows, pages=[t.page] * len(rows), offsets=[off] * len(rows), source="geometric", end=off,
                        cells=boxes))
        last_page = t.page
    for grid in out:
        if len(grid.rows) > 1 and _same_row(grid.rows[0], grid.rows[1]):
            for lst in (grid.rows, grid.pages, grid.offsets, grid.cells):
                lst.pop(1)
    return out


# ----------------------------------------------------------------------------- tab-separated rows


def _is_tsv(text: str) -> bool:
    return "\t" in text and not text.startswith("\t") and sum(1 for c in text.split("\t") if c.strip()) >= 2


def _is_cell_line(text: str) -> bool:
    return text.startswith("\t") and text.count("\t") == 1


def _ends_table(text: str, g: Grammars) -> bool:
    return any(p.compiled.match(text) for p in g.tables.table_end)


def tsv_grids(lines: list[SourceLine], g: Grammars) -> list[Grid]:
    """Blocks of tab-separated rows (at least two). A line without tabs between two rows continues
    the last filled cell of the row above; a row equal to the first (header) row is dropped."""
    out: list[Grid] = []
    texts = line_texts(lines)
    i, n = 0, len(lines)
    while i < n:
        if not _is_tsv(texts[i]):
            i += 1
            continue
        rows: list[list[str | None]] = []
        pages: list[int | None] = []
        offs: list[int] = []
        j = i
        while j < n:
            t = texts[j]
            if _is_tsv(t):
                rows.append([squeeze_spaces(c) for c in t.split("\t")])
                pages.append(lines[j].page)
                offs.append(lines[j].offset)
            elif t and rows:
                k = j + 1
                while k < n and not texts[k]:
                    k += 1
                if k < n and _is_tsv(texts[k]) and not _ends_table(t, g):
                    last = rows[-1]
                    idx = max((x for x, c in enumerate(last) if c), default=len(last) - 1)
                    last[idx] = squeeze_spaces((last[idx] or "") + t)
                else:
                    break
            j += 1
        if len(rows) >= 2:
            header = rows[0]
            keep = [0] + [x for x in range(1, len(rows)) if not _same_row(rows[x], header)]
            ncols = max(len(r) for r in rows)
            rows = [rows[x] + [""] * (ncols - len(rows[x])) for x in keep]
            out.append(Grid(rows=rows, pages=[pages[x] for x in keep], offsets=[offs[x] for x in keep], source="tsv",
                            header_rows=None, end=lines[j - 1].offset if j > i else lines[i].offset))
        i = max(j, i + 1)
    return out


# ------------------------------------------------------------------------------ one cell per line


def cell_grids(lines: list[SourceLine], g: Grammars) -> list[Grid]:
    """Blocks of `\\tcell` lines. Cells of a row follow each other; a blank line ends the row. A line
    without the tab continues the cell above (a wrapped header cell). When a header row was broken
    by longer blank gaps than the rows are, its pieces are put back together (their cells adding
    up to no more than a full row)."""
    out: list[Grid] = []
    texts = line_texts(lines)
    i, n = 0, len(lines)
    while i < n:
        if not _is_cell_line(texts[i]):
            i += 1
            continue
        groups: list[list[str]] = []
        gaps: list[int] = []  # blank lines before each group
        meta: list[tuple[int | None, int]] = []
        blank = 0
        j = i
        while j < n:
            t = texts[j]
            if _is_cell_line(t):
                if blank or not groups:
                    groups.append([])
                    gaps.append(blank)
                    meta.append((lines[j].page, lines[j].offset))
                groups[-1].append(squeeze_spaces(t[1:]))
                blank = 0
            elif not t:
                blank += 1
            else:
                k = j + 1
                while k < n and not texts[k]:
                    k += 1
                wrapped = (k < n and _is_cell_line(texts[k]) and visual_width(t) <= 20 and groups
                           and not _ends_table(t, g) and "\t" not in t)
                if not wrapped:
                    break
                groups[-1][-1] = squeeze_spaces(groups[-1][-1] + t)
                blank = 0  # the gap before a wrapped line is inside the cell
            j += 1
        i = max(j, i + 1)
        sizes = Counter(len(x) for x in groups)
        if len(groups) < 2:
            continue
        ncols = max(sizes.items(), key=lambda kv: (kv[1], kv[0]))[0]
        if ncols < 2:
            continue
        row_gap = Counter(gaps[1:]).most_common(1)[0][0] if len(gaps) > 1 else 1
        merged: list[list[str]] = []
        mmeta: list[tuple[int | None, int]] = []
        for grp, gap, m in zip(groups, gaps, meta):
            if merged and gap > row_gap and len(merged[-1]) < ncols and len(merged[-1]) + len(grp) <= ncols:
                merged[-1] = merged[-1] + grp
                continue
            merged.append(list(grp))
            mmeta.append(m)
        if sum(1 for r in merged if len(r) >= 2) < 2:
            continue
        out.append(Grid(rows=[list(r) for r in merged], pages=[m[0] for m in mmeta], offsets=[m[1] for m in mmeta],
                        source="cells", end=lines[j - 1].offset if j > 0 else 0))
    return out


def split_header(grid: Grid, roles: ColumnRoles, g: Grammars) -> int:
    """How many of the grid's first rows are header rows.

    A task table's header is the row of header words (plus a second row of header words, e.g.
    牵头单位 / 配合单位 under 责任分工). Otherwise the header rows are those before the first row
    with a number in a cell past the first column; one row when no row has one."""
    if grid.header_rows is not None:
        return grid.header_rows
    rows = grid.rows
    if not rows:
        return 0
    first_roles = [roles.role(c) for c in rows[0] if c]
    # A task table's header names its task columns; 序号 and a place column alone (序号 | 县（市）区 | 目标)
    # head a table of values, whose header runs to the first row of numbers.
    if "seq" in first_roles and any(r not in (None, "seq", "label") for r in first_roles):
        k = 1
        while k < len(rows) and seq_of(rows[k][0] if rows[k] else None) is None and rows[k] and \
                all(roles.role(c) for c in rows[k] if c) and any(c for c in rows[k]):
            k += 1
        return k
    num = g.tables.number_cell.compiled
    value = g.tables.indicator_value.compiled if g.tables.indicator_value is not None else None
    for k, r in enumerate(rows[:6]):
        # a value with its comparator (≤35, ≥85) is data too, not a second header row
        if k and any(num.match(c or "") or (value is not None and c and value.match(re.sub(r"\s+", "", c))) for c in r[1:]):
            return k
    return 1


@example_runner
def _column_examples(g: Grammars):
    roles = ColumnRoles(g)
    for i, col in enumerate(g.tables.columns):
        for ex in col.examples:
            yield f"tables.toml columns[{i}]", ex, roles.role
