"""Engine creation: the database URL, SQLite durability settings, the schema."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from platformdirs import user_data_dir
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from kmserver.store.migrate import migrate as migrate_schema

DB_ENV = "KMSERVER_DB"


def default_db_url() -> str:
    """``$KMSERVER_DB`` or a SQLite file in the user's data dir."""
    env = os.environ.get(DB_ENV)
    if env:
        return env
    path = Path(user_data_dir("kmserver", appauthor=False)) / "kmserver.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


SQLITE_SYNC_MODES = ("full", "normal")


def _sqlite_connect(sync: str):  # type: ignore[no-untyped-def]
    def on_connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        # Let SQLAlchemy's "begin" event issue BEGIN; pysqlite's implicit one defers it.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        # WAL lets readers run beside the one writer. Either mode keeps every
        # committed transaction through a crash or kill -9 of the server; FULL
        # also fsyncs each commit, so it survives power loss and OS crashes.
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA synchronous={sync.upper()}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=15000")
        cur.close()

    return on_connect


# Every write transaction on PostgreSQL holds this advisory lock from its first statement
# to its commit, so write transactions (of every server process and every command) run
# one at a time and log sequence numbers commit in the order they were handed out: a
# reader that sees entry N committed has every entry below N that will ever exist
# (docs/server.md, "Several processes"). The NOTIFY wakes the other processes' tails at
# the commit (a rolled-back transaction notifies nobody).
WRITE_LOCK = 0x6B6D646573  # "kmdes"
LOG_CHANNEL = "kmdesk_log"
PROCESS_ID = uuid.uuid4().hex[:16]  # names this process's notifications: it ignores its own


def _pg_serialize_writes(conn) -> None:  # type: ignore[no-untyped-def]
    conn.exec_driver_sql(
        f"SELECT pg_advisory_xact_lock({WRITE_LOCK}); NOTIFY {LOG_CHANNEL}, '{PROCESS_ID}'"
    )


def _engine(url: str, *, immediate: bool, sqlite_sync: str = "full") -> Engine:
    kwargs: dict = {}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False}
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "postgresql" and immediate:
        event.listen(engine, "begin", _pg_serialize_writes)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_connect(sqlite_sync))
        # Writers take the lock up front so two processes (server and a CLI
        # import) wait on busy_timeout instead of failing on a lock upgrade.
        # On the driver: SQLAlchemy's statement execution around it cost more than
        # the BEGIN, once per write transaction (a batch of the writer).
        begin = "BEGIN IMMEDIATE" if immediate else "BEGIN"
        event.listen(engine, "begin", lambda conn: conn.connection.dbapi_connection.execute(begin))
    return engine


class Database:
    """One URL, two session factories: ``write()`` for the single writer, ``read()``."""

    def __init__(
        self, url: str | None = None, sqlite_sync: str = "full", *, migrated: bool = True
    ) -> None:
        """``migrated=False``: the caller runs ``migrate()`` itself, once it may (the
        server, after it holds the database's serve lock)."""
        if sqlite_sync not in SQLITE_SYNC_MODES:
            raise ValueError(f"sqlite sync mode must be one of {', '.join(SQLITE_SYNC_MODES)}")
        self.url = url or default_db_url()
        self.write_engine = _engine(self.url, immediate=True, sqlite_sync=sqlite_sync)
        # Reads never take the write lock: an engine (and pool) of their own.
        self.read_engine = _engine(self.url, immediate=False, sqlite_sync=sqlite_sync)
        self.write = sessionmaker(self.write_engine, expire_on_commit=False)
        self.read = sessionmaker(self.read_engine, expire_on_commit=False)
        if migrated:
            self.migrate()

    def migrate(self) -> None:
        """New tables, new columns, data: the Alembic migrations up to this release's."""
        migrate_schema(self.write_engine)

    @property
    def is_postgresql(self) -> bool:
        return self.write_engine.dialect.name == "postgresql"

    @property
    def is_sqlite(self) -> bool:
        return self.write_engine.dialect.name == "sqlite"

    def dispose(self) -> None:
        self.write_engine.dispose()
        if self.read_engine is not self.write_engine:
            self.read_engine.dispose()


__all__ = ["Database", "Session", "default_db_url"]
