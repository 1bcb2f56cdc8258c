"""Tables: task-decomposition tables → `tasks`; every other table → `tables` (and its targets).

Grids come from geometric tables, tab-separated text, one-cell-per-line text (table_grid) and
flattened PDF text (table_text). For each grid the header says what each column is (tables.toml
`columns`, by header words, never by position). A grid with a task column (重点工作任务 / 工作措施)
and a column of agencies or a 完成时限 is a task table: each row becomes a Task — category carried
down over merged cells, 完成时限 read as a deadline, 责任分工 parsed by the document's AgencyParser
(row order: prefix inheritance and standing rules carry over), targets read from the content, and
the body clause the row implements (its category against the clause headings, else its text
against the clause texts). An indicator table (a header with a 指标 column and a column of values:
目标值, 基期值, bare years) gives one Target per row and target column (`indicator_targets`). Any
other grid becomes a Table; a table of targets (目标 in its title or header) gives one Target per
numeric cell.
"""
from __future__ import annotations

import bisect
import difflib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

import regex as re

from ..grammar import Grammars
from ..models import Deadline, Measure, Table, Target, Task, Warning
from ..normalise import NormalText, Paragraphs, line_offsets, line_texts, visual_width
from ..segment import AnnexDraft, Segmentation
from ..text import SpanSet
from .agencies import AgencyParser
from .deadlines import deadlines_in, find_time_expressions
from .measures import measures_in
from .table_grid import (
    ColumnRoles,
    Grid,
    cell_grids,
    geometric_grids,
    header_leaves,
    header_year,
    indicator_column_roles,
    indicator_roles,
    roles_of_leaves,
    seq_of,
    split_header,
    task_column_roles,
    tsv_grids,
)
from .table_text import flat_grids
from .targets import targets_in

_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)
_TASK_COLUMNS = {"category", "content", "measures"}
_DUTY_COLUMNS = {"agencies", "lead", "support", "deadline"}
_CONTINUED = ("。", "，", "、", "；", "：", ",", ";")  # a lone cell ending like this continues the row above


@dataclass
class TableResult:
    tasks: list[Task] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)  # policy instruments of task rows (task_seq)


def _key(s: str | None) -> str:
    return _PUNCT.sub("", unicodedata.normalize("NFKC", s or ""))


# ------------------------------------------------------------------------------- body clauses


class ClauseMatcher:
    """The body clause a task row implements: its category against the clause headings (or, for a
    clause without a heading, the start of its text), fuzzily; else its content against the texts."""

    def __init__(self, nt: NormalText, seg: Segmentation, g: Grammars):
        self.g = g
        self.marker = g.tables.category_marker.compiled
        self.items: list[tuple[str, int, str]] = []  # (id, level, heading key)
        self._nt, self._clauses = nt, seg.clauses
        self._texts: dict[str, str] | None = None
        first_line: dict[int, str] = {}
        for text, at in zip(line_texts(nt.source_lines), line_offsets(nt.source_lines)):
            if text and at not in first_line:
                first_line[at] = text
        for c in seg.clauses:
            head = c.heading
            if not head:
                # no heading sentence: the clause's own first line (`十、严格落实各方责任，…` on a line of its own)
                line = first_line.get(c.start, "")
                head = line[len(c.marker_raw):] if line.startswith(c.marker_raw) else None
            self.items.append((c.id, c.level, _key(head)))
        self._grams: dict[str, set[str]] = {}
        self._cache: dict[str, tuple[str | None, float]] = {}
        self._matchers: list[tuple[str, int, difflib.SequenceMatcher]] | None = None

    @property
    def texts(self) -> dict[str, str]:
        """Each clause's text as matched: keyed when a task row is first looked for by its content (a
        document without task tables never is; keying every clause's text cost it more than its tables,
        and held a second copy of the whole text)."""
        if self._texts is None:
            self._texts = {c.id: _key(self._nt.text[c.body_start : c.end]) for c in self._clauses}
        return self._texts

    def by_heading(self, text: str | None) -> tuple[str | None, float]:
        key = _key(self.marker.sub("", text or ""))
        if not key:
            return None, 0.0
        if key in self._cache:
            return self._cache[key]
        # one matcher a heading, made once: it keeps what it learnt of the heading (SequenceMatcher's
        # second sequence) from text to text; its ratio's upper bounds skip a heading that cannot win
        if self._matchers is None:
            self._matchers = [(cid, level, difflib.SequenceMatcher(None, "", head, autojunk=False))
                              for cid, level, head in self.items if head]
        best: tuple[str | None, float, int] = (None, 0.0, 0)
        for cid, level, matcher in self._matchers:
            matcher.set_seq1(key)
            if matcher.real_quick_ratio() < best[1] or matcher.quick_ratio() < best[1]:
                continue  # r <= these bounds < best: neither better nor a tie
            r = matcher.ratio()
            if r > best[1] or (r == best[1] and r > 0 and level > best[2]):
                best = (cid, r, level)
        self._cache[key] = (best[0], best[1])
        return best[0], best[1]

    def sim(self, text: str) -> float:
        return self.by_heading(text)[1]

    def by_content(self, text: str) -> str | None:
        key = _key(text)
        grams = {key[i : i + 4] for i in range(len(key) - 3)}
        if not grams:
            return None
        best, share = None, 0.0
        for cid, body in self.texts.items():
            g4 = self._grams.get(cid)
            if g4 is None:
                g4 = self._grams[cid] = {body[i : i + 4] for i in range(len(body) - 3)}
            s = len(grams & g4) / len(grams)
            if s > share:
                best, share = cid, s
        return best if share >= self.g.tables.content_match_min else None

    def clause_of(self, category: str | None, content: str) -> str | None:
        cid, r = self.by_heading(category)
        if cid and r >= self.g.tables.category_match_min:
            return cid
        return self.by_content(content)


