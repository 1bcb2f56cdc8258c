"""The grammar schema: one pydantic model per rule file, so a bad rule fails at load time with a
message that names the file and the entry, not later at match time."""
from __future__ import annotations

import functools
import itertools
from typing import Any, Callable, Literal, Optional

import regex as re
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator


@functools.lru_cache(maxsize=None)
def compile_pattern(pattern: str):
    """Compiled once per process: rules are matched thousands of times per document. Matched with the
    document's remaining time as the regex timeout (grammar/timed.py): a user's pattern that backtracks
    catastrophically cannot hold a batch past --timeout."""
    from .programs import compile_program
    from .timed import TimedPattern

    return TimedPattern(compile_program(pattern))


# What a pattern may hold and still be one branch of an alternation that means "any of these matches":
# no inline flag for the whole pattern, no reference to a group by number or name, no recursion (a
# look-ahead `(?=…)` and an atomic group `(?>…)` are fine: they are local to the branch).
_NOT_A_BRANCH = re.compile(r"\(\?[aiLmsuxfbeprwV01-]*\)|\\[1-9]|\\g<|\(\?P=|\(\?P>|\(\?\(|\(\?[R&+\-\d]")


def any_of(patterns: list["Pattern"]):
    """One compiled pattern that matches (match, fullmatch, search) where any of `patterns` does, for a
    stage that asks whether a line is any of a rule list (furniture, a block start) thousands of times
    per document; None when some pattern cannot be joined so, or there are none: ask each then."""
    if not patterns or any(_NOT_A_BRANCH.search(p.pattern) for p in patterns):
        return None
    return compile_pattern("|".join(f"(?:{p.pattern})" for p in patterns))


_MOST_REQUIRED = 64  # characters: a larger set would rule out few texts
_FUZZY = re.compile(r"(?<!\\)\{[a-zA-Z]")
_PROPERTY = re.compile(r"(?<!\\)\\[pP]\{[^}]*\}")


def required_characters(patterns: list["Pattern"]):
    """A compiled character class that every match of any of `patterns` contains one character of (`年`
    for `到2025年`, `尽` for `尽快|尽早`), so that a text without any of them is known to match none
    (searching for one character of a small set costs a fraction of trying every rule at every
    position); None when that cannot be told: a pattern the standard library's parser does not read
    (`regex`'s own syntax), a flag that folds case, or a branch that needs no particular character
    (`\\d+`, `.`, `\\p{Han}`). The parse only reads which characters a match must hold; the rules
    themselves stay `regex` patterns."""
    import re as stdlib_re

    try:
        from re import _constants as sre, _parser as parser  # Python 3.11+
    except ImportError:  # pragma: no cover - before 3.11
        import sre_constants as sre  # type: ignore[no-redef]
        import sre_parse as parser  # type: ignore[no-redef]

    def of_sequence(items) -> frozenset[str] | None:
        # one element the match cannot do without is enough: the smallest set of them
        best = None
        for op, av in items:
            got = of_node(op, av)
            if got is not None and (best is None or len(got) < len(best)):
                best = got
        return best

    def of_node(op, av) -> frozenset[str] | None:
        if op is sre.LITERAL:
            return frozenset(chr(av))
        if op is sre.IN:
            chars: set[str] = set()
            for member, value in av:
                if member is sre.LITERAL:
                    chars.add(chr(value))
                elif member is sre.RANGE and value[1] - value[0] < _MOST_REQUIRED:
                    chars.update(map(chr, range(value[0], value[1] + 1)))
                else:  # negated, a category (\d, \s), a wide range
                    return None
            return frozenset(chars) if len(chars) <= _MOST_REQUIRED else None
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None)):
            least, _, body = av
            return of_sequence(body) if least >= 1 else None
        if op is sre.SUBPATTERN:
            _, added, _, body = av
            return None if added & stdlib_re.IGNORECASE else of_sequence(body)
        if op is getattr(sre, "ATOMIC_GROUP", None):
            return of_sequence(av)
        if op is sre.BRANCH:
            union: set[str] = set()
            for branch in av[1]:
                got = of_sequence(branch)
                if got is None:
                    return None
                union |= got
            return frozenset(union) if len(union) <= _MOST_REQUIRED else None
        return None  # an assertion, an anchor, any character, a group reference: no character of the match

    import warnings

    union: set[str] = set()
    for p in patterns:
        # a Unicode property (`\p{Han}`) read as `\w`: a class of a category, which needs no particular
        # character either way
        pattern = _PROPERTY.sub(r"\\w", p.pattern)
        if _FUZZY.search(pattern):
            return None  # `(?:abc){e<=1}`: regex's fuzzy matching, which the parser would read as characters
        try:
            with warnings.catch_warnings():
                # a nested set or a set operation (`[[:alpha:]]`, `[a--b]`): regex reads it otherwise
                warnings.simplefilter("error", FutureWarning)
                parsed = parser.parse(pattern)
        except Exception:  # regex's own syntax (`\X`, `(?|…)`): not told
            return None
        got = None if parsed.state.flags & stdlib_re.IGNORECASE else of_sequence(parsed)
        if got is None:
            return None
        union |= got
    if not union or len(union) > _MOST_REQUIRED:
        return None
    return stdlib_re.compile("[" + "".join(stdlib_re.escape(c) for c in sorted(union)) + "]")


def could_match(needed, text: str) -> bool:
    """What required_characters told, asked of a text: False only where `text` holds none of the characters
    (`needed` None: not told, so any text could)."""
    return needed is None or needed.search(text) is not None


def guarded(rules: list["Pattern"]) -> list[tuple[Any, Any]]:
    """(required_characters of the rule, the compiled rule) for each rule of a list a stage asks of every
    sentence or line: a text that could_match none is not searched."""
    return [(required_characters([rule]), rule.compiled) for rule in rules]


