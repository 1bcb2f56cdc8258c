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
    try:
        yield
    finally:
        _local.deadline = before
        with _active_lock:
            _active[0] -= 1


def _timeout() -> Optional[float]:
    left = remaining()
    if left is None:
        return None
    if left <= 0:
        raise DeadlinePassed
    return left


class TimedPattern:
    """A compiled `regex` pattern whose matching methods pass timeout= (what is left of the deadline)."""

    __slots__ = ("_p",)

    def __init__(self, compiled):
        self._p = compiled

    def __getattr__(self, name: str) -> Any:  # pattern, groupindex, flags, groups …
        return getattr(self._p, name)

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

    def search(self, *a, **kw):
        if not _active[0]:
            return self._p.search(*a, **kw)
        return self._call("search", *a, **kw)

    def match(self, *a, **kw):
        if not _active[0]:
            return self._p.match(*a, **kw)
        return self._call("match", *a, **kw)

    def fullmatch(self, *a, **kw):
        if not _active[0]:
            return self._p.fullmatch(*a, **kw)
        return self._call("fullmatch", *a, **kw)

    def findall(self, *a, **kw):
        if not _active[0]:
            return self._p.findall(*a, **kw)
        return self._call("findall", *a, **kw)

    def sub(self, *a, **kw):
        if not _active[0]:
            return self._p.sub(*a, **kw)
        return self._call("sub", *a, **kw)

    def subn(self, *a, **kw):
        if not _active[0]:
            return self._p.subn(*a, **kw)
        return self._call("subn", *a, **kw)

    def split(self, *a, **kw):
        if not _active[0]:
            return self._p.split(*a, **kw)
        return self._call("split", *a, **kw)

    def finditer(self, *a, **kw):
        if not _active[0]:
            return self._p.finditer(*a, **kw)
        it = self._call("finditer", *a, **kw)
        if remaining() is None:
            return it
        return _timed_iter(it)


def _timed_iter(it):
    try:
        yield from it
    except TimeoutError:
        raise DeadlinePassed from None
