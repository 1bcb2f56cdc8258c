"""jieba, loaded once per process with a dictionary merged from jieba's own and the grammars' words.

Agency names (with their level prefixes), units and the metric terms of grammars/userdict.txt are
in it so that segmentation never splits `非化石能源消费比重` or `省工业和信息化厅`.

Start-up cost is most of a short document's: the merged dictionary is written once to a cache
directory, named by the hash of its words, and jieba keeps its parsed form (a marshal cache) beside
it, so a new process loads one file instead of parsing 350,000 lines and adding a thousand words.
Place names (tag `ns`) and verbs (tags `v…`) come from the same build as small word lists: the
questions asked of jieba's part-of-speech tagger (is this word a place, a verb?) are answered from
them and, for runs of characters that are no word, from the tagger's HMM tables (`_tagged`); the
tagger itself (two more copies of the dictionary, ~110 MB) is loaded only when no cache directory
can be written.
"""
from __future__ import annotations

import bisect
import hashlib
from array import array
import logging
from math import log
import re
import threading
from collections.abc import Mapping
from pathlib import Path

from . import compiled
from .grammar.programs import cache_dir, write_cache_file

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


def _write_atomic(path: Path, text: str) -> None:
    write_cache_file(path, text.encode("utf-8"))


def _merged_dictionary(words: list[tuple[str, int, str]]) -> tuple[Path, Path, Path]:
    """(merged dictionary, its place names, its verbs), built once per word list and jieba version."""
    jieba = _import_jieba()

    base = Path(jieba.__file__).with_name("dict.txt")
    own = "".join(f"{w} {f} {t}\n" for w, f, t in words)
    key = hashlib.sha256(f"{jieba.__version__}|{base.stat().st_size}|{own}".encode("utf-8")).hexdigest()[:16]
    directory = cache_dir()
    merged, places, verbs = (directory / f"jieba-{key}.{kind}" for kind in ("dict", "places", "verbs"))
    if not (merged.exists() and places.exists() and verbs.exists()):
        text = base.read_text(encoding="utf-8")
        if not text.endswith("\n"):
            text += "\n"
        tags: dict[str, str] = {}
        for line in (text + own).splitlines():
            parts = line.split()
            if len(parts) >= 3:
                tags[parts[0]] = parts[2]  # later lines win, as in jieba's tagger
        _write_atomic(places, "".join(w + "\n" for w, t in tags.items() if t == "ns"))
        _write_atomic(verbs, "".join(w + "\n" for w, t in tags.items() if t.startswith("v")))
        _write_atomic(merged, text + own)  # last: its presence means all are complete
        _prune_word_sets(directory, keep=merged)
    return merged, places, verbs


_WORD_SETS_KEPT = 4  # a set is ~15 MB (a 10 MB user grammar's: ~650 MB): each edit of a word list makes one


def _prune_word_sets(directory: Path, keep: Path) -> None:
    """Remove all but the newest word sets (a merged dictionary and the files made from it): every edit of
    an analyst's word lists makes a new set, and the cache would otherwise grow for ever. A process still
    reading an older set keeps its memory map; one that finds its set gone builds it again."""
    try:
        sets = sorted(directory.glob("jieba-*.dict"), key=lambda f: f.stat().st_mtime, reverse=True)
        for old in [f for f in sets if f != keep][_WORD_SETS_KEPT - 1:]:
            for f in directory.glob(old.stem + ".*"):
                f.unlink(missing_ok=True)
    except OSError:
        pass  # a cache: what is left is only space


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


_FOUND_KEPT = 200_000  # fragments (a few MB)
_SAMPLE_EVERY = 1024  # keys


