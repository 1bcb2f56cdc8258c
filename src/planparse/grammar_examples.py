"""Every example of every rule, run: what `planparse grammars check` and the test suite use.

The grammars' plain patterns are run by `grammar.check` itself. An example whose meaning is a stage's
reading (an ordinal, a resolved date, a parsed annotation, a compared metric) is run by the stage that
owns it, through the runner it registers with `@example_runner`. The owners are listed here, so that
the stages are imported because this module names them, not because the pipeline happens to import
them; tests/test_grammars.py checks that every module
with a runner is in the list.
"""
from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any, Callable

from . import metrics, normalise, segment
from .check import drafting
from .compare import resolve
from .extraction import agencies, agency_names, deadlines, measures, meta, region, table_grid, table_text, targets, validity
from .grammar.check import ExampleResult, all_examples, run_examples
from .grammar.schema import Example

EXAMPLE_OWNERS: tuple[ModuleType, ...] = (
    normalise, segment, meta, region, validity, measures, targets, deadlines, agencies, agency_names, table_grid, table_text,
    metrics, resolve, drafting,
)

__all__ = ["EXAMPLE_OWNERS", "check_grammars", "grammar_examples"]


def check_grammars(grammars_dir: str | Path | None = None) -> tuple[list[ExampleResult], int]:
    """Every example of every rule, the stages' own included: (failures, number of examples run)."""
    return run_examples(str(grammars_dir) if grammars_dir else None)


def grammar_examples(grammars_dir: str | Path | None = None) -> list[tuple[str, Example, Callable[[str], Any]]]:
    """Every (where, example, what the rule gives) of the grammars, for the test suite."""
    return all_examples(str(grammars_dir) if grammars_dir else None)
