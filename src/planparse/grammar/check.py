"""Run every `examples` entry of a grammar directory against the rule it belongs to.

Used by `planparse grammars check [DIR]` and by the test suite, so that an analyst who adds a rule
with an example learns at once whether the rule does what the example says.

Examples of plain patterns run here. Examples whose meaning is a stage's reading (an ordinal, a resolved
date, a parsed annotation) are yielded by that stage, which registers its runner with `@example_runner`
when it is imported: this package never imports a stage. `planparse.grammar_examples` imports the
modules that own examples, by name, and runs everything.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterator

import regex as re

from .load import load_grammars
from .schema import Example, Grammars

EXAMPLE_DOC_YEAR = 2020  # relative dates in examples (年底前) resolve against this year


@dataclass
class ExampleResult:
    where: str
    example: Example
    got: Any
    ok: bool

    def __str__(self) -> str:
        return f"{self.where}: input {self.example.input!r}: expected {self.example.expect!r}, got {self.got!r}"


def bool_search(p) -> Callable[[str], Any]:
    return lambda s: bool(p.compiled.search(s))


def fullmatch(p) -> Callable[[str], Any]:
    return lambda s: bool(p.compiled.fullmatch(s))


def substitute(p) -> Callable[[str], Any]:
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


Case = tuple[str, Example, Callable[[str], Any]]  # (where, example, what the rule gives for an input)
ExampleRunner = Callable[[Grammars], Iterator[Case]]
_RUNNERS: list[ExampleRunner] = []


def registered_runners() -> list[ExampleRunner]:
    """The runners registered so far (planparse.grammar_examples imports every module that owns one)."""
    return list(_RUNNERS)


def example_runner(fn: ExampleRunner) -> ExampleRunner:
    """Register a stage's runner of the examples it owns (decorator)."""
    _RUNNERS.append(fn)
    return fn


def _pattern_cases(g: Grammars) -> Iterator[Case]:
    """Examples of rules that are plain patterns: whether they match, or what they substitute."""
    lay = g.layout
    for name, pats, fn in (("block_start", lay.block_start, bool_search), ("item_start", lay.item_start, bool_search),
                           ("section_heading", lay.section_heading, bool_search),
                           ("break_after", lay.break_after, bool_search), ("furniture", lay.furniture, fullmatch),
                           ("page_number", lay.page_number, fullmatch),
                           ("markup", lay.markup, substitute)):
        for i, p in enumerate(pats):
            for ex in p.examples:
                yield f"layout.toml {name}[{i}]", ex, fn(p)
    for ex in g.numbering.annex_start.examples:
        yield "numbering.toml annex_start", ex, bool_search(g.numbering.annex_start)

    mr = g.meta
    for name in ("recipients_line", "notice_title_end", "plan_title", "organisation_end", "cc_prefix", "print_line", "deletion_note",
                 "issued_plan"):
        p = getattr(mr, name)
        for ex in p.examples:
            yield f"meta.toml {name}", ex, bool_search(p)

    def unit_of(s):
        m = g.units.regex.search(s, (d.end() if (d := re.search(r"\d[\d.]*", s)) else 0))
        return g.units.describe(m.group(0))[0] if m else None

    for i, u in enumerate(g.units.units):
        for ex in u.examples:
            yield f"units.toml units[{i}]", ex, unit_of
    for ex in g.units.examples:
        yield "units.toml examples", ex, unit_of

    tr = g.targets
    for ex in tr.goal_section.examples:
        yield "targets.toml goal_section", ex, bool_search(tr.goal_section)
    for ex in tr.review_section.examples:
        yield "targets.toml review_section", ex, bool_search(tr.review_section)
    for ex in tr.baseline.examples:
        yield "targets.toml baseline", ex, lambda s: (int(m.group("year")) if (m := tr.baseline.compiled.search(s)) else None)
    for i, p in enumerate(tr.qualitative):
        for ex in p.examples:
            yield f"targets.toml qualitative[{i}]", ex, bool_search(p)
    for name in ("not_target_before", "not_target_after", "strip_from_metric"):
        for i, p in enumerate(getattr(tr, name)):
            for ex in p.examples:
                yield f"targets.toml {name}[{i}]", ex, bool_search(p)

    ag = g.agencies
    for i, p in enumerate(ag.sentence_subject):
        for ex in p.examples:
            yield f"agencies.toml sentence_subject[{i}]", ex, bool_search(p)
    for ex in ag.standing_rule.examples:
        yield "agencies.toml standing_rule", ex, lambda s: (m.group("names") if (m := ag.standing_rule.compiled.search(s)) else None)

    tb = g.tables
    for name in ("task_title", "target_table", "qualitative_cell", "number_cell", "title_line", "subrow_prefix"):
        p = getattr(tb, name)
        for ex in (p.examples if p is not None else []):
            yield f"tables.toml {name}", ex, bool_search(p)
    for ex in tb.title_year.examples:
        yield "tables.toml title_year", ex, lambda s: ([m.group("y") for m in tb.title_year.compiled.finditer(s)] or [None])[-1]
    for ex in tb.header_unit.examples:
        yield "tables.toml header_unit", ex, lambda s: (m.group("unit") if (m := tb.header_unit.compiled.search(s)) else None)
    for ex in tb.category_marker.examples:
        yield "tables.toml category_marker", ex, lambda s: tb.category_marker.compiled.sub("", s)
    for i, p in enumerate(tb.table_end):
        for ex in p.examples:
            yield f"tables.toml table_end[{i}]", ex, lambda s, p=p: bool(p.compiled.match(s))


