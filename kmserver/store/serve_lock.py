"""One ``kmserver serve`` per SQLite database.

Several server processes need PostgreSQL (kmserver/cluster.py): on SQLite a
second one would work on the same file without knowing of the first's
sessions and caches. The lock is an ``flock`` on a file beside the database,
released by the kernel when the process ends, even on ``kill -9``. The other
commands (``kmserver import``, ``publish``, ``user`` ...) do not take it: they
keep working beside a running server, as they always have.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO


class AlreadyServing(RuntimeError):
    pass


def sqlite_path(url: str) -> Path | None:
    """The database file of a SQLite URL (None for memory databases)."""
    if not url.startswith("sqlite"):
        return None
    path = url.split("///", 1)[1] if "///" in url else ""
    path = path.split("?", 1)[0]
    return Path(path).resolve() if path and path != ":memory:" else None


class ServeLock:
    def __init__(self, db_file: Path) -> None:
        self.path = db_file.with_name(db_file.name + ".serve-lock")
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 (held until release)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise AlreadyServing(
                f"{holder} is already serving {self.path.name[: -len('.serve-lock')]}; "
                "one kmserver serve per SQLite database (use PostgreSQL to run several)"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"kmserver serve (pid {os.getpid()})")
        handle.flush()
        self._file = handle

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None