# A pattern that opens with `(?:^|(?<=[…]))`: a match starts at the text's start or right after one of
# those characters (a sentence's start) and nowhere else
_GLOBAL_FLAG = re.compile(r"\(\?[aiLmsuxfbeprwV01-]*\)")
_OPENS_AFTER = re.compile(r"\(\?:\^\|\(\?<=\[((?:[^\]\\]|\\.)+)\]\)\)")


class _StartsAfter:
    """finditer of such a pattern: its remainder matched at the text's start and after each of the
    characters, where the pattern as written tried its two alternatives at every position of the text
    (the subject rule of agencies.toml: 14 ms over the real PDFs' texts, 5 so)."""

    def __init__(self, whole, marks, rest):
        self.whole, self.marks, self.rest = whole, marks, rest

    def finditer(self, text: str):
        found, last = [], 0
        for start in itertools.chain((0,), (m.end() for m in self.marks.finditer(text))):
            if start < last:
                continue  # inside the match before: finditer goes on from its end
            m = self.rest.match(text, start)
            if m is None:
                continue
            if m.end() == start:
                return self.whole.finditer(text)  # an empty match: finditer's own stepping past it
            found.append(m)
            last = m.end()
        return iter(found)


def finder(pattern: str):
    """What finds a rule's matches (`finditer`): the compiled pattern, or a _StartsAfter for a pattern
    that opens at a sentence's start (not with a flag that would let `^` match after a line break)."""
    whole = compile_pattern(pattern)
    m = _OPENS_AFTER.match(pattern)
    if m is None or _GLOBAL_FLAG.search(pattern):
        return whole
    try:
        return _StartsAfter(whole, compile_pattern(f"[{m.group(1)}]"), compile_pattern(pattern[m.end():]))
    except re.error:
        return whole


def top_level_branches(pattern: str) -> list[str]:
    """The branches of a pattern's outermost alternation (`a|^b` -> `a`, `^b`); the pattern whole when
    it holds a construct this reading does not follow (a POSIX class inside a set)."""
    branches, depth, start, i, n = [], 0, 0, 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            i += 1
            if i < n and pattern[i] == "^":
                i += 1
            if i < n and pattern[i] == "]":  # a `]` first in a set is a member
                i += 1
            while i < n and pattern[i] != "]":
                if pattern[i] == "[":
                    return [pattern]
                i += 2 if pattern[i] == "\\" else 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            branches.append(pattern[start:i])
            start = i + 1
        i += 1
    return branches + [pattern[start:]]


class _Search:
    """`search` of rule patterns whose branches are mostly anchored at the start of the line (`^…`) or
    tied to its end (`…$`), as break_after's are. Such a branch can match only at the start: it is
    asked with `match`, all of them in one pattern; the others in one searched pattern. One joined
    search tried every branch at every position of a 200-character tail (50 us; 3 us so)."""

    def __init__(self, patterns: list["Pattern"]):
        branches = [b for p in patterns for b in top_level_branches(p.pattern)]
        at_start = [b for b in branches if b.startswith("^")]
        anywhere = [b for b in branches if not b.startswith("^")]
        self.at_start = compile_pattern("|".join(f"(?:{b})" for b in at_start)) if at_start else None
        self.anywhere = compile_pattern("|".join(f"(?:{b})" for b in anywhere)) if anywhere else None

    def __call__(self, s: str) -> bool:
        if self.at_start is not None and self.at_start.match(s) is not None:
            return True
        return self.anywhere is not None and self.anywhere.search(s) is not None


def _search_by_anchor(patterns: list["Pattern"]) -> _Search | None:
    """A _Search when every branch of the rule patterns compiles alone (a reading that split a pattern
    wrongly would not) and the branches join again, else None (the rules are then asked one by one)."""
    try:
        for p in patterns:
            for b in top_level_branches(p.pattern):
                compile_pattern(b)
        return _Search(patterns)
    except re.error:
        return None


def _held_core(branch: str) -> str | None:
    """X of a branch `.*X.*` (a line that holds X anywhere), else None: not a lazy or possessive `.*` at
    the start, not an escaped dot at the end."""
    if len(branch) <= 4 or not branch.startswith(".*") or branch[2] in "?+{" or not branch.endswith(".*"):
        return None
    core = branch[2:-2]
    backslashes = len(core) - len(core.rstrip("\\"))
    return core if backslashes % 2 == 0 else None


class _Fullmatch:
    """`fullmatch` of rule patterns some of whose branches ask only that a line hold something (`.*X.*`,
    layout.toml's copyright line). On a line without a line break such a branch matches the whole line
    exactly where X is found, and a search for X skips ahead by X's own characters, where the greedy `.*`
    backtracked over the line at every try (8 of the 15 ms the furniture list took over 8,000 lines)."""

    def __init__(self, whole, patterns: list["Pattern"]):
        branches = [b for p in patterns for b in top_level_branches(p.pattern)]
        held = [c for b in branches if (c := _held_core(b)) is not None]
        rest = [b for b in branches if _held_core(b) is None]
        self.whole = whole  # a line with a line break: the patterns as written
        self.held = compile_pattern("|".join(f"(?:{c})" for c in held))
        self.rest = compile_pattern("|".join(f"(?:{b})" for b in rest)) if rest else None

    def __call__(self, s: str) -> bool:
        if "\n" in s:
            return self.whole.fullmatch(s) is not None
        if self.rest is not None and self.rest.fullmatch(s) is not None:
            return True
        return self.held.search(s) is not None


def _fullmatch_by_parts(whole, patterns: list["Pattern"]) -> _Fullmatch | None:
    """A _Fullmatch when a branch is `.*X.*` and every branch compiles alone, else None (asked whole)."""
    try:
        if not any(_held_core(b) is not None for p in patterns for b in top_level_branches(p.pattern)):
            return None
        for p in patterns:
            for b in top_level_branches(p.pattern):
                compile_pattern(_held_core(b) or b)
        return _Fullmatch(whole, patterns)
    except re.error:
        return None


