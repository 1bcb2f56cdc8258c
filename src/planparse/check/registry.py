"""The rules table and the checkers, filled by the rules themselves.

A checker registers with `@checker(Rule(...), ...)`, naming the rule codes it reports; the runner
(`core.check_context`) only reads `CHECKERS`, and the table an analyst reads is `RULES`. Adding a rule
is a change to one file: the module that defines its checker.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: str  # default severity: error | warning | info
    summary: str
    why: str = ""  # why a drafting office cares (`check --explain`)
    example: str = ""  # a defect and its look-alike that is none, one per line (`check --explain`)


# Stable codes; a code is never reused for a different rule. Kept in code order.
RULES: dict[str, Rule] = {}
# (codes, checker) in registration order; a checker reads a Context and yields Findings.
CHECKERS: list[tuple[tuple[str, ...], Callable[..., Iterable]]] = []


def checker(*rules: Rule):
    """Register the decorated function as the checker of `rules`."""

    def register(fn):
        for r in rules:
            if r.code in RULES and RULES[r.code] != r:
                raise ValueError(f"rule code {r.code} registered twice")
        merged = {**RULES, **{r.code: r for r in rules}}
        RULES.clear()
        RULES.update(sorted(merged.items()))
        CHECKERS.append((tuple(r.code for r in rules), fn))
        return fn

    return register