class MappedFrequencies(Mapping):
    """jieba's word → frequency table (FREQ: every dictionary word and every prefix of one) read from two
    files written once per dictionary, looked up by bisection in a memory map instead of unmarshalled
    whole: a process that cuts a few hundred characters never pays for 500,000 entries (about 0.5 s)."""

    def __init__(self, keys_path: Path, index_path: Path):
        import mmap

        # the index memory-mapped too: reading its 4 MB (offsets and frequencies) was ~8 ms of a start-up
        with open(index_path, "rb") as f:
            index = memoryview(mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ))
        n = int.from_bytes(index[:4], "little")
        self._offsets = index[4: 4 + 4 * (n + 1)].cast("I")
        self._freqs = index[4 + 4 * (n + 1): 4 + 4 * (2 * n + 1)].cast("I")
        if len(self._offsets) != n + 1 or len(self._freqs) != n:
            raise ValueError(f"{index_path.name}: shorter than its {n} entries")
        self._n = n
        self._found: dict[str, int] = {}
        self._sample: list[bytes] | None = None  # every _SAMPLE_EVERY-th key, read on the first lookup
        with open(keys_path, "rb") as f:
            self._keys = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if n else b""

    @staticmethod
    def write(freq: dict, keys_path: Path, index_path: Path) -> None:
        items = sorted((k.encode("utf-8"), v) for k, v in freq.items())
        offsets, freqs, pos = array("I", [0]), array("I"), 0
        for k, v in items:
            pos += len(k)
            offsets.append(pos)
            freqs.append(int(v))
        for path, data in ((keys_path, b"".join(k for k, _ in items)),
                           (index_path, len(items).to_bytes(4, "little") + offsets.tobytes() + freqs.tobytes())):
            write_cache_file(path, data)

    def _frequency(self, key: str) -> int:
        """The key's frequency (0: only a prefix of words), -1 when it is no key."""
        # jieba asks for the same fragments sentence after sentence: each is looked up in the map once
        found = self._found.get(key)
        if found is None:
            if len(self._found) >= _FOUND_KEPT:
                self._found.clear()
            i = self._bisect(key)
            found = self._found[key] = self._freqs[i] if i >= 0 else -1
        return found

    def _bisect(self, key: str) -> int:
        target = key.encode("utf-8")
        offs, keys, n = self._offsets, self._keys, self._n
        twin = compiled.SPEEDUPS
        if twin is not None:  # the bisection in C, on the map itself: no narrowing needed
            return twin.find_key(keys, offs, 0, n, target)
        # the keys' order narrowed down first among a few hundred of them held in memory (one bisection
        # in C), then in the map: half the steps that each slice a key out of it (0.14 ms once; 2 us a lookup)
        sample = self._sample
        if sample is None:
            sample = self._sample = [keys[offs[k]: offs[k + 1]] for k in range(0, n, _SAMPLE_EVERY)]
        above = bisect.bisect_right(sample, target)  # sample[above - 1] <= target < sample[above]
        lo, hi = max(above - 1, 0) * _SAMPLE_EVERY, min(above * _SAMPLE_EVERY, n)
        while lo < hi:
            mid = (lo + hi) // 2
            k = keys[offs[mid]: offs[mid + 1]]
            if k < target:
                lo = mid + 1
            elif k > target:
                hi = mid
            else:
                return mid
        return -1

    def __getitem__(self, key):
        f = self._frequency(key) if isinstance(key, str) else -1
        if f < 0:
            raise KeyError(key)
        return f

    def __contains__(self, key) -> bool:
        return isinstance(key, str) and self._frequency(key) >= 0

    def get(self, key, default=None):
        f = self._frequency(key) if isinstance(key, str) else -1
        return f if f >= 0 else default

    # jieba's Tokenizer.get_DAG and Tokenizer.calc over this table, step for step and value for value, put
    # in the tokenizer's place for every cut (_build_jieba): each fragment's frequency asked once from the
    # fragments found before (jieba asked `frag in FREQ`, then `FREQ[frag]`, each through the Mapping's
    # methods), and the route's sums in C when the compiled twins are there (half the time of jieba's).
    def word_graph(self, sentence: str) -> dict[int, list[int]]:
        """For each position, where the dictionary's words that start there end (itself when none does)."""
        twin = compiled.SPEEDUPS
        if twin is not None:  # each fragment looked up in the map in C: no Python call a fragment
            return twin.word_graph(self._keys, self._offsets, self._freqs, sentence)
        found, frequency = self._found, self._frequency
        graph = {}
        n = len(sentence)
        for k in range(n):
            ends = []
            i = k
            while i < n:
                frag = sentence[k:i + 1]
                f = found.get(frag)
                if f is None:
                    f = frequency(frag)
                if f < 0:
                    break
                if f:
                    ends.append(i)
                i += 1
            graph[k] = ends or [k]
        return graph

    def best_route(self, sentence: str, graph: dict[int, list[int]], route: dict, total: int) -> None:
        """route[i] = (log-probability of the best cut of sentence[i:], where its first word ends)."""
        twin = compiled.SPEEDUPS
        if twin is not None:
            return twin.best_route(self._keys, self._offsets, self._freqs, total, sentence, graph, route)
        found, frequency = self._found, self._frequency

        def weight(word: str) -> int:
            f = found.get(word)
            if f is None:
                f = frequency(word)
            return f if f > 0 else 1  # jieba: FREQ.get(word) or 1

        n = len(sentence)
        route[n] = (0, 0)
        logtotal = log(total)
        for idx in range(n - 1, -1, -1):
            route[idx] = max((log(weight(sentence[idx:x + 1])) - logtotal + route[x + 1][0], x) for x in graph[idx])

    def __len__(self) -> int:
        return self._n

    def __iter__(self):
        offs, keys = self._offsets, self._keys
        return (bytes(keys[offs[i]: offs[i + 1]]).decode("utf-8") for i in range(self._n))


