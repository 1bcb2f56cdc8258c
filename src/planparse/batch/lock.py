"""One batch per output location: an exclusive lock on a file that names its holder's pid.

The lock is flock(2) on the lock file, so the kernel releases it when the holder dies however it died:
a lock file left by a dead process (kill -9) is simply taken over by the next run. The pid inside is
what the message names while the lock is held."""
from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path
from typing import Optional

from .discover import BatchUsageError


class OutputLocked(BatchUsageError):
    """Another batch is writing to the same output (exit 2)."""

    kind = "locked"


def _holder(path: Path) -> str:
    with contextlib.suppress(OSError, ValueError):
        pid = int(path.read_text(encoding="ascii").strip() or "0")
        if pid:
            return f"pid {pid}"
    return "another process"


class OutputLock:
    def __init__(self, path: Path, output: Path):
        self.path = path
        self.output = output
        self.fd: Optional[int] = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise OutputLocked(
                    f"{self.output}: another batch ({_holder(self.path)}) is writing here; wait for it to "
                    f"finish or stop it (lock: {self.path})"
                ) from None
            # The holder before us may have removed the file between our open and our lock: then we
            # hold a lock on a name nobody sees, and must lock the file that is there now.
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        self.fd = fd

    def release(self) -> None:
        if self.fd is None:
            return
        with contextlib.suppress(OSError):
            self.path.unlink()
        os.close(self.fd)
        self.fd = None

    def __enter__(self) -> "OutputLock":
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()
