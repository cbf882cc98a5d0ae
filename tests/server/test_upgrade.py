"""A database made by kmdesk 0.1.0 keeps working: migrated in place on SQLite and PostgreSQL.

``fixtures/release-0.1.0.sql`` was written by the 0.1.0 server itself (see
``fixtures/make_release_db.py``): users, the sample knowledge base, a draft,
230 live keystrokes with a compaction, a flag on a passage, a comment, a
note, a watch and notifications.
"""

from __future__ import annotations

import asyncio
import base64
import json
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, create_engine, inspect, select
from websockets.asyncio.client import connect

from kmclient.core.sticky import StickyCodec
from kmserver.protocol.ytext import body
from kmserver.server import Server, ServerConfig
from kmserver.store import migrate
from kmserver.store.database import Database
from kmserver.store.schema import metadata
from kmserver.store.serve_lock import ServeLock
from tests.server import pg_cluster
from tests.server.conftest import WireClient
from tests.server.processes import reap_servers as _reap_servers  # noqa: F401 (autouse)
from tests.server.processes import start_subprocess

DUMP = Path(__file__).with_name("fixtures") / "release-0.1.0.sql"
PASSWORD = "demo-password"


def load_release_db(path: Path) -> str:
    con = sqlite3.connect(path)
    con.executescript(DUMP.read_text(encoding="utf-8"))
    con.close()
    return f"sqlite:///{path}"


def copy_rows(source_url: str, target_url: str) -> None:
    """Every row of the 0.1.0 database into a PostgreSQL database at revision 0001."""
    source, target = create_engine(source_url), create_engine(target_url)
    old = MetaData()
    old.reflect(source)
    new = MetaData()
    new.reflect(target)
    with source.connect() as src, target.begin() as dst:
        for table in old.sorted_tables:  # parents before children (foreign keys)
            rows = [dict(r._mapping) for r in src.execute(select(table))]
            if rows:
                dst.execute(new.tables[table.name].insert(), rows)
        for table, column in [("update_log", "seq"), ("users", "id")]:
            dst.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                f"(SELECT max({column}) FROM {table}))"
            )
    source.dispose()
    target.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def release_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    sqlite_url = load_release_db(tmp_path / "release.db")
    if request.param == "sqlite":
        yield sqlite_url
        return
    admin = request.getfixturevalue("pg_template")
    pg_cluster.execute(admin, "CREATE DATABASE km_release")
    url = f"{admin}/km_release"
    engine = create_engine(url)
    with engine.begin() as conn:  # the 0.1.0 schema, as its create_all made it
        cfg = migrate._config(conn)
        from alembic import command

        command.upgrade(cfg, migrate.BASELINE)
        conn.exec_driver_sql("DROP TABLE alembic_version")  # 0.1.0 had none
    engine.dispose()
    copy_rows(sqlite_url, url)
    yield url
    pg_cluster.execute(admin, "DROP DATABASE km_release WITH (FORCE)")


def schema_differences(url: str) -> list:
    engine = create_engine(url)
    with engine.connect() as conn:
        found = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    return found


async def test_a_release_0_1_0_database_upgrades_and_serves(release_db: str) -> None:
    db = Database(release_db)  # the first start of the new server migrates
    with db.write_engine.connect() as conn:
        assert migrate.current(conn) == migrate.head()
        assert "revisions" in inspect(conn).get_table_names()
    db.dispose()
    assert schema_differences(release_db) == []  # the same schema as a new database's

    server = Server(ServerConfig(db_url=release_db, port=0))
    await server.start()
    try:
        anna = await WireClient.open(server, "anna", PASSWORD)  # a rep
        await anna.sync()
        assert len(anna.metas) == 28  # audience everyone; internal and draft ones hidden
        assert "parking-night-rules" not in anna.metas  # the draft stays a draft
        text = anna.published_text("parking-residential-permit")
        assert "Uppdaterat: avgiften är 600 kr från 1 mars." in text  # the live edits
        meta = anna.metas["parking-residential-permit"]
        assert meta["published"]["rev"] == 1 and meta["status"] == "published"
        assert anna.docs == {}
        # flags, comments, notes and watches survived, and the flag's passage resolves
        (flag,) = anna.records("flag").values()
        anchor = flag["data"]["anchor"]
        codec = StickyCodec(body(anna.published["parking-residential-permit"]))
        start = codec.position_of(base64.b64decode(anchor["start"]))
        end = codec.position_of(base64.b64decode(anchor["end"]))
        assert text[start:end] == "600 kr"
        assert len(anna.records("comment")) == 1 and len(anna.records("note")) == 1
        assert len(anna.records("pref")) == 1

        olle = await WireClient.open(server, "olle", PASSWORD)  # an owner
        await olle.sync()
        assert olle.metas["parking-night-rules"]["status"] == "draft"
        assert olle.text("parking-night-rules").startswith("# Night parking rules")
        assert olle.text("parking-residential-permit") == text  # working = revision 1
        await olle.edit("parking-residential-permit", lambda t: t.insert(0, "Nytt. "))
        await olle.wait_for(lambda: olle.of_type("ack"))
        assert (await olle.publish("parking-residential-permit"))["rev"] == 2
        await anna.wait_for(
            lambda: anna.published_text("parking-residential-permit").startswith("Nytt. ")
        )
        sara = await WireClient.open(server, "sara", PASSWORD)
        await sara.sync()
        (upgrade,) = (await sara.ask(type="audit", limit=1000))["events"][-1:]
        assert upgrade["action"] == "upgrade" and upgrade["detail"]["published"] == 34
        for client in (anna, olle, sara):
            await client.close()

        # a 0.1.0 client is told clearly that it must be updated
        async with connect(f"ws://127.0.0.1:{server.port}/ws") as ws:
            await ws.send(json.dumps({"type": "hello", "protocol": 1, "token": "x"}))
            answer = json.loads(await ws.recv())
            assert answer["code"] == "unsupported_protocol" and answer["supported"] == [2]
    finally:
        await server.stop()
    Database(release_db).dispose()  # a second start finds nothing to do


def test_a_new_database_has_the_migrated_schema(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    Database(url).dispose()
    assert schema_differences(url) == []


async def test_a_second_server_does_not_migrate_the_file_another_serves(tmp_path: Path) -> None:
    """A newer release started beside a running server refuses before it touches the
    schema the running one depends on; once the file is free it migrates and serves."""
    path = tmp_path / "old.db"
    url = load_release_db(path)
    running = ServeLock(path.resolve())  # what the serving process holds
    running.acquire()
    try:
        second = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "kmserver", "serve", "--db", url, "--port", "0",
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        _, err = await asyncio.wait_for(second.communicate(), 30)
        assert second.returncode == 2 and b"already serving old.db" in err
        engine = create_engine(url)
        assert "alembic_version" not in inspect(engine).get_table_names()  # as 0.1.0 left it
        engine.dispose()
    finally:
        running.release()
    server, _ = await start_subprocess(url)
    server.terminate()
    await server.wait()
    engine = create_engine(url)
    with engine.connect() as conn:
        assert migrate.current(conn) == migrate.head()
    engine.dispose()
