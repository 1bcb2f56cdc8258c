"""jieba, loaded once per process with a dictionary merged from jieba's own and the grammars' words.

Agency names (with their level prefixes), units and the metric terms of grammars/userdict.txt are
in it so that segmentation never splits `非化石能源消费比重` or `省工业和信息化厅`.

Start-up cost is most of a short document's: the merged dictionary is written once to a cache
directory, named by the hash of its words, and jieba keeps its parsed form (a marshal cache) beside
it, so a new process loads one file instead of parsing 350,000 lines and adding a thousand words.
Place names (tag `ns`) come from the same build as a small word list; jieba's part-of-speech
tagger (two more copies of the dictionary, ~100 MB) is loaded only for a name that starts with
a word the dictionary does not know.
"""
from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
from pathlib import Path

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


def cache_dir() -> Path:
    """PLANPARSE_CACHE_DIR, else $XDG_CACHE_HOME/planparse (~/.cache/planparse), else the temp dir."""
    env = os.environ.get("PLANPARSE_CACHE_DIR")
    base = Path(env) if env else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "planparse"
    try:
        base.mkdir(parents=True, exist_ok=True)
        if os.access(base, os.W_OK):
            return base
    except OSError:
        pass
    return Path(tempfile.gettempdir())


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=str(path.parent))
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def _merged_dictionary(words: list[tuple[str, int, str]]) -> tuple[Path, Path]:
    """(merged dictionary, its place names), built once per word list and jieba version."""
    jieba = _import_jieba()

    base = Path(jieba.__file__).with_name("dict.txt")
    own = "".join(f"{w} {f} {t}\n" for w, f, t in words)
    key = hashlib.sha256(f"{jieba.__version__}|{base.stat().st_size}|{own}".encode("utf-8")).hexdigest()[:16]
    directory = cache_dir()
    merged, places = directory / f"jieba-{key}.dict", directory / f"jieba-{key}.places"
    if not (merged.exists() and places.exists()):
        text = base.read_text(encoding="utf-8")
        if not text.endswith("\n"):
            text += "\n"
        tags: dict[str, str] = {}
        for line in (text + own).splitlines():
            parts = line.split()
            if len(parts) >= 3:
                tags[parts[0]] = parts[2]  # later lines win, as in jieba's tagger
        _write_atomic(places, "".join(w + "\n" for w, t in tags.items() if t == "ns"))
        _write_atomic(merged, text + own)  # last: its presence means both are complete
    return merged, places


def _import_jieba():
    """jieba imports pkg_resources (deprecated; a large share of start-up, ~20 MB) only to open its
    own data files, and opens them by path when that import fails: make it fail, for this import only."""
    import sys

    if "jieba" in sys.modules or "pkg_resources" in sys.modules:
        import jieba
        return jieba
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]
    try:
        import jieba
    finally:
        del sys.modules["pkg_resources"]
    return jieba


def tokenizer(g=None):
    """A jieba Tokenizer with the grammars' words (the bundled grammars when g is None)."""
    with _lock:
        key = id(g)
        tok = _state.get(key)
        if tok is not None:
            return tok
        jieba = _import_jieba()

        jieba.setLogLevel(logging.WARNING)
        if g is None:
            from .grammar import load_grammars

            g = load_grammars(None)
        words = _words(g)
        try:
            merged, places = _merged_dictionary(words)
        except OSError:  # no writable cache anywhere: the slow way, in memory
            tok = jieba.Tokenizer()
            for word, freq, tag in words:
                tok.add_word(word, freq, tag)
            place_names = None
        else:
            tok = jieba.Tokenizer(dictionary=str(merged))
            tok.tmp_dir = str(merged.parent)
            tok.cache_file = merged.stem + ".cache"
            place_names = frozenset(places.read_text(encoding="utf-8").split())
        tok.initialize()
        _state[key] = tok
        _state[("places", key)] = place_names
        return tok


def _tagger(g=None):
    """jieba's part-of-speech tagger over the same dictionary (loaded on first use only)."""
    tok = tokenizer(g)
    with _lock:
        pos = _state.get(("pos", id(g)))
        if pos is None:
            import jieba.posseg

            pos = _state[("pos", id(g))] = jieba.posseg.POSTokenizer(tok)
        return pos


def starts_with_place(text: str, g=None) -> bool:
    """True when `text` starts with a place name of two or more characters (江苏, 南通): what jieba's
    tagger says (tag `ns`). A first word the dictionary knows is tagged from the dictionary, so the
    place-name list answers; a run of single characters that is no word goes to the tagger's HMM."""
    tok = tokenizer(g)
    places = _state[("places", id(g))]
    words = tok.lcut(text, HMM=False)
    if places is not None and words:
        if len(words[0]) >= 2:
            return words[0] in places
        run = ""
        for w in words:
            if len(w) != 1:
                break
            run += w
        if len(run) == 1 or tok.FREQ.get(run):
            return False  # the tagger yields single characters here
    for w in _tagger(g).lcut(text):
        return w.flag == "ns" and len(w.word) >= 2
    return False


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def spanning_word(left: str, right: str, g=None) -> str | None:
    """The word (jieba, two characters or more) that the boundary between `left` and `right` falls inside
    (`…能源替|代。` → 替代), else None."""
    if not left or not right or not (_is_han(left[-1]) and _is_han(right[0])):
        return None  # only a Chinese word can be cut by wrapping; digits run together anyway
    window_l, window_r = left[-6:], right[:6]
    pos = 0
    for w in tokenizer(g).cut(window_l + window_r, HMM=False):
        end = pos + len(w)
        if pos < len(window_l) < end and len(w) >= 2:
            return w
        pos = end
    return None


def splits_a_word(left: str, right: str, g=None) -> bool:
    """True when the boundary between `left` and `right` falls inside a word (`…能源替|代。`)."""
    return spanning_word(left, right, g) is not None


def is_word(text: str, g=None) -> bool:
    """`text` is a word of the dictionary (jieba's and the grammars')."""
    return bool(tokenizer(g).FREQ.get(text))


def cut(text: str, g=None) -> list[str]:
    return tokenizer(g).lcut(text, HMM=True)


def posseg(text: str, g=None):
    return _tagger(g).lcut(text)


def ends_with_verb(text: str, g=None) -> bool:
    """True when the last word of `text` is a verb (jieba tags v, vn, vd …): `培育`, `引育`, `打造`."""
    text = text.rstrip()
    if not text or not _is_han(text[-1]):
        return False
    last = None
    for w in posseg(text[-8:], g):
        last = w
    return last is not None and last.flag.startswith("v")


def starts_with_verb(text: str, g=None) -> bool:
    """True when the first word of `text` is a verb (`引进海外人才200名`: 引进), also when the dictionary
    reads a verb and its object as one phrase (`举办活动`)."""
    text = text.lstrip()
    if not text or not _is_han(text[0]):
        return False
    for w in posseg(text[:8], g):
        if w.flag.startswith("v"):
            return True
        return len(w.word) >= 4 and any(x.flag.startswith("v") and len(x.word) == 2 for x in posseg(w.word[:2], g))
    return False
