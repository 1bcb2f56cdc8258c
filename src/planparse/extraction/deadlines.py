"""Time expressions: deadlines (到2025年, 2024年底前, 10月底前, 尽快, 每年, “十四五”期间) and target years."""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from typing import Iterator


from ..grammar import Grammars, TimeRule, any_of, could_match, per_grammar_set, required_characters
from ..grammar.check import EXAMPLE_DOC_YEAR, example_runner
from ..models import Deadline
from ..text import SENTENCE, SpanSet, cited_titles
from ..numerals import chinese_number


@dataclass
class TimeExpr:
    start: int
    end: int
    text: str
    kind: str
    date: str | None
    period_start: str | None
    year: int | None  # the year a target governed by this expression is due
    is_deadline: bool
    sets_target_year: bool


def _month_end(y: int, m: int) -> str:
    return f"{y:04d}-{m:02d}-{calendar.monthrange(y, m)[1]:02d}"


# A document's relative windows (`自2019年起3年内`) by their length in years: (end date, start date, year).
Windows = dict[int, tuple[str, str, int]]


def _count(written: str) -> int | None:
    try:
        return int(written) if written.isdigit() else int(chinese_number(written, "smart"))
    except (ValueError, KeyError, TypeError):
        return None


def resolve(rule: TimeRule, groups: dict, doc_year: int | None,
            windows: Windows | None = None) -> tuple[str | None, str | None, int | None] | None:
    """(date, period start, year) for a match, or None when it cannot be resolved (no document year, a
    bare `3年内` in a document that opened no 3-year window)."""
    r = rule.resolve
    if r == "none":
        return None, None, None
    if r == "window":
        y, n = int(groups["y"]), _count(groups["n"])
        if not n or n > 30:
            return None
        return f"{y + n - 1:04d}-12-31", f"{y:04d}-01-01", y + n - 1
    if r == "doc_window":
        n = _count(groups["n"])
        return windows.get(n) if windows and n else None
    if r == "year_end":
        y = int(groups["y"])
        return f"{y:04d}-12-31", None, y
    if r == "year_range":
        y0, y = int(groups["y0"]), int(groups["y"])
        if not y0 < y <= y0 + 30:
            return None
        return f"{y:04d}-12-31", f"{y0:04d}-01-01", y
    if r == "heating_season":
        y0, y = int(groups["y0"]), int(groups["y"])
        if y != y0 + 1:
            return None
        return f"{y:04d}-03-31", f"{y0:04d}-10-01", y
    if r == "month_end":
        y, m = int(groups["y"]), int(groups["m"])
        if not 1 <= m <= 12:
            return None
        return _month_end(y, m), None, y
    if r == "day":
        y, m, d = int(groups["y"]), int(groups["m"]), int(groups["d"])
        if not (1 <= m <= 12 and 1 <= d <= calendar.monthrange(y, m)[1]):
            return None
        return f"{y:04d}-{m:02d}-{d:02d}", None, y
    if r == "half_year_end":
        y = int(groups["y"])
        return (f"{y:04d}-06-30" if groups["half"] == "上" else f"{y:04d}-12-31"), None, y
    if r == "quarter_end":
        y = int(groups["y"])
        q = "一二三四".index(groups["q"]) + 1 if groups["q"] in "一二三四" else int(groups["q"])
        return _month_end(y, 3 * q), None, y
    if r == "doc_year_end":
        if doc_year is None:
            return None
        return f"{doc_year:04d}-12-31", None, doc_year
    if r == "doc_month_end":
        m = int(groups["m"])
        if doc_year is None or not 1 <= m <= 12:
            return None
        return _month_end(doc_year, m), None, doc_year
    if r == "five_year_plan":
        n = 10 + int(chinese_number(groups["n"], "smart"))
        if n < 6:
            return None
        first = 1981 + 5 * (n - 6)
        return f"{first + 4:04d}-12-31", f"{first:04d}-01-01", first + 4
    return None


def find_windows(text: str, g: Grammars) -> Windows:
    """The relative windows a document opens (`自2019年起3年内`), so that a later bare `3年内` that sets a
    quantity means the same years. The first window of a length wins."""
    windows: Windows = {}
    for rule in g.deadlines.rules:
        if rule.resolve != "window":
            continue
        for m in rule.compiled.finditer(text):
            groups = {k: v for k, v in m.groupdict().items() if v}
            res, n = resolve(rule, groups, None), _count(groups.get("n", ""))
            if res is not None and n and n not in windows:
                windows[n] = res  # type: ignore[assignment]
    return windows


@per_grammar_set
def _found_times(g: Grammars) -> dict:
    return {}


_FOUND_TIMES_KEPT = 4096  # texts; a batch's documents do not pile up


def find_time_expressions(text: str, g: Grammars, doc_year: int | None, *, cell: bool = False,
                          windows: Windows | None = None) -> list[TimeExpr]:
    """Every time expression in `text`, left to right, without overlaps (earlier rules win ties).

    The readers of a clause ask for the same sentence's times two or three times (targets, qualitative
    goals, deadlines): each text is read once; the expressions are shared, never changed by a reader."""
    found = _found_times(g)
    key = (text, doc_year, cell, tuple(windows.items()) if windows else ())
    times = found.get(key)
    if times is None:
        if len(found) >= _FOUND_TIMES_KEPT:
            found.clear()
        times = found[key] = _time_expressions(text, g, doc_year, cell=cell, windows=windows)
    return list(times)


