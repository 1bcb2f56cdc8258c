"""Archives as inputs: .zip, .tar, .tar.gz (also nested), read member by member, never unpacked to disk
(a tar on disk is walked forward from the member read last: see _TarCursor).

A member is named `ARCHIVE!/path/inside` (`a.zip!/b.zip!/c.pdf` for an archive in an archive); that
name is what `ingest.read` accepts, what the output's source.path says and what batch names outputs
after. Members are read into memory one at a time, under limits that refuse zip bombs (declared or
actual size, compression ratio, member count, nesting depth), and a member whose path would leave the
archive (absolute, `..`, a link) is refused, never read.

Zip member names: the zip format stores names in UTF-8 only when flag bit 11 is set; Chinese tools
(WinRAR, 360压缩, Windows' own zip) write GBK bytes without it, which Python reads as CP437 mojibake.
Such names are re-decoded (UTF-8 if valid, else GB18030, a superset of GBK).
"""
from __future__ import annotations

import io
import os
import posixpath
import threading
from pathlib import Path
from typing import IO, Iterator

from ..errors import CorruptFileError, InputError, MissingFileError
from ..lazy import lazy
from .formats import ARCHIVE_SUFFIXES, SUPPORTED_SUFFIXES, sniff

# only for an archive or an office file: not on every start-up
tarfile = lazy("tarfile")
zipfile = lazy("zipfile")

__all__ = ["MEMBER_SEP", "single_member", "read_member_path", "list_documents", "documents_in", "ArchiveLimits", "LIMITS"]

MEMBER_SEP = "!/"


class ArchiveLimits:
    """Zip-bomb guards. A member above any of them is refused (the archive's other members are read)."""

    member_bytes = 256 * 1024 * 1024  # a policy document is a few MB; scans of long ones, tens
    ratio = 200  # uncompressed / compressed, for members over ratio_floor (text XML compresses ~10-20x)
    ratio_floor = 1024 * 1024
    members = 20000
    depth = 4  # archives inside archives
    total_bytes = 4 * 1024 * 1024 * 1024  # decompressed while walking one tar stream


LIMITS = ArchiveLimits()


class UnsafeMemberError(InputError):
    kind = "unsafe_member"


def _archive_kind(name: str, data_head: bytes) -> str | None:
    if data_head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if data_head.startswith(b"\x1f\x8b"):
        return "tar.gz"
    if len(data_head) > 262 and data_head[257:262] == b"ustar":
        return "tar"
    return None


