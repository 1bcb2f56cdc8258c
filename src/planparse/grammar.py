"""Rules kept as data: load, merge and validate the TOML files of a grammar directory.

Every rule file is validated at load time by a pydantic model, so a bad rule fails with a message
that names the file and the entry, not later at match time. A second directory (``--grammars``)
adds to or overrides the bundled one: tables merge key by key, lists are extended, scalars replaced.
"""
from __future__ import annotations

import functools
import tomllib
from pathlib import Path
from typing import Any, Optional

import regex as re
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import GrammarError


@functools.lru_cache(maxsize=None)
def compile_pattern(pattern: str):
    """Compiled once per process: rules are matched thousands of times per document."""
    return re.compile(pattern)


def bundled_grammars_dir() -> Path:
    """`grammars/` of the source tree, or its installed copy `planparse/_grammars`."""
    here = Path(__file__).resolve().parent
    for cand in (here.parent.parent / "grammars", here / "_grammars"):
        if (cand / "numbering.toml").is_file():
            return cand
    try:
        import planparse._grammars as pkg  # installed wheel: package-dir mapping

        return Path(pkg.__path__[0])
    except (ImportError, AttributeError, IndexError):
        raise GrammarError("bundled grammars not found (reinstall planparse)") from None


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid")


def check_regex(v: str) -> str:
    """Validator: a rule's pattern must compile, or loading names the file and entry."""
    try:
        re.compile(v)
    except re.error as e:
        raise ValueError(f"invalid regular expression {v!r}: {e}") from None
    return v


def check_words(v: list[str]) -> list[str]:
    """Validator: a word list is non-empty and holds no empty word."""
    if not v or any(not w.strip() for w in v):
        raise ValueError("words must be a non-empty list of non-empty strings")
    return v


class Example(_Rule):
    """`input` → what the rule must give; the test suite and `planparse grammars check` run these."""

    input: str
    expect: Any = None
    note: Optional[str] = None


class Pattern(_Rule):
    pattern: str
    replace: str = ""
    name: Optional[str] = None
    examples: list[Example] = Field(default_factory=list)

    _compiles = field_validator("pattern")(classmethod(lambda cls, v: check_regex(v)))

    @property
    def compiled(self):
        return compile_pattern(self.pattern)


class Layout(_Rule):
    paragraph_end: list[str]
    soft_end: list[str]
    continue_end: list[str]
    short_line_ratio: float = 0.7
    shorter_than_next_ratio: float = 0.8
    paragraph_style_share: float = 0.45
    block_start: list[Pattern]
    item_start: list[Pattern]
    section_heading: list[Pattern]
    break_after: list[Pattern]
    furniture: list[Pattern]
    markup: list[Pattern]


class MarkerLevel(_Rule):
    level: int = Field(ge=1, le=9)
    pattern: str  # must define the group `num`
    ordinal: str = "arabic"  # arabic | chinese | circled
    marker_format: str  # how the marker is written in output, e.g. "（{num}）"
    kind: str = "clause"  # the clause's kind in the output: chapter, section, article, part, item…
    kind_in_article: Optional[str] = None  # the kind when the clause stands inside an article (项, 目)
    heading: str = "sentence"  # sentence | line | label: where the heading is (see numbering.toml)
    inline: bool = False  # may start a clause mid-line in a document without line structure
    inline_anywhere: bool = False  # …also in a document with line structure (exact next number only)
    inline_after: str = "^$"  # what must stand right before an inline marker (searched at the end)
    not_clause_after: list[Pattern] = Field(default_factory=list)  # text after the marker that rules it out
    examples: list[Example] = Field(default_factory=list)

    @field_validator("pattern")
    @classmethod
    def _has_num(cls, v: str) -> str:
        if "num" not in re.compile(check_regex(v)).groupindex:
            raise ValueError(f"marker pattern {v!r} must capture the ordinal as (?P<num>...)")
        return v

    @field_validator("heading")
    @classmethod
    def _known_heading(cls, v: str) -> str:
        if v not in {"sentence", "line", "label"}:
            raise ValueError(f"heading must be sentence, line or label, not {v!r}")
        return v

    _inline_after_compiles = field_validator("inline_after")(classmethod(lambda cls, v: check_regex(v)))

    @property
    def compiled_inline_after(self):
        return compile_pattern(self.inline_after)

    @field_validator("ordinal")
    @classmethod
    def _known_ordinal(cls, v: str) -> str:
        if v not in {"arabic", "chinese", "circled"}:
            raise ValueError(f"ordinal must be arabic, chinese or circled, not {v!r}")
        return v

    @property
    def compiled(self):
        return compile_pattern(self.pattern)


