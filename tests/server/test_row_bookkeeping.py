"""A document row's bookkeeping lags its log by at most a second while the server runs,
is written about once a second however fast its document is edited, and is exact
wherever it is read: settled at the next start after kill -9, read from the log by
commands beside a running server, written before a metadata change reads the row."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kmserver import writer as writer_module
from kmserver.content import export_dir, parse_article
from kmserver.server import Server
from kmserver.store import documents as docs
from kmserver.store import row_bookkeeping
from kmserver.store.database import Database
from kmserver.store.models import LOG_UPDATE, Document, LogEntry
from tests.server.conftest import WireClient, eventually, running_server
from tests.server.processes import PortOnly, start_subprocess
from tests.server.processes import reap_servers as _reap_servers  # noqa: F401 (autouse)


def _row(db_url: str, doc_id: str) -> tuple[int, int, str | None, str, int, int]:
    """(changed_seq, update_rows, updated_by, body_text, newest update seq, update rows)"""
    db = Database(db_url)
    try:
        with db.read() as s:
            row = docs.get_document(s, doc_id)
            assert row is not None
            newest = s.scalar(
                select(func.max(LogEntry.seq)).where(
                    LogEntry.doc_id == doc_id, LogEntry.kind == LOG_UPDATE
                )
            )
            count = s.scalar(
                select(func.count()).where(LogEntry.doc_id == doc_id, LogEntry.kind == LOG_UPDATE)
            )
            return row.changed_seq, row.update_rows, row.updated_by, row.body_text, newest, count
    finally:
        db.dispose()


async def _edit_and_wait(client: WireClient, doc_id: str, marks: list[str]) -> None:
    before = len(client.of_type("ack"))
    for mark in marks:
        await client.edit(doc_id, lambda t, m=mark: t.insert(len(str(t).encode()), m))
    await client.wait_for(lambda: len(client.of_type("ack")) >= before + len(marks))


@pytest.fixture
def slow_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows lag until the writer stops: no flush comes due and the writer is never idle
    long enough to write them (so a test sees the lag it is about)."""
    monkeypatch.setattr("kmserver.unsaved_rows.FLUSH_SECONDS", 3600.0)
    monkeypatch.setattr(writer_module, "POLL_SECONDS", 3600.0)