def _zip_name(info: zipfile.ZipInfo) -> str:
    if info.flag_bits & 0x800:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename
    for enc in ("utf-8", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return info.filename


def _tar_name(member: tarfile.TarInfo) -> str:
    name = member.name
    try:
        raw = name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return name
    if raw.decode("utf-8", "replace") == name:
        return name
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return name


def unsafe_reason(name: str) -> str | None:
    """Why a member name must not be used as a path (it would leave the archive), or None."""
    n = name.replace("\\", "/")
    if n.startswith("/") or (len(n) > 1 and n[1] == ":"):
        return "absolute path"
    if ".." in n.split("/"):
        return "path leaves the archive (..)"
    if MEMBER_SEP in n:
        return f"'{MEMBER_SEP}' in the member name"
    return None


def _is_junk(name: str) -> bool:
    # backslashes as separators first: `..\\..\\x.txt` is a path that leaves the archive, not a hidden file
    base = posixpath.basename(name.replace("\\", "/").rstrip("/"))
    return not base or base.startswith(".") or name.startswith("__MACOSX/")


def _check_zip_member(info: zipfile.ZipInfo, label: str) -> None:
    if info.file_size > LIMITS.member_bytes:
        raise UnsafeMemberError(f"member too large ({info.file_size} bytes > {LIMITS.member_bytes}): refused", path=label)
    if info.file_size > LIMITS.ratio_floor and info.file_size > LIMITS.ratio * max(info.compress_size, 1):
        raise UnsafeMemberError(
            f"compression ratio {info.file_size // max(info.compress_size, 1)}:1 looks like a zip bomb: refused", path=label
        )


def _read_bounded(f: IO[bytes], label: str) -> bytes:
    data = f.read(LIMITS.member_bytes + 1)
    if len(data) > LIMITS.member_bytes:
        raise UnsafeMemberError(f"member larger than {LIMITS.member_bytes} bytes: refused", path=label)
    return data


class _Archive:
    """One opened archive (a file on disk or bytes in memory): its members by decoded name."""

    def __init__(self, label: str, source: str | bytes, kind: str):
        self.label = label
        self.kind = kind
        self.source = source

    def _fileobj(self) -> IO[bytes]:
        return io.BytesIO(self.source) if isinstance(self.source, bytes) else open(self.source, "rb")

    def members(self) -> Iterator[tuple[str, str | None]]:
        """(decoded name, reason it is refused or None) of every regular file, in archive order."""
        try:
            if self.kind == "zip":
                with zipfile.ZipFile(self._fileobj()) as zf:
                    infos = zf.infolist()
                    if len(infos) > LIMITS.members:
                        raise UnsafeMemberError(f"more than {LIMITS.members} members: refused", path=self.label)
                    for info in infos:
                        if not info.is_dir():
                            name = _zip_name(info)
                            yield name, unsafe_reason(name)
            else:
                with self._fileobj() as f, tarfile.open(fileobj=f, mode="r|*") as tf:
                    for count, m in enumerate(tf):
                        if count >= LIMITS.members:
                            raise UnsafeMemberError(f"more than {LIMITS.members} members: refused", path=self.label)
                        if m.isdir():
                            continue
                        name = _tar_name(m)
                        reason = unsafe_reason(name) or (None if m.isfile() else "a link or device, not a file")
                        yield name, reason
        except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError) as e:
            raise CorruptFileError(f"damaged {self.kind} archive ({type(e).__name__})", path=self.label) from None

    def read(self, wanted: str) -> bytes:
        label = f"{self.label}{MEMBER_SEP}{wanted}"
        reason = unsafe_reason(wanted)
        if reason:
            raise UnsafeMemberError(f"unsafe member name ({reason}): refused", path=label)
        try:
            if self.kind == "zip":
                with _zip_lock:  # one reader at a time: threads of one process share the open archive
                    zf, by_name = _open_zip(self.label, self.source)
                    info = by_name.get(wanted)
                    if info is not None:
                        _check_zip_member(info, label)
                        with zf.open(info) as f:
                            return _read_bounded(f, label)
            elif isinstance(self.source, str):
                with _cursor_lock:  # one walk at a time: threads of one process share the cursor
                    data = _tar_cursor(self.source).read(wanted, label)
                if data is not None:
                    return data
            else:
                with self._fileobj() as f, tarfile.open(fileobj=f, mode="r|*") as tf:
                    data = _tar_find(tf, wanted, label, [0])
                    if data is not None:
                        return data
        except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError, RuntimeError) as e:
            # RuntimeError: zipfile's "encrypted, password required"
            what = "encrypted member (password required)" if isinstance(e, RuntimeError) else f"damaged {self.kind} archive ({type(e).__name__})"
            raise CorruptFileError(what, path=label) from None
        raise MissingFileError("no such member in the archive", path=label)


def _tar_find(tf: tarfile.TarFile, wanted: str, label: str, seen: list[int]) -> bytes | None:
    """Walk a tar stream forward to `wanted` and read it; None at the end of the stream. `seen` counts
    the bytes walked (a one-element list, kept by the caller across calls). next(), not iteration: a
    second `for m in tf` starts again at the members already passed, which a stream cannot read back."""
    while (m := tf.next()) is not None:
        seen[0] += m.size
        if seen[0] > LIMITS.total_bytes:
            raise UnsafeMemberError(f"more than {LIMITS.total_bytes} bytes decompressed: refused", path=label)
        if _tar_name(m) == wanted:
            if not m.isfile():
                raise UnsafeMemberError("a link or device, not a file: refused", path=label)
            if m.size > LIMITS.member_bytes:
                raise UnsafeMemberError(f"member too large ({m.size} bytes): refused", path=label)
            fh = tf.extractfile(m)
            return _read_bounded(fh, label) if fh else b""
    return None