# ------------------------------------------------------------------------------------- placing


def _annex_at(seg: Segmentation, offset: int) -> AnnexDraft | None:
    for a in seg.annexes:
        if a.start < offset <= a.end + 1 or a.start == offset:
            return a
    return None


def _title_for(nt: NormalText, paragraphs: Paragraphs, grid: Grid, g: Grammars, annex: AnnexDraft | None) -> str | None:
    """The table's title: the nearest title line above it (…表), else its annex's title.
    `paragraphs`: nt.paragraphs, computed once for all tables."""
    floor = annex.start if annex else max(0, grid.offset - 400)
    lo = bisect.bisect_left(paragraphs, (floor, ""))
    hi = bisect.bisect_left(paragraphs, (grid.offset, ""))
    paras = paragraphs[max(lo, hi - 4):hi]
    if grid.span and grid.span[0] > grid.offset:
        # a table flattened into the text: its title line may have been joined to the paragraph it starts
        paras.append((grid.offset, nt.text[grid.offset : grid.span[0]]))
    title_re = g.tables.title_line.compiled
    for o, p in reversed(paras[-4:]):
        p = p.strip()
        if not p or "\t" in p or not re.search(r"\p{Han}", p) or g.numbering.annex_start.compiled.match(p):
            continue
        if title_re.search(p) and visual_width(p) <= 60:
            return p
    return annex.title if annex else None


# --------------------------------------------------------------------------------------- cells


CellAt = Callable[[int, int], "tuple[int, tuple[float, float, float, float]] | None"]  # (row, column) -> (page, box)


def _in_cells(fact, cells: list) -> None:
    """A fact read from table cells, not from the text (no span), stands in those cells' boxes."""
    cells = [c for c in cells if c is not None]
    if fact is None or fact.span is not None or not cells:
        return
    fact.page = cells[0][0]
    fact.bbox = [tuple(round(v, 1) for v in box) for _, box in cells]
    fact.bbox_pages = [page for page, _ in cells]


def _row_boxes(cells: list) -> list:
    """One (page, box) per table row from its cells' (page, box): the row from its first to its last cell."""
    out = []
    for row in cells:
        found = [c for c in row if c is not None]
        if found:
            page = found[0][0]
            boxes = [b for p, b in found if p == page]
            out.append((page, (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))))
    return out


# --------------------------------------------------------------------------------------- tasks


def _deadline_of(cell: str, g: Grammars, year: int | None, seq: int, offset: int | None) -> Deadline | None:
    period = g.tables.period_cell.compiled.match(re.sub(r"\s+", "", cell))
    if period:
        return Deadline(text=cell, kind="period", date=f"{period.group('b')}-12-31", start=f"{period.group('a')}-01-01",
                        span=(offset, offset + len(cell)) if offset is not None else None, task_seq=seq)
    found = deadlines_in(cell, g, year, offset or 0, task_seq=seq, cell=True)
    if not found:
        return None
    d = found[0]
    if offset is None:
        d.span = None
    return d


