"""Stage 2: raw lines → one clean text of paragraphs, with a map from offsets back to pages.

What it undoes is what PDF extraction does to Chinese text: lines broken inside sentences, spaces
between CJK and digits, full-width ASCII, page furniture, and markup that leaked into the text.
"""
from __future__ import annotations

import bisect
from abc import abstractmethod
import unicodedata
from collections import Counter
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TypeVar, overload
import re as stdlib_re

import regex as re

from . import compiled
from .grammar import Grammars, could_match, guarded
from .grammar.schema import PageGeometry, layout_rules
from .grammar.check import example_runner
from .ingest.base import LineBox, RawDocument, RawTable
from .script import fold_table
from .text import line_starts
from .words import splits_a_word

# Chinese punctuation that stays full width (the contract's list, plus ！？ and the corner quotes).
_KEEP_FULLWIDTH = set("，。、；：“”（）〔〕《》！？「」『』【】〈〉")
_FOLD = {cp: chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F) if chr(cp) not in _KEEP_FULLWIDTH}
_FOLD[0x3000] = " "

_CJK = r"\p{Han}"
_CJK_PUNCT = "，。、；：“”‘’（）〔〕《》！？【】〈〉—…·「」『』"
# Whitespace with a CJK character or CJK punctuation on either side carries no meaning.
_SPACE_CJK_LEFT = re.compile(rf"(?<=[{_CJK}{_CJK_PUNCT}])[ \t\u00a0]+(?=\S)")
_SPACE_CJK_RIGHT = re.compile(rf"(?<=\S)[ \t\u00a0]+(?=[{_CJK}{_CJK_PUNCT}])")
_SPACE_BEFORE_PERCENT = re.compile(r"(?<=\d)[ \u00a0]+(?=[%‰℃])")
_MULTI_SPACE = re.compile(r"[ \u00a0]{2,}")
# A space that separates two `label:value` fields of one line (`牵头单位:甲 参加单位:乙`) is the only thing
# between the first value and the second label: it is kept, or the two fields would run together.
_FIELD_GAP = re.compile(r"(?<=[:：][^:：\s]{1,40})[ \t\u00a0]+(?=\p{Han}{2,8}\s*[:：])")


# The characters fold_width changes: most lines have none, and looking for one costs a tenth of
# translating the line character by character. (The standard library's engine: it tests a set of
# characters as a table, `regex` member by member, ten times slower on this set of 95.)
_FOLDABLE = stdlib_re.compile("[" + "".join(stdlib_re.escape(chr(cp)) for cp in sorted(_FOLD)) + "]")


def fold_width(s: str) -> str:
    s = unicodedata.normalize("NFC", s)
    return s.translate(_FOLD) if _FOLDABLE.search(s) else s


_NARROW = re.compile("[\x00-\u2e7f]+")  # characters before the CJK blocks: half a CJK character wide


def visual_width(s: str) -> float:
    """Rendered width in CJK character units: ASCII counts half. (Counted in C, else by a regex, not a
    loop over the characters: normalise measures every line several times.)"""
    twin = compiled.SPEEDUPS
    if twin is not None:
        return twin.visual_width(s)
    return len(s) - 0.5 * (len(s) - len(_NARROW.sub("", s)))


def squeeze_spaces(s: str, keep_tabs: bool = False) -> str:
    if keep_tabs:
        cells = s.split("\t")
        return "\t".join(squeeze_spaces(c) for c in cells)
    if " " not in s and "\u00a0" not in s and "\t" not in s:
        return s.strip()  # every rule below removes or keeps a space: a line without one is as it is
    if _FIELD_GAP.search(s):
        return " ".join(squeeze_spaces(part) for part in _FIELD_GAP.split(s))
    s = _SPACE_CJK_LEFT.sub("", s)
    s = _SPACE_CJK_RIGHT.sub("", s)
    s = _SPACE_BEFORE_PERCENT.sub("", s)
    s = _MULTI_SPACE.sub(" ", s)
    return s.strip()


@dataclass(slots=True)  # one per line of the document: no per-object dict
class Line:
    text: str
    page: int | None
    sources: list[int] = field(default_factory=list)  # indices of the cleaned lines joined into it
    box: LineBox | None = None  # where the (last) visual line sits on its PDF page
    block: tuple[float, float] | None = None  # left and right edges of the text block of that page
    # The source starts a block here (markdown paragraph, heading, list item): never joined to the line before.
    hard_break: bool = False


