"""A sync's documents are stored by the store writer thread (kmclient/core/store_writer.py):
every document reaches the profile, listeners hear of one only once it is stored, and
closing the app in the middle of a sync loses nothing that was handed over."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kmclient.core.model import DocChanged, EngineEvent
from kmclient.core.owner_loop import OwnerLoop
from kmclient.core.sync_engine import SyncEngine
from kmserver.content import import_dir
from kmserver.store.accounts import Accounts
from kmserver.store.database import Database
from tests.integration.conftest import PASSWORD, WAIT, ServerThread

KB = Path(__file__).resolve().parents[2] / "resources" / "kb"
ARTICLES = 34  # resources/kb: sara (a supervisor) sees and edits them all


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerThread]:
    tmp = tmp_path_factory.mktemp("writer")
    url = f"sqlite:///{tmp / 'server.db'}"
    db = Database(url)
    Accounts(db).add_user("sara", "supervisor", [], PASSWORD)
    import_dir(db, KB)
    db.dispose()
    srv = ServerThread(url).start()
    yield srv
    srv.stop()


def small_turns(profile: Path, owner: OwnerLoop) -> SyncEngine:
    engine = SyncEngine(profile, owner.post)
    engine.pump_max_docs = 3  # many turns, so many batches for the writer
    return engine


def test_every_document_is_stored_before_listeners_hear_of_it(
    server: ServerThread, tmp_path: Path
) -> None:
    owner = OwnerLoop()
    engine = small_turns(tmp_path / "sara", owner)
    store = engine.replica.store
    told: dict[str, str] = {}
    stored_when_told: dict[str, str | None] = {}

    def listen(event: EngineEvent) -> None:
        if isinstance(event, DocChanged) and event.kind == "content":
            # Read the row itself, not the replica's memory: it is in the database.
            stored_when_told[event.doc_id] = store.load_body(event.doc_id)
            told[event.doc_id] = engine.text(event.doc_id) or ""

    engine.listen(listen)
    ahead = []
    engine.connect(server.url, "sara", PASSWORD)
    assert owner.run_until(
        lambda: ahead.append(engine.replica.writing) or engine.status.state == "online", WAIT
    )
    assert max(ahead) >= 1  # batches really went to the writer thread
    assert engine.replica.writing == 0  # sync_end's commit waited for them
    assert len(engine.documents(all_topics=True)) == ARTICLES
    assert set(told) == {d.id for d in engine.documents(all_topics=True)}
    assert stored_when_told == told
    assert all(text.startswith("# ") for text in told.values())
    assert owner.run_until(lambda: engine.index_progress.idle, WAIT)
    assert len(engine.replica.index) == ARTICLES
    engine.close()

    reopened = SyncEngine(tmp_path / "sara", owner.post)
    try:
        assert {d.id: reopened.text(d.id) for d in reopened.documents(True)} == told
        assert reopened.cursor > 0
    finally:
        reopened.close()


def test_closing_in_the_middle_of_a_sync_keeps_what_was_handed_over(
    server: ServerThread, tmp_path: Path
) -> None:
    owner = OwnerLoop()
    reference = SyncEngine(tmp_path / "reference", owner.post)
    reference.connect(server.url, "sara", PASSWORD)
    assert owner.run_until(lambda: reference.status.state == "online", WAIT)
    texts = {d.id: reference.text(d.id) for d in reference.documents(True)}
    reference.close()

    engine = small_turns(tmp_path / "sara", owner)
    engine.connect(server.url, "sara", PASSWORD)
    # Close while a batch is with the writer thread and the sync is not done.
    assert owner.run_until(lambda: engine.replica.writing > 0 and engine.status.done >= 4, WAIT)
    assert engine.status.state == "syncing"
    known = set(engine.replica.docs)
    engine.close()

    reopened = small_turns(tmp_path / "sara", owner)
    try:
        assert set(reopened.replica.docs) == known  # all of it stored, nothing invented
        assert reopened.cursor == 0  # the cursor was not stored: the next sync starts over
        for doc_id in known:  # what is stored is the server's text (or none yet)
            assert reopened.text(doc_id) in ("", texts[doc_id])
        reopened.connect(server.url)  # the saved session
        assert owner.run_until(lambda: reopened.status.state == "online", WAIT)
        assert {d.id: reopened.text(d.id) for d in reopened.documents(True)} == texts
    finally:
        reopened.close()


def turn_by_turn(
    profile: Path, owner: OwnerLoop
) -> tuple[SyncEngine, list[tuple[tuple[int, int, str], tuple[int, int, str]]]]:
    """An engine whose every owner turn is recorded: (writing, cursor, state) before and after."""
    turns: list[tuple[tuple[int, int, str], tuple[int, int, str]]] = []
    engine: SyncEngine | None = None

    def seen() -> tuple[int, int, str]:
        assert engine is not None
        return engine.replica.writing, engine.cursor, str(engine.status.state)

    def post(fn):  # type: ignore[no-untyped-def]
        def turn() -> None:
            before = seen()
            fn()
            turns.append((before, seen()))

        owner.post(turn)

    engine = SyncEngine(profile, post)
    engine.pump_max_docs = 3  # many batches: the writer is busy when sync_end arrives
    return engine, turns


def test_sync_end_waits_for_the_writer_between_turns_and_goes_live_in_a_turn_of_its_own(
    server: ServerThread, tmp_path: Path
) -> None:
    owner = OwnerLoop()
    engine, turns = turn_by_turn(tmp_path / "sara", owner)
    engine.connect(server.url, "sara", PASSWORD)
    try:
        assert owner.run_until(lambda: engine.status.state == "online", WAIT)
        cursor_turns = [t for t in turns if t[0][1] == 0 and t[1][1] > 0]
        assert len(cursor_turns) == 1
        (writing, _, _), (_, _, state) = cursor_turns[0]
        # The cursor's turn began with nothing at the writer (sync_end was held until
        # the writer was done, not waited for inside the turn), and did not go live.
        assert writing == 0 and state == "syncing"
        live_turns = [t for t in turns if t[0][2] == "syncing" and t[1][2] == "online"]
        assert len(live_turns) == 1 and live_turns[0][0][1] > 0  # a later turn
        assert any(t[0][0] > 0 for t in turns)  # the writer really held batches meanwhile
    finally:
        engine.close()


def test_an_edit_between_the_cursor_and_going_live_is_sent_once(
    server: ServerThread, tmp_path: Path
) -> None:
    owner = OwnerLoop()
    engine = small_turns(tmp_path / "sara", owner)
    engine.connect(server.url, "sara", PASSWORD)
    try:
        # Right after the turn that stores the cursor: not live yet.
        assert owner.run_until(lambda: engine.cursor > 0, WAIT)
        assert engine.status.state == "syncing"
        doc_id = sorted(engine.replica.docs)[0]
        engine.open_doc(doc_id)["body"].insert(0, "Mellan turerna. ")
        assert owner.run_until(
            lambda: engine.status.state == "online" and engine.unconfirmed == 0, WAIT
        )
        assert server.body_text(doc_id).startswith("Mellan turerna. ")
        assert server.body_text(doc_id).count("Mellan turerna.") == 1
        assert engine.replica.store.outbox_rows() == []
        engine.close_doc(doc_id)
    finally:
        engine.close()
