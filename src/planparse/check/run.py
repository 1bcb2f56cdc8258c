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


def fix_file(path: str, rules: list[str], dst: Optional[str] = None, *, grammars_dir=None, ocr: str = "auto"):
    """Apply the mechanical fixes to `path` (written to `dst`, else in place), then check the result:
    (edits applied, edits whose text was not found, the findings of the fixed file)."""
    from .core import analyse, check_context
    from .fix import FIXABLE_FORMATS, FixError, apply_fixes

    ctx = analyse(path, grammars_dir, ocr)
    if ctx.raw.format not in FIXABLE_FORMATS:
        raise FixError(f"{path}: --fix writes .txt, .md and .docx files, not {ctx.raw.format}")
    findings = check_context(ctx, rules)
    target = dst or path
    applied, skipped = apply_fixes(path, findings, target, source_format=ctx.raw.format, encoding=ctx.raw.encoding)
    return applied, skipped, check_file(target, rules=rules, grammars_dir=grammars_dir, ocr=ocr)


def fix_files(paths: list[str], rules: list[str], output: Optional[str] = None, *, per_file_ignores=None,
              grammars_dir=None, ocr: str = "auto", tell=None) -> tuple[list[Finding], dict[str, tuple[str, str]]]:
    """`check --fix`: each file fixed (in place, or to `output` when there is one file), each fix and
    each unreadable file told to `tell(line)`; (the findings left in the fixed files, unreadable files).
    Raises FixError for a format --fix does not write."""
    from .fix import FixError

    tell = tell or (lambda line: None)
    findings: list[Finding] = []
    errors: dict[str, tuple[str, str]] = {}
    for path in paths:
        try:
            applied, skipped, left = fix_file(path, rules_for(path, rules, per_file_ignores), output,
                                              grammars_dir=grammars_dir, ocr=ocr)
        except FixError:
            raise
        except PlanparseError as e:
            errors[path] = (e.kind, " ".join(e.message.split()))
            tell(f"planparse: error: {path}: {e.kind}: {errors[path][1]}")
            continue
        for edit in applied:
            tell(f"planparse check: fixed {output or path}: {edit.summary}")
        if skipped:
            tell(f"planparse check: {len(skipped)} fix(es) not applied in {path}: their text is in no paragraph "
                 f"(a marker drawn by Word's automatic numbering)")
        findings += left
    return findings, errors
