"""The owner's commits during a sync beside the store writer thread
(kmclient/core/store_writer.py): they never wait for a batch the writer holds, only
for one small transaction of it, and nothing is lost or stored out of order."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from kmclient.core import store_writer
from kmclient.core.local_store import Batch
from kmclient.core.model import DocChanged, DocInfo, EngineEvent
from kmclient.core.owner_loop import OwnerLoop
from kmclient.core.replica import Replica
from kmserver.protocol.ytext import text_to_update

WAIT = 30.0
SAFETY_S = 20.0  # a broken commit that waits for the held writer is released after this


class Held:
    """Holds the store writer thread where it makes a document's text (before its
    transactions) until ``release``; the owner thread runs on."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.gate = threading.Event()
        self.entered = threading.Event()
        real = store_writer.text_of

        def text_of(state: bytes) -> str:
            if threading.current_thread().name == "kmclient-store":
                self.entered.set()
                self.gate.wait(SAFETY_S)
            return real(state)

        monkeypatch.setattr(store_writer, "text_of", text_of)

    def release(self) -> None:
        self.gate.set()


@pytest.fixture
def replica(tmp_path: Path) -> Iterator[tuple[Replica, OwnerLoop, list[EngineEvent]]]:
    owner = OwnerLoop()
    events: list[EngineEvent] = []
    r = Replica(tmp_path / "profile", owner.post, lambda _d, _u: None)
    r.listen(events.append)
    yield r, owner, events
    r.close()


def add_doc(r: Replica, doc_id: str, text: str) -> None:
    r.put_meta(DocInfo(doc_id, doc_id.title(), ("parking",), working=True, can_edit=True))
    r.put_update(doc_id, text_to_update(text), local=False)


def test_a_sync_turns_outbox_and_settings_do_not_wait_for_the_writer(
    replica: tuple[Replica, OwnerLoop, list[EngineEvent]], monkeypatch: pytest.MonkeyPatch
) -> None:
    r, owner, events = replica
    held = Held(monkeypatch)
    add_doc(r, "first", "# First\n")
    r.commit(wait=False)  # a sync turn's documents: to the writer, which is held
    assert held.entered.wait(WAIT)

    # The next sync turn holds a document, an edit for the outbox and a setting.
    add_doc(r, "second", "# Second\n")
    r.queue_outbox("second", text_to_update("an edit"))
    r.set_setting("hidden", ["x"])
    added = r.commit(wait=False)
    # It returned while the writer still held the first batch (a commit that waited
    # for it would only return once the gate let it go).
    assert not held.gate.is_set()
    assert r.writing == 2
    # The outbox row and the setting are in the database now: durable and readable.
    assert [row.id for row in r.store.outbox_rows()] == added and len(added) == 1
    assert r.store.get_setting("hidden") == ["x"]
    # The documents are not, and listeners have heard nothing yet (they read stored rows).
    assert r.store.load_body("first") is None and r.store.load_body("second") is None
    assert not [e for e in events if isinstance(e, DocChanged)]
    assert r.working_text("second") == "# Second\n"  # read from memory meanwhile

    held.release()
    assert owner.run_until(lambda: r.writing == 0, WAIT)
    assert r.store.load_body("first") == "# First\n"
    assert r.store.load_body("second") == "# Second\n"
    told = [(e.doc_id, e.kind) for e in events if isinstance(e, DocChanged)]
    assert told == [
        ("first", "meta"),
        ("first", "content"),
        ("second", "meta"),
        ("second", "content"),
    ]


def test_a_later_state_of_a_document_is_stored_after_the_earlier_one(
    replica: tuple[Replica, OwnerLoop, list[EngineEvent]], monkeypatch: pytest.MonkeyPatch
) -> None:
    r, owner, _events = replica
    held = Held(monkeypatch)
    add_doc(r, "doc", "# One\n")
    r.commit(wait=False)
    assert held.entered.wait(WAIT)
    r.put_update("doc", text_to_update("more "), local=True)
    r.queue_outbox("doc", text_to_update("more "))
    r.commit(wait=False)  # its document part queues behind the held batch
    held.release()
    assert owner.run_until(lambda: r.writing == 0, WAIT)
    stored = r.store.load_state("doc")
    assert stored == r.state("doc")
    assert "more " in (r.store.load_body("doc") or "") and "# One" in (
        r.store.load_body("doc") or ""
    )


def test_removals_and_the_cursor_still_wait_for_what_was_handed_over(
    replica: tuple[Replica, OwnerLoop, list[EngineEvent]], monkeypatch: pytest.MonkeyPatch
) -> None:
    r, _owner, _events = replica
    held = Held(monkeypatch)
    add_doc(r, "doc", "# One\n")
    r.commit(wait=False)
    assert held.entered.wait(WAIT)
    threading.Timer(0.2, held.release).start()
    r.set_setting("cursor", 7)
    r.commit(wait=False)  # waits: the cursor is never stored before the data it covers
    assert held.gate.is_set()
    assert r.store.load_body("doc") == "# One\n" and r.store.get_setting("cursor") == 7


def test_the_writer_writes_a_batch_in_small_transactions_and_lets_the_owner_in_between(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = OwnerLoop()
    r = Replica(tmp_path / "profile", owner.post, lambda _d, _u: None)
    store, writer = r.store, r._writer
    order: list[str] = []
    first_chunk_in = threading.Event()
    go_on = threading.Event()
    real_commit = store.commit

    def commit(batch: Batch) -> list[int]:
        mine = threading.current_thread().name == "kmclient-store"
        if mine and not order:
            first_chunk_in.set()
            go_on.wait(SAFETY_S)  # inside the writer's first transaction
        added = real_commit(batch)
        order.append(f"writer {len(batch.metas)}" if mine else "owner")
        return added

    monkeypatch.setattr(store, "commit", commit)
    try:
        for i in range(3 * store_writer.CHUNK):
            add_doc(r, f"doc-{i:03}", f"# Doc {i}\n")
        r.commit(wait=False)
        assert first_chunk_in.wait(WAIT)
        # The owner commits (from a thread standing in for it: the writer holds a turn).
        owner_done = threading.Thread(target=writer.commit_now, args=(Batch(settings={"k": 1}),))
        owner_done.start()
        assert owner.run_until(lambda: writer.turns._owner_waiting == 1, WAIT)
        go_on.set()
        owner_done.join(WAIT)
        assert owner.run_until(lambda: r.writing == 0, WAIT)
        chunk = f"writer {store_writer.CHUNK}"
        assert order == [chunk, "owner", chunk, chunk]
        assert len(store.load_docs()) == 3 * store_writer.CHUNK
    finally:
        go_on.set()
        r.close()
