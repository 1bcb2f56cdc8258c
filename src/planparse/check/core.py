"""Findings, rule selection, and running the registered rules over one file (see registry.py)."""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

from ..errors import UsageError
from .registry import CHECKERS, RULES, Rule

__all__ = ["CHECKERS", "RULES", "Rule"]  # re-exported: the registry is read through core too

SEVERITIES = ("error", "warning", "info")
_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


class CheckUsageError(UsageError):
    """Bad options or configuration for `check` (exit 2)."""


def _by_name() -> dict[str, str]:
    return {r.name: r.code for r in RULES.values()}


# Rules about the shape of a character (bracket kinds and widths, marker separators): on an OCR'd
# page the engine chose the glyph (it writes 〔2024〕 as [2024]), not the author, so they stay silent there.
GLYPH_RULES = frozenset({"PP004", "PP005", "PP007"})
# Rules about the sequence of markers: OCR drops and misreads markers (（十六） read as （十大）, a marker
# lost in a page's header band), so they stay silent on an OCR'd page and on the page after one (the
# marker before it may be the one OCR lost).
SEQUENCE_RULES = frozenset({"PP001", "PP002", "PP003", "PP006"})
# Rules that report something missing from the document (a 成文日期): on OCR'd text, absence is no
# evidence — the date under a seal is what OCR reads worst — so they stay silent when any page is OCR'd.
ABSENCE_RULES = frozenset({"PP008"})
SILENCEABLE = GLYPH_RULES | SEQUENCE_RULES | ABSENCE_RULES
# A page image covering this share of the page, under a text layer: a scan with an OCR text layer
# (a searchable PDF), whose text is an OCR engine's as much as a page planparse OCR'd itself.
SCAN_IMAGE_SHARE = 0.8


@dataclass
class Finding:
    path: str
    code: str
    message: str
    severity: str = ""
    line: Optional[int] = None
    page: Optional[int] = None
    clause_id: Optional[str] = None
    task_seq: Optional[int] = None
    key: Any = field(default=None, repr=False, compare=False)  # internal: de-duplication
    # The source line (a .docx/.html paragraph, a line of a PDF page) the finding is on, as written.
    text: Optional[str] = None
    source_format: Optional[str] = field(default=None, repr=False, compare=False)
    # The mechanical fix, where there is one (`check --fix`): a check.fix.Edit.
    fix: Any = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.severity:
            self.severity = RULES[self.code].severity

    @property
    def name(self) -> str:
        return RULES[self.code].name

    def where(self) -> str:
        """The clause or task row, and (where `line` is no line of the file) the location."""
        parts = []
        if self.clause_id:
            parts.append(f"clause {self.clause_id}")
        if self.task_seq is not None:
            parts.append(f"task {self.task_seq}")
        if self.source_format is None or self.file_lines:
            if self.page is not None:
                parts.append(f"page {self.page}")
        elif self.location():
            parts.insert(0, self.location())
        return ", ".join(parts)

    @property
    def file_lines(self) -> bool:
        """`line` is a line of the file as an editor shows it (plain text and Markdown sources)."""
        return self.source_format in ("txt", "markdown")

    def location(self) -> str:
        """Where to look, in the source's own terms: `page 3, line 12` (PDF: the line on the page),
        `paragraph 12` (.docx, .html: the n-th paragraph with text), `line 12` (text files)."""
        if self.line is None:
            return f"page {self.page}" if self.page is not None else ""
        if self.page is not None:
            return f"page {self.page}, line {self.line}"
        if self.source_format is not None and not self.file_lines:
            return f"paragraph {self.line}"
        return f"line {self.line}"

    def to_dict(self) -> dict:
        return {
            "path": self.path, "code": self.code, "name": self.name, "severity": self.severity,
            "message": self.message, "line": self.line, "page": self.page,
            "clause_id": self.clause_id, "task_seq": self.task_seq,
            "location": self.location() or None, "text": self.text,
        }


def severity_at_least(severity: str, threshold: str) -> bool:
    return _SEVERITY_RANK[severity] <= _SEVERITY_RANK[threshold]


def _split_tokens(value: Any) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, (list, tuple)) else [value]
    out = []
    for item in items:
        out += [t.strip() for t in str(item).replace(";", ",").split(",") if t.strip()]
    return out


