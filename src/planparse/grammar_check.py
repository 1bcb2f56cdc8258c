"""Run every `examples` entry of a grammar directory against the rule it belongs to.

Used by `planparse grammars check [DIR]` and by the test suite, so that an analyst who adds a rule
with an example learns at once whether the rule does what the example says.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterator

from .grammar import Example, Grammars, load_grammars

EXAMPLE_DOC_YEAR = 2020  # relative dates in examples (年底前) resolve against this year


@dataclass
class ExampleResult:
    where: str
    example: Example
    got: Any
    ok: bool

    def __str__(self) -> str:
        return f"{self.where}: input {self.example.input!r}: expected {self.example.expect!r}, got {self.got!r}"


def _bool_search(p) -> Callable[[str], Any]:
    return lambda s: bool(p.compiled.search(s))


def _fullmatch(p) -> Callable[[str], Any]:
    return lambda s: bool(p.compiled.fullmatch(s))


def _sub(p) -> Callable[[str], Any]:
    return lambda s: p.compiled.sub(p.replace, s)


def _subset(expected: Any, got: Any) -> bool:
    """A dict expectation matches when every key it names agrees; a list, item by item."""
    if isinstance(expected, dict):
        return isinstance(got, dict) and all(_subset(v, got.get(k)) for k, v in expected.items())
    if isinstance(expected, list):
        return isinstance(got, list) and len(expected) == len(got) and all(_subset(e, x) for e, x in zip(expected, got))
    if isinstance(expected, float) or isinstance(got, float):
        try:
            return abs(float(expected) - float(got)) < 1e-9
        except (TypeError, ValueError):
            return False
    return expected == got


def _cases(g: Grammars) -> Iterator[tuple[str, Example, Callable[[str], Any]]]:
    from .extraction.agencies import AgencyParser
    from .extraction.deadlines import resolve
    from .extraction.meta import normalise_doc_number
    from .extraction.targets import targets_in_sentence
    from .segment import find_items, read_ordinal

    lay = g.layout
    for name, pats, fn in (("layout.block_start", lay.block_start, _bool_search), ("layout.item_start", lay.item_start, _bool_search),
                           ("layout.section_heading", lay.section_heading, _bool_search),
                           ("layout.break_after", lay.break_after, _bool_search), ("layout.furniture", lay.furniture, _fullmatch),
                           ("layout.markup", lay.markup, _sub)):
        for i, p in enumerate(pats):
            for ex in p.examples:
                yield f"layout.toml {name.split('.')[1]}[{i}]", ex, fn(p)

    for i, lvl in enumerate(g.numbering.levels):
        def ordinal(s, lvl=lvl):
            m = lvl.compiled.match(s)
            return read_ordinal(m.group("num"), lvl.ordinal) if m else False
        for ex in lvl.examples:
            yield f"numbering.toml levels[{i}]", ex, ordinal
    for ex in g.numbering.annex_start.examples:
        yield "numbering.toml annex_start", ex, _bool_search(g.numbering.annex_start)
    for ex in g.numbering.item.examples:
        yield "numbering.toml item", ex, lambda s: len(find_items(s, g))

    mr = g.meta
    for ex in mr.doc_number.examples:
        yield "meta.toml doc_number", ex, lambda s: (normalise_doc_number(m.group("number"))
                                                      if (m := mr.doc_number.compiled.fullmatch(s)) else None)
    for name in ("recipients_line", "notice_title_end", "plan_title", "organisation_end", "cc_prefix", "print_line", "deletion_note",
                 "issued_plan"):
        p = getattr(mr, name)
        for ex in p.examples:
            yield f"meta.toml {name}", ex, _bool_search(p)

    for i, u in enumerate(g.units.units):
        def unit_of(s):
            m = g.units.regex.search(s)
            return g.units.lookup(m.group(0)).unit if m else None
        for ex in u.examples:
            yield f"units.toml units[{i}]", ex, unit_of

    tr = g.targets

    def sentence_targets(s):
        return [t.model_dump(exclude={"text", "span", "clause_id", "task_seq", "table_index"})
                for t, _, _ in targets_in_sentence(s, g, EXAMPLE_DOC_YEAR)]

    for ex in tr.examples:
        yield "targets.toml examples", ex, sentence_targets
    for ex in tr.baseline.examples:
        yield "targets.toml baseline", ex, lambda s: (int(m.group("year")) if (m := tr.baseline.compiled.search(s)) else None)
    for i, p in enumerate(tr.qualitative):
        for ex in p.examples:
            yield f"targets.toml qualitative[{i}]", ex, _bool_search(p)
    for ex in tr.chinese_number.examples:
        def cn(s):
            import cn2an
            m = tr.chinese_number.compiled.search(s)
            if not m:
                return None
            n = cn2an.cn2an(m.group("num"), "smart")
            return n * 10 if m.group("unit") == "成" else n
        yield "targets.toml chinese_number", ex, cn
    if tr.chinese_percent is not None:
        for ex in tr.chinese_percent.examples:
            def cp(s):
                import cn2an
                m = tr.chinese_percent.compiled.search(s)
                return cn2an.cn2an(m.group("num"), "smart") if m else None
            yield "targets.toml chinese_percent", ex, cp
    for name in ("not_target_before", "not_target_after", "strip_from_metric"):
        for i, p in enumerate(getattr(tr, name)):
            for ex in p.examples:
                yield f"targets.toml {name}[{i}]", ex, _bool_search(p)

    for section in ("rules", "cell_only"):
        for i, rule in enumerate(getattr(g.deadlines, section)):
            def first_date(s, rule=rule):
                m = rule.compiled.search(s)
                if not m:
                    return None
                res = resolve(rule, {k: v for k, v in m.groupdict().items() if v}, EXAMPLE_DOC_YEAR)
                return (res[0] if res and res[0] else rule.kind) if res is not None else None
            for ex in rule.examples:
                yield f"deadlines.toml {section}[{i}] ({rule.name})", ex, first_date

    parser = AgencyParser(g)

    def role_of(s):
        hit = parser._role_of(s)
        return hit[1] if hit else None

    for i, r in enumerate(g.agencies.roles):
        for ex in r.examples:
            yield f"agencies.toml roles[{i}]", ex, role_of
    for i, p in enumerate(g.agencies.sentence_subject):
        for ex in p.examples:
            yield f"agencies.toml sentence_subject[{i}]", ex, _bool_search(p)
    for ex in g.agencies.standing_rule.examples:
        yield "agencies.toml standing_rule", ex, lambda s: (m.group("names") if (m := g.agencies.standing_rule.compiled.search(s)) else None)

    def annotation(s):
        ag, _ = AgencyParser(g).parse(s)
        return None if ag is None else {k: getattr(ag, k) for k in ("lead", "support", "responsible", "implementers")}

    for ex in g.agencies.examples:
        yield "agencies.toml examples", ex, annotation

    yield from _table_cases(g)


def _table_cases(g: Grammars) -> Iterator[tuple[str, Example, Callable[[str], Any]]]:
    from .extraction.table_grid import ColumnRoles
    from .extraction.table_text import is_deadline_cell

    tr = g.tables
    roles = ColumnRoles(g)
    for i, col in enumerate(tr.columns):
        for ex in col.examples:
            yield f"tables.toml columns[{i}]", ex, roles.role
    for name in ("task_title", "target_table", "qualitative_cell", "number_cell", "title_line"):
        p = getattr(tr, name)
        for ex in p.examples:
            yield f"tables.toml {name}", ex, _bool_search(p)
    for ex in tr.title_year.examples:
        yield "tables.toml title_year", ex, lambda s: ([m.group("y") for m in tr.title_year.compiled.finditer(s)] or [None])[-1]
    for ex in tr.header_unit.examples:
        yield "tables.toml header_unit", ex, lambda s: (m.group("unit") if (m := tr.header_unit.compiled.search(s)) else None)
    for ex in tr.category_marker.examples:
        yield "tables.toml category_marker", ex, lambda s: tr.category_marker.compiled.sub("", s)
    for i, p in enumerate(tr.table_end):
        for ex in p.examples:
            yield f"tables.toml table_end[{i}]", ex, lambda s, p=p: bool(p.compiled.match(s))
    for i, p in enumerate(tr.deadline_cell_extra):
        for ex in p.examples:
            yield f"tables.toml deadline_cell_extra[{i}]", ex, lambda s: is_deadline_cell(s, g, EXAMPLE_DOC_YEAR)


def run_examples(extra_dir: str | None = None) -> tuple[list[ExampleResult], int]:
    """(failures, number of examples run)."""
    g = load_grammars(extra_dir)
    failures, total = [], 0
    for where, ex, fn in _cases(g):
        total += 1
        try:
            got = fn(ex.input)
        except Exception as e:  # a rule that crashes on its own example is a failing example
            got = f"{type(e).__name__}: {e}"
        ok = _subset(ex.expect, got)
        if not ok:
            failures.append(ExampleResult(where, ex, got, ok))
    return failures, total


def all_examples(extra_dir: str | None = None) -> list[tuple[str, Example, Callable[[str], Any]]]:
    return list(_cases(load_grammars(extra_dir)))
