"""Small text helpers shared by several stages."""
from __future__ import annotations

import bisect
import functools
import re as stdlib_re
from array import array

import regex as re

_OPEN, _CLOSE = "（(〔[【《", "）)〕]】》"


# A sentence: to its 。！？ or to the end of its line. (The standard library's engine: it walks a
# negated set of characters twice as fast as `regex`, and targets and measures split every clause.)
SENTENCE = stdlib_re.compile(r"[^。！？!?\n]+[。！？!?]?")


@functools.lru_cache(maxsize=64)
def _any_char_of(chars: str):
    """A pattern matching any one of these characters (a few separator sets are asked thousands of times)."""
    return re.compile("[" + re.escape(chars) + "]")


def split_top_level(s: str, seps: str) -> list[str]:
    """Split on separators outside brackets (`各县（市、区）人民政府` stays one name)."""
    if not any(ch in s for ch in _OPEN):
        parts = _any_char_of(seps).split(s) if seps else [s]
        return [x.strip() for x in parts if x.strip()]
    out, depth, start = [], 0, 0
    for m in _any_char_of(seps + _OPEN + _CLOSE).finditer(s):
        ch = m.group(0)
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0:
            out.append(s[start : m.start()])
            start = m.end()
    out.append(s[start:])
    return [x.strip() for x in out if x.strip()]


@functools.lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


@functools.lru_cache(maxsize=65536)
def to_simplified(s: str) -> str:
    """The text in simplified characters, for matching rule words only (`負責` is read as `负责`); names stay as
    written. Returns `s` itself when conversion would change its length, so offsets into `s` stay valid."""
    out = _t2s().convert(s)
    return out if len(out) == len(s) else s


class SpanSet:
    """Character spans taken so far, answering "does [s, e) overlap any of them?" by bisection.

    Overlapping spans are merged (an overlap with the union is an overlap with one of them), so a
    text with thousands of expressions is not checked pair by pair.
    """

    def __init__(self, spans=()):
        self.starts: list[int] = []
        self.ends: list[int] = []
        for s, e in spans:
            self.add(s, e)

    def overlaps(self, s: int, e: int) -> bool:
        i = bisect.bisect_left(self.starts, e) - 1  # the last span starting before e
        return i >= 0 and self.ends[i] > s

    def within(self, lo: int, hi: int) -> "SpanSet":
        """The spans overlapping [lo, hi), clipped to it, in offsets from lo (full-text spans → one sentence's)."""
        out = SpanSet()
        i = max(0, bisect.bisect_right(self.starts, lo) - 1)
        while i < len(self.starts) and self.starts[i] < hi:
            if self.ends[i] > lo:
                out.starts.append(max(self.starts[i], lo) - lo)
                out.ends.append(min(self.ends[i], hi) - lo)
            i += 1
        return out

    def add(self, s: int, e: int) -> None:
        i = bisect.bisect_left(self.starts, s)
        if i > 0 and self.ends[i - 1] > s:  # merge with the span before
            i -= 1
            s = self.starts[i]
        j = i
        while j < len(self.starts) and self.starts[j] < e:
            e = max(e, self.ends[j])
            j += 1
        e = max(e, self.ends[j - 1]) if j > i else e
        self.starts[i:j] = [s]
        self.ends[i:j] = [e]



_TITLE = re.compile(r"《[^《》\n]{0,200}》")


def cited_titles(text: str) -> SpanSet:
    """The spans of 《…》 titles: a year or period written there names a document, it sets no time."""
    return SpanSet(m.span() for m in _TITLE.finditer(text))


def line_starts(text: str) -> array:
    """The offset of every line of `text` (0, and each position after a '\n'), as one array: a long
    text's lines found without splitting it (a list of its lines holds the text again, and more)."""
    starts = array("q", [0])
    find = text.find
    at = find("\n")
    while at >= 0:
        starts.append(at + 1)
        at = find("\n", at + 1)
    return starts
