"""Batch step 1, discover: the input documents of a batch, each with the name its output gets."""
from __future__ import annotations

import glob
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

from ..errors import UsageError
from ..inputs import SUPPORTED_SUFFIXES, not_regular, walk


class BatchUsageError(UsageError):
    """Bad inputs or options for `batch` (exit 2)."""


@dataclass(frozen=True)
class Job:
    index: int
    path: str  # as found (relative to the working directory when given so): the record's `source`
    rel: str  # POSIX path relative to the inputs' common root: names the output
    refused: Optional[str] = None  # why it is never read (an unsafe archive member, a FIFO): a record, no output


def _is_glob(s: str) -> bool:
    return any(ch in s for ch in "*?[")


def _walk(d: Path, skip: Optional[Path] | frozenset[Path]) -> Iterator[Path]:
    """The batch's walk (inputs.walk): FIFOs and devices are yielded, so that each gets its record."""
    skips = skip if isinstance(skip, frozenset) else frozenset([skip] if skip is not None else [])
    return walk(d, skips)


def collect_inputs(args: list[str], *, exclude: Optional[Path] = None, also_exclude: tuple[Path, ...] = ()) -> list[Job]:
    """Files (any suffix: the reader decides), directories (recursively, supported suffixes only, hidden
    names skipped) and globs (supported suffixes only); directories the batch writes (`exclude`,
    `also_exclude`) are never read back. Raises BatchUsageError when an argument matches nothing or
    nothing is found at all."""
    skip = frozenset(p.resolve() for p in (exclude, *also_exclude) if p is not None)
    found: list[tuple[Path, Path]] = []  # (file, base directory its name is relative to)
    for arg in args:
        p = Path(arg)
        if p.is_dir():
            found += [(f, p) for f in _walk(p, skip)]
        elif p.is_file() or (p.exists() and not p.is_dir()):  # a FIFO named on the command line: its record says so
            found.append((p, p.parent))
        elif _is_glob(arg):
            hits = sorted(glob.glob(arg, recursive=True))
            if not hits:
                raise BatchUsageError(f"{arg}: no file matches")
            for h in hits:
                hp = Path(h)
                if hp.is_dir():
                    found += [(f, hp) for f in _walk(hp, skip)]
                elif hp.exists() and not hp.is_dir() and hp.name.lower().endswith(SUPPORTED_SUFFIXES):
                    found.append((hp, hp.parent))
        else:
            raise BatchUsageError(f"{arg}: no such file or directory")
    seen: set[Path] = set()
    unique: list[tuple[Path, Path]] = []
    for f, base in found:
        r = f.resolve()
        if r in seen or any(d in r.parents for d in skip):
            continue
        seen.add(r)
        unique.append((f, base))
    if not unique:
        raise BatchUsageError("no input documents found (supported: " + " ".join(SUPPORTED_SUFFIXES) + ")")
    # Output names come from the paths as found, never resolved: a file that is a symlink to another
    # place is named after the link, where the user put it.
    root = os.path.commonpath([os.path.abspath(b) for _, b in unique])
    return _with_archive_members(
        [(os.path.normpath(str(f)), Path(os.path.relpath(os.path.abspath(f), root)).as_posix()) for f, _ in unique]
    )


def _with_archive_members(inputs: list[tuple[str, str]]) -> list[Job]:
    """An archive is its documents: one job per member (`a.zip!/x/y.pdf`, output `a.zip!/x/y.pdf.json`),
    read from the archive by the worker, never unpacked to disk. Refused members (zip bomb, a path
    leaving the archive, too deep, a duplicate name) and files that are no documents (a FIFO) are jobs
    that are never run: each is recorded with the reason, and never named as an output path."""
    from ..ingest.archive import MEMBER_SEP, archive_documents, is_member_path, unsafe_reason

    jobs: list[Job] = []
    for path, rel in inputs:
        reason = not_regular(Path(path))
        if reason is None and MEMBER_SEP in path and is_member_path(path):
            reason = (f"a file under a directory named like the members of archive {path.split(MEMBER_SEP, 1)[0]!r}: "
                      "rename the directory (its name reads as the archive's member)")
        if reason:
            # A file whose path reads as a member gets a label of its own: records are keyed by source.
            label = path if MEMBER_SEP not in path else f"{path} (a file on disk, not the archive's member)"
            jobs.append(Job(len(jobs), label, rel, refused=reason))
            continue
        listed = archive_documents(path)
        if listed is None:
            jobs.append(Job(len(jobs), path, rel))
            continue
        found, refused = listed
        for member in found:
            jobs.append(Job(len(jobs), member, rel + member[len(path):]))  # inner: "" or "!/x/y.pdf"
        for member, why in refused:
            name_reason = unsafe_reason(member.split(MEMBER_SEP)[-1])
            what = f"unsafe member name ({why})" if why == name_reason else why  # as reading it would say
            jobs.append(Job(len(jobs), member, rel, refused=f"{what}: refused"))
    return jobs


def sha256_file(path: str | Path) -> str:
    from ..ingest.archive import is_member_path, read_member_path

    if is_member_path(str(path)):  # an archive member: the sha of its bytes
        return hashlib.sha256(read_member_path(str(path))).hexdigest()
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
