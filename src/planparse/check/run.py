"""Checking many files: the per-file loop of `planparse check`, with per-file ignores from the config."""
from __future__ import annotations

from fnmatch import fnmatch
from pathlib import PurePath
from typing import Iterable, Optional

from ..errors import PlanparseError
from .core import Finding, check_file, select_rules


def rules_for(path: str, rules: list[str], per_file_ignores: Optional[dict[str, list[str] | str]]) -> list[str]:
    """`rules` minus those a per-file-ignores pattern matching `path` (or its file name) turns off."""
    if not per_file_ignores:
        return rules
    posix = PurePath(path).as_posix()
    off: set[str] = set()
    for pattern, codes in per_file_ignores.items():
        if fnmatch(posix, pattern) or fnmatch(PurePath(path).name, pattern) or fnmatch(posix, f"*/{pattern}"):
            off |= set(rules) - set(select_rules(rules, codes))
    return [r for r in rules if r not in off]


def check_files(paths: Iterable[str], rules: list[str], *, per_file_ignores: Optional[dict] = None,
                grammars_dir=None, ocr: str = "auto", on_error=None) -> tuple[list[Finding], dict[str, tuple[str, str]]]:
    """(findings, unreadable files: path -> (kind, one-line message)). `on_error(path, kind, message)`
    is told about each unreadable file as it happens."""
    findings: list[Finding] = []
    errors: dict[str, tuple[str, str]] = {}
    for path in paths:
        try:
            findings += check_file(path, rules=rules_for(path, rules, per_file_ignores), grammars_dir=grammars_dir, ocr=ocr)
        except PlanparseError as e:
            errors[path] = (e.kind, " ".join(e.message.split()))
        except Exception as e:  # a bug in a stage or rule: one line, never a traceback
            errors[path] = ("internal", f"{type(e).__name__}: {' '.join(str(e).split())}")
        if path in errors and on_error is not None:
            on_error(path, *errors[path])
    return findings, errors


def statistics(findings: Iterable[Finding]) -> str:
    """Findings per rule, most first, as ruff's --statistics prints them."""
    from collections import Counter

    from .core import RULES

    counts = Counter(f.code for f in findings)
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    width = max((len(str(n)) for _, n in rows), default=1)
    return "".join(f"{n:>{width}}\t{code}\t{RULES[code].name}\t{RULES[code].severity}\n" for code, n in rows)
