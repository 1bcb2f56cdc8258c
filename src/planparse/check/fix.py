"""`planparse check --fix`: the mechanical fixes (bracket width, marker separators, 〔〕 in 文号, a
number moved out of the title marks), applied to the source file and nothing else.

A rule attaches an `Edit` to its finding: a pattern to find in one paragraph (a line of a text file, a
paragraph of a .docx) and what to write instead. The paragraph is looked for at the finding's line first,
then at the nearest line where the pattern matches, so that a finding whose line is a little off (a
joined line, a table before it) still finds its text. A pattern found nowhere is left alone (a marker
that Word's automatic numbering draws is in no paragraph's text): the finding stays, unfixed.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

import regex as re

from ..errors import UsageError

FIXABLE_FORMATS = ("txt", "markdown", "docx")


@dataclass(frozen=True)
class Edit:
    line: Optional[int]  # where the finding is (source line / paragraph number): searched first
    pattern: str  # regex, matched once in one paragraph
    replacement: str  # regex replacement (\1, \g<name>)
    summary: str = ""  # what changes, for the report: (十六) → （十六）


def marker_pattern(marker_raw: str) -> str:
    """A paragraph-opening marker as written, spaces between its characters allowed."""
    return r"^\s*" + r"\s*".join(re.escape(ch) for ch in marker_raw.strip())


class FixError(UsageError):
    """The file cannot be fixed (a format --fix does not write): exit 2."""


def _order(n: int, hint: Optional[int]) -> list[int]:
    """Indices 0..n-1, the hinted one (1-based) first, then by distance from it."""
    if hint is None or not 1 <= hint <= n:
        return list(range(n))
    h = hint - 1
    return sorted(range(n), key=lambda i: (abs(i - h), i))


def _apply_to_lines(texts: list[str], edits: Iterable[Edit]) -> tuple[list[str], list[Edit], list[Edit]]:
    applied, skipped = [], []
    for e in edits:
        pat = re.compile(e.pattern)
        for i in _order(len(texts), e.line):
            new, n = pat.subn(e.replacement, texts[i], count=1)
            if n:
                texts[i] = new
                applied.append(e)
                break
        else:
            skipped.append(e)
    return texts, applied, skipped


def _fix_text(src: Path, dst: Path, edits: list[Edit], encoding: Optional[str]) -> tuple[list[Edit], list[Edit]]:
    data = src.read_bytes()
    enc = encoding or "utf-8"
    if data.startswith(b"\xef\xbb\xbf"):
        enc = "utf-8-sig"
    text = data.decode(enc)
    lines = text.splitlines(keepends=True)
    bodies = [ln.rstrip("\r\n") for ln in lines]
    ends = [ln[len(b):] for ln, b in zip(lines, bodies)]
    bodies, applied, skipped = _apply_to_lines(bodies, edits)
    dst.write_bytes("".join(b + e for b, e in zip(bodies, ends)).encode(enc))
    return applied, skipped


def _docx_paragraphs(doc) -> list:
    """The body's paragraphs that have text, in order — what the reader numbers — then the paragraphs
    of table cells (the reader keeps tables apart, so they are searched last)."""
    body = [p for p in doc.paragraphs if p.text.strip()]
    cells = [p for table in doc.tables for row in table.rows for cell in row.cells for p in cell.paragraphs]
    return body + [p for p in cells if p.text.strip()]


def _replace_in_runs(paragraph, start: int, end: int, new: str) -> None:
    """Replace characters start..end of the paragraph's text, keeping every run's formatting: the new
    text goes into the run where the old began; the rest of the old text leaves the runs it was in."""
    pos = 0
    placed = False
    for run in paragraph.runs:
        text = run.text
        a, b = pos, pos + len(text)
        pos = b
        if b <= start or a >= end:
            continue
        cut_from, cut_to = max(start, a) - a, min(end, b) - a
        run.text = text[:cut_from] + ("" if placed else new) + text[cut_to:]
        placed = True


def _fix_docx(src: Path, dst: Path, edits: list[Edit]) -> tuple[list[Edit], list[Edit]]:
    import docx

    doc = docx.Document(str(src))
    paras = _docx_paragraphs(doc)
    applied, skipped = [], []
    for e in edits:
        pat = re.compile(e.pattern)
        for i in _order(len(paras), e.line):
            text = "".join(r.text for r in paras[i].runs)
            m = pat.search(text)
            if m:
                _replace_in_runs(paras[i], m.start(), m.end(), m.expand(e.replacement))
                applied.append(e)
                break
        else:
            skipped.append(e)
    doc.save(str(dst))
    return applied, skipped


def apply_fixes(src: str | Path, findings: Iterable, dst: str | Path, *, source_format: str,
                encoding: Optional[str] = None) -> tuple[list[Edit], list[Edit]]:
    """Write `src` with the fixes of `findings` applied to `dst` (may be `src`): (applied, not found)."""
    if source_format not in FIXABLE_FORMATS:
        raise FixError(f"{src}: --fix writes .txt, .md and .docx files, not {source_format}")
    edits = [f.fix for f in findings if getattr(f, "fix", None) is not None]
    src, dst = Path(src), Path(dst)
    if source_format == "docx":
        return _fix_docx(src, dst, edits)
    return _fix_text(src, dst, edits, encoding)