def _mapped_frequencies(tok, merged: Path):
    """(FREQ, total) of the merged dictionary from its memory-mapped table, written on first use."""
    keys_path, index_path = merged.with_suffix(".freqkeys"), merged.with_suffix(".freqindex")
    total_path = merged.with_suffix(".freqtotal")
    if not (keys_path.exists() and index_path.exists() and total_path.exists()):
        tok.initialize()  # the slow way once: jieba parses the dictionary (or its marshal cache)
        MappedFrequencies.write(tok.FREQ, keys_path, index_path)
        _write_atomic(total_path, str(tok.total))  # last: its presence means the table is complete
        return tok.FREQ, tok.total
    return MappedFrequencies(keys_path, index_path), int(total_path.read_text(encoding="utf-8"))


class _Jieba:
    """jieba for one grammar set: its tokenizer, the merged dictionary's place names and verbs (None when
    no cache directory could be written: jieba's own tagger answers then), and the tagger once asked for.
    The two word sets are read when first asked for: many documents never ask (~10 ms of a start-up)."""

    def __init__(self, tok, places: Path | None = None, verbs: Path | None = None):
        self.tok = tok
        self.pos = None
        self._files = {"places": places, "verbs": verbs}
        self._sets: dict[str, frozenset] = {}

    def _words_of(self, kind: str) -> frozenset | None:
        got = self._sets.get(kind)
        if got is None and self._files[kind] is not None:
            try:
                got = self._sets[kind] = frozenset(self._files[kind].read_text(encoding="utf-8").split())
            except OSError:  # pruned by another process meanwhile: jieba's own tagger answers from now on
                self._files[kind] = None
        return got

    @property
    def places(self) -> frozenset | None:
        return self._words_of("places")

    @property
    def verbs(self) -> frozenset | None:
        return self._words_of("verbs")


def _install_word_graph(tok) -> None:
    """The mapped table's word graph and route in the place of the tokenizer's (jieba's cuts call them)."""
    freq = tok.FREQ
    if isinstance(freq, MappedFrequencies):
        tok.get_DAG = freq.word_graph
        tok.calc = lambda sentence, graph, route: freq.best_route(sentence, graph, route, tok.total)


def _build_jieba(g) -> _Jieba:
    jieba = _import_jieba()
    jieba.setLogLevel(logging.WARNING)
    words = _words(g)
    try:
        merged, places, verbs = _merged_dictionary(words)
    except OSError:  # no writable cache anywhere: the slow way, in memory
        tok = jieba.Tokenizer()
        for word, freq, tag in words:
            tok.add_word(word, freq, tag)
        places = verbs = None
    else:
        tok = jieba.Tokenizer(dictionary=str(merged))
        tok.tmp_dir = str(merged.parent)
        tok.cache_file = merged.stem + ".cache"
        try:
            tok.FREQ, tok.total = _mapped_frequencies(tok, merged)
            tok.initialized = True
        except (OSError, ValueError):
            pass  # a damaged or unwritable table: jieba's own loading below
        else:
            _install_word_graph(tok)
    if not tok.initialized:
        tok.initialize()
    return _Jieba(tok, places, verbs)


def _jieba(g=None) -> _Jieba:
    """The jieba of a grammar set (the bundled grammars when g is None), built once and kept by it."""
    if g is None:
        from .grammar import load_grammars

        g = load_grammars(None)
    with _lock:
        return g.built(_build_jieba)


def tokenizer(g=None):
    """A jieba Tokenizer with the grammars' words (the bundled grammars when g is None)."""
    return _jieba(g).tok


def word_splitter(g=None):
    """jieba with the grammars' words (metric terms stay whole), as a function str -> list of words."""
    tok = tokenizer(g)
    return lambda s: [w for w in tok.lcut(s) if w.strip()]


def _tagger(g=None):
    """jieba's part-of-speech tagger over the same dictionary (loaded on first use only)."""
    state = _jieba(g)
    with _lock:
        if state.pos is None:
            import jieba.posseg

            state.pos = jieba.posseg.POSTokenizer(state.tok)
        return state.pos