def _expand(token: str) -> set[str]:
    t = token.strip()
    if t.upper() == "ALL":
        return set(RULES)
    by_name = _by_name()
    if t.lower() in by_name:
        return {by_name[t.lower()]}
    hits = {code for code in RULES if code.startswith(t.upper())} if t.upper().startswith("PP") else set()
    if not hits:
        known = ", ".join(RULES)
        raise CheckUsageError(f"unknown rule {t!r} (codes {known}, a code prefix such as PP00, or a rule name)")
    return hits


def select_rules(select: Any = None, ignore: Any = None) -> list[str]:
    """Codes to run: `select` (default all) minus `ignore`. Tokens: codes, code prefixes, names, ALL."""
    chosen: set[str] = set()
    sel = _split_tokens(select)
    for t in sel or ["ALL"]:
        chosen |= _expand(t)
    for t in _split_tokens(ignore):
        chosen -= _expand(t)
    return sorted(chosen)


# --- the per-file context the rules read --------------------------------------------------------------


@dataclass
class Context:
    path: str
    doc: Any  # planparse.models.Document
    raw: Any  # RawDocument
    nt: Any  # NormalText
    g: Any  # Grammars
    body_start: int = 0
    body_end: int = 0
    clauses_by_id: dict = field(default_factory=dict)
    _starts: list = field(default_factory=list)
    _lines: list = field(default_factory=list)

    def __post_init__(self) -> None:
        self.clauses_by_id = {c.id: c for c in self.doc.clauses}
        self._starts = sorted((c.span[0], c.span[1], c.id) for c in self.doc.clauses)
        self.body_start = self._starts[0][0] if self._starts else 0
        self.body_end = min([a.span[0] for a in self.doc.annexes] + [len(self.nt.text)])
        # (paragraph offset, source line) for offset → line, from the normaliser's source-line map.
        seen: dict[int, Optional[int]] = {}
        for sl in self.nt.source_lines:
            if sl.text and sl.offset not in seen:
                seen[sl.offset] = sl.lineno
        self._lines = sorted(seen.items())

    def line_at(self, offset: int) -> Optional[int]:
        i = bisect.bisect_right([o for o, _ in self._lines], offset) - 1
        return self._lines[i][1] if i >= 0 else None

    def page_at(self, offset: int) -> Optional[int]:
        return self.nt.page_at(offset)

    def clause_at(self, offset: int) -> Optional[str]:
        """The innermost clause whose own text holds `offset` (clauses are flat, in order)."""
        i = bisect.bisect_right([s for s, _, _ in self._starts], offset) - 1
        if i >= 0 and offset <= max(self._starts[i][1], self._starts[i][0]) and offset < self.body_end:
            return self._starts[i][2]
        return None

    def at(self, code: str, offset: int, message: str, **kw) -> Finding:
        return Finding(
            self.path, code, message, line=self.line_at(offset), page=self.page_at(offset),
            clause_id=kw.pop("clause_id", self.clause_at(offset)), **kw,
        )

    def at_clause(self, code: str, clause_id: Optional[str], message: str, **kw) -> Finding:
        c = self.clauses_by_id.get(clause_id) if clause_id else None
        return Finding(
            self.path, code, message, line=kw.pop("line", c.line if c else None),
            page=kw.pop("page", c.page if c else None), clause_id=clause_id, **kw,
        )


Checker = Callable[[Context], Iterable[Finding]]


def analyse(path: str | Path, grammars_dir: str | Path | None = None, ocr: str = "auto") -> Context:
    """Extract the document (as `planparse extract` does) and keep the text the rules also read."""
    from .. import ingest
    from ..grammar import load_grammars

    g = load_grammars(str(grammars_dir) if grammars_dir else None)
    raw = ingest.read(path, ocr=ocr)  # type: ignore[arg-type]  # the raw lines: front matter as written (brackets not folded)
    return context_of(raw, g, path=str(path))


def context_of(raw: Any, g: Any, path: Optional[str] = None) -> Context:
    """The Context of a document already read (the Python API reads bytes and file objects too)."""
    from ..normalise import normalise
    from ..pipeline import extract_raw

    doc = extract_raw(raw, g)  # read once: OCR'd pages are not OCR'd twice
    nt = normalise(raw, g)  # the text the Document's spans index into
    return Context(path=path if path is not None else raw.path, doc=doc, raw=raw, nt=nt, g=g)


