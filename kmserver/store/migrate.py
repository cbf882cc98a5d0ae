"""Bring a database to the current schema: Alembic migrations (kmserver/store/migrations).

- A new, empty database gets every table at once and is stamped as current.
- A database made by kmdesk 0.1.0 (tables, no ``alembic_version``) is stamped
  with the baseline revision and upgraded, data included.
- Anything else is upgraded from the revision it records.

It runs in one transaction that holds the database's write lock (SQLite's
``BEGIN IMMEDIATE``, a PostgreSQL advisory lock), so a server and a command
started together cannot both upgrade.
"""

from __future__ import annotations

import logging
from importlib.resources import files

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text

from kmserver.store.schema import metadata

log = logging.getLogger(__name__)

BASELINE = "0001"  # the schema of kmdesk 0.1.0
_PG_LOCK = 0x6B6D6465736B  # any constant: "kmdesk"


def _config(conn: Connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(files("kmserver.store") / "migrations"))
    cfg.attributes["connection"] = conn
    return cfg


def head() -> str:
    cfg = Config()
    cfg.set_main_option("script_location", str(files("kmserver.store") / "migrations"))
    found = ScriptDirectory.from_config(cfg).get_current_head()
    assert found is not None
    return found


def current(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def migrate(engine: Engine) -> None:
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK})
        cfg = _config(conn)
        tables = set(inspect(conn).get_table_names())
        if "alembic_version" not in tables:
            if "documents" in tables:
                log.info("upgrading a database made by kmdesk 0.1.0")
                command.stamp(cfg, BASELINE)
            else:
                metadata.create_all(conn)
                command.stamp(cfg, "head")
                return
        before = current(conn)
        if before != head():
            log.info("upgrading the database schema from %s to %s", before, head())
            command.upgrade(cfg, "head")