def starts_with_place(text: str, g=None) -> bool:
    """True when `text` starts with a place name of two or more characters (江苏, 南通): what jieba's
    tagger says (tag `ns`). A first word the dictionary knows is tagged from the dictionary, so the
    place-name list answers; a run of single characters that is no word goes to the tagger's HMM."""
    state = _jieba(g)
    tok, places = state.tok, state.places
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
    if places is None:  # no word lists (no writable cache): jieba's own tagger
        for w in _tagger(g).lcut(text):
            return w.flag == "ns" and len(w.word) >= 2
        return False
    for word, flag in _tagged(text, tok):
        return (word in places if flag is None else flag == "ns") and len(word) >= 2
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


# jieba's tagger, without its tag table. `jieba.posseg` builds a table of the whole dictionary's
# tags when imported (+55 MB) and POSTokenizer another over the merged dictionary (+55 MB); the two
# questions asked of it here (is this word a place, a verb?) need only the word lists written with
# the merged dictionary and, for runs of characters that are no word, the tagger's HMM (7 MB).
# The patterns are jieba.posseg's own: re_han_internal, re_skip_internal, re_han_detail, re_skip_detail.
_TAGGER_BLOCK = re.compile("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._]+)")
_TAGGER_SKIP = re.compile("(\r\n|\\s)")
_HMM_BLOCK = re.compile("([\u4E00-\u9FD5]+)")
_HMM_SKIP = re.compile("([\\.0-9]+|[a-zA-Z0-9]+)")
_ENG = re.compile("[a-zA-Z0-9]+")
_NUM = re.compile("[\\.0-9]+")


def _hmm_model():
    """jieba's part-of-speech HMM (its tables and viterbi), loaded from jieba's files by path: importing
    them as jieba.posseg.* would run the package's __init__, which builds the default tagger."""
    with _lock:
        model = _state.get("hmm")
        if model is None:
            import importlib.util

            base = Path(_import_jieba().__file__).with_name("posseg")
            parts = {}
            for name in ("char_state_tab", "prob_start", "prob_trans", "prob_emit", "viterbi"):
                spec = importlib.util.spec_from_file_location(f"planparse._jieba_pos_{name}", base / f"{name}.py")
                module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
                spec.loader.exec_module(module)  # type: ignore[union-attr]
                parts[name] = module
            model = _state["hmm"] = (parts["viterbi"].viterbi, parts["char_state_tab"].P, parts["prob_start"].P,
                                     parts["prob_trans"].P, parts["prob_emit"].P)
        return model


class _CompiledHmm:
    """The tagger's HMM as _speedups.pos_viterbi reads it: states numbered in the order of their
    (position, tag) tuples, transitions in one n x n table; a character's allowed states and known
    emissions looked up once and kept (at most one entry per character jieba's tables know)."""

    def __init__(self, states: dict, start: dict, trans: dict, emit: dict):
        order = sorted(trans)
        self.order = order
        index = {y: i for i, y in enumerate(order)}
        n = len(order)
        table = array("d", [float("-inf")]) * (n * n)
        for x, row in trans.items():
            for y, p in row.items():
                table[index[x] * n + index[y]] = p
        self.index = index
        self.start = array("d", [start[y] for y in order]).tobytes()
        self.trans = table.tobytes()
        self.has_next = bytes(1 if trans[y] else 0 for y in order)
        self._states, self._emit = states, [emit[y] for y in order]
        self._steps: dict[str, tuple] = {}

    @staticmethod
    def usable(states: dict, start: dict, trans: dict, emit: dict) -> bool:
        """The tables are what pos_viterbi assumes: one set of states, at most 32767 of them, no
        transition of probability 0 (-inf: the table's mark of none)."""
        keys = set(trans)
        return (0 < len(keys) < 32768 and set(start) >= keys and set(emit) >= keys
                and all(y in keys and p != float("-inf") for row in trans.values() for y, p in row.items()))

    def step(self, ch: str) -> tuple:
        found = self._steps.get(ch)
        if found is None:
            allowed = self._states.get(ch)
            if allowed is not None:
                mask = bytearray(len(self.order))
                for y in allowed:
                    mask[self.index[y]] = 1  # a state jieba does not know: KeyError, as jieba's own
                allowed = bytes(mask)
            known = [(i, e[ch]) for i, e in enumerate(self._emit) if ch in e]
            found = (allowed, array("H", [i for i, _ in known]).tobytes(), array("d", [v for _, v in known]).tobytes())
            if allowed is not None or known:  # a character of jieba's tables: kept (a bounded set)
                self._steps[ch] = found
        return found