class _TaskBuilder:
    def __init__(self, nt: NormalText, g: Grammars, year: int | None, parser: AgencyParser, matcher: ClauseMatcher):
        self.nt, self.g, self.year, self.parser, self.matcher = nt, g, year, parser, matcher

    def _find(self, text: str, near: int) -> int | None:
        """Offset of a cell's text in nt.text (tab-separated and geometric-from-text tables), else None."""
        if not text:
            return None
        pos = self.nt.text.find(text, max(0, near - 2))
        return pos if pos >= 0 and pos - near < 20000 else None

    def agencies(self, rec: dict, seq: int):
        text = rec.get("agencies") or ""
        lead, support = rec.get("lead") or "", rec.get("support") or ""
        if lead or support:
            parts = [text] if text else []
            for cell, word in ((lead, self.parser.role_word("lead")), (support, self.parser.role_word("support"))):
                if cell:
                    parts.append(cell if self.parser._role_of(cell) else cell.rstrip("。；; ") + word)
            text = "，".join(parts)
        if not text:
            return None
        ag = self.parser.entry(text, task_seq=seq)
        if ag is None:
            # a 责任单位 cell of bare names: read it as if it ended with the plain `responsible` word
            ag = self.parser.entry(text.rstrip("。；; ") + self.parser.role_word("responsible"), task_seq=seq)
            if ag is not None:
                ag.text = text
        if ag is not None:
            pos = self._find(text, rec["offset"])
            ag.span = (pos, pos + len(text)) if pos is not None else None
        return ag

    def task(self, rec: dict, title: str | None, cell_at: CellAt | None = None) -> tuple[Task, list[Warning], list[Measure]]:
        seq = rec["seq"]
        warnings: list[Warning] = []
        content = rec.get("content") or rec.get("measures") or ""
        measures = rec.get("measures") or None
        deadline_text = rec.get("deadline") or None
        deadline = None
        if deadline_text:
            deadline = _deadline_of(deadline_text, self.g, self.year, seq, self._find(deadline_text, rec["offset"]))
            if deadline is None:
                warnings.append(Warning(code="task-deadline-unread", message=f"task {seq}: 完成时限 {deadline_text!r} is no time limit I know", page=rec["page"]))
        ag = self.agencies(rec, seq)
        if ag is None and (rec.get("agencies") or rec.get("lead") or rec.get("support")):
            warnings.append(Warning(code="task-agencies-unread", message=f"task {seq}: no role word in {(rec.get('agencies') or rec.get('lead') or '')!r}", page=rec["page"]))
        off = self._find(content, rec["offset"])
        instruments = measures_in(content, self.g, off or 0, task_seq=seq)
        claimed = SpanSet(m.span for m in instruments)
        targets = targets_in(content, self.g, self.year, off or 0, task_seq=seq, claimed=claimed)
        if off is None:
            for t in [*targets, *instruments]:
                t.span = None
        task = Task(
            seq=seq, category=rec.get("category"), content=content, measures=measures, deadline=deadline,
            deadline_text=deadline_text, agencies=ag, clause_id=self.matcher.clause_of(rec.get("category"), content),
            targets=targets, page=rec["page"], table_title=title,
        )
        if cell_at is not None:
            cols, rows = rec["columns"], rec["rows"]

            def cells(*roles: str) -> list:
                return [cell_at(r, cols[role]) for r in rows for role in roles if role in cols]

            _in_cells(deadline, cells("deadline"))
            _in_cells(ag, cells("agencies", "lead", "support"))
            for fact in [*targets, *instruments]:
                _in_cells(fact, cells("content") if rec.get("content") else cells("measures"))
            row_boxes = _row_boxes([[cell_at(r, c) for c in sorted(set(cols.values()))] for r in rows])
            if row_boxes:
                task.bbox, task.bbox_pages = [tuple(round(v, 1) for v in b) for _, b in row_boxes], [p for p, _ in row_boxes]
        return task, warnings, instruments


