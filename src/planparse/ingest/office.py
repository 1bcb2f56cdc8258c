"""Word 97 .doc, WPS .wps and RTF: converted to .docx by LibreOffice headless, then read as .docx.

LibreOffice is the maintained reader of these binary formats (Debian `libreoffice-writer-nogui`).
Each conversion runs in a fresh temporary directory with a timeout; the process uses its own
LibreOffice profile (`-env:UserInstallation`), created once per planparse process, so parallel batch
workers never share (and lock) one profile. The .docx reader then does the rest, Word's automatic
numbering included.
"""
from __future__ import annotations

import atexit
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ..errors import CorruptFileError, EncryptedError, InputError
from .base import RawDocument

__all__ = ["read_doc", "find_converter", "CONVERT_TIMEOUT"]

CONVERT_TIMEOUT = 180.0  # seconds; a first start with a new profile takes ~5-20 s on a loaded machine
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_WPS_SUFFIXES = (".wps", ".wpt")


class ConverterMissingError(InputError):
    kind = "no_converter"


def find_converter() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


_profile_dir: str | None = None


def _profile() -> str:
    global _profile_dir
    if _profile_dir is None:
        _profile_dir = tempfile.mkdtemp(prefix="planparse-lo-profile-")
        atexit.register(shutil.rmtree, _profile_dir, True)
    return _profile_dir


def _source_format(path: Path, data: bytes) -> tuple[str, str]:
    """(format name for the output, suffix LibreOffice gets the file under)."""
    if data.startswith(b"{\\rtf"):
        return "rtf", ".rtf"
    if path.suffix.lower() in _WPS_SUFFIXES:
        return "wps", ".wps"
    return "doc", ".doc"


def convert_to_docx(path: Path, data: bytes, suffix: str) -> bytes:
    soffice = find_converter()
    if soffice is None:
        raise ConverterMissingError(
            f"{suffix} needs LibreOffice to be read: install it (apt install libreoffice-writer-nogui) "
            "or save the file as .docx",
            path=str(path),
        )
    with tempfile.TemporaryDirectory(prefix="planparse-office-") as tmp:
        src = Path(tmp) / f"input{suffix}"  # an ASCII name: no argv/locale encoding surprises
        src.write_bytes(data)
        out = Path(tmp) / "out"
        cmd = [
            soffice, f"-env:UserInstallation={Path(_profile()).as_uri()}", "--headless", "--norestore",
            "--nolockcheck", "--nodefault", "--nologo", "--convert-to", "docx:MS Word 2007 XML",
            "--outdir", str(out), str(src),
        ]
        proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
            start_new_session=True, env={**os.environ, "HOME": tmp},
        )
        try:
            _, err = proc.communicate(timeout=CONVERT_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # soffice.bin runs as a child of the soffice script
            proc.communicate()
            raise CorruptFileError(f"LibreOffice did not convert the file within {CONVERT_TIMEOUT:.0f} s", path=str(path)) from None
        result = out / "input.docx"
        if not result.is_file() or result.stat().st_size == 0:
            detail = " ".join(err.decode("utf-8", "replace").split())[:120]
            raise CorruptFileError(
                f"LibreOffice could not convert this {suffix} file (damaged, or not a Word/WPS document)"
                + (f": {detail}" if detail else ""),
                path=str(path),
            )
        return result.read_bytes()


def read_doc(path: Path, data: bytes) -> RawDocument:
    """A Word 97 / WPS / RTF file, through LibreOffice's conversion to .docx."""
    from .docx import read_docx

    if data.startswith(_OLE2) and ("EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data):
        raise EncryptedError("password-protected (encrypted) Word document: remove the password and save again", path=str(path))
    fmt, suffix = _source_format(path, data)
    docx = convert_to_docx(path, data, suffix)
    doc = read_docx(path, docx)
    doc.format = fmt
    return doc
