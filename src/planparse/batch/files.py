"""Files a batch writes: atomic replacement, clean-up after a killed run, torn last lines."""
from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path
from typing import Any, Iterator

TMP_SUFFIX = ".tmp"


@contextlib.contextmanager
def atomic_open(path: Path, mode: str = "w", **kw) -> Iterator[Any]:
    """A file beside `path` that replaces it on success (fsync + rename) and vanishes on failure.
    The temporary name is `.NAME.<random>.tmp`, as emit.write_atomic uses, so one clean-up finds both."""
    from ..emit import is_special_file, temp_beside

    if is_special_file(path):  # -o /dev/null: written into, never replaced by a file
        with open(path, mode, **kw) as f:
            yield f
        return
    fd, tmp = temp_beside(path)
    try:
        with os.fdopen(fd, mode, **kw) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


# `.NAME.<8 random characters>.tmp` where NAME is one of our outputs (mkstemp adds 8 characters of [a-z0-9_]).
_STALE = re.compile(r"^\..+\.(?:json|jsonl|csv|parquet)\.[a-z0-9_]{8}\.tmp$")


def remove_stale_temps(directory: Path) -> int:
    """Delete the temporary files a killed run left beside its outputs (nothing else: OUT may be shared)."""
    n = 0
    if not directory.is_dir():
        return 0
    for root, dirs, files in os.walk(directory):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if _STALE.match(name):
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(root, name))
                    n += 1
    return n


def remove_own_temps(path: Path) -> None:
    """Delete the temporary files of one output file (`.NAME.*.tmp` beside it): the directory around a
    single output file is not ours to sweep."""
    for name in os.listdir(path.parent):
        if name.startswith(f".{path.name}.") and name.endswith(TMP_SUFFIX):
            with contextlib.suppress(OSError):
                os.unlink(path.parent / name)


def cut_torn_tail(path: Path) -> None:
    """Cut a last line that has no newline (a kill in the middle of a write), reading from the end."""
    with open(path, "r+b") as f:
        pos = f.seek(0, os.SEEK_END)
        while pos > 0:
            step = min(1 << 16, pos)
            pos -= step
            f.seek(pos)
            i = f.read(step).rfind(b"\n")
            if i >= 0:
                f.truncate(pos + i + 1)
                return
        f.truncate(0)


class OutsideOutput(ValueError):
    """An output name that would land outside -o (a `..` that got through, a symlink inside OUT)."""


NAME_MAX = 255  # bytes of one path component on ext4, xfs, btrfs, tmpfs
_TEMP_EXTRA = len(".") + len(".12345678.tmp")  # what temp_beside adds to a file's name


def _fit(component: str, limit: int) -> str:
    """A component of at most `limit` bytes: a long one keeps its head and ends in a hash of the whole
    name, so two long names that share a head stay two files."""
    raw = os.fsencode(component)
    if len(raw) <= limit:
        return component
    import hashlib

    tail = "~" + hashlib.sha256(raw).hexdigest()[:16]
    head = raw[: limit - len(tail)]
    while head:  # never cut a UTF-8 character in two
        try:
            head.decode("utf-8")
            break
        except UnicodeDecodeError as e:
            if e.start < len(head) - 4:
                break  # not UTF-8 anyway (kept as surrogate escapes)
            head = head[:-1]
    return os.fsdecode(head) + tail


def output_path(root: Path, rel: str, suffix: str) -> Path:
    """Where the output `rel + suffix` of a document goes under `root`, checked to stay there: every
    component is kept to NAME_MAX bytes (a hash suffix when shortened), and the path is resolved
    (symlinks followed) before any write or delete. Raises OutsideOutput otherwise."""
    parts = [p for p in rel.split("/") if p not in ("", ".")]
    if not parts or ".." in parts:
        raise OutsideOutput(f"output name {rel!r} leaves the output directory")
    last = _fit(parts[-1], NAME_MAX - _TEMP_EXTRA - len(os.fsencode(suffix))) + suffix
    path = root.joinpath(*(_fit(p, NAME_MAX) for p in parts[:-1]), last)
    top = os.path.realpath(root)
    if os.path.commonpath([top, os.path.realpath(path)]) != top:
        raise OutsideOutput(f"output name {rel!r} leads outside {root} (a link inside it?)")
    return path
