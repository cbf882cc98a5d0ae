"""The writer's statements: those it runs per update on the driver store what
SQLAlchemy would, and a SQLite write transaction takes the write lock at its start."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from unittest.mock import patch

import pytest
from sqlalchemy import func, select

from kmserver.store import documents as docs
from kmserver.store.database import Database
from kmserver.store.models import LOG_UPDATE, LogEntry


def test_driver_statements_store_what_sqlalchemy_would(db_url: str) -> None:
    """The writer's insert and per-document update run on the driver with SQL compiled
    once (``DriverStatement``); the rows they write are those SQLAlchemy's own execution
    of the same statements writes, column for column, datetimes included."""
    db = Database(db_url)
    stamp = datetime(2026, 11, 29, 23, 30, 1, 123456, tzinfo=UTC)
    values = {"kind": LOG_UPDATE, "data": b"\x01\x02", "author": "sara", "writer": "w1"}
    try:
        with db.write() as s, s.begin():
            conn = s.connection()
            via_core = conn.execute(
                docs._INSERT_LOG, {"doc_id": "parking", **values, "created_at": stamp}
            ).scalar_one()
            with patch.object(docs, "now", lambda: stamp):
                via_driver = docs.append_log(conn, "school", LOG_UPDATE, b"\x01\x02", "sara", "w1")
                docs.record_updates(conn, "school", via_driver, 2, "sara", "Text åäö")
            conn.execute(
                docs._RECORD_UPDATES,
                {"doc_id": "parking", "seq": via_driver, "count": 2, "stamp": stamp,
                 "author": "sara", "body_text": "Text åäö"},
            )  # fmt: skip
            assert via_driver > via_core
            assert docs.max_seq(conn) == via_driver
        columns = "kind, data, author, writer, created_at"
        with db.read() as s:
            conn = s.connection()
            raw = {
                seq: tuple(
                    conn.exec_driver_sql(
                        f"SELECT {columns} FROM update_log WHERE seq = {seq}"
                    ).one()
                )
                for seq in (via_core, via_driver)
            }
            assert raw[via_core] == raw[via_driver]
            entry = s.get(LogEntry, via_driver)
            assert entry is not None and entry.data == b"\x01\x02"
            assert entry.created_at.replace(tzinfo=UTC) == stamp
            fields = "body_text, changed_seq, update_rows, updated_at, updated_by"
            rows = [
                tuple(
                    conn.exec_driver_sql(
                        f"SELECT {fields} FROM documents WHERE id = '{doc_id}'"
                    ).one()
                )
                for doc_id in ("parking", "school")
            ]
            assert rows[0][:1] + rows[0][3:] == rows[1][:1] + rows[1][3:]
            school = docs.get_document(s, "school")
            assert school is not None and school.changed_seq == via_driver
            assert school.updated_at.replace(tzinfo=UTC) == stamp
            assert school.body_text == "Text åäö" and school.updated_by == "sara"
    finally:
        db.dispose()


def test_a_sqlite_write_transaction_holds_the_write_lock_from_its_start(tmp_path: Path) -> None:
    """Writers take SQLite's write lock at BEGIN (IMMEDIATE, issued on the driver), so
    another process's writer waits on busy_timeout instead of failing on a lock
    upgrade; readers begin without it and read beside the writer."""
    path = tmp_path / "lock.db"
    db = Database(f"sqlite:///{path}")
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        with db.write() as s, s.begin():
            s.connection()  # the transaction has begun; nothing written yet
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
            with db.read() as r, r.begin():
                assert r.execute(select(func.count()).select_from(LogEntry)).scalar() == 0
        other.execute("BEGIN IMMEDIATE")  # free again after the commit
        other.execute("COMMIT")
    finally:
        other.close()
        db.dispose()