def _compiled_hmm() -> _CompiledHmm | None:
    """The tagger's HMM as _speedups.pos_viterbi reads it, built once a process; None where the twin is
    absent or the tables are not what it assumes (jieba's own viterbi then)."""
    if compiled.SPEEDUPS is None:
        return None
    model = _state.get("hmm_compiled")
    if model is None:
        tables = _hmm_model()[1:]
        with _lock:
            model = _state.get("hmm_compiled")
            if model is None:
                model = _state["hmm_compiled"] = _CompiledHmm(*tables) if _CompiledHmm.usable(*tables) else False
    return model or None


def _pos_tags(blk: str) -> list:
    """jieba.posseg's viterbi route for a run of Han characters: each character's (position, tag)."""
    model = _compiled_hmm()
    if model is not None:
        route = compiled.SPEEDUPS.pos_viterbi(model.start, model.trans, model.has_next, [model.step(ch) for ch in blk])
        return [model.order[i] for i in route]
    viterbi, states, start, trans, emit = _hmm_model()
    return viterbi(blk, states, start, trans, emit)[1]


def preload(g=None) -> None:
    """Load now what the word stages load on first use (the dictionary, the tagger's HMM and its compiled
    tables): for a process that forks a child per document, so that no child loads them again."""
    _jieba(g)
    _hmm_model()
    _compiled_hmm()


def _hmm_words(run: str):
    """POSTokenizer.__cut_detail: a run of characters that is no dictionary word, cut and tagged by the HMM."""
    for blk in _HMM_BLOCK.split(run):
        if _HMM_BLOCK.match(blk):
            tags = _pos_tags(blk)
            begin = nexti = 0
            for i, ch in enumerate(blk):
                pos = tags[i][0]
                if pos == "B":
                    begin = i
                elif pos == "E":
                    yield blk[begin: i + 1], tags[i][1]
                    nexti = i + 1
                elif pos == "S":
                    yield ch, tags[i][1]
                    nexti = i + 1
            if nexti < len(blk):
                yield blk[nexti:], tags[nexti][1]
        else:
            for x in _HMM_SKIP.split(blk):
                if x:
                    yield x, "m" if _NUM.match(x) else "eng" if _ENG.match(x) else "x"


def _tagged(text: str, tok):
    """jieba's tagger (POSTokenizer.cut, HMM on) word by word: (word, flag), the flag None where the
    tagger gives the dictionary's tag of the word (the caller looks the word up in a word list)."""
    for blk in _TAGGER_BLOCK.split(text):
        if _TAGGER_BLOCK.match(blk):
            route: dict = {}
            tok.calc(blk, tok.get_DAG(blk), route)
            x, buf = 0, ""
            while x <= len(blk):
                y = route[x][1] + 1 if x < len(blk) else x + 1
                if x < len(blk) and y - x == 1:
                    buf += blk[x:y]  # single characters gather until a word or the end
                else:
                    if len(buf) == 1:
                        yield buf, None
                    elif buf and not tok.FREQ.get(buf):
                        yield from _hmm_words(buf)
                    else:
                        yield from ((ch, None) for ch in buf)
                    buf = ""
                    if x < len(blk):
                        yield blk[x:y], None
                x = y
        else:
            for x in _TAGGER_SKIP.split(blk):
                if _TAGGER_SKIP.match(x):
                    yield x, "x"
                else:
                    eng = bool(_ENG.match(x))
                    yield from ((ch, "m" if _NUM.match(ch) else "eng" if eng else "x") for ch in x)


def ends_with_verb(text: str, g=None) -> bool:
    """True when the last word of `text` is a verb (jieba tags v, vn, vd …): `培育`, `引育`, `打造`."""
    text = text.rstrip()
    if not text or not _is_han(text[-1]):
        return False
    words = _words_and_verbs(text[-8:], g)
    return bool(words) and words[-1][1]


def starts_with_verb(text: str, g=None) -> bool:
    """True when the first word of `text` is a verb (`引进海外人才200名`: 引进), also when the dictionary
    reads a verb and its object as one phrase (`举办活动`)."""
    text = text.lstrip()
    if not text or not _is_han(text[0]):
        return False
    for word, verb in _words_and_verbs(text[:8], g):
        if verb:
            return True
        return len(word) >= 4 and any(v and len(x) == 2 for x, v in _words_and_verbs(word[:2], g))
    return False


def _words_and_verbs(text: str, g) -> list[tuple[str, bool]]:
    """jieba's tagger's words of `text`, each with whether its tag is a verb's (v, vn, vd …)."""
    state = _jieba(g)
    tok, verbs = state.tok, state.verbs
    if verbs is None:  # no word lists (no writable cache): jieba's own tagger
        return [(w.word, w.flag.startswith("v")) for w in posseg(text, g)]
    return [(word, word in verbs if flag is None else flag.startswith("v")) for word, flag in _tagged(text, tok)]