class _TarCursor:
    """A tar(.gz) on disk kept open at the member read last. A compressed tar cannot seek, so reading
    member k from the start each time makes a batch over an archive of n documents O(n²); a batch reads
    members in archive order, so walking on from the last one makes it O(n) per worker process. A member
    behind the cursor restarts the walk once from the top."""

    def __init__(self, path: str, key: tuple):
        self.path, self.key = path, key
        self._file: IO[bytes] | None = None
        self._tar: tarfile.TarFile | None = None
        self._seen = [0]

    def _restart(self) -> None:
        self.close()
        self._file = open(self.path, "rb")
        self._tar = tarfile.open(fileobj=self._file, mode="r|*")
        self._seen = [0]

    def read(self, wanted: str, label: str) -> bytes | None:
        fresh = self._tar is None
        if fresh:
            self._restart()
        try:
            data = _tar_find(self._tar, wanted, label, self._seen)
            if data is None and not fresh:
                self._restart()
                data = _tar_find(self._tar, wanted, label, self._seen)
            return data
        except BaseException:
            self.close()  # a stream that raised is in no known place
            raise

    def close(self) -> None:
        if self._tar is not None:
            self._tar.close()
        if self._file is not None:
            self._file.close()
        self._tar = self._file = None


class _OpenZip:
    """A zip kept open with its members by decoded name (the first of a duplicated name, as
    list_documents reads it). Parsing the central directory of a 20,000-member zip takes ~50 ms: done
    for every member it made a batch over one archive quadratic."""

    def __init__(self, key: tuple, source: str | bytes):
        self.key = key
        self.zf = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
        self.by_name: dict[str, zipfile.ZipInfo] = {}
        for info in self.zf.infolist():
            if not info.is_dir():
                self.by_name.setdefault(_zip_name(info), info)

    def close(self) -> None:
        self.zf.close()


_open_zips: list[_OpenZip] = []  # the last few opened per process: the outer archive and one inside it
_ZIPS_KEPT = 2
_zip_lock = threading.RLock()


def _open_zip(label: str, source: str | bytes) -> tuple[zipfile.ZipFile, dict[str, zipfile.ZipInfo]]:
    """The process's open copy of the zip `label` (a changed file on disk is a new archive); the caller
    holds _zip_lock."""
    if isinstance(source, bytes):
        import hashlib

        key: tuple = (label, len(source), hashlib.blake2b(source[:65536] + source[-65536:], digest_size=16).digest())
    else:
        st = os.stat(source)
        key = (os.path.realpath(source), st.st_size, st.st_mtime_ns)
    for i, z in enumerate(_open_zips):
        if z.key == key:
            _open_zips.insert(0, _open_zips.pop(i))
            return z.zf, z.by_name
    z = _OpenZip(key, source)
    _open_zips.insert(0, z)
    for old in _open_zips[_ZIPS_KEPT:]:
        old.close()
    del _open_zips[_ZIPS_KEPT:]
    return z.zf, z.by_name


_cursor: list[_TarCursor] = []  # at most one per process: the archive a batch worker is reading
_cursor_lock = threading.Lock()


def _tar_cursor(path: str) -> _TarCursor:
    """The process's cursor on `path` (a changed file is a new archive); the caller holds _cursor_lock."""
    st = os.stat(path)
    key = (os.path.realpath(path), st.st_size, st.st_mtime_ns)
    if _cursor and _cursor[0].key == key:
        return _cursor[0]
    for old in _cursor:
        old.close()
    _cursor[:] = [_TarCursor(path, key)]
    return _cursor[0]


def _open(label: str, source: str | bytes) -> _Archive:
    if isinstance(source, bytes):
        head = source[:1024]
    else:
        with open(source, "rb") as f:
            head = f.read(1024)
    kind = _archive_kind(label, head)
    if kind is None:
        raise CorruptFileError("not an archive (.zip, .tar, .tar.gz)", path=label)
    return _Archive(label, source, kind)


def is_member_path(name: str) -> bool:
    """`name` names a member of an archive on disk (`a.zip!/x.txt` with a.zip a file). Asked before the
    file system: a real directory `a.zip!/` beside a.zip must not stand in for the archive's members."""
    return MEMBER_SEP in name and Path(name.split(MEMBER_SEP, 1)[0]).is_file()


def _nesting(label: str) -> int:
    """How deep `label` is inside the archive on disk it starts with (0: that archive itself)."""
    parts = label.split(MEMBER_SEP)
    for i in range(len(parts)):
        if Path(MEMBER_SEP.join(parts[: i + 1])).is_file():
            return len(parts) - 1 - i
    return len(parts) - 1


def read_member_path(name: str) -> bytes:
    """The bytes of `ARCHIVE!/member[!/member...]`, the outer archive read from disk."""
    outer, *inner = name.split(MEMBER_SEP)
    if not Path(outer).is_file():
        raise MissingFileError("no such file", path=outer)
    if len(inner) > LIMITS.depth:
        raise UnsafeMemberError(f"archives nested deeper than {LIMITS.depth}: refused", path=name)
    source: str | bytes = outer
    label = outer
    for member in inner:
        source = _open(label, source).read(member)
        label = f"{label}{MEMBER_SEP}{member}"
    assert isinstance(source, bytes)
    return source