async def test_edits_write_their_row_about_once_a_second_and_it_catches_up(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    writes: list[str] = []
    record = docs.record_updates
    monkeypatch.setattr(
        docs, "record_updates", lambda s, doc_id, *a: (writes.append(doc_id), record(s, doc_id, *a))
    )
    async with running_server(db_url) as srv:
        sara = await WireClient.open(srv, "sara")
        await sara.sync()
        for i in range(30):  # one acknowledged edit at a time: 30 batches at least
            await _edit_and_wait(sara, "parking", [f"[{i}]"])
        # The log holds every edit at once; the row at most a second later (or when
        # the writer idles): then it is the log's, exactly.
        expected = sara.text("parking")

        async def caught_up() -> bool:
            seq, _rows, by, text, newest, _count = _row(db_url, "parking")
            return seq == newest and text == expected and by == "sara"

        await eventually(caught_up, "the row up to its log", timeout=10)
        await sara.close()
    # 30 batches wrote the row a few times, not 30 (one a second at most, and the idle one)
    assert 1 <= writes.count("parking") <= 5, writes


async def test_kill_9_leaves_rows_behind_and_the_next_start_settles_them(
    db_url: str, tmp_path: Path
) -> None:
    # The row lags its log for up to a second after a batch, so a kill right after the
    # acks usually finds it behind. A loaded machine may take longer than that between
    # the edits and the kill, and the server then rightly catches up (each start settles
    # what the last kill left): so try again, a few times, until a kill finds the lag.
    for attempt in range(5):
        proc, port = await start_subprocess(db_url)
        olle = await WireClient.open(PortOnly(port), "olle")  # type: ignore[arg-type]
        await olle.sync()
        await _edit_and_wait(olle, "parking", [f"<{attempt}.{i}>" for i in range(5)])
        expected = olle.text("parking")
        os.kill(proc.pid, signal.SIGKILL)
        await proc.wait()
        await olle.close()
        seq, rows, by, text, newest, count = _row(db_url, "parking")
        if seq < newest and text != expected:
            break
    else:
        pytest.fail("no kill of five left the row behind its log: the case at hand never arose")

    proc, port = await start_subprocess(db_url)
    try:
        seq, rows, by, text, newest, count = _row(db_url, "parking")
        assert (seq, rows, by, text) == (newest, count, "olle", expected)
        # the catalog read at start is the settled row's: a client that synced up to
        # before the edits is sent them (delta sync goes by the document's seq)
        sara = await WireClient.open(PortOnly(port), "sara")  # type: ignore[arg-type]
        await sara.sync()
        assert sara.metas["parking"]["seq"] == newest
        assert sara.text("parking") == expected
        await sara.close()
    finally:
        proc.terminate()
        await proc.wait()


async def test_export_beside_a_running_server_reads_the_log_where_the_row_lags(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The row never catches up here (other jobs' batches would write it at any moment)
    monkeypatch.setattr(writer_module.WriteContext, "flush", lambda self, doc_ids: None)
    async with running_server(db_url) as srv:
        olle = await WireClient.open(srv, "olle")
        await olle.sync()
        await _edit_and_wait(olle, "parking", ["Ny rad. "])
        seq, _rows, _by, text, newest, _count = _row(db_url, "parking")
        assert seq < newest and "Ny rad." not in text  # the row lags: the case at hand
        db = Database(db_url)  # a command's own connection, as `kmserver export` has
        try:
            export_dir(db, tmp_path / "out", working=True)
        finally:
            db.dispose()
        exported = parse_article(tmp_path / "out" / "parking.md")
        assert exported.body == olle.text("parking")
        await olle.close()


async def test_a_metadata_change_writes_the_lagging_rows_first(
    db_url: str, slow_rows: None
) -> None:
    async with running_server(db_url) as srv:
        olle = await WireClient.open(srv, "olle")
        sara = await WireClient.open(srv, "sara")
        await olle.sync()
        await sara.sync()
        await _edit_and_wait(sara, "parking", ["Sara was here. "])
        # A change that is not the working copy's (the audience): the row the metadata
        # job reads and sends out says who changed the text last (the import said olle).
        reply = await sara.ask(type="set_meta", doc="parking", audience=["everyone", "supervisor"])
        assert reply["type"] == "meta_saved", reply
        await olle.wait_for(lambda: olle.metas["parking"]["audience"] == ["everyone", "supervisor"])
        assert olle.metas["parking"]["updated_by"] == "sara"
        _seq, _rows, by, text, _newest, _count = _row(db_url, "parking")
        assert by == "sara" and text == sara.text("parking")
        await olle.close()
        await sara.close()


async def test_a_row_written_from_a_newer_state_keeps_it(server: Server) -> None:
    """Another process (PostgreSQL) may write a document's row from a newer state before
    this one writes its lagging bookkeeping: the older write adds its count, nothing else."""
    db = server.db
    with db.write() as s, s.begin():
        row = docs.get_document(s, "school")
        assert row is not None
        rows_before = row.update_rows
        base = row.changed_seq
    with db.write() as s, s.begin():
        docs.record_updates(s, "school", base + 10, 1, "karin", "newer")
    with db.write() as s, s.begin():
        docs.record_updates(s, "school", base + 5, 2, "olle", "older")
    with db.read() as s:
        row = s.get(Document, "school")
        assert row is not None
        assert (row.changed_seq, row.body_text, row.updated_by) == (base + 10, "newer", "karin")
        assert row.update_rows == rows_before + 3
        assert row_bookkeeping.lagging(s) == []