def _cases(g: Grammars) -> Iterator[Case]:
    yield from _pattern_cases(g)
    for runner in _RUNNERS:
        yield from runner(g)


# --- catastrophic backtracking ----------------------------------------------------------------------

BACKTRACK_REPEAT = 40  # long enough that an exponential pattern takes hours, short enough that a sane one takes µs
BACKTRACK_SECONDS = 0.25  # per pattern and input; a linear pattern needs well under a millisecond
_FILLERS = ("a", "0", "1", " ", "一", "。", "，", "\n", "a0", "一，")
_ENDINGS = ("", "!", "\n", "\x00", "。", "a")


def grammar_patterns(g: Grammars) -> Iterator[tuple[str, str]]:
    """(where, pattern) of every regular expression in the grammars (rules, levels, inline_after)."""
    from pydantic import BaseModel

    def walk(node: Any, where: str) -> Iterator[tuple[str, str]]:
        if isinstance(node, BaseModel):
            for name in type(node).model_fields:
                value = getattr(node, name)
                if name in ("pattern", "inline_after") and isinstance(value, str):
                    yield where, value
                else:
                    yield from walk(value, f"{where} {name}".strip())
        elif isinstance(node, (list, tuple)):
            for i, x in enumerate(node):
                yield from walk(x, f"{where}[{i}]")
        elif isinstance(node, dict):
            for k, x in node.items():
                yield from walk(x, f"{where}[{k!r}]")

    from .load import FILE_MODELS

    for file, (key, _) in FILE_MODELS.items():
        yield from walk(getattr(g, key), file)


def adversarial_inputs(pattern: str) -> Iterator[str]:
    """Inputs that make a backtracking pattern explode: long runs of what the pattern itself matches
    (its literal characters, common fillers), ended by a character that makes the whole match fail."""
    literals = {ch for ch in pattern if ch.isalnum() or ord(ch) > 0x2E7F}
    for fill in sorted(literals) + list(_FILLERS):
        for end in _ENDINGS:
            yield fill * BACKTRACK_REPEAT + end


def backtracking_failures(g: Grammars) -> list[ExampleResult]:
    """Patterns that do not finish on an adversarial input within BACKTRACK_SECONDS: `^(a|a)*$`, `(a+)+b`
    and their kind hang a document (a batch's timeout stops them, `grammars check` refuses them)."""
    out: list[ExampleResult] = []
    seen: set[str] = set()
    for where, pattern in grammar_patterns(g):
        if pattern in seen:
            continue
        seen.add(pattern)
        compiled = re.compile(pattern)
        for text in adversarial_inputs(pattern):
            try:
                compiled.search(text, timeout=BACKTRACK_SECONDS)
            except TimeoutError:
                out.append(ExampleResult(where, Example(input=text, expect="a match or none in linear time"),
                                         f"no answer after {BACKTRACK_SECONDS:g} s: {pattern!r} backtracks catastrophically", False))
                break
    return out


def run_examples(extra_dir: str | None = None) -> tuple[list[ExampleResult], int]:
    """(failures, number of examples run); a pattern that backtracks catastrophically is a failure."""
    g = load_grammars(extra_dir)
    failures = backtracking_failures(g)
    total = len(failures)
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
