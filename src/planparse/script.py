"""Traditional script: folded to simplified for matching, one character for one, so that every
offset found in the folded text is an offset in the original; the output keeps the original.

The grammars are written in simplified characters. A machine-converted page or a Big5 file says
the same things in traditional characters (總體要求, 負責): folding each character with OpenCC's
t2s table lets every rule match it, and `restore_original` puts the document's own characters
back into the output strings afterwards.
"""
from __future__ import annotations

import functools
import re
from collections import Counter
from typing import Any

from pydantic import BaseModel

_CJK_RANGES = (("\u3400", "\u4dbf"), ("\u4e00", "\u9fff"), ("\uf900", "\ufaff"))
_MIN_DISTINCT = 3  # distinct traditional characters before a text counts as traditional script
_MIN_SHARE = 0.01  # … and this share of its CJK characters


@functools.lru_cache(maxsize=1)
def _folded() -> dict[str, str]:
    """Every CJK character OpenCC's t2s table changes, to its simplified form (one character for one):
    ~4,000 of the ~28,000, asked of OpenCC once and kept in the cache directory. A new process loads
    them in a millisecond where importing OpenCC and asking it each character of a document took ~10 ms."""
    import importlib.util
    import os

    spec = importlib.util.find_spec("opencc")
    try:
        installed = os.stat(spec.origin) if spec and spec.origin else None
    except OSError:
        installed = None
    made_from = repr((spec.origin if spec else None, installed and (installed.st_size, installed.st_mtime_ns),
                      _CJK_RANGES)).encode("utf-8")

    def ask_opencc() -> dict[str, str]:
        from opencc import OpenCC  # the `opencc` wheel or opencc-python-reimplemented: same interface

        conv, table = OpenCC("t2s"), {}
        for lo, hi in _CJK_RANGES:
            for code in range(ord(lo), ord(hi) + 1):
                s = conv.convert(chr(code))
                if len(s) == 1 and s != chr(code):  # never change a length: offsets must hold
                    table[chr(code)] = s
        return table

    from .grammar.programs import kept

    return kept("t2s-characters", made_from, ask_opencc)


def _is_cjk(ch: str) -> bool:
    return any(lo <= ch <= hi for lo, hi in _CJK_RANGES)


# A text is searched for the characters that fold with one compiled class (2.5 ns a character against 33
# for putting each in a set), built once a process (3 ms): not for the first text of a process when it is
# short (a CLI run on a notice), for a long one or any after it (a batch, a server).
_CLASS_FROM_CHARS = 50_000
_texts_seen = [0]


@functools.lru_cache(maxsize=1)
def _foldable_class() -> re.Pattern:
    codes, ranges = sorted(ord(ch) for ch in _folded()), []
    for code in codes:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return re.compile("[" + "".join(chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in ranges) + "]")


def _foldable_in(text: str) -> set[str]:
    """The distinct characters of `text` that fold."""
    _texts_seen[0] += 1
    if len(text) >= _CLASS_FROM_CHARS or _texts_seen[0] > 1:
        return set(_foldable_class().findall(text))
    return _folded().keys() & set(text)


def fold_table(text: str) -> dict[int, str]:
    """str.translate table folding the traditional characters of `text` (empty when there are none)."""
    folded = _folded()
    # each distinct character once, not each of the text's characters (counting them all is needed
    # only for a text that holds several characters to fold, which few do)
    table = {ord(ch): folded[ch] for ch in _foldable_in(text)}
    # A simplified text may hold a character OpenCC would still fold (著, 乾): only a text written
    # in traditional script, with several such characters, is folded.
    if len(table) < _MIN_DISTINCT:
        return {}
    counts = Counter(text)
    cjk = sum(n for ch, n in counts.items() if _is_cjk(ch))
    folded = sum(n for ch, n in counts.items() if ord(ch) in table)
    return table if folded >= _MIN_SHARE * cjk else {}


# Output fields that quote the document (restored); everything else is a normalised value
# (units, ids, markers, dates, canonical names) and stays as the rules wrote it.
_QUOTED = {"text", "heading", "metric", "scope", "name", "title", "notice_title", "content", "category", "measures",
           "deadline_text", "printed_by", "label", "table_title", "doc_number", "recipient", "basis"}
_QUOTED_LISTS = {"issuer", "recipients", "cc", "attachments", "lead", "support", "responsible", "implementers",
                 "implementers_inherited", "items", "header"}
_QUOTED_GRIDS = {"rows"}  # a table's cells


class Restorer:
    """Maps strings of the folded text back to the original characters."""

    def __init__(self, folded: str, original: str):
        self.folded, self.original = folded, original

    def span(self, s: str, span: tuple[int, int] | None) -> str:
        if span and self.folded[span[0]:span[1]] == s:
            return self.original[span[0]:span[1]]
        return self.find(s, span[0] if span else 0)

    def find(self, s: str, near: int = 0) -> str:
        if not s:
            return s
        pos = self.folded.find(s, max(0, near - len(s)))
        if pos < 0:
            pos = self.folded.find(s)
        return self.original[pos:pos + len(s)] if pos >= 0 else s

    def model(self, obj: Any, near: int = 0) -> None:
        """Restore, in place, the quoted strings of a pydantic model tree."""
        if isinstance(obj, list):
            for x in obj:
                self.model(x, near)
            return
        if not isinstance(obj, BaseModel):
            return
        span = getattr(obj, "span", None)
        here = span[0] if isinstance(span, tuple) else near
        for name in type(obj).model_fields:
            value = getattr(obj, name)
            if isinstance(value, str) and name in _QUOTED:
                setattr(obj, name, self.span(value, span) if name == "text" and isinstance(span, tuple) else self.find(value, here))
            elif isinstance(value, list) and name in _QUOTED_LISTS:
                setattr(obj, name, [self.find(v, here) if isinstance(v, str) else v for v in value])
            elif isinstance(value, list) and name in _QUOTED_GRIDS:
                setattr(obj, name, [[self.find(c, here) if isinstance(c, str) else c for c in row] if isinstance(row, list) else row
                                    for row in value])
            elif isinstance(value, (BaseModel, list)):
                self.model(value, here)