def _task_records(grid: Grid, data_start: int, col_roles: list[str | None]) -> list[dict]:
    """Rows → {role: cell} records: category carried down, a row without a number that only fills
    its first cell is a group heading (the category when the table has no category column), any
    other row without a number continues the row above (a row broken over a page)."""
    idx: dict[str, int] = {}
    for i, r in enumerate(col_roles):
        if r and r not in idx:
            idx[r] = i
    records: list[dict] = []
    category: str | None = None
    group: str | None = None
    for r in range(data_start, len(grid.rows)):
        row = grid.rows[r]
        filled = [(i, c) for i, c in enumerate(row) if c]
        if not filled:
            continue
        seq = seq_of(row[idx["seq"]]) if "seq" in idx and idx["seq"] < len(row) else None
        if seq is None:
            lone = len({c for _, c in filled}) == 1 and filled[0][0] == 0 and len(row) >= 3
            merged_across = all(c is None for c in row[1:])
            if lone and (merged_across or not filled[0][1].endswith(_CONTINUED)):
                group = filled[0][1]  # a row across the table: a group heading
                if "category" not in idx:
                    category = group
                continue
            if "seq" in idx:
                continues = bool(records)  # numbered rows: a row without a number goes on from the one above
            else:
                above = (grid.rows[r - 1][0] or "") if r > data_start else ""
                continues = bool(records) and lone and above.endswith(_CONTINUED[1:])
            if continues:
                prev = records[-1]
                for role, i in idx.items():
                    if role == "seq" or i >= len(row) or not row[i]:
                        continue
                    if role == "category":
                        if not prev.get("category_own"):
                            prev["category"] = row[i]  # the merged cell's text fell on the continuation
                        elif row[i] != prev["category"]:
                            prev["category"] = prev["category"] + row[i]  # a cell broken over the page
                        prev["category_own"] = True
                        category = prev["category"]
                        continue
                    prev[role] = (prev.get(role) or "") + row[i]
                prev["rows"].append(r - data_start)
                continue
            if "seq" in idx:
                continue
            seq = len(records) + 1
        # rows: the record's rows among the data rows; columns: the column of each role
        rec: dict = {"seq": seq, "page": grid.pages[r], "offset": grid.offsets[r], "rows": [r - data_start], "columns": idx}
        for role, i in idx.items():
            if role != "seq":
                rec[role] = row[i] if i < len(row) else None
        own = rec.get("category")
        if own:
            category = own
        rec["category_own"] = bool(own)
        rec["category"] = category if "category" in idx else group
        records.append(rec)
    return records


# -------------------------------------------------------------------------------------- targets


def _direction_of(metric: str | None, g: Grammars) -> str | None:
    """A metric that names a change (`氮氧化物减排比例`, `能耗降低`) gives its values a direction."""
    for wc in g.targets.direction:
        if metric and any(w in metric for w in wc.words):
            return wc.value
    return None


def _place_column(table: Table, col_roles: list[str | None], g: Grammars) -> int:
    """The column naming each row's place: the label column by its header, else the first column that is
    neither the row number (序号) nor mostly numbers, since a row number standing first is no scope."""
    if "label" in col_roles:
        return col_roles.index("label")
    num = g.tables.number_cell.compiled
    for c in range(len(table.header)):
        if c < len(col_roles) and col_roles[c] == "seq":
            continue
        cells = [(r[c] or "").strip() for r in table.rows if c < len(r) and (r[c] or "").strip()]
        if cells and sum(bool(num.match(x)) for x in cells) * 2 < len(cells):
            return c
    return 0


def _row_place(row: list[str], place_col: int, g: Grammars) -> str | None:
    """The row's place: its place cell, else (a 全市 row merged over the row-number column) its first
    cell that is not a number; `其中：高新区` → 高新区, the sub-row word being no part of the place."""
    num = g.tables.number_cell.compiled
    cells = [(c or "").strip() for c in row]
    own = cells[place_col] if place_col < len(cells) else ""
    if not own or num.match(own):
        own = next((c for c in cells if c and not num.match(c)), "")
    prefix = g.tables.subrow_prefix
    if prefix is not None:
        own = prefix.compiled.sub("", own, count=1).strip()
    return own or None


