"""Checking many files: the per-file loop of `planparse check`, with per-file ignores from the config."""
from __future__ import annotations

from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import PurePath
from typing import Iterable, Optional

from ..errors import PlanparseError
from .core import Finding, analyse, check_context, check_file, select_rules, source_text


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


@dataclass
class _Citing:
    """What PP023 needs of a file after its context is gone: the citations it makes (number not among
    the central documents) with their findings-to-be, and the document it is."""

    path: str
    titles: list[str]
    number: Optional[str]
    citations: list[tuple[object, Finding]] = field(default_factory=list)


def _citing(ctx, wanted: bool) -> _Citing:
    from .references import central_number, cited_title_finding

    from ..compare.resolve import number_key

    meta = ctx.doc.meta
    # A 文号 the document also cites is a citation the front matter was taken from (a scan whose own
    # number is unreadable): no number to compare other files' citations with.
    cites = {number_key(c.doc_number) for c in meta.cited_documents if c.doc_number}
    number = meta.doc_number if meta.doc_number and number_key(meta.doc_number) not in cites else None
    out = _Citing(ctx.path, [t for t in (meta.notice_title, meta.title) if t], number)
    if wanted:
        for cited in meta.cited_documents:
            if cited.doc_number and cited.title and not central_number(ctx, cited.doc_number):
                f = cited_title_finding(ctx, cited, "")
                f.source_format = ctx.raw.format
                f.text = source_text(ctx, f.page, f.line)
                out.citations.append((cited, f))
    return out


def _citations_among(files: list[_Citing], g) -> list[Finding]:
    """PP023 between the files of one run: a citation whose number is another file's 文号 and whose
    title is not that file's title (nor an abridged form of it)."""
    from ..compare.resolve import CitableDocument, CitationResolver, number_key
    from .references import cited_title_message

    resolver = CitationResolver([CitableDocument(f.path, f.number, f.titles) for f in files if f.number and f.titles],
                                g.citations, g.metrics, g.places, central=False)
    out = []
    for f in files:
        for cited, finding in f.citations:
            hits = [d for d in resolver.by_number.get(number_key(cited.doc_number), []) if d.source != f.path]
            if not hits:
                continue
            if resolver.title_score(resolver.title_keys([cited.title]), resolver.title_keys(hits[0].titles)) >= 0.95:
                continue
            finding.message = cited_title_message(cited, hits[0].titles[-1], f" ({hits[0].source})")
            out.append(finding)
    return out


def check_files(paths: Iterable[str], rules: list[str], *, per_file_ignores: Optional[dict] = None,
                grammars_dir=None, ocr: str = "auto", on_error=None) -> tuple[list[Finding], dict[str, tuple[str, str]]]:
    """(findings, unreadable files: path -> (kind, one-line message)). `on_error(path, kind, message)`
    is told about each unreadable file as it happens. A citation of another file of the run is checked
    against that file's title (PP023)."""
    from ..grammar import load_grammars

    findings: list[Finding] = []
    errors: dict[str, tuple[str, str]] = {}
    citing: list[_Citing] = []
    for path in paths:
        try:
            own_rules = rules_for(path, rules, per_file_ignores)
            ctx = analyse(path, grammars_dir, ocr)
            findings += check_context(ctx, own_rules)
            citing.append(_citing(ctx, "PP023" in own_rules))
        except PlanparseError as e:
            errors[path] = (e.kind, " ".join(e.message.split()))
        except Exception as e:  # a bug in a stage or rule: one line, never a traceback
            errors[path] = ("internal", f"{type(e).__name__}: {' '.join(str(e).split())}")
        if path in errors and on_error is not None:
            on_error(path, *errors[path])
    if len(citing) > 1 and any(c.citations for c in citing):
        findings += _citations_among(citing, load_grammars(str(grammars_dir) if grammars_dir else None))
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