class RuleList:
    """A rule list asked whether a line is any of its patterns (matched at its start, whole, or
    anywhere): joined into one pattern where they can be (any_of), else asked one by one."""

    def __init__(self, patterns: list["Pattern"]):
        self.patterns = patterns
        self.joined = any_of(patterns)
        self._search: Callable[[str], bool] | None = None  # built when first searched: most lists are matched
        self._fullmatch: Callable[[str], bool] | None = None  # built when first asked

    def match(self, s: str) -> bool:
        return self._ask("match", s)

    def fullmatch(self, s: str) -> bool:
        if self.joined is None:
            return self._ask("fullmatch", s)
        if self._fullmatch is None:
            joined = self.joined
            self._fullmatch = _fullmatch_by_parts(joined, self.patterns) or (lambda s: joined.fullmatch(s) is not None)
        return self._fullmatch(s)

    def search(self, s: str) -> bool:
        if self.joined is None:
            return self._ask("search", s)
        if self._search is None:
            self._search = _search_by_anchor(self.patterns) or (lambda s: self._ask("search", s))
        return self._search(s)

    def _ask(self, how: str, s: str) -> bool:
        if self.joined is not None:
            return getattr(self.joined, how)(s) is not None
        return any(getattr(p.compiled, how)(s) is not None for p in self.patterns)


def layout_rules(g) -> dict[str, RuleList]:
    """layout.toml's line rule lists, each joined once per grammar set (`g.built(layout_rules)`): the
    readers and normalise ask them of every line."""
    lay = g.layout
    return {"furniture": RuleList(lay.furniture + lay.page_number + lay.chrome), "web_chrome": RuleList(lay.web_chrome),
            "page_number": RuleList(lay.page_number), "block_start": RuleList(lay.block_start),
            "item_start": RuleList(lay.item_start), "break_after": RuleList(lay.break_after),
            "markup": RuleList(lay.markup)}


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)  # built when first validated: a cached grammar set is not


def check_regex(v: str) -> str:
    """Validator: a rule's pattern must compile, or loading names the file and entry."""
    try:
        compile_pattern(v)
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


# The defaults below (`Pattern.model_construct(pattern="(?!)")`: a rule a file may leave out matches
# nothing) are built without validation: validating one at import would build the rule schemas that a
# grammar set read from the cache never needs (grammar/load.py).

class PageGeometry(_Rule):
    """How a PDF page's line boxes are read (lengths in character heights, em)."""

    full_page_lines: int = 12  # a page with this many lines tells where the text block ends...
    full_line_share: float = 0.4  # ...when this share of them end at its right edge,
    full_line_em: float = 1.5  # within this many em
    short_after_cjk_em: float = 2.0  # a line ending this far short of the right edge ended its paragraph
    short_after_latin_em: float = 4.5  # the same after a Latin letter or digit (a word that did not fit)
    margin_em: float = 0.5  # a line starting this close to the left margin continues a paragraph


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
    # Page numbers (`— 11 —`, `第 1 页 共 14 页`): furniture to normalise, and dropped wherever they stand on a
    # page by the paged readers (ingest/page_text.py), which read them from the bundled grammars.
    page_number: list[Pattern] = Field(default_factory=list)
    markup: list[Pattern]
    # Lines of a web portal, not of the document (download/print/close buttons, breadcrumbs).
    chrome: list[Pattern] = Field(default_factory=list)
    # Lines only a web page has (previous/next links, QR-code prompts, article metadata, a site's
    # sponsor lines): removed from web pages and their markdown scrapes, by the HTML reader too.
    web_chrome: list[Pattern] = Field(default_factory=list)
    web_chrome_max_chars: int = 150  # chrome lines are short: a longer line that opens like one is text
    broken_line_min_width: float = 15  # a line this wide (CJK characters) that cuts a word may be a wrapped one
    break_after_window: int = 200  # characters at a paragraph's end that break_after looks at
    geometry: PageGeometry = Field(default_factory=PageGeometry)
    # Injected junk removed from a line before anything reads it (pinyin after characters, `???`).
    noise: list[Pattern] = Field(default_factory=list)
    scrape_header: Optional["ScrapeHeader"] = None


class ScrapeHeader(_Rule):
    """`发布日期：…  来源：…` lines a scraper or portal puts around the document: fields, not text."""

    fields: list[str]
    front_lines: int = 30  # only among the first … non-empty lines
    tail_lines: int = 8  # … or the last … non-empty lines
    examples: list[Example] = Field(default_factory=list)

    _words = field_validator("fields")(classmethod(lambda cls, v: check_words(v)))

    @functools.cached_property
    def label(self):
        """A field label and its colon; group `label` (built once: normalise asks it of every line)."""
        alt = "|".join(re.escape(w) for w in sorted(set(self.fields), key=lambda w: (-len(w), w)))
        return compile_pattern(rf"(?P<label>{alt})\s*[:：]")

    def fields_of(self, line: str) -> list[tuple[str, str]] | None:
        """[(label, value)] when the whole line is field lines (`- 发布日期：2024-01-02 来源：x`), else None."""
        body = line.strip().lstrip("-*•·").strip()
        if self.label.match(body) is None:
            return None  # most lines: asked at the start only, not searched through
        starts = list(self.label.finditer(body))
        out = []
        for i, m in enumerate(starts):
            end = starts[i + 1].start() if i + 1 < len(starts) else len(body)
            out.append((m.group("label"), body[m.end():end].strip()))
        return out