def _table_targets(table: Table, table_index: int, col_roles: list[str | None], g: Grammars, *,
                   clause_id: str | None = None, default_year: int | None = None, cell_at: CellAt | None = None) -> list[Target]:
    """One target per filled value cell of a table of targets: scope = the row's place, metric and unit
    from the column's header (or the title, under a bare year column), target year from the header,
    else the title, else `default_year`; the comparator written in the cell (`≥50`). Qualitative cells
    (持续改善) and the row number give none. `clause_id`: the body clause holding the table (an annex
    table's targets have none)."""
    tr = g.tables
    title_year = _title_year(table.title, g)
    title_metric, title_unit = _metric_unit(tr.title_year.compiled.sub("", table.title or ""), g)
    label_col = _place_column(table, col_roles, g)
    columns = []
    for c, leaf in enumerate(table.header):
        unit_m = tr.header_unit.compiled.search(leaf)
        written = unit_m.group("unit").strip() if unit_m else None
        year = header_year(leaf, g)
        metric = re.sub(r"\s+", "", tr.header_unit.compiled.sub("", leaf)) or None
        if metric and year is not None and not re.sub(r"\s+", "", tr.title_year.compiled.sub("", metric)):
            metric, written = title_metric or None, written or title_unit  # a bare `2025年` column
        unit = None
        if written:
            u = g.units.lookup(written)
            unit = u.unit if u else written
        columns.append((metric, unit, year or title_year or default_year, _direction_of(metric, g)))
    value_cols = [c for c in range(label_col + 1, len(columns)) if not (c < len(col_roles) and col_roles[c] == "seq")]
    # Rows of metrics (`PM2.5浓度（μg/m3）`) under columns of places (指标 | 济南 | 青岛): the other way round.
    by_column_place = len(value_cols) >= 2 and all(columns[c][1] is None and header_year(table.header[c], g) is None
                                                    for c in value_cols) \
        and 2 * sum(1 for r in table.rows if label_col < len(r) and _metric_unit(r[label_col] or "", g)[1]) >= len(table.rows)
    out = []
    for r, row in enumerate(table.rows):
        scope = _row_place(row, label_col, g)
        row_metric, row_unit = _metric_unit(row[label_col] or "", g) if by_column_place and label_col < len(row) else ("", None)
        for c, cell in enumerate(row):
            # the row number and the place stand before the values
            if c not in value_cols:
                continue
            cell = (cell or "").strip()
            if not cell or tr.qualitative_cell.compiled.match(cell):
                continue
            parsed = _value_of(cell, g)
            if parsed is None:
                continue
            value, value_max, comparator, percent = parsed
            metric, unit, year, direction = columns[c]
            if by_column_place:
                scope = _row_place([table.header[c]], 0, g)
                metric, direction = row_metric or None, _direction_of(row_metric, g)
                unit = g.units.describe(row_unit)[0] if row_unit else None
            out.append(Target(metric=metric, scope=scope, value=value, value_max=value_max, unit="%" if percent else unit,
                              comparator=comparator, direction=direction, target_year=year, text=cell,
                              clause_id=clause_id, table_index=table_index))
            if cell_at is not None:
                _in_cells(out[-1], [cell_at(r, c)])
    return out


def _title_year(title: str | None, g: Grammars) -> int | None:
    years = [int(m.group("y")) for m in g.tables.title_year.compiled.finditer(title or "")]
    return years[-1] if years else None


def _clause_at(seg: Segmentation, offset: int):
    """The clause whose own text holds `offset`; None after the body (an annex's table)."""
    found = None
    for c in seg.clauses:
        if c.start > offset:
            break
        if offset <= c.end:
            found = c
    return found


def _section_of(seg: Segmentation, clause, heading):
    """The clause or the nearest enclosing one whose heading matches `heading`, else None."""
    by_id = {c.id: c for c in seg.clauses}
    while clause is not None and not (clause.heading and heading.search(clause.heading)):
        clause = by_id.get(clause.parent_id)
    return clause


def _goal_year(nt: NormalText, seg: Segmentation, g: Grammars, clause, offset: int, doc_year: int | None) -> int | None:
    """The year a goal section (主要目标 …, conventions: goal-section year) gives a table standing in
    it: the last time expression of the section before the table; None outside a goal section."""
    clause = _section_of(seg, clause, g.targets.goal_section.compiled)
    if clause is None:
        return None
    times = find_time_expressions(nt.text[clause.body_start:offset], g, doc_year)
    years = [t.year for t in times if t.sets_target_year and t.year is not None]
    return years[-1] if years else None


def _comparator_of(written: str | None, words, default: str | None) -> str | None:
    """The comparator a written word means (targets.toml word classes): the word itself, else the
    longest word it starts with (`小于等于` → 小于, `>=` → >)."""
    if not written:
        return default
    best: tuple[int, str] | None = None
    for wc in words:
        for w in wc.words:
            if written == w:
                return wc.value
            if written.startswith(w) and (best is None or len(w) > best[0]):
                best = (len(w), wc.value)
    return best[1] if best else default