def text_block(boxes: list[LineBox]) -> tuple[float, float] | None:
    """The left and right edges of a page's text block: where most lines start (continuation lines
    at the margin, not first lines indented) and where most full lines end."""
    if len(boxes) < 3:
        return None
    starts = sorted(b.x0 for b in boxes)
    ends = sorted(b.x1 for b in boxes)
    return starts[int(0.2 * (len(starts) - 1))], ends[int(0.8 * (len(ends) - 1))]


def _document_right_edge(raw: RawDocument, geo: PageGeometry) -> float | None:
    """Where the lines of the document's full pages end (the median of their text blocks' right edges):
    a page of short lines (a list of names, a signature page) has no full line to measure its own
    block by, and its short lines are short against the document's width, not against each other."""
    rights = sorted(block[1] for page in raw.pages
                    if page.boxes is not None and len(page.boxes) == len(page.lines) and len(page.boxes) >= geo.full_page_lines
                    and (block := text_block(page.boxes)) is not None)
    return rights[len(rights) // 2] if rights else None


def _lines_fill(boxes: list[LineBox], block: tuple[float, float], geo: PageGeometry) -> bool:
    """A page's own text block is measured by its lines when enough of them end at its right edge:
    justified prose, in one column or two. A few lines, or ragged ones (a list of names), measure
    nothing, and the document's width is taken."""
    full = sum(1 for b in boxes if b.x1 >= block[1] - geo.full_line_em * b.size)
    return full >= geo.full_line_share * len(boxes)


def _ends_short(line: Line, geo: PageGeometry) -> bool | None:
    """Whether a PDF line stops short of its page's right edge (None: no geometry)."""
    if line.box is None or line.block is None:
        return None
    last = line.text[-1:]
    allowance = geo.short_after_latin_em if last.isascii() and last.isalnum() else geo.short_after_cjk_em
    return line.box.x1 < line.block[1] - allowance * line.box.size


def _runs_on(prev: Line, nxt: Line, geo: PageGeometry) -> bool:
    """A PDF line that reaches the right edge followed by one at the left margin: the paragraph
    goes on, even after a full stop (a new paragraph is indented, or follows a short line)."""
    if prev.box is None or prev.block is None or nxt.box is None or nxt.block is None:
        return False
    return _ends_short(prev, geo) is False and nxt.box.x0 < nxt.block[0] + geo.margin_em * nxt.box.size


@dataclass(slots=True)
class SourceLine:
    """A cleaned line before re-joining (blank lines kept): tables rebuilt from text need them."""

    text: str
    page: int | None
    offset: int  # offset in NormalText.text of the paragraph the line ended up in
    raw: str = ""  # the line before spaces were squeezed: cell gaps in flattened tables survive here
    lineno: int | None = None  # 1-based line number in the source (within its page for PDF)
    box: LineBox | None = None  # where the line sits on its page (PDF text and OCR'd pages, OFD)
    paragraph: int | None = None  # 0-based source paragraph (a Word body paragraph)


_Item = TypeVar("_Item")


class _BuiltOnAsk(Sequence[_Item]):
    """A read-only sequence whose items are made when asked for (`_item(i)`) from what it keeps in a
    compact form: indexing, negative indices and slices as a list has them."""

    __slots__ = ()
    _NAME = "item"  # in the IndexError

    @abstractmethod
    def _item(self, i: int) -> _Item:
        """The i-th item (0 <= i < len), made from what the sequence keeps."""

    @overload
    def __getitem__(self, i: int) -> _Item: ...

    @overload
    def __getitem__(self, i: slice) -> list[_Item]: ...

    def __getitem__(self, i):
        n = len(self)
        if i.__class__ is slice:
            return [self._item(k) for k in range(*i.indices(n))]
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(f"{self._NAME} index out of range")
        return self._item(i)

    def __eq__(self, other: object) -> bool:  # equal to a list of the same items, as tests build them
        if isinstance(other, (type(self), list)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented


class SourceLines(_BuiltOnAsk[SourceLine]):
    """The source lines of a document, kept a column per field (one object per line, its ints and its
    raw string took more memory than the document's text many times over); a SourceLine is made
    when a line is asked for. Read-only once normalise has built it."""

    __slots__ = ("_text", "_raw", "_wraps", "_wrap_pairs", "_page", "_offset", "_lineno", "_box", "_paragraph")

    _NONE = -1  # a page, line number or paragraph that is None (all are >= 0 otherwise)
    _NAME = "source line"

    def __init__(self) -> None:
        self._text: list[str] = []
        # the raw line: None (the same as the text), an index into _wraps (the text with whitespace around
        # it: what most lines of a text file are), or the raw line itself
        self._raw: list[str | int | None] = []
        self._wraps: dict[tuple[str, str], int] = {}
        self._wrap_pairs: list[tuple[str, str]] = []  # the keys of _wraps, by their index
        # page, paragraph and box stay None (every line's is None: a text's, a markdown's) until a line has one
        self._page: array | None = None
        self._offset = array("q")
        self._lineno = array("q")
        self._paragraph: array | None = None
        self._box: list[LineBox | None] | None = None

    def append(self, text: str, page: int | None, raw: str, lineno: int | None, box: LineBox | None,
               paragraph: int | None, offset: int = 0) -> None:
        self._text.append(text)
        if raw == text:
            self._raw.append(None)
        else:
            at = raw.find(text)
            lead, trail = (raw[:at], raw[at + len(text):]) if at >= 0 else ("", "")
            if at >= 0 and not lead.strip() and not trail.strip():
                k = self._wraps.get((lead, trail))
                if k is None:
                    k = self._wraps[(lead, trail)] = len(self._wrap_pairs)
                    self._wrap_pairs.append((lead, trail))
                self._raw.append(k)
            else:
                self._raw.append(raw)
        none = self._NONE
        before = len(self._text) - 1
        if page is not None or self._page is not None:
            if self._page is None:
                self._page = array("q", [none]) * before
            self._page.append(none if page is None else page)
        self._lineno.append(none if lineno is None else lineno)
        if paragraph is not None or self._paragraph is not None:
            if self._paragraph is None:
                self._paragraph = array("q", [none]) * before
            self._paragraph.append(none if paragraph is None else paragraph)
        self._offset.append(offset)
        if box is not None or self._box is not None:
            if self._box is None:
                self._box = [None] * before
            self._box.append(box)

    def set_offsets(self, offsets: Iterable[int]) -> None:
        self._offset = array("q", offsets)

    def translate(self, table: dict[int, str]) -> None:
        """Every line's text and raw text mapped through `table` (str.translate)."""
        self._text = [t.translate(table) for t in self._text]
        self._raw = [r.translate(table) if isinstance(r, str) else r for r in self._raw]
        self._wrap_pairs = [(lead.translate(table), trail.translate(table)) for lead, trail in self._wrap_pairs]
        self._wraps = {pair: k for k, pair in enumerate(self._wrap_pairs)}

    def texts(self) -> list[str]:
        """Every line's text, without a SourceLine made for each."""
        return list(self._text)

    def offsets(self) -> list[int]:
        """Every line's paragraph offset, without a SourceLine made for each."""
        return self._offset.tolist()

    def raws(self) -> list[str]:
        """Every line's raw text, without a SourceLine made for each."""
        return list(map(self._full_raw, self._text, self._raw))

    def _full_raw(self, text: str, raw: str | int | None) -> str:
        """A raw text as stored (None: the text itself; an int: the text in one of the wrap pairs) in full."""
        if raw is None:
            return text
        if raw.__class__ is int:
            lead, trail = self._wrap_pairs[raw]
            return lead + text + trail
        return raw

    def _item(self, i: int) -> SourceLine:
        none = self._NONE
        page = none if self._page is None else self._page[i]
        paragraph = none if self._paragraph is None else self._paragraph[i]
        lineno = self._lineno[i]
        box = None if self._box is None else self._box[i]
        text = self._text[i]
        return SourceLine(text, None if page < 0 else page, self._offset[i], self._full_raw(text, self._raw[i]),
                          None if lineno < 0 else lineno, box, None if paragraph < 0 else paragraph)

    def __len__(self) -> int:
        return len(self._text)

    def __iter__(self) -> Iterator[SourceLine]:
        return map(self._item, range(len(self._text)))

    def __repr__(self) -> str:
        return f"SourceLines({len(self)} lines)"


def line_texts(lines: Sequence[SourceLine]) -> list[str]:
    """The text of each line: the readers that look for a table's first line ask it of every line,
    and making a SourceLine for each of those questions cost more than the questions."""
    return lines.texts() if isinstance(lines, SourceLines) else [sl.text for sl in lines]


def line_offsets(lines: Sequence[SourceLine]) -> list[int]:
    """The paragraph offset of each line (line_texts)."""
    return lines.offsets() if isinstance(lines, SourceLines) else [sl.offset for sl in lines]


def line_raws(lines: Sequence[SourceLine]) -> list[str]:
    """The raw text of each line (line_texts)."""
    return lines.raws() if isinstance(lines, SourceLines) else [sl.raw for sl in lines]


@dataclass
class NormalText:
    """The normalised document: paragraphs joined by '\\n'."""

    text: str
    # Sorted offsets at which a new page starts, with that page number.
    page_starts: list[tuple[int, int]] = field(default_factory=list)
    tables: list[RawTable] = field(default_factory=list)
    # Offset in `text` of each geometric table's position (same order as `tables`).
    table_offsets: list[int] = field(default_factory=list)
    page_count: int | None = None
    # Every cleaned line in reading order, blank lines included, with the paragraph it went into.
    source_lines: Sequence[SourceLine] = field(default_factory=list)  # SourceLines, or a list (tests)
    # Front-matter and scrape-header fields (标题, 文号, 发布机构…): not text; meta falls back on them.
    header: dict[str, str] = field(default_factory=dict)
    # (code, message) of what normalising changed in the document's words (injected noise removed).
    warnings: list[tuple[str, str]] = field(default_factory=list)
    # The text as written when it is in traditional script: `text` is then its character-for-character
    # simplified fold (what the rules match), and the output quotes this one (same offsets).
    original_text: str | None = None
    _line_index: tuple[array, array] | None = field(default=None, repr=False, compare=False)  # offsets, line numbers

    def line_at(self, offset: int) -> int | None:
        """Source line number of the paragraph that holds `offset` (its first line)."""
        if self._line_index is None:
            firsts: dict[int, int | None] = {}
            lines = self.source_lines
            for k, (text, at) in enumerate(zip(line_texts(lines), line_offsets(lines))):
                if text and at not in firsts:
                    firsts[at] = lines[k].lineno
            # two arrays, not a tuple (and two ints) a paragraph: a large text has many paragraphs
            offsets = array("q", sorted(firsts))
            self._line_index = (offsets, array("q", (-1 if firsts[o] is None else firsts[o] for o in offsets)))
        offsets, linenos = self._line_index
        i = bisect.bisect_right(offsets, offset) - 1
        return None if i < 0 or linenos[i] < 0 else linenos[i]

    def page_at(self, offset: int) -> int | None:
        if not self.page_starts:
            return None
        i = bisect.bisect_right(self.page_starts, (offset, float("inf"))) - 1
        return self.page_starts[max(i, 0)][1]

    @property
    def paragraphs(self) -> Paragraphs:
        """(offset, paragraph) of the text, its paragraph offsets found once per text (stages ask for
        them many times: a list rebuilt at each ask made segmenting a large document quadratic). Not
        to be changed."""
        kept = self.__dict__.get("_paragraphs")
        if kept is None or kept.text is not self.text:
            kept = self.__dict__["_paragraphs"] = Paragraphs(self.text)
        return kept

    def forget_paragraphs(self) -> None:
        """Free the paragraph offsets kept by `paragraphs`, once no stage asks for them."""
        self.__dict__.pop("_paragraphs", None)

    def paragraphs_between(self, start: int, end: int) -> list[tuple[int, str]]:
        """The paragraphs that begin after `start` and before `end`."""
        paras = self.paragraphs
        return paras[bisect.bisect_right(paras.offsets, start):bisect.bisect_left(paras.offsets, end)]


class Paragraphs(_BuiltOnAsk[tuple[int, str]]):
    """(offset, paragraph) of a text's '\\n'-separated paragraphs, each cut from the text when asked
    for: only their offsets are kept (a list of them, a tuple, an int and a string a paragraph, took
    four times a markdown file's size, whose every line is a paragraph)."""

    __slots__ = ("text", "offsets")
    _NAME = "paragraph"

    def __init__(self, text: str) -> None:
        self.text = text
        self.offsets = line_starts(text)

    def _item(self, i: int) -> tuple[int, str]:
        start = self.offsets[i]
        end = self.offsets[i + 1] - 1 if i + 1 < len(self.offsets) else len(self.text)
        return start, self.text[start:end]

    def __len__(self) -> int:
        return len(self.offsets)

    def __iter__(self) -> Iterator[tuple[int, str]]:
        text, offsets = self.text, self.offsets
        for k in range(len(offsets) - 1):
            yield offsets[k], text[offsets[k]:offsets[k + 1] - 1]
        yield offsets[-1], text[offsets[-1]:]

    def __repr__(self) -> str:
        return f"Paragraphs({len(self)} paragraphs)"


def clean_line(line: str, g: Grammars, keep_tabs: bool) -> str:
    return _clean_folded(fold_width(line), g, keep_tabs)


def _clean_folded(s: str, g: Grammars, keep_tabs: bool) -> str:
    """clean_line of a line folded already (normalise keeps the folded line too)."""
    if g.built(layout_rules)["markup"].search(s):  # most lines hold no markup: one question, not one a rule
        for rule in g.layout.markup:
            s = rule.compiled.sub(rule.replace, s)
    s = s.replace("\r", "").replace("\u200b", "").replace("\ufeff", "").replace("\u00ad", "")
    return squeeze_spaces(s, keep_tabs=keep_tabs)


def is_furniture(s: str, g: Grammars) -> bool:
    """Page furniture of a printed page, or chrome of a web portal: never document text."""
    return g.built(layout_rules)["furniture"].fullmatch(s)


def is_web_chrome(s: str, g: Grammars) -> bool:
    """A line only a web page has (layout.toml `web_chrome`; the HTML reader drops the bundled ones
    already, this applies an analyst's own too)."""
    return len(s) <= g.layout.web_chrome_max_chars and g.built(layout_rules)["web_chrome"].fullmatch(s)


def _noise_rules(g: Grammars) -> list[tuple]:
    # (the characters a match holds one of, compiled, replacement, name) once per grammar set: asked of
    # every line, and few lines hold a bracket or a question mark
    return [(needed, rx, rule.replace, rule.name or rule.pattern) for (needed, rx), rule in zip(guarded(g.layout.noise), g.layout.noise)]


def remove_noise(line: str, g: Grammars, removed: Counter) -> str:
    """Injected junk (pinyin after characters, `???` runs) out of a line; `removed` counts it by rule."""
    for needed, rx, replacement, name in g.built(_noise_rules):
        if not could_match(needed, line):
            continue
        line, n = rx.subn(replacement, line)
        if n:
            removed[name] += n
    return line


def _in_header_zone(raw: RawDocument, g: Grammars) -> set[tuple[int, int]]:
    """(page index, line index) of the non-empty lines where a scrape header may stand: the first
    and last few of the document."""
    sh = g.layout.scrape_header
    if sh is None:
        return set()
    filled = [(pi, li) for pi, page in enumerate(raw.pages) for li, line in enumerate(page.lines) if line.strip()]
    return set(filled[: sh.front_lines]) | set(filled[-sh.tail_lines:] if sh.tail_lines else [])


def _typical_width(lines: list[Line], line_widths: list[float], opens: list[bool], g: Grammars) -> float:
    """The width of a full printed line, estimated from lines that were visibly cut by wrapping.
    opens: whether each line starts a block or a numbered item."""
    ends = tuple(g.layout.paragraph_end)
    # Headings, table rows and lines that end a sentence tell nothing about the printed width.
    widths = sorted(
        w for ln, w, opening in zip(lines, line_widths, opens)
        if ln.text and not ln.text.endswith(ends) and "\t" not in ln.text and w >= 10 and not opening
    )
    if not widths:
        return 40.0
    return widths[int(0.8 * (len(widths) - 1))]


def _paragraph_style(lines: list[Line], line_widths: list[float], g: Grammars) -> tuple[bool, float]:
    """(True, median width) when most lines are whole paragraphs (they end a sentence), not PDF wraps."""
    ends = tuple(g.layout.paragraph_end) + tuple(g.layout.soft_end)
    body = [(ln.text, w) for ln, w in zip(lines, line_widths) if "\t" not in ln.text and w >= 10]
    if not body:
        return True, 0.0
    widths = sorted(w for _, w in body)
    share = sum(t.endswith(ends) for t, _ in body) / len(body)
    return share >= g.layout.paragraph_style_share, widths[len(widths) // 2]


def _starts_block(text: str, g: Grammars) -> bool:
    return g.built(layout_rules)["block_start"].match(text)


def _breaks_after(tail: str, g: Grammars) -> bool:
    return g.built(layout_rules)["break_after"].search(tail)


def _starts_item(text: str, g: Grammars) -> bool:
    return g.built(layout_rules)["item_start"].match(text)


_ARABIC_ITEM = re.compile(r"^(\d{1,2})\s*[、.．](?!\d*(?:[.．]\d|[%％万亿千]))")


def _next_numbered_item(paragraph: str, nxt: str) -> bool:
    """`3．20年…` after a paragraph that holds item `2．`: the next item of a list, though a number follows
    its marker (which alone would read as `2.5万吨`)."""
    m = _ARABIC_ITEM.match(nxt)
    if not m or int(m.group(1)) < 2:
        return False
    prev = str(int(m.group(1)) - 1)
    return re.search(rf"(?:^|[：:\s]){prev}\s*[、.．]", paragraph) is not None


def _is_section_heading(text: str, g: Grammars) -> bool:
    """`十、严格落实各方责任，推进全民共建共享`: a top-level marker line with no sentence in it."""
    return any(p.compiled.match(text) for p in g.layout.section_heading) and not any(ch in text for ch in "。；！？")


def join_lines(lines: list[Line], g: Grammars) -> list[Line]:
    """Re-join visual lines into paragraphs.

    A break is kept after a line that ends a sentence, before a numbered marker or heading, and
    after a line clearly shorter than the printed width (a heading, a title, a signature). PDF lines
    carry the page's geometry: there a line that stops short of the text block's right edge ended
    its paragraph, one that reaches it did not, and a line starting with a marker starts one.
    """
    lines = [ln for ln in lines if ln.text]
    if not lines:
        return []
    # each line's width, measured once: the estimates below and the joining loop all ask for it
    line_widths = [visual_width(ln.text) for ln in lines]
    # whether each line starts a block (a heading, a signature) or a numbered item, asked once a line:
    # the width estimate and the joining loop below both ask
    rules = g.built(layout_rules)
    block_start, item_start = rules["block_start"].match, rules["item_start"].match
    starts_block = [block_start(ln.text) for ln in lines]
    starts_item = [item_start(ln.text) for ln in lines]
    full = _typical_width(lines, line_widths, [b or i for b, i in zip(starts_block, starts_item)], g)
    paragraph_style, median = _paragraph_style(lines, line_widths, g)
    ends = tuple(g.layout.paragraph_end)
    soft_ends = tuple(g.layout.soft_end)
    # A paragraph of one line is that line itself (a markdown file's lines are mostly paragraphs: a copy
    # of each doubled what normalising held); a paragraph is a Line of its own once a line joins it.
    out: list[Line] = [lines[0]]
    own_last = False
    # The width of the paragraph being built, kept up to date: measuring a growing paragraph at
    # every line made thousands of short lines quadratic.
    width = line_widths[0]
    for nxt, nxt_width, nxt_block, nxt_item in zip(lines[1:], line_widths[1:], starts_block[1:], starts_item[1:]):
        prev = out[-1].text
        short = _ends_short(out[-1], g.layout.geometry)
        if nxt.hard_break:
            brk = True  # the source's own paragraph structure is authoritative
        elif "\t" in prev or "\t" in nxt.text:
            brk = True  # tab-separated table rows are never prose
        elif prev.endswith(ends) and _runs_on(out[-1], nxt, g.layout.geometry) and not nxt_block and not nxt_item:
            brk = False
        elif prev.endswith(ends) or _breaks_after(prev[-g.layout.break_after_window:], g):
            brk = True
        elif (short if short is not None else width < 0.95 * full) and _is_section_heading(prev, g):
            # A heading ends its line short; on a page whose geometry is known, a `一、…` line that runs
            # to the text block's right edge (indented, so narrower than the block) wraps its sentence.
            brk = True
        elif nxt_block:
            brk = True
        elif nxt_item and (prev.endswith(soft_ends) or short is not None):
            brk = True  # on a PDF page, a numbered item starts a paragraph at any line width
        elif _next_numbered_item(prev, nxt.text):
            brk = True
        elif prev.endswith(tuple(g.layout.continue_end)):
            brk = False
        elif short is not None:
            brk = short and not splits_a_word(prev, nxt.text, g)
        elif paragraph_style:
            # One paragraph per line already: only a long line cut mid-sentence, or a cut word, continues.
            brk = width < median and not splits_a_word(prev, nxt.text, g)
        elif width < g.layout.short_line_ratio * full or \
                width < g.layout.shorter_than_next_ratio * nxt_width:
            # A wrapped line is as wide as the text block: one clearly narrower ended its paragraph,
            # unless the break cuts a word in two (`清洁能源替|代`), which only wrapping does.
            brk = not splits_a_word(prev, nxt.text, g)
        else:
            brk = False
        if brk:
            out.append(nxt)
            own_last = False
            width = nxt_width
        else:
            # Latin words wrap at a space: the space comes back. (A PDF page breaks a line only
            # there; text of unknown origin may have cut a number in two, so digits join there.)
            starts_word = nxt.text[:1].isalnum() if nxt.box is not None else nxt.text[:1].isalpha()
            glue = " " if (prev[-1:].isascii() and prev[-1:].isalnum() and nxt.text[:1].isascii() and starts_word) else ""
            # Both sides are squeezed and stripped already (clean_line), and the glue is a space only
            # between Latin letters or digits: squeezing the joined paragraph again changed nothing
            # and made many short lines quadratic.
            sources = out[-1].sources if own_last else list(out[-1].sources)
            sources.extend(nxt.sources)
            out[-1] = Line(prev + glue + nxt.text, out[-1].page, sources, nxt.box, nxt.block)
            own_last = True
            width += visual_width(glue) + nxt_width  # halves: exact in a float
    return out


def rejoin_broken_paragraphs(lines: list[Line], g: Grammars) -> list[Line]:
    """Whole paragraphs (Word, web pages) of which the author broke some mid-sentence, as PDF lines
    are broken: a paragraph that ends where a sentence cannot end (`，` `、` `和` …) or inside a
    word, followed by one that starts no numbered item, is joined to it."""
    ends = tuple(g.layout.paragraph_end) + tuple(g.layout.soft_end)
    cont = tuple(g.layout.continue_end)
    out: list[Line] = []
    for nxt in lines:
        prev = out[-1].text if out else ""
        broken = bool(prev) and not nxt.hard_break and "\t" not in prev and "\t" not in nxt.text and (
            prev.endswith(cont)
            or (not prev.endswith(ends) and visual_width(prev) >= g.layout.broken_line_min_width and splits_a_word(prev, nxt.text, g))
        ) and not _starts_block(nxt.text, g) and not _starts_item(nxt.text, g)
        if broken:
            out[-1] = Line(prev + nxt.text, out[-1].page, out[-1].sources + nxt.sources)
        else:
            out.append(nxt)
    return out


def normalise(raw: RawDocument, g: Grammars) -> NormalText:
    lines: list[Line] = []
    source_lines = SourceLines()
    tables: list[RawTable] = []
    table_line_idx: list[int] = []
    header: dict[str, str] = dict(raw.header)
    header_zone = _in_header_zone(raw, g)
    web = raw.format == "html"
    removed: Counter = Counter()
    doc_right = _document_right_edge(raw, g.layout.geometry)
    for pi, page in enumerate(raw.pages):
        boxes = page.boxes if page.boxes is not None and len(page.boxes) == len(page.lines) else None
        paragraph_numbers = page.paragraph_numbers if page.paragraph_numbers is not None \
            and len(page.paragraph_numbers) == len(page.lines) else None
        block = text_block(boxes) if boxes else None
        if block is not None and doc_right is not None and block[1] < doc_right and (
                len(boxes) < g.layout.geometry.full_page_lines or not _lines_fill(boxes, block, g.layout.geometry)):
            block = (block[0], doc_right)
        anchors = sorted((t.line_index if t.line_index is not None else len(page.lines), i) for i, t in enumerate(page.tables))
        ai = 0
        block_starts = set(page.paragraph_starts or ())
        pending_break = False  # a block started on a line that was dropped: the next kept line starts it
        for li, line in enumerate(page.lines + [None]):
            while ai < len(anchors) and anchors[ai][0] <= li:
                tables.append(page.tables[anchors[ai][1]])
                table_line_idx.append(len(lines))
                ai += 1
            if line is None:
                break
            pending_break = pending_break or li in block_starts
            line = remove_noise(line, g, removed)
            keep_tabs = "\t" in line
            folded = fold_width(line)
            s = _clean_folded(folded, g, keep_tabs)
            if s and is_furniture(s, g):
                continue
            fields = g.layout.scrape_header.fields_of(s) if s and (pi, li) in header_zone else None
            if fields:
                for label, value in fields:
                    header.setdefault(label, value)
                continue
            if web and s and is_web_chrome(s, g):
                continue
            source_lines.append(s, page.number, folded.strip("\r\n"), li + 1, boxes[li] if boxes else None,
                                paragraph_numbers[li] if paragraph_numbers else None)
            if s:
                box = boxes[li] if boxes else None
                lines.append(Line(s, page.number, [len(source_lines) - 1], box, block if box else None, hard_break=pending_break))
                pending_break = False
    # Tables split the text stream: join paragraphs only between them.
    paras: list[Line] = []
    table_para_idx: list[int] = []
    cuts = sorted(set(table_line_idx))
    start = 0
    seg_ends = cuts + [len(lines)]
    para_at_cut: dict[int, int] = {}
    for cut in seg_ends:
        chunk = lines[start:cut]
        paras.extend(rejoin_broken_paragraphs(chunk, g) if raw.lines_are_paragraphs else join_lines(chunk, g))
        para_at_cut[cut] = len(paras)
        start = cut
    for idx in table_line_idx:
        table_para_idx.append(para_at_cut[idx])

    text_parts: list[str] = []
    page_starts: list[tuple[int, int]] = []
    offsets: list[int] = []
    pos = 0
    for p in paras:
        offsets.append(pos)
        if p.page is not None and (not page_starts or page_starts[-1][1] != p.page):
            page_starts.append((pos, p.page))
        text_parts.append(p.text)
        pos += len(p.text) + 1
    offsets.append(pos)
    text = "\n".join(text_parts)
    del text_parts  # the text again, a paragraph at a time
    table_offsets = [min(offsets[i], len(text)) for i in table_para_idx]
    # each source line's paragraph (a line dropped in joining: the paragraph of the line before it)
    para_of_source = array("q", [-1]) * len(source_lines)
    for pi, p in enumerate(paras):
        for src in p.sources:
            para_of_source[src] = pi
    del lines, paras, chunk  # the joined lines: the text and the source lines hold what they said
    line_offsets = array("q")
    next_para = 0
    for pi in para_of_source:
        if pi >= 0:
            next_para = pi
        line_offsets.append(min(offsets[next_para], len(text)))
    source_lines.set_offsets(line_offsets)
    warnings = [("noise-removed", f"removed injected text before reading: {n} × {name}") for name, n in removed.items()]
    original_text = None
    fold = fold_table(text)
    if fold:
        # Traditional script: every stage matches the simplified fold; the output quotes the original.
        original_text, text = text, text.translate(fold)
        folded = sum(1 for ch in original_text if ord(ch) in fold)
        warnings.append(("traditional-script", f"{folded} characters in traditional script, folded to simplified for reading"))
        source_lines.translate(fold)
        tables = [replace(t, rows=[[c.translate(fold) if c else c for c in row] for row in t.rows]) for t in tables]
        header = {k: v.translate(fold) for k, v in header.items()}
    return NormalText(
        text=text, page_starts=page_starts, tables=tables, table_offsets=table_offsets, page_count=raw.page_count,
        source_lines=source_lines, header=header, warnings=warnings, original_text=original_text,
    )


@example_runner
def _layout_examples(g: Grammars):
    """Examples of the portal chrome, noise and scrape-header rules this stage applies."""
    lay = g.layout
    for i, p in enumerate(lay.chrome):
        for ex in p.examples:
            yield f"layout.toml chrome[{i}]", ex, lambda s, p=p: bool(p.compiled.fullmatch(s))
    for i, p in enumerate(lay.web_chrome):
        for ex in p.examples:
            yield f"layout.toml web_chrome[{i}]", ex, lambda s, p=p: bool(p.compiled.fullmatch(s))
    for i, p in enumerate(lay.noise):
        for ex in p.examples:
            yield f"layout.toml noise[{i}]", ex, lambda s, p=p: p.compiled.sub(p.replace, s)
    if lay.scrape_header is not None:
        for ex in lay.scrape_header.examples:
            yield "layout.toml scrape_header", ex, lambda s: [list(f) for f in lay.scrape_header.fields_of(s)] \
                if lay.scrape_header.fields_of(s) else False
