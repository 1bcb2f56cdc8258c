"""Batch step 1, discover: the input documents of a batch, each with the name its output gets."""
from __future__ import annotations

import glob
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

from ..errors import UsageError
from ..ingest import SUPPORTED_SUFFIXES  # one list of formats, owned by the readers


class BatchUsageError(UsageError):
    """Bad inputs or options for `batch` (exit 2)."""


@dataclass(frozen=True)
class Job:
    index: int
    path: str  # as found (relative to the working directory when given so): the record's `source`
    rel: str  # POSIX path relative to the inputs' common root: names the output


def _is_glob(s: str) -> bool:
    return any(ch in s for ch in "*?[")


def _walk(d: Path, skip: Optional[Path]) -> Iterator[Path]:
    for root, dirs, files in os.walk(d):
        rp = Path(root)
        dirs[:] = sorted(x for x in dirs if not x.startswith(".") and (skip is None or (rp / x).resolve() != skip))
        for name in sorted(files):
            if not name.startswith(".") and name.lower().endswith(SUPPORTED_SUFFIXES):
                yield rp / name


def collect_inputs(args: list[str], *, exclude: Optional[Path] = None) -> list[Job]:
    """Files (any suffix: the reader decides), directories (recursively, supported suffixes only, hidden
    names skipped) and globs (supported suffixes only). Raises BatchUsageError when an argument matches
    nothing or nothing is found at all."""
    skip = exclude.resolve() if exclude is not None else None
    found: list[tuple[Path, Path]] = []  # (file, base directory its name is relative to)
    for arg in args:
        p = Path(arg)
        if p.is_dir():
            found += [(f, p) for f in _walk(p, skip)]
        elif p.is_file():
            found.append((p, p.parent))
        elif _is_glob(arg):
            hits = sorted(glob.glob(arg, recursive=True))
            if not hits:
                raise BatchUsageError(f"{arg}: no file matches")
            for h in hits:
                hp = Path(h)
                if hp.is_dir():
                    found += [(f, hp) for f in _walk(hp, skip)]
                elif hp.is_file() and hp.suffix.lower() in SUPPORTED_SUFFIXES:
                    found.append((hp, hp.parent))
        else:
            raise BatchUsageError(f"{arg}: no such file or directory")
    seen: set[Path] = set()
    unique: list[tuple[Path, Path]] = []
    for f, base in found:
        r = f.resolve()
        if r in seen or (skip is not None and skip in r.parents):
            continue
        seen.add(r)
        unique.append((f, base))
    if not unique:
        raise BatchUsageError("no input documents found (supported: " + " ".join(SUPPORTED_SUFFIXES) + ")")
    # Output names come from the paths as found, never resolved: a file that is a symlink to another
    # place is named after the link, where the user put it.
    root = os.path.commonpath([os.path.abspath(b) for _, b in unique])
    return [
        Job(i, os.path.normpath(str(f)), Path(os.path.relpath(os.path.abspath(f), root)).as_posix())
        for i, (f, _) in enumerate(unique)
    ]


def sha256_file(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