def _value_of(cell: str, g: Grammars):
    """(value, value_max, comparator, percent) of an indicator table's value cell, else None (a goal in
    words, a blank)."""
    vp = g.tables.indicator_value
    m = vp.compiled.match(re.sub(r"\s+", "", cell)) if vp is not None else None
    if not m:
        return None
    v1 = float(m.group("v1").replace("－", "-").replace("−", "-"))
    v2 = float(m.group("v2")) if m.group("v2") else None
    if v2 is not None and v2 <= v1:
        return None
    tr = g.targets
    cmp = _comparator_of(m.group("before"), tr.comparator_before, None)
    cmp = _comparator_of(m.group("after"), tr.comparator_after, cmp) or "="
    return v1, v2, (None if v2 is not None else cmp), bool(m.group("pct") or m.group("pct2"))


def _metric_unit(indicator: str, g: Grammars) -> tuple[str, str | None]:
    """`数字经济核心产业增加值（亿元）` → (数字经济核心产业增加值, 亿元): the last bracket that is a unit."""
    text = re.sub(r"\s+", "", indicator)
    for m in reversed(list(g.tables.header_unit.compiled.finditer(text))):
        written = m.group("unit").strip()
        if g.units.regex.fullmatch(written) or written in ("%", "‰"):
            return (text[: m.start()] + text[m.end():]).strip(), written
    return text, None


def indicator_targets(table: Table, table_index: int, roles: list[str | None], g: Grammars, *,
                      default_year: int | None, clause_id: str | None, cell_at: CellAt | None = None) -> list[Target]:
    """One target per value in a target column of an indicator table's row: metric and unit from the
    指标 cell (`…（亿元）`) or the 单位 column, value and comparator from the cell (`≥45`, `<1%`, `3—5`),
    target year from the column header (`2025年目标值`) or else `default_year`, baseline value and year
    from a 基期值 / earlier-year column. A goal in words (`完成省定目标`) or a blank gives none."""
    col = {r: roles.index(r) for r in set(roles) if r}
    years = [header_year(h, g) for h in table.header]
    base_col = col.get("baseline")
    out = []
    for r, row in enumerate(table.rows):
        cell_of = lambda i: (row[i] if i is not None and i < len(row) else "") or ""  # noqa: E731
        metric, unit_written = _metric_unit(cell_of(col["indicator"]), g)
        if not metric:
            continue
        own_unit = cell_of(col.get("unit")).strip()
        if own_unit and g.units.regex.fullmatch(own_unit):
            unit_written = own_unit
        direction = _direction_of(metric, g)
        base = _value_of(cell_of(base_col), g) if base_col is not None else None
        for c, role in enumerate(roles):
            if role != "target":
                continue
            cell = cell_of(c).strip()
            parsed = _value_of(cell, g) if cell else None
            if parsed is None:
                continue
            value, value_max, comparator, percent = parsed
            written = unit_written or ("%" if percent else None)
            unit = g.units.describe(written)[0] if written else ""
            out.append(Target(
                metric=metric, value=value, value_max=value_max, unit=unit, comparator=comparator, direction=direction,
                baseline_year=years[base_col] if base is not None and base_col is not None else None,
                baseline_value=base[0] if base is not None else None,
                target_year=years[c] or default_year, text=f"{cell_of(col['indicator'])} {cell}",
                clause_id=clause_id, table_index=table_index,
            ))
            if cell_at is not None:  # the text is the indicator cell and the value cell: both boxes
                _in_cells(out[-1], [cell_at(r, col["indicator"]), cell_at(r, c)])
    return out


# --------------------------------------------------------------------------------------- entry


def _grids(nt: NormalText, g: Grammars, roles: ColumnRoles, parser: AgencyParser, year: int | None,
           matcher: ClauseMatcher, indicator: list[Grid]) -> list[Grid]:
    grids = geometric_grids(nt, g)
    lines = nt.source_lines
    grids += tsv_grids(lines, g)
    grids += cell_grids(lines, g)
    grids += flat_grids(lines, g, roles, parser, year, heading_sim=matcher.sim)
    grids += indicator
    grids.sort(key=lambda x: x.offset)
    return grids