class MarkerLevel(_Rule):
    level: int = Field(ge=1, le=9)
    pattern: str  # must define the group `num`
    ordinal: str = "arabic"  # arabic | chinese | circled
    marker_format: str  # how the marker is written in output, e.g. "（{num}）"
    kind: str = "clause"  # the clause's kind in the output: chapter, section, article, part, item…
    kind_in_article: Optional[str] = None  # the kind when the clause stands inside an article (项, 目)
    heading: Literal["sentence", "line", "label"] = "sentence"  # where the heading is (see numbering.toml)
    inline: bool = False  # may start a clause mid-line in a document without line structure
    inline_anywhere: bool = False  # …also in a document with line structure (exact next number only)
    inline_after: str = "^$"  # what must stand right before an inline marker (searched at the end)
    # Documents with no Chinese-numbered marker at a paragraph start (a notice of items 1.–5., a standard):
    # `top_level_alone` lets this style open top-level clauses there; `only_alone` styles count only there.
    top_level_alone: bool = False
    only_alone: bool = False
    not_clause_after: list[Pattern] = Field(default_factory=list)  # text after the marker that rules it out
    examples: list[Example] = Field(default_factory=list)

    @field_validator("pattern")
    @classmethod
    def _has_num(cls, v: str) -> str:
        if "num" not in re.compile(check_regex(v)).groupindex:
            raise ValueError(f"marker pattern {v!r} must capture the ordinal as (?P<num>...)")
        return v

    @field_validator("ordinal")
    @classmethod
    def _known_ordinal(cls, v: str) -> str:
        if v not in {"arabic", "chinese", "circled"}:
            raise ValueError(f"ordinal must be arabic, chinese or circled, not {v!r}")
        return v

    _inline_after_compiles = field_validator("inline_after")(classmethod(lambda cls, v: check_regex(v)))

    @property
    def compiled(self):
        return compile_pattern(self.pattern)

    @property
    def compiled_inline_after(self):
        return compile_pattern(self.inline_after)


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
    # A bracketed label after an article marker is its heading (第一条【立法目的】): group `label`.
    heading_label: Optional[Pattern] = None
    # An annex titled as a list or catalogue (`重点项目清单`) holds no clauses, even when numbered 一、二、.
    annex_list_title: Pattern = Pattern.model_construct(pattern="(?!)")
    # No line structure: paragraphs at least this wide hold at least this share of the text.
    run_together_width: float = 600
    run_together_share: float = 0.5
    inline_after_window: int = Field(32, ge=0)  # characters before a mid-line marker that `inline_after` reads


class LevelRule(_Rule):
    level: str
    pattern: str


class ValidityRule(_Rule):
    """A validity clause (`本办法自2023年1月1日起施行，有效期至2027年12月31日`): when the document takes effect
    (`effective_from`) and until when it is valid (`valid_until`). Not a task deadline."""

    name: str
    field: Literal["effective_from", "valid_until"]
    pattern: str  # groups y, m, d (a date; m and d optional), or n (a number of years)
    # day: y-m-d; month_end; year_end; issue_date: the document's 成文日期 (自印发之日起);
    # years_from_start: n years from effective_from, the day before the anniversary (有效期5年)
    resolve: Literal["day", "month_end", "year_end", "issue_date", "years_from_start"]
    examples: list[Example] = Field(default_factory=list)

    _compiles = field_validator("pattern")(classmethod(lambda cls, v: check_regex(v)))

    @property
    def compiled(self):
        return compile_pattern(self.pattern)


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
    # Meta field -> labels of front-matter / scrape-header fields that may give it, used only when
    # the document itself does not say it (title, doc_number, issuer, issue_date).
    header_fields: dict[str, list[str]] = Field(default_factory=dict)
    # `X印发《Y》的通知`: the verb of a notice that issues a document (the issuer stands before it).
    issuing_verb: Pattern = Pattern.model_construct(pattern="(?!)")
    # Where two organisation names run together on one signature line.
    organisation_boundary: Pattern = Pattern.model_construct(pattern="(?!)")
    # A speech's byline (`——2031年1月5日在…上`) and its speaker line (`示范市市长 张某`, group office).
    speech_byline: Pattern = Pattern.model_construct(pattern="(?!)")
    speaker: Pattern = Pattern.model_construct(pattern="(?!)")
    # `我代表示范市人民政府，向大会报告工作`: the government a report speaks for is its issuer (group org).
    speech_delegate: Pattern = Pattern.model_construct(pattern="(?!)")
    # A notice title that names what it issues: `关于印发《X》的通知` (group title).
    issuing_verb_title: Pattern = Pattern.model_construct(pattern="(?!)")
    # Lines that are never a title (目录, ICS 13.020, a news dateline).
    not_title: Pattern = Pattern.model_construct(pattern="(?!)")
    # A report on one year's work (政府工作报告): every goal of its work part is a goal of the document year.
    year_report_title: Pattern = Pattern.model_construct(pattern="(?!)")
    # A title's second printed line that only brackets its period or edition: `（2022−2025年）`.
    title_continuation: Pattern = Pattern.model_construct(pattern="(?!)")
    # A date in brackets on its own line under the title: `（2021年11月30日）` is the issue date (group date).
    bracketed_date: Pattern = Pattern.model_construct(pattern="(?!)")
    # The document's year in its title or number when it has no date: `2024年工作要点`, `2021—2025年`, `〔2023〕`
    # (group y); a horizon written alone (`战略2035`) is not it.
    document_year: Pattern = Pattern.model_construct(pattern=r"(?P<y>(?:19|20)\d{2})")
    signature_tail_lines: int = 15  # a signature at the end is looked for among the last … paragraphs
    title_max_chars: int = 120
    validity: list[ValidityRule] = Field(default_factory=list)  # 自…起施行, 有效期至… → meta.effective_from/valid_until


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w))) or r"(?!)"


class WordClass(_Rule):
    """A set of words that all mean one thing (a comparator, a direction, a role)."""

    words: list[str]
    value: str
    examples: list[Example] = Field(default_factory=list)

    _non_empty = field_validator("words")(classmethod(lambda cls, v: check_words(v)))


class Unit(_Rule):
    unit: str  # the normalised unit written in output
    aliases: list[str] = Field(default_factory=list)  # how documents write it (the unit itself is implied)
    kind: str = "measure"  # measure | count | percent | ratio
    examples: list[Example] = Field(default_factory=list)


