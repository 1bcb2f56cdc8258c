"""Compiled grammar patterns kept between processes.

The `regex` module parses and compiles a pattern in Python (about 0.5 ms a pattern): the grammars'
few hundred patterns cost a short document's extraction more than its text does. What `regex` hands
its C engine for a pattern (the opcode list, the group names, the required string) depends only on the
pattern and the `regex` version, so it is written once to the cache directory, as the merged word
dictionary is, and a new process builds each pattern straight from it. A pattern not yet in the file is
compiled as usual and added; the file is rewritten when the process has added some, at exit.

The command line also sends `regex.compile` itself through the store (`use_for_all_patterns`): the
stages compile about two hundred patterns of their own when imported, which cost a short document as
much again. A library caller's process is left as it is.
"""
from __future__ import annotations

import atexit
import hashlib
import marshal
import os
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any, Callable, Optional, TypeVar

import regex
from regex import _main as _regex_main  # the engine's entry point: private, so its version names the file

__all__ = ["compile_program", "cache_dir", "kept", "own_file", "prune_cache", "use_for_all_patterns", "write_cache_file"]

T = TypeVar("T")
_lock = threading.Lock()
_programs: Optional[dict[str, tuple]] = None
_used: set[str] = set()
_added = False
_SIGNATURE_LEN = 32
# Patterns built from what a document says would pile up in the store, one run after another: past this
# many, a process keeps only the programs it used itself.
_MAX_PROGRAMS = 3000


def cache_dir() -> Path:
    """PLANPARSE_CACHE_DIR, else $XDG_CACHE_HOME/planparse (~/.cache/planparse), else a directory of
    this user's own in the temp dir. What is kept there is loaded as code (compiled patterns, the
    validated grammars): a directory another user can write to is never used (`private_dir`)."""
    env = os.environ.get("PLANPARSE_CACHE_DIR")
    base = Path(env) if env else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "planparse"
    for candidate in (base, Path(tempfile.gettempdir()) / f"planparse-{_uid()}"):
        if private_dir(candidate):
            return candidate
    return Path(tempfile.mkdtemp(prefix="planparse-"))  # nothing to share: this process's own, mode 0700


def _uid() -> str:
    return str(os.getuid()) if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")


def private_dir(path: Path) -> bool:
    """`path` exists or is made (mode 0700), is a directory we own and can write, and no other user can
    write to it (a shared temp dir would let anyone plant a file we then load)."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = os.lstat(path)
    except OSError:
        return False
    import stat

    if not stat.S_ISDIR(st.st_mode) or not os.access(path, os.W_OK):
        return False
    if hasattr(os, "getuid") and (st.st_uid != os.getuid() or st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)):
        return False
    return True


def own_file(path: Path) -> bool:
    """A cache file we may load: a regular file of ours that no other user can write."""
    import stat

    try:
        st = os.lstat(path)
    except OSError:
        return False
    if not stat.S_ISREG(st.st_mode):
        return False
    return not hasattr(os, "getuid") or (st.st_uid == os.getuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH))


def _path() -> Path:
    version = f"{regex.__version__}-v{int(regex.DEFAULT_VERSION)}-{sys.version_info[0]}.{sys.version_info[1]}"
    return cache_dir() / f"regex-programs-{version}.marshal"


def _load() -> dict[str, tuple]:
    """The stored programs; none when the file is missing, damaged or not what this process wrote
    (a wrong opcode list would not raise, it would crash the engine: the digest guards it)."""
    programs = _signed_load(_path())
    return programs if isinstance(programs, dict) else {}


def _signed_load(path: Path) -> Any:
    """What a cache file of ours holds, or None when it is missing, damaged or not what we wrote:
    marshal trusts its input (a forged opcode list or table could crash the process), the digest guards it."""
    try:
        if not own_file(path):
            return None
        data = path.read_bytes()
        signature, payload = data[:_SIGNATURE_LEN], data[_SIGNATURE_LEN:]
        if hashlib.sha256(payload).digest() != signature:
            return None
        return marshal.loads(payload)
    except (OSError, ValueError, EOFError, TypeError):
        return None


def write_cache_file(path: Path, data: bytes) -> None:
    """`data` as the cache file `path`, in one step: written beside it and renamed over it, so a process
    reading the cache never finds half a file (the temporary file is removed if writing fails)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=str(path.parent))
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def prune_cache(directory: Path, pattern: str, keep: Path, count: int, also=None) -> None:
    """Of the cache files matching `pattern` (and `also(file)`, when given), the `count` newest stay,
    `keep` (the one just written) among them; the older go. Each edit of what a cached thing is made
    from (an analyst's rule file) writes a new one: without this the cache would grow for ever."""
    try:
        older = sorted((f for f in directory.glob(pattern) if f != keep and (also is None or also(f))),
                       key=lambda f: f.stat().st_mtime, reverse=True)
        for f in older[count - 1:]:
            f.unlink(missing_ok=True)
    except OSError:
        pass  # a cache: what is left is only space