def _time_rules(g: Grammars, cell: bool) -> list[TimeRule]:
    # In a 完成时限 cell the cell's own vocabulary comes first (`2025年` alone is the deadline there).
    return (list(g.deadlines.cell_only) if cell else []) + list(g.deadlines.rules)


@per_grammar_set
def _any_time_rule(g: Grammars) -> dict:
    """For prose and for a cell: the characters one of which every time expression holds (`年`, `月`, `尽`
    …: grammar.required_characters; more than half the sentences hold none), and the time rules joined
    into one pattern (grammar.any_of): most sentences hold no time expression, and one search says so
    for a third of what asking each rule costs."""
    out = {}
    for cell in (False, True):
        rules = _time_rules(g, cell)
        out[cell] = (required_characters(rules), any_of(rules))
    return out


def _time_expressions(text: str, g: Grammars, doc_year: int | None, *, cell: bool, windows: Windows | None) -> list[TimeExpr]:
    rules = _time_rules(g, cell)
    needed, anywhere = _any_time_rule(g)[cell]
    if not could_match(needed, text):
        return []
    if anywhere is not None and anywhere.search(text) is None:
        return []
    found: list[TimeExpr] = []
    taken = SpanSet()
    for rule in rules:
        for m in rule.compiled.finditer(text):
            s, e = m.span()
            # Leading whitespace/punctuation consumed by look-behinds is not part of the expression.
            while s < e and text[s] in " ，。；：:":
                s += 1
            if s >= e or taken.overlaps(s, e):
                continue
            res = resolve(rule, {k: v for k, v in m.groupdict().items() if v}, doc_year, windows)
            if res is None:
                continue
            date, start, year = res
            taken.add(s, e)
            found.append(TimeExpr(s, e, text[s:e], rule.kind, date, start, year, rule.deadline, rule.sets_target_year))
    found.sort(key=lambda t: t.start)
    return found


def is_past(t: TimeExpr, doc_year: int | None, g: Grammars) -> bool:
    """A time of a year before the document's own: what a plan reports as done (`“十三五”时期`, `2020年达到…`),
    never what it sets, unless written as a time limit (`2023年底前`: an overdue deadline, kept for check)."""
    return (t.year is not None and doc_year is not None and t.year < doc_year
            and not g.deadlines.overdue_form.compiled.search(t.text))


def deadlines_in(text: str, g: Grammars, doc_year: int | None, offset: int, *, clause_id=None, task_seq=None,
                 cell: bool = False, windows: Windows | None = None) -> list[Deadline]:
    out = []
    titles = cited_titles(text)
    for shift, t in _times_by_sentence(text, g, doc_year, cell, windows):
        start, end = shift + t.start, shift + t.end
        if titles.overlaps(start, end):
            continue  # 《…2019-2020年…行动方案》: a document's name, not a time limit
        # In a 完成时限 cell any time expression is the time limit (a bare `2025年` too).
        if not (t.is_deadline or (cell and (t.date or t.kind != "date"))):
            continue
        if is_past(t, doc_year, g):
            continue  # a past period (`“十三五”时期，…`) is a review, not a time limit
        out.append(Deadline(text=t.text, kind=t.kind, date=t.date, start=t.period_start,
                            span=(offset + start, offset + end), clause_id=clause_id, task_seq=task_seq))
    return out


def _times_by_sentence(text: str, g: Grammars, doc_year: int | None, cell: bool,
                       windows: Windows | None) -> Iterator[tuple[int, TimeExpr]]:
    """(where its sentence starts in `text`, a time expression of that sentence) for each time expression
    of a text: a time is read inside its sentence, as targets reads it (and the sentences read there
    once are not read again for a clause's deadlines); a cell's text whole."""
    if cell:
        yield from ((0, t) for t in find_time_expressions(text, g, doc_year, cell=True, windows=windows))
        return
    for m in SENTENCE.finditer(text):
        yield from ((m.start(), t) for t in find_time_expressions(m.group(0), g, doc_year, windows=windows))


@example_runner
def _deadline_examples(g: Grammars):
    for section in ("rules", "cell_only"):
        for i, rule in enumerate(getattr(g.deadlines, section)):
            def first_date(s, rule=rule):
                m = rule.compiled.search(s)
                if not m:
                    return False  # the rule does not match: `expect = false`
                # A bare `3年内` is resolved against a 3-year window opened in 2019 (as if the document had).
                res = resolve(rule, {k: v for k, v in m.groupdict().items() if v}, EXAMPLE_DOC_YEAR,
                              {3: ("2021-12-31", "2019-01-01", 2021)})
                return (res[0] if res and res[0] else rule.kind) if res is not None else None
            for ex in rule.examples:
                yield f"deadlines.toml {section}[{i}] ({rule.name})", ex, first_date
    overdue = g.deadlines.overdue_form.compiled
    for ex in g.deadlines.overdue_form.examples:
        yield "deadlines.toml overdue_form", ex, lambda s: bool(overdue.search(s))