def scanned_pages(path: str | Path) -> set[int]:
    """Pages of a PDF that are a scanned image under a text layer (an OCR'd searchable PDF)."""
    try:
        import pdfplumber

        out = set()
        with pdfplumber.open(str(path)) as pdf:
            for number, page in enumerate(pdf.pages, 1):
                area = float(page.width * page.height) or 1.0
                covered = max((float((i["x1"] - i["x0"]) * (i["bottom"] - i["top"])) for i in page.images), default=0.0)
                if covered / area >= SCAN_IMAGE_SHARE and page.chars:
                    out.add(number)
        return out
    except Exception:  # not a PDF pdfplumber can open (the reader managed): no page known to be a scan
        return set()


def ocr_text_pages(ctx: Context) -> set[int]:
    """Pages whose text an OCR engine made: OCR'd by planparse, or a scan with an OCR text layer."""
    pages = {p.number for p in ctx.raw.pages if getattr(p, "ocr", False) and p.number is not None}
    if ctx.raw.format == "pdf" and Path(ctx.path).is_file():
        pages |= scanned_pages(ctx.path)
    return pages


def _silenced(f: Finding, ocr_pages: set[int]) -> bool:
    if f.code in ABSENCE_RULES:
        return bool(ocr_pages)
    if f.code in GLYPH_RULES:
        return f.page in ocr_pages
    if f.code in SEQUENCE_RULES:
        return f.page in ocr_pages or (f.page is not None and f.page - 1 in ocr_pages)
    return False


def check_context(ctx: Context, rules: Iterable[str] | None = None) -> list[Finding]:
    wanted = set(rules) if rules is not None else set(RULES)
    found = [f for codes, checker in CHECKERS if wanted & set(codes) for f in checker(ctx) if f.code in wanted]
    # Reading a PDF's images again costs seconds on a long one: only when a finding may be silenced.
    ocr_pages = ocr_text_pages(ctx) if any(f.code in SILENCEABLE for f in found) else set()
    out = [f for f in found if not _silenced(f, ocr_pages)]
    for f in out:
        f.source_format = ctx.raw.format
        if f.text is None:
            f.text = source_text(ctx, f.page, f.line)
    out.sort(key=lambda f: (f.page or 0, f.line if f.line is not None else 10**9, f.code))
    return out


QUOTE_CHARS = 60  # a quoted source line longer than this is cut, with …


def source_text(ctx: Context, page: Optional[int], line: Optional[int]) -> Optional[str]:
    """The source line `line` of `page` (or of the one page of a paperless format), as written."""
    if line is None:
        return None
    pages = [p for p in ctx.raw.pages if p.number == page] if page is not None else ctx.raw.pages[:1]
    if not pages or not 1 <= line <= len(pages[0].lines):
        return None
    text = " ".join(str(pages[0].lines[line - 1]).split())
    return text[:QUOTE_CHARS] + ("…" if len(text) > QUOTE_CHARS else "") if text else None


def check_file(path: str | Path, *, rules: Iterable[str] | None = None, grammars_dir: str | Path | None = None,
               ocr: str = "auto") -> list[Finding]:
    """Run the rules (default: all) over one file. Raises PlanparseError when the file cannot be read."""
    return check_context(analyse(path, grammars_dir, ocr), rules)


def expand_files(args: Iterable[str]) -> list[str]:
    """FILE arguments of `check`: files as given (a missing one is reported as unreadable), directories
    walked for supported documents, globs expanded. Order kept, duplicates dropped."""
    import glob as _glob

    from ..inputs import SUPPORTED_SUFFIXES, walk

    out: list[str] = []
    for arg in args:
        p = Path(arg)
        if p.is_dir():
            out += [str(f) for f in walk(p, regular_only=True)]
        elif not p.exists() and any(ch in arg for ch in "*?["):
            hits = sorted(_glob.glob(arg, recursive=True))
            if not hits:
                raise CheckUsageError(f"{arg}: no file matches")
            for h in hits:
                if Path(h).is_dir():
                    out += [str(f) for f in walk(Path(h), regular_only=True)]
                elif h.lower().endswith(SUPPORTED_SUFFIXES):
                    out.append(h)
        else:
            out.append(arg)
    seen: set[str] = set()
    unique = [x for x in out if not (x in seen or seen.add(x))]
    from ..ingest.archive import documents_in

    return [member for x in unique for member in (documents_in(x) or [x])]  # archives: every document inside
