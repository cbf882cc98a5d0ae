"""``kmserver backup FILE`` and ``kmserver restore-backup FILE`` for SQLite databases.

A backup is SQLite's online backup API: a consistent copy of the whole
database at one moment, taken while the server runs and writes (WAL readers
never block the writer). Restoring replaces the database file of a stopped
server: the file is checked first (a kmserver database, readable), written
beside the target and moved into place, so a failure leaves the old database
as it was; the old one is kept as ``<name>.before-restore``. The next start
upgrades a backup made by an earlier release (the migrations).

PostgreSQL has its own tools, documented in docs/operations.md and tested in
tests/server/test_backup.py: ``pg_dump --format=custom`` and ``pg_restore``.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from kmserver.store.serve_lock import AlreadyServing, ServeLock, sqlite_path

PAGES_PER_STEP = 1024  # copy in steps: the server's writer is never held up for long
REQUIRED_TABLES = {"documents", "update_log", "users", "alembic_version"}


class BackupError(ValueError):
    """Said to the user as it is (the CLI prints it and exits with 2)."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    bytes: int
    documents: int
    log_entries: int
    users: int


@dataclass(frozen=True)
class RestoreInfo:
    backup: BackupInfo
    database: Path  # the file now holding the backup
    kept: Path | None  # the previous database, or None if there was none


def _sqlite_file(db_url: str) -> Path:
    path = sqlite_path(db_url)
    if path is None:
        raise BackupError(
            "kmserver backup copies SQLite databases; for PostgreSQL use pg_dump "
            "--format=custom and pg_restore (docs/operations.md)"
        )
    return path


def describe(path: Path) -> BackupInfo:
    """What a backup holds; BackupError if it is not a kmserver database."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            missing = REQUIRED_TABLES - tables
            if missing:
                raise BackupError(f"{path} is not a kmserver database (no {', '.join(missing)})")
            count = lambda table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: E731
            info = BackupInfo(path, path.stat().st_size, count("documents"), count("update_log"),
                              count("users"))  # fmt: skip
            if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise BackupError(f"{path} is damaged (SQLite's quick_check failed)")
            return info
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a readable SQLite database: {exc}") from None


def backup(db_url: str, target: Path) -> BackupInfo:
    """A consistent copy of the database at ``target`` (not over an existing file)."""
    source = _sqlite_file(db_url)
    if not source.is_file():
        raise BackupError(f"no database at {source}")
    target = target.resolve()
    if target.exists():
        raise BackupError(f"{target} exists; choose a new file name")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    _copy(source, partial)
    os.replace(partial, target)
    return describe(target)


def _copy(source: Path, target: Path) -> None:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst, pages=PAGES_PER_STEP)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        dst.close()
        src.close()


def restore(db_url: str, backup_file: Path) -> RestoreInfo:
    """Put ``backup_file`` in place of the database of a stopped server. Where it went is
    part of the answer: run without the server's ``KMSERVER_DB`` (or as another user), a
    restore lands in that user's default database, not the server's."""
    target = _sqlite_file(db_url)
    info = describe(backup_file.resolve())
    lock = ServeLock(target)
    try:
        lock.acquire()  # a running server holds it: restoring under it would lose its work
    except AlreadyServing as exc:
        raise BackupError(f"stop the server first: {exc}") from None
    keep = None
    try:
        staged = target.with_name(target.name + ".restoring")
        shutil.copyfile(backup_file, staged)
        if target.exists():  # through SQLite, so what is still in its WAL comes along
            keep = target.with_name(target.name + ".before-restore")
            keep.unlink(missing_ok=True)
            _copy(target, keep)
        for suffix in ("-wal", "-shm"):  # the old database's journal must not meet the new
            target.with_name(target.name + suffix).unlink(missing_ok=True)
        os.replace(staged, target)
    finally:
        lock.release()
    return RestoreInfo(info, target, keep)
