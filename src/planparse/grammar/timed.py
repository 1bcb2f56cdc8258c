"""Patterns that stop when the document's time is up.

A batch's --timeout lands between two Python bytecodes (batch/document.py: time_limit), and one regex
match is one bytecode: a rule that backtracks catastrophically (`^(a|a)*$` on a long line of a) would run
for hours inside it. So every grammar pattern is matched with the `regex` module's own `timeout=`, set
to what is left of the current document's time; when it runs out the match raises DeadlinePassed, as the
timer would have. Outside a batch (no deadline set) the patterns run as plain compiled patterns."""
from __future__ import annotations

import contextlib
import threading
import time
import types
import weakref
from typing import Any, Iterator, Optional


class DeadlinePassed(BaseException):
    """The document's time is up. A BaseException, so that a stage's `except Exception` cannot turn it
    into another kind of failure."""


_local = threading.local()  # per thread: a Dask worker runs documents in threads
# How many deadlines are set, in any thread: while none is, a pattern is matched straight away, without
# asking the clock (most runs: an extraction outside a batch with --timeout; ~20% of a PDF's time before).
_active = [0]
_active_lock = threading.Lock()


def remaining() -> Optional[float]:
    """Seconds left for the document this thread is working on, or None (no limit)."""
    deadline = getattr(_local, "deadline", None)
    return None if deadline is None else deadline - time.monotonic()


@contextlib.contextmanager
def deadline(seconds: Optional[float]) -> Iterator[None]:
    """Patterns matched in this thread inside the block stop after `seconds` in all."""
    before = getattr(_local, "deadline", None)
    _local.deadline = time.monotonic() + seconds if seconds else None
    with _active_lock:
        _active[0] += 1
        if _active[0] == 1:
            _bind_all(timed=True)
    try:
        yield
    finally:
        _local.deadline = before
        with _active_lock:
            _active[0] -= 1
            if _active[0] == 0:
                _bind_all(timed=False)


def _timeout() -> Optional[float]:
    left = remaining()
    if left is None:
        return None
    if left <= 0:
        raise DeadlinePassed
    return left


_METHODS = ("search", "match", "fullmatch", "findall", "sub", "subn", "split", "finditer")
# Every pattern made, so that the first deadline set can make all of them ask the clock, and the last
# one ended let them match straight away again.
_patterns: "weakref.WeakSet[TimedPattern]" = weakref.WeakSet()


def _bind_all(timed: bool) -> None:
    for tp in list(_patterns):
        tp._bind(timed)


class TimedPattern:
    """A compiled `regex` pattern whose matching methods pass timeout= (what is left of the deadline).

    While no deadline is set in any thread (an extraction outside a batch, most runs) its matching
    methods are the compiled pattern's own: stages match hundreds of thousands of times per document,
    and a Python call in between cost more than many of the matches."""

    __slots__ = ("_p", "_plain", "_asking", "__weakref__", *_METHODS)

    def __init__(self, compiled):
        self._p = compiled
        self._plain = tuple(getattr(compiled, name) for name in _METHODS)
        self._asking = tuple(types.MethodType(_TIMED[name], self) for name in _METHODS)
        with _active_lock:
            self._bind(timed=_active[0] > 0)
            _patterns.add(self)

    def _bind(self, timed: bool) -> None:
        for name, method in zip(_METHODS, self._asking if timed else self._plain):
            object.__setattr__(self, name, method)

    def __getattr__(self, name: str) -> Any:  # pattern, groupindex, flags, groups …
        return getattr(self._p, name)

    def __reduce__(self):
        return TimedPattern, (self._p,)

    def __repr__(self) -> str:
        return f"TimedPattern({self._p.pattern!r})"

    def _call(self, method: str, *args, **kw):
        t = _timeout()
        if t is None:
            return getattr(self._p, method)(*args, **kw)
        try:
            return getattr(self._p, method)(*args, timeout=t, **kw)
        except TimeoutError:
            raise DeadlinePassed from None


def _timed(method: str):
    def call(self: TimedPattern, *a, **kw):
        return self._call(method, *a, **kw)

    call.__name__ = method
    return call


def _timed_finditer(self: TimedPattern, *a, **kw):
    it = self._call("finditer", *a, **kw)
    if remaining() is None:
        return it
    return _timed_iter(it)


_TIMED = {**{name: _timed(name) for name in _METHODS if name != "finditer"}, "finditer": _timed_finditer}


def _timed_iter(it):
    try:
        yield from it
    except TimeoutError:
        raise DeadlinePassed from None
