"""The grammars: every language rule as validated data (`grammars/*.toml`), their schema, loading and
merging, and the runner of their examples. The stages import this package; it imports no stage."""
from __future__ import annotations

from .load import FILE_MODELS, bundled_grammars_dir, load_grammars, per_grammar_set
from .schema import (AgencyRules, ColumnRole, DeadlineRules, Example, Grammars, Layout, LevelRule, Lexicon, LexiconEntry,
                     MarkerLevel, MeasureKind, MeasureRules, MetaRules, MetricRules, Numbering, Pattern, RoleRule, TableRules,
                     TargetRules, TimeRule, Unit, UnitRules, ValidityRule, WordClass, any_of, check_regex, check_words,
                     compile_pattern, could_match, finder, guarded, required_characters)

__all__ = [
    "FILE_MODELS", "AgencyRules", "ColumnRole", "DeadlineRules", "Example", "Grammars", "Layout", "LevelRule", "Lexicon",
    "LexiconEntry", "MarkerLevel", "MeasureKind", "MeasureRules", "MetaRules", "MetricRules", "Numbering", "Pattern",
    "RoleRule", "TableRules", "TargetRules", "TimeRule", "Unit", "UnitRules", "ValidityRule", "WordClass",
    "any_of", "bundled_grammars_dir", "check_regex", "check_words", "compile_pattern", "load_grammars", "per_grammar_set",
    "could_match", "finder", "guarded", "required_characters",
]