class UnitRules(_Rule):
    """units.toml: named units (normalised, with aliases) and the general grammar that composes units:
    [magnitude] (named unit | measure word) [substance] [/ [magnitude] (unit | per-word) [substance]],
    so `万名`, `亿吨标准煤`, `克二氧化碳/千瓦时`, `万元/年` and `场次` come out whole without a list of
    every combination."""

    units: list[Unit]
    magnitudes: list[str] = Field(default_factory=list)  # 万, 亿 …: a unit written with its magnitude
    measure_words: list[str] = Field(default_factory=list)  # 量词: 个 家 种 款 名 颗 发 …, each a count
    substances: list[str] = Field(default_factory=list)  # what a unit measures: 标准煤, 二氧化碳
    per_words: list[str] = Field(default_factory=list)  # only after `/`: 年, 月, 天
    examples: list[Example] = Field(default_factory=list)
    _regex: Any = PrivateAttr(None)
    _lookup: dict = PrivateAttr(default_factory=dict)
    _core: Any = PrivateAttr(None)

    def _build(self) -> None:
        forms: dict[str, Unit] = {}
        for u in self.units:
            for form in [u.unit, *u.aliases]:
                forms.setdefault(form, u)
        self._lookup = forms
        core = _alternation(list(forms) + self.measure_words)
        mag, sub = _alternation(self.magnitudes), _alternation(self.substances)
        per = _alternation(list(forms) + self.measure_words + self.per_words)
        # A unit written whole (千瓦时) is tried before a magnitude plus a unit (千 + 瓦).
        one = rf"(?:{core}|(?:{mag})(?:{core}))(?:{sub})?"
        self._regex = re.compile(rf"{one}(?:/(?:{per}|(?:{mag})(?:{per}))(?:{sub})?)?|(?:{mag})(?![\p{{Han}}])")
        self._core = re.compile(rf"^(?:{mag})?(?P<core>{core})")

    @property
    def regex(self):
        if self._regex is None:
            self._build()
        return self._regex

    def lookup(self, written: str) -> Unit | None:
        if self._regex is None:
            self._build()
        return self._lookup.get(written)

    def describe(self, written: str) -> tuple[str, str]:
        """(unit as output, kind) of a unit as written: a named unit's normal form, else the written
        compound, a count when its core is a measure word."""
        named = self.lookup(written)
        if named is not None:
            return named.unit, named.kind
        m = self._core.match(written)
        core = m.group("core") if m else None
        if core in self._lookup:
            kind = self._lookup[core].kind
            return written, ("count" if kind == "count" else "measure")
        return written, "count"


class ImpliedOne(_Rule):
    before: list[str]
    one: str


class TargetRules(_Rule):
    comparator_before: list[WordClass]  # 不低于 → >=
    comparator_after: list[WordClass]  # 以上 → >=
    direction: list[WordClass]  # 下降 → decrease
    level_suffix: list[str]  # 下降到 / 提高至: a level, not a change
    aspiration: list[str]  # 力争
    rate_words: list[str] = Field(default_factory=list)  # 年均: a yearly rate, measured against no baseline
    rate_suffix: str = "率"  # 年均增长8% measures 年均增长率
    distribute: list[str]  # 分别
    value_joiners: list[str]  # 、 和 及: between distributed values
    baseline: Pattern  # 比2020年 → 2020 (group `year`)
    doubling: list[WordClass]  # 翻一番 → 2 倍
    not_target_before: list[Pattern]  # text right before a number that makes it a scope (半径, 两侧)
    not_target_after: list[Pattern]  # text right after number+unit that makes it a class boundary
    count_verbs: list[str]  # 培育3家以上企业: a count with a verb before it is a goal
    predicates: list[str]  # words that make a following number a stated level (达到, 控制在, 比重)
    level_verbs: list[str]  # a number right after these is the goal even when a noun follows (提升至10天趋势预报)
    # A target's metric ends where one of these predicates starts (`煤炭消费比重达到…` → 煤炭消费比重).
    metric_end_words: list[str] = ["达到", "达", "为", "控制在", "稳定在", "提高到", "提升至", "保持在"]
    subject_starters: list[str]  # a comma-clause starting with these has no subject of its own (比, 占)
    scope_pattern: Pattern  # 全省, 各设区市 … at the start of a metric phrase
    goal_section: Pattern = Pattern.model_construct(pattern="(?!)")  # a heading of goals (主要目标): its time expression governs its goals
    # A heading of a review (发展基础, 工作成效): its figures are actuals, its periods past; neither targets nor deadlines.
    review_section: Pattern = Pattern.model_construct(pattern="(?!)")
    strip_from_metric: list[Pattern]  # words removed from the metric phrase (力争, 原则上)
    qualitative: list[Pattern] = Field(default_factory=list)  # goals without a number (总体达标)
    chinese_number: Pattern  # 一万辆 / 三成: numbers written in Chinese (groups `num`, optional `unit` 成)
    indefinite_numerals: list[str] = Field(default_factory=list)  # 一批, 一个: an article, not a count
    implied_one: Optional[ImpliedOne] = None  # 百项 = 一百项
    chinese_percent: Optional[Pattern] = None  # 百分之八十
    clause_max_chars: int = Field(200, ge=0)  # how far a value's comma-clause is read, before it and after it
    not_target_before_window: int = Field(64, ge=0)  # characters before a value that not_target_before reads
    examples: list[Example] = Field(default_factory=list)


class MeasureKind(_Rule):
    """The words that name one kind of policy instrument (奖励 → award, 贴息 → loan_interest)."""

    kind: str
    words: list[str]
    gives: bool = False  # the word itself gives the instrument, no grant word needed (减按, 免征)
    examples: list[Example] = Field(default_factory=list)  # a phrase → the kind it names

    _non_empty = field_validator("words")(classmethod(lambda cls, v: check_words(v)))


