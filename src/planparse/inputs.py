"""The documents an argument names, for every command that takes many (batch, check, compare): one walker,
so each skips the same things — hidden names, suffixes no reader takes, the directories a command writes,
and anything that is not a regular file (opening a FIFO blocks until a writer comes; a device never ends).
"""
from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Iterable, Iterator, Optional

from .ingest import SUPPORTED_SUFFIXES  # one list of formats, owned by the readers

__all__ = ["SUPPORTED_SUFFIXES", "not_regular", "walk"]


def not_regular(path: Path) -> Optional[str]:
    """Why a path that is there is no document to open, or None for a regular file (or a link to one)."""
    try:
        mode = os.stat(path).st_mode
    except OSError as e:
        return f"cannot be read ({e.strerror})"
    if stat.S_ISREG(mode):
        return None
    what = ("a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file")
    return f"{what}, not a document: skipped"


def walk(directory: Path, skip: Iterable[Path] = (), suffixes: tuple[str, ...] = SUPPORTED_SUFFIXES,
         regular_only: bool = False) -> Iterator[Path]:
    """Files under `directory` (recursively, sorted) with one of `suffixes`; hidden names and the
    directories in `skip` (resolved paths) are passed over, and with `regular_only` anything that is not
    a regular file (a command that cannot record why it skipped one asks for that)."""
    skips = frozenset(skip)
    for root, dirs, files in os.walk(directory):
        rp = Path(root)
        dirs[:] = sorted(x for x in dirs if not x.startswith(".") and (rp / x).resolve() not in skips)
        for name in sorted(files):
            if name.startswith(".") or not name.lower().endswith(suffixes):
                continue
            if regular_only and not_regular(rp / name) is not None:
                continue
            yield rp / name