def _signed_save(path: Path, value: Any) -> None:
    try:
        payload = marshal.dumps(value)
        write_cache_file(path, hashlib.sha256(payload).digest() + payload)
    except (OSError, ValueError):
        pass  # a cache: the next process builds it again


def kept(name: str, made_from: bytes, build: Callable[[], T]) -> T:
    """`build()`, kept in the cache directory for the next process: plain data that marshal writes
    (dicts, lists, tuples, sets, str, int) and a new process loads in a few ms where building it takes
    more (a table parsed from a CSV, an index of thousands of names). The file is named by `name` and
    the digest of `made_from` (everything the value depends on: an edited source gives a new file)."""
    version = f"{sys.version_info[0]}.{sys.version_info[1]}-m{marshal.version}"
    digest = hashlib.sha256(version.encode("ascii") + b"\x00" + made_from).hexdigest()[:16]
    try:
        path = cache_dir() / f"{name}-{digest}.marshal"
    except OSError:
        return build()
    value = _signed_load(path)
    if value is None:
        value = build()
        _signed_save(path, value)
        # `name-<digest>` only: not a longer name that starts with this one
        prune_cache(path.parent, f"{name}-*.marshal", path, _KEPT_VERSIONS,
                    also=lambda f: f.stem.count("-") == name.count("-") + 1)
    return value


_KEPT_VERSIONS = 4  # each edit of what a value is made from (a grammar file) writes a new one


def _save() -> None:
    if not _added or _programs is None:
        return
    programs = _programs if len(_programs) <= _MAX_PROGRAMS else {k: v for k, v in _programs.items() if k in _used}
    try:
        path = _path()
    except OSError:
        return
    _signed_save(path, programs)


class _Recorder:
    """Stands in for the C engine while one pattern is compiled, keeping what it was handed."""

    def __init__(self, engine: Any):
        self._engine = engine
        self.calls: list[tuple] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._engine, name)

    def compile(self, *args: Any) -> Any:
        self.calls.append(args)
        return self._engine.compile(*args)


_regex_compile = regex.compile


def compile_program(pattern: str, flags: int = 0):
    """`regex.compile(pattern, flags)`, from the stored program when there is one."""
    global _programs, _added
    key = pattern if not flags else f"{int(flags)}\x00{pattern}"
    with _lock:
        if _programs is None:
            _programs = _load()
            atexit.register(_save)
        stored = _programs.get(key)
        _used.add(key)
        if stored is not None:
            try:
                return _regex_main._regex.compile(*stored)
            except Exception:
                del _programs[key]
        engine = _regex_main._regex
        recorder = _Recorder(engine)
        _regex_main._regex = recorder
        try:
            compiled = _regex_compile(pattern, flags, cache_pattern=False)
        finally:
            _regex_main._regex = engine
        args = next((a for a in recorder.calls if a and a[0] == pattern), None)
        if args is not None:
            # flags come as regex.RegexFlag, an int the engine reads as one
            args = tuple(int(a) if isinstance(a, int) and type(a) is not int and not isinstance(a, bool) else a
                         for a in args)
            try:
                marshal.dumps(args)
            except ValueError:
                return compiled
            _programs[key] = args
            _added = True
        return compiled


def _compile_through_store(pattern, flags=0, ignore_unused=False, cache_pattern=None, **kwargs):
    if isinstance(pattern, str) and not kwargs and not ignore_unused and cache_pattern is None:
        return compile_program(pattern, flags)
    return _regex_compile(pattern, flags, ignore_unused, cache_pattern, **kwargs)


def use_for_all_patterns() -> None:
    """`regex.compile` of a plain pattern (no named lists) comes from the store in this process."""
    regex.compile = _compile_through_store