class MeasureRules(_Rule):
    """measures.toml: policy instruments of 若干措施 (subsidy rates and caps, one-off awards, subsidy tiers,
    interest subsidies, tax rules, co-funding ratios). A comma-clause that names an instrument and gives
    something (a grant word, or a cap) is a measure; its numbers are claimed, so they are not targets."""

    kinds: list[MeasureKind]
    grant_words: list[str]  # 给予, 予以, 按照: the clause gives the instrument (not 争取…补助)
    cap_words: list[str]  # 最高, 不超过: right before a sum, the sum is a cap
    cap_after: list[str] = Field(default_factory=list)  # 以下: right after a sum, the sum is a cap
    magnitudes: dict[str, float] = Field(default_factory=dict)  # 万 → 10000: a range's sums in one unit
    recipient_trailing_drop: list[str] = Field(default_factory=list)  # 可以: not part of the recipient
    not_measure: list[str] = Field(default_factory=list)  # 争取, 力争: funds to obtain are a goal
    amount: Pattern  # a sum of money: groups v1, v2 (range end), unit
    rate: Pattern  # a percent: group rate
    rate_basis: Pattern  # the text before a rate → what it is a share of (group basis)
    ratio: Pattern  # a co-funding ratio 1∶1: groups a, b
    recipient: Pattern  # a clause, or the text before a grant word, that names the recipient (group who)
    before_window: int = Field(40, ge=0)  # characters before a sum or a rate read for its cap word or its basis
    recipient_max_chars: int = Field(160, ge=0)  # a longer clause (a run-on text without a comma) names no recipient
    examples: list[Example] = Field(default_factory=list)  # a sentence → its measures

    _words = field_validator("grant_words", "cap_words")(classmethod(lambda cls, v: check_words(v)))

    @field_validator("amount", "rate", "rate_basis", "ratio", "recipient")
    @classmethod
    def _groups(cls, v: Pattern, info) -> Pattern:
        need = {"amount": {"v1", "unit"}, "rate": {"rate"}, "rate_basis": {"basis"}, "ratio": {"a", "b"},
                "recipient": {"who"}}[info.field_name]
        missing = need - set(v.compiled.groupindex)
        if missing:
            raise ValueError(f"{info.field_name} pattern {v.pattern!r} must capture {', '.join(sorted(missing))}")
        return v


class TimeRule(_Rule):
    name: str
    pattern: str  # may define groups y (year), m (month), n (five-year plan numeral)
    kind: str  # date | ongoing | asap | recurring | period
    # year_end | month_end | day | half_year_end | quarter_end | doc_year_end | doc_month_end | five_year_plan
    # | window (group y + n years: 自2019年起3年内) | doc_window (a bare 3年内: the document's window of n years) | none
    resolve: str = "none"
    deadline: bool = True  # false: sets a target year but is not reported as a deadline
    sets_target_year: bool = True
    examples: list[Example] = Field(default_factory=list)

    _compiles = field_validator("pattern")(classmethod(lambda cls, v: check_regex(v)))

    @field_validator("kind")
    @classmethod
    def _kind(cls, v: str) -> str:
        if v not in {"date", "ongoing", "asap", "recurring", "period"}:
            raise ValueError(f"kind must be date, ongoing, asap, recurring or period, not {v!r}")
        return v

    @field_validator("resolve")
    @classmethod
    def _resolve(cls, v: str) -> str:
        if v not in {"year_end", "month_end", "day", "half_year_end", "quarter_end", "doc_year_end", "doc_month_end",
                     "five_year_plan", "window", "doc_window", "year_range", "heating_season", "none"}:
            raise ValueError(f"unknown resolve {v!r}")
        return v

    @property
    def compiled(self):
        return compile_pattern(self.pattern)


class DeadlineRules(_Rule):
    rules: list[TimeRule]
    # Deadlines read from a 完成时限 cell may use these rules too (e.g. 持续推进 → ongoing).
    cell_only: list[TimeRule] = Field(default_factory=list)
    # A time expression of a year before the document's is a review (`2020年，…达到`, `“十三五”时期`) unless it
    # is written as a time limit (`2023年底前`): an overdue deadline, a drafting slip `check` reports (PP013).
    overdue_form: Pattern = Pattern.model_construct(pattern="(?!)")


class RoleRule(_Rule):
    role: str  # lead | support | responsible | implementers
    words: list[str]
    examples: list[Example] = Field(default_factory=list)

    @field_validator("role")
    @classmethod
    def _role(cls, v: str) -> str:
        if v not in {"lead", "support", "responsible", "implementers"}:
            raise ValueError(f"role must be lead, support, responsible or implementers, not {v!r}")
        return v


class AgencyRules(_Rule):
    roles: list[RoleRule]  # suffix words of a name group, longest match wins
    role_labels: list[RoleRule] = Field(default_factory=list)  # `牵头单位：X` — a label before the names
    level_prefixes: list[str]  # 省 市 区 县: inherited by later names without one
    no_inherit_prefixes: list[str]  # 各, 国家, 中国, 地方: names that carry their own jurisdiction
    trailing_drop: list[str]  # 等, 等部门
    standing_rule: Pattern  # 以下均需…落实，不再列出 (group `names`)
    annotation: Pattern  # a parenthesised annotation (group `body`)
    sentence_subject: list[Pattern] = Field(default_factory=list)  # 生态环境部要加强统筹协调
    agency_list_title: Pattern  # an annex that lists the document's agencies (省有关部门名单)
    # A parenthesis of names with no role word closing a task (`（市科委、市卫生健康委）`): these names take
    # `bare_role`, when `closes_paragraph` matches the text after it and the document has at least
    # `bare_min_per_document` such parentheses (one stray parenthesis is not the document's way of annotating).
    bare_role: str = "responsible"
    closes_paragraph: Pattern = Pattern.model_construct(pattern=r"^[。；;\s]*(?:\n|$)")
    bare_min_per_document: int = Field(2, ge=1)
    # Words that open with a level prefix's character but are no prefix (市场监管厅 is not 市 + 场监管厅).
    not_level_prefix: list[str] = Field(default_factory=list)
    # The document's rule that the first-listed body of each list leads (`列首位的为牵头单位`).
    first_listed_lead: Pattern = Pattern.model_construct(pattern="(?!)")
    examples: list[Example] = Field(default_factory=list)

    @field_validator("bare_role")
    @classmethod
    def _bare_role(cls, v: str) -> str:
        if v not in {"lead", "support", "responsible", "implementers"}:
            raise ValueError(f"bare_role must be lead, support, responsible or implementers, not {v!r}")
        return v


