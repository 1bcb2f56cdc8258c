"""`planparse check`: lint rules for newly issued or drafted documents (CI pipelines, drafting offices).

Each rule has a stable code (PP001 …), a short name, a default severity and a one-line summary — the
table in ``RULES`` (printed by `planparse check --list-rules`, and in the README's "Rules") is what an
analyst reads. A rule looks at the extracted Document (clauses with their markers as written, targets,
deadlines, agencies, meta) and, where the Document does not keep what it needs, at the normalised text
and the raw source lines.

    from planparse.check import check_file, select_rules
    findings = check_file("draft.docx", rules=select_rules(select="PP0", ignore="PP011"))
"""
from __future__ import annotations

from . import drafting as _drafting, rules as _rules  # noqa: F401  (importing the checkers registers them)
from .core import RULES, SEVERITIES, CheckUsageError, Finding, Rule, check_file, expand_files, select_rules, severity_at_least
from .config import load_config
from .report import render

__all__ = [
    "RULES", "SEVERITIES", "Rule", "Finding", "CheckUsageError",
    "check_file", "expand_files", "select_rules", "severity_at_least", "load_config", "render",
]
