"""The hot path of issue 13: compaction a few documents per batch, the fan-out frame
encoded once per update still reaching every reader, batches of edits without an ORM
Session and edits without a future each (docs/benchmarks.md)."""

from __future__ import annotations

import asyncio
import operator
import threading
import time

import pytest
from sqlalchemy import func, select
from websockets.asyncio.client import connect

from kmserver import compaction
from kmserver import writer as writer_module
from kmserver.protocol import ysync
from kmserver.protocol.ytext import body, new_doc
from kmserver.server import Server
from kmserver.store import documents as docs
from kmserver.store.models import LOG_UPDATE, LogEntry
from tests.server.conftest import WireClient, eventually
from tests.server.test_y_route import y_sync

DOCS = ("parking", "school", "styleguide")


def _update_rows(server: Server) -> dict[str, int]:
    with server.db.read() as s:
        rows = s.execute(
            select(LogEntry.doc_id, func.count())
            .where(LogEntry.kind == LOG_UPDATE, LogEntry.doc_id.in_(DOCS))
            .group_by(LogEntry.doc_id)
        ).all()
    return {doc_id: count for doc_id, count in rows}


async def _read_afresh(server: Server, editor: WireClient) -> WireClient:
    """A new session's sync: every document reads as the editor's copy does."""
    reader = await WireClient.open(server, "sara")
    await reader.sync()
    for doc_id in DOCS:
        assert reader.text(doc_id) == editor.text(doc_id)
    return reader