class Numbering(_Rule):
    levels: list[MarkerLevel]
    annex_start: Pattern
    item: Pattern
    heading_max_width: float = 40
    heading_max_commas: int = 1
    # After a marker, text that means the marker is part of a sentence, not a clause (`1、2家`).
    not_clause_after_marker: list[Pattern] = Field(default_factory=list)
    # Lines of a table of contents (dot leaders, page number): never clauses.
    toc_entry: Optional[Pattern] = None
    # No line structure: paragraphs at least this wide hold at least this share of the text.
    run_together_width: float = 600
    run_together_share: float = 0.5


class LevelRule(_Rule):
    level: str
    pattern: str


class MetaRules(_Rule):
    doc_number: Pattern
    notice_about: str = "关于"
    issued_plan: Pattern
    notice_title_end: Pattern
    plan_title: Pattern
    organisation_end: Pattern
    date: Pattern
    recipients_line: Pattern
    cc_prefix: Pattern
    print_line: Pattern
    attachment_item: Pattern
    citation: Pattern
    citation_number: Pattern
    deletion_note: Pattern
    levels: list[LevelRule]
    max_front_lines: int = 40


class Grammars(_Rule):
    model_config = ConfigDict(extra="allow", arbitrary_types_allowed=True)
    directory: str
    layout: Layout
    numbering: Numbering
    meta: MetaRules
    # Extraction rule files are added by the extraction modules (see FILE_MODELS below).
    targets: Any = None
    deadlines: Any = None
    agencies: Any = None
    units: Any = None
    lexicon: Any = None
    tables: Any = None
    userdict_lines: list[str] = Field(default_factory=list)


def _file_models() -> dict[str, tuple[str, type[BaseModel]]]:
    # Imported here: the extraction modules import this module for Pattern/Example.
    from .extraction.rules import AgencyRules, DeadlineRules, Lexicon, TableRules, TargetRules, UnitRules

    return {
        "layout.toml": ("layout", Layout),
        "numbering.toml": ("numbering", Numbering),
        "meta.toml": ("meta", MetaRules),
        "targets.toml": ("targets", TargetRules),
        "deadlines.toml": ("deadlines", DeadlineRules),
        "agencies.toml": ("agencies", AgencyRules),
        "units.toml": ("units", UnitRules),
        "agency_lexicon.toml": ("lexicon", Lexicon),
        "tables.toml": ("tables", TableRules),
    }


def _merge(base: Any, extra: Any) -> Any:
    if isinstance(base, dict) and isinstance(extra, dict):
        out = dict(base)
        for k, v in extra.items():
            out[k] = _merge(base[k], v) if k in base else v
        return out
    if isinstance(base, list) and isinstance(extra, list):
        return extra + base  # an analyst's rules are tried first
    return extra


def _read_toml(path: Path) -> dict:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        raise GrammarError(f"{path}: invalid TOML: {e}") from None
    except OSError as e:
        raise GrammarError(f"{path}: cannot read: {e.strerror}") from None


def _describe(err: ValidationError, path: Path) -> str:
    first = err.errors()[0]
    loc = ".".join(str(x) for x in first["loc"])
    return f"{path}: entry {loc}: {first['msg']} ({err.error_count()} error(s))"


@functools.lru_cache(maxsize=8)
def load_grammars(extra_dir: str | None = None) -> Grammars:
    """Bundled grammars, plus (merged over them) the files of `extra_dir`."""
    base_dir = bundled_grammars_dir()
    dirs = [base_dir] + ([Path(extra_dir)] if extra_dir else [])
    if extra_dir and not Path(extra_dir).is_dir():
        raise GrammarError(f"{extra_dir}: grammar directory not found")
    data: dict[str, Any] = {}
    for name, (key, model) in _file_models().items():
        merged: Any = None
        source = None
        for d in dirs:
            f = d / name
            if f.is_file():
                raw = _read_toml(f)
                merged = raw if merged is None else _merge(merged, raw)
                source = f
        if merged is None:
            raise GrammarError(f"{base_dir / name}: required grammar file missing")
        try:
            data[key] = model.model_validate(merged)
        except ValidationError as e:
            raise GrammarError(_describe(e, source)) from None
    unknown = [f.name for d in dirs[1:] for f in d.glob("*.toml") if f.name not in _file_models()]
    if unknown:
        raise GrammarError(f"{extra_dir}: unknown grammar file(s) {', '.join(sorted(unknown))}")
    userdict: list[str] = []
    for d in dirs:
        f = d / "userdict.txt"
        if f.is_file():
            userdict += [ln.strip() for ln in f.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")]
    return Grammars(directory=str(dirs[-1]), userdict_lines=userdict, **data)