def _is_document(name: str) -> bool:
    return not _is_junk(name) and name.lower().endswith(SUPPORTED_SUFFIXES)


def _is_archive(name: str) -> bool:
    return name.lower().endswith(ARCHIVE_SUFFIXES)


def list_documents(label: str, source: str | bytes | None = None) -> tuple[list[str], list[tuple[str, str]]]:
    """Every document inside an archive (recursing into archives inside it), as member paths, and the
    members refused with the reason: ([`a.zip!/x.pdf`, `a.zip!/b.zip!/y.doc`], [(`a.zip!/../z.pdf`, why)]).
    The depth of nesting is counted from the outermost archive named in `label`, so that `batch` (which
    lists from the outer archive) and `extract` of a member (which lists from that member) stop at the
    same level. A name that occurs twice is read as its first member; the later ones are refused (as
    `NAME (duplicate 2 of 2)`), so the content a name stands for never depends on who reads it."""
    depth = _nesting(label)
    arch = _open(label, label if source is None else source)
    found: list[str] = []
    refused: list[tuple[str, str]] = []
    members = list(arch.members())
    copies: dict[str, int] = {}
    for name, _ in members:
        copies[name] = copies.get(name, 0) + 1
    seen: dict[str, int] = {}
    for name, reason in members:
        path = f"{label}{MEMBER_SEP}{name}"
        if not _is_document(name.replace("\\", "/")):
            continue
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            refused.append((f"{path} (duplicate {seen[name]} of {copies[name]})",
                            f"duplicate member name: only the first of {copies[name]} members named so is read"))
        elif reason:
            refused.append((path, reason))
        elif _is_archive(name):
            if depth + 1 >= LIMITS.depth:
                refused.append((path, f"archives nested deeper than {LIMITS.depth}"))
                continue
            try:
                inner_found, inner_refused = list_documents(path, arch.read(name))
            except InputError as e:
                refused.append((path, e.message))
                continue
            found += inner_found
            refused += inner_refused
        else:
            found.append(path)
    return found, refused


def single_member(label: str, data: bytes, kind: str) -> tuple[str, bytes]:
    """The one document of an archive given to `extract` (its member path and bytes)."""
    found, refused = list_documents(label, data)
    if len(found) == 1:
        inner = found[0][len(label) + len(MEMBER_SEP):]
        source: bytes = data
        lbl = label
        for member in inner.split(MEMBER_SEP):
            source = _open(lbl, source).read(member)
            lbl = f"{lbl}{MEMBER_SEP}{member}"
        return found[0], source
    if not found:
        why = f" ({len(refused)} member(s) refused: {refused[0][1]})" if refused else ""
        raise InputError(f"{kind} archive holds no document{why}", path=label)
    names = ", ".join(f[len(label) + len(MEMBER_SEP):] for f in found[:3])
    more = ", …" if len(found) > 3 else ""
    raise InputError(
        f"{kind} archive holds {len(found)} documents ({names}{more}): use `planparse batch`, "
        f"or name one as ARCHIVE{MEMBER_SEP}MEMBER",
        path=label,
    )


def documents_in(path: str) -> list[str] | None:
    """For a file that is an archive: the member paths of every document inside it, refused members
    included (reading one raises the reason), so that `check` reports them as unreadable inputs. None
    for a file that is not an archive (or not a file)."""
    listed = archive_documents(path)
    return None if listed is None else listed[0] + [name for name, _ in listed[1]]


def archive_documents(path: str) -> tuple[list[str], list[tuple[str, str]]] | None:
    """For a file that is an archive: (member paths of its documents, [(refused member, reason)]); a
    damaged archive is one document (reading it reports the damage). None for a file that is not an
    archive (or not a regular file)."""
    p = Path(path)
    if not p.is_file():
        return None
    with open(p, "rb") as f:
        head = f.read(1024)
    if _archive_kind(path, head) is None:
        return None
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        with open(p, "rb") as f:
            if sniff(f.read(), p.name) != "zip":  # a .docx or .ofd package, not an archive of documents
                return None
    try:
        return list_documents(path)
    except InputError:
        return [path], []  # a damaged archive: reading it reports the damage