class LexiconEntry(_Rule):
    canonical: str
    aliases: list[str] = Field(default_factory=list)
    level: Optional[str] = None  # national | provincial | municipal | district | any


class Lexicon(_Rule):
    agencies: list[LexiconEntry]
    _index: dict = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _no_conflicts(self):
        seen: dict[str, str] = {}
        for e in self.agencies:
            for form in [e.canonical, *e.aliases]:
                if form in seen and seen[form] != e.canonical:
                    raise ValueError(f"alias {form!r} is given for both {seen[form]!r} and {e.canonical!r}")
                seen[form] = e.canonical
        return self

    @property
    def index(self) -> dict[str, str]:
        """Every written form (canonical included) → canonical."""
        if not self._index:
            for e in self.agencies:
                for form in [e.canonical, *e.aliases]:
                    self._index[form] = e.canonical
        return self._index


class ColumnRole(_Rule):
    """Header words that give a table column its role (tables.toml)."""

    role: str
    words: list[str]
    examples: list[Example] = Field(default_factory=list)

    @field_validator("role")
    @classmethod
    def _role(cls, v: str) -> str:
        allowed = {"seq", "category", "content", "measures", "deadline", "agencies", "lead", "support", "label",
                   "indicator", "target", "baseline", "actual", "unit", "attribute"}
        if v not in allowed:
            raise ValueError(f"column role must be one of {', '.join(sorted(allowed))}, not {v!r}")
        return v

    _non_empty = field_validator("words")(classmethod(lambda cls, v: check_words(v)))


class TableRules(_Rule):
    """tables.toml: column roles by header words, table titles, and the cell vocabulary of flattened tables."""

    columns: list[ColumnRole]
    task_title: Pattern  # a title naming a task-decomposition table (分解表)
    target_table: Pattern  # title/header words of a table of targets (目标)
    title_year: Pattern  # the year in a table title (group `y`)
    header_unit: Pattern  # a parenthesised unit in a header cell (group `unit`)
    qualitative_cell: Pattern  # 持续改善: a goal cell without a number
    number_cell: Pattern  # a numeric cell
    title_line: Pattern  # a line that titles a table
    category_marker: Pattern  # （一） at the start of a category cell
    period_cell: Pattern  # 2024-2025年 in a 完成时限 cell (groups `a`, `b`)
    subrow_prefix: Optional[Pattern] = None  # 其中： before a sub-row's place
    table_end: list[Pattern] = Field(default_factory=list)  # 注： under a table
    deadline_cell_extra: list[Pattern] = Field(default_factory=list)  # 完成时限 cell shapes
    org_suffixes: list[str] = Field(default_factory=list)  # endings of agency names
    # Indicator tables (主要指标: 序号 / 指标 / 目标值 / 属性): their header words and cell shapes.
    indicator_columns: list[ColumnRole] = Field(default_factory=list)
    indicator_value: Optional[Pattern] = None  # a value cell: ≥45, <1%, 3—5 (groups before, v1, v2, pct, after)
    indicator_text_value: Optional[Pattern] = None  # a goal cell in words: 完成省定目标
    indicator_attribute: Optional[Pattern] = None  # 预期性 / 约束性
    indicator_blank: Optional[Pattern] = None  # a cell that states nothing: —, /, 无
    deadline_cell_max_width: float = 14
    narrow_ratio: float = Field(0.45, gt=0, le=1)
    category_match_min: float = Field(0.75, ge=0, le=1)
    content_match_min: float = Field(0.5, ge=0, le=1)
    row_number_gap_max: int = Field(2, ge=0)  # row numbers a flattened table may lose in a row and still be read on
    short_cell_max_atoms: int = Field(32, ge=1)  # space-separated pieces a short cell of a flattened table holds
    header_word_max_width: float = 16  # an indicator table's header cell on a line of its own is this narrow
    examples: list[Example] = Field(default_factory=list)


class MetricSynonym(_Rule):
    canonical: str
    aliases: list[str]
    examples: list[Example] = Field(default_factory=list)

    _words = field_validator("aliases")(classmethod(lambda cls, v: check_words(v)))


class Polarity(_Rule):
    better: Literal["higher", "lower"]
    words: list[str]
    examples: list[Example] = Field(default_factory=list)

    _words = field_validator("words")(classmethod(lambda cls, v: check_words(v)))


class Region(_Rule):
    name: str
    aliases: list[str] = Field(default_factory=list)
    members: list[str]
    examples: list[Example] = Field(default_factory=list)

    _members = field_validator("members")(classmethod(lambda cls, v: check_words(v)))


class MetricRules(_Rule):
    """metrics.toml: how `planparse compare` recognises one metric in two plans, and which way is better."""

    match_threshold: float = Field(0.7, gt=0, le=1)
    default_better: Literal["higher", "lower"] = "higher"
    list_separators: list[str]
    whole_scope: Pattern
    noise: list[Pattern] = Field(default_factory=list)
    synonyms: list[MetricSynonym] = Field(default_factory=list)
    polarity: list[Polarity] = Field(default_factory=list)
    regions: list[Region] = Field(default_factory=list)
    inner_title: Pattern
    # A level (rate, share, concentration, intensity), not an amount: by its unit, or by its metric. A
    # national amount is never judged against a region's; a national level is (above or below it).
    level_unit: Pattern = Pattern.model_construct(pattern="(?!)")
    level_metric: Pattern = Pattern.model_construct(pattern="(?!)")

    _separators = field_validator("list_separators")(classmethod(lambda cls, v: check_words(v)))

    @field_validator("inner_title")
    @classmethod
    def _has_title(cls, v: Pattern) -> Pattern:
        if "title" not in v.compiled.groupindex:
            raise ValueError(f"inner_title pattern {v.pattern!r} must capture the title as (?P<title>...)")
        return v


