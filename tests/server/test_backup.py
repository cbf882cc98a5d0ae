"""Backups of a running server and their restore: SQLite through ``kmserver backup`` and
``kmserver restore-backup``, PostgreSQL through pg_dump and pg_restore. A restored
backup serves every document, revision, record and account it holds."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from kmserver.store.backup import BackupError, describe
from tests.server import pg_cluster
from tests.server.conftest import WireClient, seed
from tests.server.processes import PortOnly, start_subprocess
from tests.server.processes import reap_servers as _reap_servers  # noqa: F401 (autouse)


async def km(*args: str) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "kmserver", *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await proc.communicate()
    return proc.returncode or 0, out.decode(), err.decode()


async def client(port: int, user: str) -> WireClient:
    c = await WireClient.open(PortOnly(port), user)  # type: ignore[arg-type]
    await c.sync()
    return c


async def make_history(port: int) -> tuple[WireClient, str]:
    """A revision, a flag and a working-copy edit: what a backup must carry."""
    olle, rita = await client(port, "olle"), await client(port, "rita")
    await olle.edit("parking", lambda t: t.insert(0, "Version två. "))
    await olle.wait_for(lambda: olle.of_type("ack"))
    assert (await olle.publish("parking", "v2"))["rev"] == 2
    flag_id = str(uuid.uuid4())
    assert (await rita.ask(type="flag", id=flag_id, doc="parking", reason="unclear"))["type"] == (
        "saved"
    )
    await rita.close()
    return olle, flag_id


async def check_restored(port: int, flag_id: str, marker: str) -> None:
    rita = await client(port, "rita")  # the account and its password came along
    assert rita.published_text("parking").startswith("Version två. ")
    history = await rita.ask(type="history", doc="parking")
    assert [r["rev"] for r in history["revisions"]] == [2, 1]
    assert flag_id in rita.records("flag")
    olle = await client(port, "olle")
    assert marker in olle.text("parking")  # an acknowledged working-copy edit
    for c in (rita, olle):
        await c.close()


async def test_sqlite_backup_while_serving_and_restore(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'live.db'}"
    seed(url, tmp_path)
    proc, port = await start_subprocess(url)
    olle, flag_id = await make_history(port)
    for i in range(200):  # the backup runs while edits stream in
        await olle.edit("parking", lambda t, i=i: t.insert(len(str(t).encode()), f"<{i}>"))
    code, out, err = await km("backup", str(tmp_path / "nightly.db"), "--db", url)
    assert code == 0, err
    assert "backed up" in out and "documents" in out
    acked_before_backup = len(olle.of_type("ack"))
    assert acked_before_backup >= 3
    code, _, err = await km("backup", str(tmp_path / "nightly.db"), "--db", url)
    assert code == 2 and "exists" in err

    # restoring under a running server is refused and changes nothing
    code, _, err = await km("restore-backup", str(tmp_path / "nightly.db"), "--db", url)
    assert code == 2 and "stop the server first" in err
    await olle.edit("parking", lambda t: t.insert(0, "Efter backupen. "))
    await olle.wait_for(lambda: len(olle.of_type("ack")) >= 202)  # all 202 edits saved
    await olle.close()
    proc.terminate()
    await proc.wait()

    code, out, err = await km("restore-backup", str(tmp_path / "nightly.db"), "--db", url)
    assert code == 0, err
    assert (tmp_path / "live.db.before-restore").is_file()
    proc, port = await start_subprocess(url)
    await check_restored(port, flag_id, "<0>")
    check = await client(port, "olle")
    assert "Efter backupen." not in check.text("parking")  # the backup's moment, not later
    await check.close()
    proc.terminate()
    await proc.wait()


def test_what_is_not_a_backup_is_refused(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(BackupError, match="not a readable SQLite database"):
        describe(junk)
    empty = tmp_path / "empty.db"
    subprocess.run(
        [
            sys.executable,
            "-c",
            f"import sqlite3; sqlite3.connect({str(empty)!r}).execute('create table t(x)')",
        ],
        check=True,
    )
    with pytest.raises(BackupError, match="not a kmserver database"):
        describe(empty)
    with pytest.raises(BackupError, match="does not exist"):
        describe(tmp_path / "missing.db")


async def test_postgresql_pg_dump_and_pg_restore(db_url: str, tmp_path: Path) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("pg_dump is for PostgreSQL")
    code, _, err = await km("backup", str(tmp_path / "x.db"), "--db", db_url)
    assert code == 2 and "pg_dump" in err  # said, not attempted
    proc, port = await start_subprocess(db_url)
    olle, flag_id = await make_history(port)
    for i in range(50):
        await olle.edit("parking", lambda t, i=i: t.insert(len(str(t).encode()), f"<{i}>"))
    await olle.wait_for(lambda: len(olle.of_type("ack")) >= 51)
    bindir = pg_cluster.pg_bin()
    assert bindir is not None
    dsn = db_url.replace("postgresql+psycopg://", "postgresql://")
    dump = tmp_path / "kb.dump"
    subprocess.run(
        [str(bindir / "pg_dump"), "--format=custom", "--file", str(dump), dsn],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    await olle.close()
    proc.terminate()
    await proc.wait()

    admin, _, _name = db_url.rpartition("/")
    restored = f"km_restored_{uuid.uuid4().hex[:8]}"
    pg_cluster.execute(admin, f"CREATE DATABASE {restored}")
    try:
        target = f"{admin}/{restored}"
        subprocess.run(
            [str(bindir / "pg_restore"), "--no-owner", "--dbname",
             target.replace("postgresql+psycopg://", "postgresql://"), str(dump)],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        proc, port = await start_subprocess(target)
        await check_restored(port, flag_id, "<49>")
        proc.terminate()
        await proc.wait()
    finally:
        pg_cluster.execute(admin, f"DROP DATABASE {restored} WITH (FORCE)")


def test_restore_says_which_database_it_replaced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Run without the server's KMSERVER_DB, a restore lands in the invoking user's default
    database: the answer names the file it wrote, and claims a kept previous database only
    when there was one."""
    from kmserver import cli
    from kmserver.store.database import Database

    live = f"sqlite:///{tmp_path / 'live.db'}"
    Database(live).dispose()
    assert cli.main(["backup", str(tmp_path / "nightly.db"), "--db", live]) == 0
    capsys.readouterr()

    fresh = tmp_path / "elsewhere" / "kmserver.db"
    fresh.parent.mkdir()
    assert (
        cli.main(["restore-backup", str(tmp_path / "nightly.db"), "--db", f"sqlite:///{fresh}"])
        == 0
    )
    out = capsys.readouterr().out
    assert f"to {fresh};" in out and "no database there before" in out
    assert "before-restore" not in out and fresh.is_file()

    assert cli.main(["restore-backup", str(tmp_path / "nightly.db"), "--db", live]) == 0
    out = capsys.readouterr().out
    assert f"to {tmp_path / 'live.db'};" in out
    assert f"kept as {tmp_path / 'live.db.before-restore'}" in out
