"""jieba, loaded once per process with a user dictionary built from the grammars.

Agency names (with their level prefixes), units and the metric terms of grammars/userdict.txt are
added so that segmentation never splits `非化石能源消费比重` or `省工业和信息化厅`.
"""
from __future__ import annotations

import logging
import threading

_lock = threading.Lock()
_state: dict = {}


def _words(g) -> list[tuple[str, int, str]]:
    words: list[tuple[str, int, str]] = []
    for line in g.userdict_lines:
        parts = line.split()
        word = parts[0]
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 50
        tag = parts[2] if len(parts) > 2 else (parts[1] if len(parts) > 1 and not parts[1].isdigit() else "n")
        words.append((word, freq, tag))
    for form in g.lexicon.index:
        words.append((form, 50, "nt"))
        for p in g.agencies.level_prefixes:
            words.append((p + form, 50, "nt"))
    for u in g.units.units:
        for form in [u.unit, *u.aliases]:
            if len(form) > 1:
                words.append((form, 20, "q"))
    return words


def tokenizer(g=None):
    """A jieba Tokenizer with the grammars' words (the bundled grammars when g is None)."""
    with _lock:
        key = id(g)
        tok = _state.get(key)
        if tok is not None:
            return tok
        import jieba
        import jieba.posseg

        jieba.setLogLevel(logging.WARNING)
        if g is None:
            from .grammar import load_grammars

            g = load_grammars(None)
        tok = jieba.Tokenizer()
        for word, freq, tag in _words(g):
            tok.add_word(word, freq, tag)
        _state[key] = tok
        _state[("pos", key)] = jieba.posseg.POSTokenizer(tok)
        return tok


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def splits_a_word(left: str, right: str, g=None) -> bool:
    """True when the boundary between `left` and `right` falls inside a word (`…能源替|代。`)."""
    if not left or not right or not (_is_han(left[-1]) and _is_han(right[0])):
        return False  # only a Chinese word can be cut by wrapping; digits run together anyway
    window_l, window_r = left[-6:], right[:6]
    pos = 0
    for w in tokenizer(g).cut(window_l + window_r, HMM=False):
        end = pos + len(w)
        if pos < len(window_l) < end and len(w) >= 2:
            return True
        pos = end
    return False


def cut(text: str, g=None) -> list[str]:
    return tokenizer(g).lcut(text, HMM=True)


def posseg(text: str, g=None):
    tokenizer(g)
    return _state[("pos", id(g))].lcut(text)


def ends_with_verb(text: str, g=None) -> bool:
    """True when the last word of `text` is a verb (jieba tags v, vn, vd …): `培育`, `引育`, `打造`."""
    text = text.rstrip()
    if not text or not _is_han(text[-1]):
        return False
    last = None
    for w in posseg(text[-8:], g):
        last = w
    return last is not None and last.flag.startswith("v")