class PlaceRules(_Rule):
    """places.toml: where a document is from (meta.region, a GB/T 2260 division of the vendored list) and
    whether it is a central one."""

    # 简称 → the province's name in the division list: a 文号 opens with it (苏政发 → 江苏省).
    province_abbreviations: dict[str, str]
    # The endings a division's name drops in its short form (江苏省 → 江苏; 广西壮族自治区 → 广西 also drops
    # the ethnic names before the ending). Only provinces and prefecture-level divisions are matched short.
    short_form_endings: list[str]
    autonomous_endings: list[str] = Field(default_factory=list)
    # 省 → 0, 市 → 1, 区/县 → 2: the rank of the division a jurisdiction word (我省, 市发改委) names.
    level_words: dict[str, int] = Field(default_factory=dict)
    # A county-level name is matched only with at least this many characters before its ending: 城区, 矿区,
    # 东区 are words as much as places.
    min_county_stem: int = 2
    # A 文号 of a central body (国发, 国办发, 中发, 国能发…): the document is national.
    national_doc_number: Pattern
    # Addressed to the provinces, or a central body's name: only a central document is.
    national_marker: Pattern
    # When the front matter names no place, the first … characters of the text are looked at.
    body_chars: int = 400
    # A document that speaks of its own jurisdiction (`我省`, `全市`: group `unit`) is local even when its
    # front matter names no place: the place its text names most, at that level, is its region.
    local_marker: Pattern = Pattern.model_construct(pattern="(?!)")
    # ...in its opening (`local_opening_chars`), and more often than it speaks of the whole country.
    local_opening_chars: int = 1200
    national_scope: Pattern = Pattern.model_construct(pattern="(?!)")

    _endings = field_validator("short_form_endings")(classmethod(lambda cls, v: check_words(v)))


class CentralDocument(_Rule):
    number: str
    title: str
    source: str  # where the number and title were checked (public text)


class CitationRules(_Rule):
    """citations.toml: how a citation (《title》 and/or 文号) is resolved to a document, in the batch or in the
    bundled list of central documents plans cite most."""

    # Removed from both titles before they are compared: words that a citation adds or drops.
    title_noise: list[Pattern] = Field(default_factory=list)
    # An abridged or misquoted title still names the document from this character-bigram score up (0..1).
    title_match: float = Field(0.85, gt=0, le=1)
    # A title found whole inside the other counts when it is at least this long (after noise removal).
    min_contained_chars: int = 8
    # The kind of document a title ends with (实施意见, 意见, 行动方案…): titles of different kinds never
    # name one document.
    document_kind: Pattern = Pattern.model_construct(pattern="(?!)")
    documents: list[CentralDocument] = Field(default_factory=list)
    examples: list[Example] = Field(default_factory=list)


class Grammars(_Rule):
    model_config = ConfigDict(extra="allow", arbitrary_types_allowed=True, defer_build=True)
    directory: str
    layout: Layout
    numbering: Numbering
    meta: MetaRules
    targets: TargetRules
    deadlines: DeadlineRules
    agencies: AgencyRules
    units: UnitRules
    lexicon: Lexicon
    tables: TableRules
    metrics: MetricRules
    measures: MeasureRules
    places: PlaceRules
    citations: CitationRules
    check: "CheckRules"
    userdict_lines: list[str] = Field(default_factory=list)
    # What the stages build from these grammars (compiled matchers, the jieba tokenizer), owned by this
    # object: a cache keyed by id() could hand a new grammar set the matchers of an evicted one.
    _built: dict = PrivateAttr(default_factory=dict)

    def built(self, build):
        """`build(self)`, made once for these grammars and kept with them."""
        # the private attribute read from pydantic's own dict: `self._built` goes through the model's
        # __getattr__, and the stages ask for what they built tens of thousands of times per document
        kept = self.__pydantic_private__["_built"]
        got = kept.get(build)
        if got is None:
            got = kept[build] = build(self)
        return got


class Respectively(Pattern):
    """`A、B和C分别下降10%、12%`: the pattern captures (?P<subjects>…) and (?P<values>…)."""

    subject_separators: list[str]
    last_joiners: list[str]
    range_separator: str

    _separators = field_validator("subject_separators", "last_joiners")(classmethod(lambda cls, v: check_words(v)))
    _range = field_validator("range_separator")(classmethod(lambda cls, v: check_regex(v)))

    @model_validator(mode="after")
    def _groups(self) -> "Respectively":
        missing = {"subjects", "values"} - set(self.compiled.groupindex)
        if missing:
            raise ValueError(f"respectively pattern must capture {', '.join(sorted(missing))}")
        return self

    def counts(self, text: str) -> Optional[tuple[int, int]]:
        """(number of subjects, number of values) of the first 分别 sentence in `text`, or None."""
        m = self.compiled.search(text)
        if m is None:
            return None
        seps = "|".join(re.escape(s) for s in sorted(self.subject_separators, key=len, reverse=True))
        subjects = [s for s in re.split(seps, m.group("subjects")) if s.strip()]
        for joiner in self.last_joiners:
            if subjects and joiner in subjects[-1]:
                subjects[-1:] = [s for s in subjects[-1].rsplit(joiner, 1) if s.strip()]
                break
        values = re.sub(self.range_separator + r"\d[\d.]*", "", m.group("values"))  # 10%—12%: one value
        return len(subjects), len(re.findall(r"\d[\d.]*", values))


class CheckRules(_Rule):
    """check.toml: the words `planparse check`'s drafting-error rules read."""

    dimensionless_metric: Pattern
    share_metric: Pattern
    growth_metric: Pattern
    respectively: Respectively
    outlook: Pattern
    plan_period: Pattern
    standing_rules_title: Pattern
    duplicate_min_chars: int = Field(18, ge=4)
    numbering_noise_floor: int = Field(5, ge=0)
    numbering_noise_share: float = Field(0.15, gt=0, le=1)

    @field_validator("plan_period")
    @classmethod
    def _has_years(cls, v: Pattern) -> Pattern:
        if {"start", "end"} - set(v.compiled.groupindex):
            raise ValueError(f"plan_period pattern {v.pattern!r} must capture (?P<start>…) and (?P<end>…)")
        return v

