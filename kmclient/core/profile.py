"""Where profiles live, and the lock that keeps one writer per profile.

A profile is a directory: ``profile.db`` (:mod:`kmclient.core.local_store`)
and ``index/`` (the Whoosh search index). There is one per server and user,
under the platform's user data dir, unless the caller names a directory.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

from platformdirs import user_data_dir

DB_FILE = "profile.db"
INDEX_DIR = "index"
LOCK_FILE = "lock"
_LAST = "last-profile"


class ProfileBusy(RuntimeError):
    """Another kmclient process is syncing this profile."""


def data_root() -> Path:
    return Path(user_data_dir("kmclient", appauthor=False))


def default_profile_dir(server_url: str, user: str) -> Path:
    """``<data dir>/profiles/<user>@<host>_<port>``, safe as a file name everywhere."""
    parts = urlsplit(server_url)
    host = parts.hostname or "server"
    port = parts.port or (443 if parts.scheme == "wss" else 80)
    name = re.sub(r"[^A-Za-z0-9._@-]", "_", f"{user}@{host}_{port}")
    return data_root() / "profiles" / name


def remember_last(profile_dir: Path) -> None:
    """Note the profile last synced, the default for ``kmclient search``."""
    root = data_root()
    root.mkdir(parents=True, exist_ok=True)
    (root / _LAST).write_text(str(profile_dir.resolve()), encoding="utf-8")


def last_profile() -> Path | None:
    try:
        path = Path((data_root() / _LAST).read_text(encoding="utf-8").strip())
    except OSError:
        return None
    return path if (path / DB_FILE).exists() else None


def prepare_dir(profile_dir: Path) -> None:
    # The profile holds the session token: readable by its user only.
    profile_dir.mkdir(parents=True, exist_ok=True, mode=0o700)


class ProfileLock:
    """An exclusive, non-blocking lock on ``<profile>/lock``; the OS drops it
    when the process dies, so a crash never leaves the profile locked."""

    def __init__(self, profile_dir: Path) -> None:
        self._path = profile_dir / LOCK_FILE
        self._file: IO[bytes] | None = None

    def acquire(self) -> None:
        f = open(self._path, "a+b")  # noqa: SIM115 - held open for the lock's lifetime
        try:
            _lock(f)
        except OSError as exc:
            f.close()
            raise ProfileBusy(
                f"{self._path.parent} is in use by another kmclient (sync or the app)"
            ) from exc
        self._file = f

    def release(self) -> None:
        if self._file is not None:
            self._file.close()  # closing releases the lock on every platform
            self._file = None


if os.name == "nt":  # pragma: no cover - exercised on Windows desks only
    import msvcrt

    def _lock(f: IO[bytes]) -> None:
        f.seek(0)
        msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)

else:
    import fcntl

    def _lock(f: IO[bytes]) -> None:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