def extract_tables(nt, seg, g, meta, parser, indicator: list[Grid] | None = None) -> TableResult:
    """`indicator`: the indicator tables flattened into the text (table_text.indicator_grids), read
    before the prose so that the prose readers could leave their lines alone."""
    res = TableResult()
    roles, iroles = task_column_roles(g), indicator_column_roles(g)
    matcher = ClauseMatcher(nt, seg, g)
    year = meta.doc_year
    builder = _TaskBuilder(nt, g, year, parser, matcher)
    task_title = g.tables.task_title.compiled
    target_table = g.tables.target_table.compiled
    paragraphs = nt.paragraphs
    for grid in _grids(nt, g, roles, parser, year, matcher, indicator or []):
        res.warnings += [Warning(code=c, message=m) for c, m in grid.warnings]
        n_head = split_header(grid, roles, g)
        ncols = grid.ncols
        data = [r for r in grid.rows[n_head:]]
        if ncols < 2 or not data:
            continue
        leaves, spanned = header_leaves(grid.rows[:n_head], ncols)

        def cell_at(r: int, c: int, grid: Grid = grid, n_head: int = n_head):
            return grid.cell_box(n_head + r, c)

        col_roles = roles_of_leaves(leaves, spanned, roles)
        annex = _annex_at(seg, grid.offset)
        title = _title_for(nt, paragraphs, grid, g, annex)
        present = set(col_roles)
        ind_roles = indicator_roles(leaves, iroles, g) if not present & _DUTY_COLUMNS else None
        if ind_roles is not None:
            rows = [[c or "" for c in r] + [""] * (ncols - len(r)) for r in data]
            table = Table(title=title, header=leaves, rows=rows, page=grid.pages[n_head] if len(grid.pages) > n_head else None,
                          annex=annex.label if annex else None, kind="targets")
            res.tables.append(table)
            # a geometric table's offset is where the text resumes after it: it stands in the clause before
            at = grid.span[0] if grid.span else (max(0, grid.offset - 1) if grid.source == "geometric" else grid.offset)
            clause = _clause_at(seg, at)
            if _section_of(seg, clause, g.targets.review_section.compiled) is None:  # 发展基础: what was done
                res.targets += [t for t in indicator_targets(
                    table, len(res.tables) - 1, ind_roles, g, clause_id=clause.id if clause else None,
                    default_year=_title_year(title, g) or _goal_year(nt, seg, g, clause, at, year), cell_at=cell_at,
                ) if not (t.target_year and year and t.target_year < year)]  # a 2020年目标 column in a plan of 2022: the past
            continue
        is_task = bool(present & _TASK_COLUMNS) and bool(present & _DUTY_COLUMNS)
        if not is_task and title and task_title.search(title) and "seq" in present:
            is_task = True
        if is_task:
            records = _task_records(grid, n_head, col_roles)
            seqs = [r["seq"] for r in records]
            for a, b in zip(seqs, seqs[1:]):
                if b != a + 1:
                    res.warnings.append(Warning(code="task-seq-gap", message=f"task table {title or ''}: row {b} follows row {a}"))
            for rec in records:
                task, warns, instruments = builder.task(rec, title, cell_at)
                res.tasks.append(task)
                res.warnings += warns
                res.measures += instruments
            continue
        rows = [[c or "" for c in r] + [""] * (ncols - len(r)) for r in data]
        at = grid.span[0] if grid.span else (max(0, grid.offset - 1) if grid.source == "geometric" else grid.offset)
        clause = _clause_at(seg, at) if annex is None else None
        in_goal_section = clause is not None and _section_of(seg, clause, g.targets.goal_section.compiled) is not None
        # a goal section's table of places by year (区域 | 2024年 | 2025年) is a table of targets, untitled too
        by_place = in_goal_section and "label" in present and any(header_year(x, g) for x in leaves)
        kind = "targets" if target_table.search(title or "") or any(target_table.search(x) for x in leaves) or by_place else None
        table = Table(title=title, header=leaves, rows=rows, page=grid.pages[n_head] if len(grid.pages) > n_head else None,
                      annex=annex.label if annex else None, kind=kind)
        res.tables.append(table)
        if kind == "targets" and (clause is None or _section_of(seg, clause, g.targets.review_section.compiled) is None):
            found = _table_targets(table, len(res.tables) - 1, col_roles, g, clause_id=clause.id if clause else None,
                                   default_year=_goal_year(nt, seg, g, clause, at, year) if clause else None, cell_at=cell_at)
            res.targets += [t for t in found if not (clause and t.target_year and year and t.target_year < year)]
    return res