async def test_documents_due_together_are_all_compacted_one_per_batch(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(docs, "COMPACT_AFTER", 5)
    monkeypatch.setattr(compaction, "COMPACT_BUDGET", 0.0)  # one document per batch
    editor = await WireClient.open(server, "sara")
    await editor.sync()
    for doc_id in DOCS:
        for i in range(8):
            await editor.edit(doc_id, lambda t, d=doc_id, i=i: t.insert(0, f"<{d}{i}>"))
    await editor.wait_for(lambda: len(editor.of_type("ack")) >= 8 * len(DOCS), timeout=30)

    # the last batches made all three due; idle polls compact the rest, one each
    async def compacted() -> bool:
        return all(n <= 5 for n in _update_rows(server).values())

    await eventually(compacted, f"compaction of every document: {_update_rows(server)}")
    reader = await _read_afresh(server, editor)
    for doc_id in DOCS:
        assert all(f"<{doc_id}{i}>" in reader.text(doc_id) for i in range(8))
    await editor.close()
    await reader.close()


async def test_a_server_that_is_never_idle_still_sweeps_compacted_rows(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sweep rides on a batch once SWEEP_DOCS documents wait, not only on idle polls.

    Whether all three documents are small at the same moment depends on how the
    compactor thread keeps pace with the edits (slower on a busy CI machine), so the
    check is that every document lost rows to a sweep while edits kept coming."""
    monkeypatch.setattr(docs, "COMPACT_AFTER", 5)
    monkeypatch.setattr(compaction, "SWEEP_DOCS", 2)
    monkeypatch.setattr(compaction, "SWEEP_AFTER", 3600.0)
    monkeypatch.setattr(server.writer, "_apply_merged_alone", lambda: None)  # never idle
    editor = await WireClient.open(server, "sara")
    await editor.sync()
    start = _update_rows(server)
    sent, i = 0, 0
    # Edits keep coming until the rows of all three were swept. By time, not by count:
    # the compactor rests nine times as long as each merge took (a cold first merge
    # makes that up to a second), while a fast machine sends 300 rounds in one.
    deadline = time.monotonic() + 60
    while True:
        for doc_id in DOCS:
            await editor.edit(doc_id, lambda t, d=doc_id, i=i: t.insert(0, f"<{d}{i}>"))
            sent += 1
        await editor.wait_for(lambda n=sent: len(editor.of_type("ack")) >= n, timeout=30)
        rows = _update_rows(server)
        if all(rows.get(d, 0) < start.get(d, 0) + i + 1 for d in DOCS):
            break
        if time.monotonic() > deadline:
            raise AssertionError(f"never swept while busy: {rows} from {start}")
        i += 1
    reader = await _read_afresh(server, editor)
    await editor.close()
    await reader.close()


async def test_a_batch_of_plain_updates_needs_no_orm_session(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Edits of documents the writer holds are written on its Core connection: no ORM
    Session per batch (its transaction bookkeeping cost more than the statements).
    A metadata change gets one, and what both batches hold is committed."""
    batches: list[list[str]] = []  # the job types of each batch
    made: list[list[str]] = []  # the job types of each batch that made a Session
    run_jobs = server.writer._run_jobs

    def counted_run_jobs(jobs, after):  # type: ignore[no-untyped-def]
        batches.append([type(job).__name__ for job in jobs])
        return run_jobs(jobs, after)

    class CountedSession(writer_module.Session):  # type: ignore[misc, valid-type]
        def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
            made.append(batches[-1])
            super().__init__(*args, **kwargs)

    editor = await WireClient.open(server, "sara")
    await editor.sync()
    for doc_id in DOCS:  # the writer loads (and caches) each document once
        await editor.edit(doc_id, lambda t, d=doc_id: t.insert(0, f"<{d}-first>"))
    await editor.wait_for(lambda: len(editor.of_type("ack")) >= len(DOCS))
    monkeypatch.setattr(server.writer, "_run_jobs", counted_run_jobs)
    monkeypatch.setattr(writer_module, "Session", CountedSession)
    monkeypatch.setattr(server.writer, "_apply_merged_alone", lambda: None)  # no compaction
    for i in range(5):
        for doc_id in DOCS:
            await editor.edit(doc_id, lambda t, d=doc_id, i=i: t.insert(0, f"<{d}{i}>"))
    await editor.wait_for(lambda: len(editor.of_type("ack")) >= 6 * len(DOCS))
    assert any(set(kinds) == {"UpdateJob"} for kinds in batches)
    assert [kinds for kinds in made if set(kinds) == {"UpdateJob"}] == []

    job = writer_module.MetaJob(doc_id=DOCS[0], changes={"title": "Parking, renamed"})
    await editor.edit(DOCS[0], lambda t: t.insert(0, "<after-meta>"))
    await server.writer.submit(job)
    assert job.error is None and job.seq is not None
    await editor.wait_for(lambda: len(editor.of_type("ack")) >= 6 * len(DOCS) + 1)
    assert any("MetaJob" in kinds for kinds in made)  # the metadata job used the ORM
    reader = await _read_afresh(server, editor)
    assert "<after-meta>" in reader.text(DOCS[0])
    with server.db.read() as s:
        row = docs.get_document(s, DOCS[0])
        assert row is not None and row.title == "Parking, renamed"
    await editor.close()
    await reader.close()


async def test_edits_are_posted_to_the_writer_without_a_future_each(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nobody awaits an edit's job (its author hears in Hub.on_tail), so /ws and /y/
    post it: no future per edit. The edits are committed and delivered as before."""
    submit = server.writer.submit

    def no_edits(job):  # type: ignore[no-untyped-def]
        assert not isinstance(job, writer_module.UpdateJob), "an edit got a future"
        return submit(job)

    monkeypatch.setattr(server.writer, "submit", no_edits)
    editor = await WireClient.open(server, "sara")
    await editor.sync()
    await editor.edit("parking", lambda t: t.insert(0, "<from-ws>"))
    await editor.wait_for(lambda: len(editor.of_type("ack")) >= 1)
    token, _ = server.accounts.issue_token(server.accounts.get("olle"))  # type: ignore[arg-type]
    async with connect(f"ws://127.0.0.1:{server.port}/y/parking?token={token}") as ws:
        doc = new_doc()
        await y_sync(ws, doc)
        assert "<from-ws>" in str(body(doc))
        before = doc.get_state()
        body(doc).insert(0, "<from-y>")
        await ws.send(ysync.sync_update(doc.get_update(before)))
        await editor.wait_for(lambda: editor.text("parking").startswith("<from-y>"))
    with server.db.read() as s:
        assert "<from-y>" in str(body(new_doc(docs.full_state(s, "parking"))))
    await editor.close()


async def test_the_writer_thread_runs_calls_in_order_and_hands_back_results() -> None:
    """A batch's hand-over to the writer thread and back (``WriterThread``): results
    and exceptions reach the awaiting future, calls run in order on one other thread,
    a future cancelled meanwhile is left alone, and after close nothing more runs."""
    loop = asyncio.get_running_loop()
    errors: list[dict] = []
    loop.set_exception_handler(lambda _loop, context: errors.append(context))
    thread = writer_module.WriterThread("kmserver-writer-test")
    seen: list[int] = []
    calls = [thread.run(seen.append, i) for i in range(50)]
    failing = thread.run(operator.truediv, 1, 0)
    assert await asyncio.gather(*calls) == [None] * 50
    assert seen == list(range(50))
    with pytest.raises(ZeroDivisionError):
        await failing
    idents = {await thread.run(threading.get_ident) for _ in range(3)}
    assert len(idents) == 1 and threading.get_ident() not in idents
    cancelled = thread.run(threading.Event().wait, 0.05)
    cancelled.cancel()
    assert await thread.run(lambda: "after") == "after"
    await asyncio.sleep(0)  # the cancelled call's settle has run by now
    assert errors == []
    await thread.close()
    assert not thread._thread.is_alive()
    with pytest.raises(RuntimeError):
        thread.run(seen.append, 99)
    assert seen == list(range(50))


async def test_a_sweep_is_spread_over_batches_a_slice_each(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many documents' redundant rows are deleted a slice of about SWEEP_ROWS per batch,
    not all in the batch that starts the sweep (at 50 documents that batch took 12 ms,
    which every edit queued behind it waited for); every document still ends compacted."""
    monkeypatch.setattr(docs, "COMPACT_AFTER", 12)
    monkeypatch.setattr(compaction, "SWEEP_DOCS", 3)
    monkeypatch.setattr(compaction, "SWEEP_AFTER", 3600.0)
    monkeypatch.setattr(compaction, "SWEEP_ROWS", 6)
    slices: list[int] = []  # rows each slice removed
    sweep_range = docs.sweep_range

    def counted(s, compactions, lo, hi):  # type: ignore[no-untyped-def]
        removed = sweep_range(s, compactions, lo, hi)
        slices.append(removed)
        return removed

    monkeypatch.setattr(docs, "sweep_range", counted)
    editor = await WireClient.open(server, "sara")
    await editor.sync()
    sent = 0
    for i in range(200):  # edits keep coming: every batch may carry a slice
        for doc_id in DOCS:
            await editor.edit(doc_id, lambda t, d=doc_id, i=i: t.insert(0, f"<{d}{i}>"))
            sent += 1
        await editor.wait_for(lambda n=sent: len(editor.of_type("ack")) >= n, timeout=30)
        if sum(slices) >= 3 * 12 and server.writer.compaction.sweep is None:
            break
    else:
        raise AssertionError(f"no sweep finished: slices {slices}, rows {_update_rows(server)}")
    assert len(slices) >= 4, slices  # 36+ rows, about 6 per slice
    assert max(slices) <= 12, slices  # a slice of sequence numbers, not the whole sweep
    reader = await _read_afresh(server, editor)
    await editor.close()
    await reader.close()
