"""The local copy without a server: commits, open Docs, local-edit capture, the index."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pycrdt import UndoManager

from kmclient.core.local_store import Batch, LocalStore
from kmclient.core.model import DocChanged, DocInfo, EngineEvent, IndexProgress
from kmclient.core.owner_loop import OwnerLoop
from kmclient.core.profile import DB_FILE, INDEX_DIR, ProfileBusy
from kmclient.core.replica import Replica
from kmserver.protocol.ytext import body, new_doc, text_to_update

WAIT = 30.0


class Harness:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.owner = OwnerLoop()
        self.local: list[tuple[str, bytes]] = []
        self.events: list[EngineEvent] = []
        self.replica = self.open()

    def open(self) -> Replica:
        replica = Replica(self.path, self.owner.post, lambda d, u: self.local.append((d, u)))
        replica.listen(self.events.append)
        self.replica = replica
        return replica

    def reopen(self) -> Replica:
        self.replica.close()
        return self.open()

    def wait_indexed(self) -> None:
        r = self.replica
        done = self.owner.run_until(
            lambda: r.index_progress.idle and not r.store.index_pending(), WAIT
        )
        assert done, "index did not catch up"


@pytest.fixture
def h(tmp_path: Path):  # type: ignore[no-untyped-def]
    harness = Harness(tmp_path / "profile")
    yield harness
    harness.replica.close()


def add_doc(r: Replica, doc_id: str, title: str, text: str, topics=("parking",)) -> None:  # type: ignore[no-untyped-def]
    """A document as its editor holds it: the working copy."""
    r.put_meta(DocInfo(doc_id, title, tuple(topics), working=True, can_edit=True))
    r.put_update(doc_id, text_to_update(text), local=False)


def test_listeners_hear_of_changes_only_once_they_are_stored(h: Harness) -> None:
    r = h.replica
    heard_text: list[str | None] = []
    r.listen(
        lambda e: heard_text.append(r.store.load_body("a")) if isinstance(e, DocChanged) else None
    )
    add_doc(r, "a", "Parkering", "Boka tid för ärende 😀")
    assert h.events == []
    r.commit()
    assert [(e.doc_id, e.kind) for e in h.events] == [("a", "meta"), ("a", "content")]
    assert heard_text == ["Boka tid för ärende 😀"] * 2
    assert r.text("a") == "Boka tid för ärende 😀"


def test_remote_updates_reach_an_open_doc_and_are_not_taken_for_local_edits(h: Harness) -> None:
    r = h.replica
    add_doc(r, "a", "A", "hej")
    r.commit()
    doc = r.open_doc("a")
    other = new_doc(r.state("a"))
    before = other.get_state()
    body(other).insert(len(str(body(other)).encode()), " då 😀")
    r.put_update("a", other.get_update(before), local=False)
    assert str(body(doc)) == "hej då 😀"
    assert h.local == []
    # Typing (any origin but the remote one) is captured, byte offsets and all.
    with doc.transaction(origin="kmclient.editor.local"):
        body(doc).insert(len("hej då ".encode()), "å ")
    assert len(h.local) == 1 and h.local[0][0] == "a"
    check = new_doc(r.state("a"))
    check.apply_update(h.local[0][1])
    assert str(body(check)) == "hej då å 😀"


def test_undo_of_a_local_edit_is_captured_too(h: Harness) -> None:
    r = h.replica
    add_doc(r, "a", "A", "abc")
    r.commit()
    doc = r.open_doc("a")
    undo = UndoManager(scopes=[body(doc)], capture_timeout_millis=0)
    undo.include_origin("local")
    with doc.transaction(origin="local"):
        body(doc).insert(3, "def")
    assert undo.undo()
    assert str(body(doc)) == "abc"
    assert len(h.local) == 2  # the edit and its undo both go to the server


def test_replace_state_swaps_the_open_doc_and_says_reset(h: Harness) -> None:
    r = h.replica
    add_doc(r, "a", "A", "server text")
    r.commit()
    server_state = r.state("a")
    assert server_state is not None
    doc = r.open_doc("a")
    body(doc).insert(0, "refused ")
    r.replace_state("a", server_state)
    r.commit()
    assert r.text("a") == "server text"
    assert str(body(r.open_doc("a"))) == "server text"
    assert r.open_doc("a") is not doc
    assert DocChanged("a", "reset") in h.events


def test_removed_documents_leave_profile_outbox_and_index(h: Harness) -> None:
    r = h.replica
    add_doc(r, "a", "Parkeringstillstånd", "Ansök om tillstånd")
    add_doc(r, "b", "Skolskjuts", "Ansök om skolskjuts")
    r.commit()
    h.wait_indexed()
    assert {x.doc_id for x in r.search("ansök", None, 10)} == {"a", "b"}
    r.queue_outbox("a", b"x")
    r.commit()
    r.remove("a")
    r.commit()
    assert "a" not in r.docs and r.text("a") is None
    assert r.store.outbox_rows() == []
    h.wait_indexed()
    assert "a" not in r.index
    assert [x.doc_id for x in r.search("ansök", None, 10)] == ["b"]


def test_changes_stored_but_never_indexed_are_indexed_on_the_next_start(h: Harness) -> None:
    h.wait_indexed()  # the fresh index is built (empty) and complete
    h.replica.close()
    # As if the app died right after storing a document, before indexing it.
    store = LocalStore(h.path / DB_FILE)
    store.commit(
        Batch(
            metas={"late": DocInfo("late", "Sophämtning", ("waste",))},
            published={
                "late": (text_to_update("Tömning varannan vecka"), "Tömning varannan vecka")
            },
            index_marks={"late": 1},
        )
    )
    store.close()
    r = h.open()
    assert not r.index.needs_rebuild
    h.wait_indexed()
    assert [x.doc_id for x in r.search("tömning", ["waste"], 5)] == ["late"]


def test_a_missing_index_is_rebuilt_from_the_profile_with_progress(h: Harness) -> None:
    r = h.replica
    for i in range(30):
        add_doc(r, f"d{i}", f"Dokument {i}", f"Fakturafråga nummer {i}")
    r.commit()
    h.wait_indexed()
    r.close()
    shutil.rmtree(h.path / INDEX_DIR)
    h.events.clear()
    r = h.open()
    assert r.index.needs_rebuild
    h.wait_indexed()
    assert len(r.search("fakturafraga", None, 50)) == 30

    def progress() -> list[IndexProgress]:
        return [e for e in h.events if isinstance(e, IndexProgress)]

    assert h.owner.run_until(lambda: bool(progress()) and progress()[-1].idle, WAIT)
    assert any(p.rebuilding and p.total == 30 for p in progress())


def test_one_writer_per_profile(h: Harness) -> None:
    with pytest.raises(ProfileBusy):
        Replica(h.path, h.owner.post, lambda d, u: None)


def test_idle_means_searchable_after_a_bulk_fill_and_after_small_batches(h: Harness) -> None:
    r = h.replica
    h.wait_indexed()
    for i in range(250):  # an empty index gets a sync's worth in one go
        add_doc(r, f"d{i}", f"Titel {i}", f"Avfallstaxa för villa nummer {i}")
    r.commit()
    assert h.owner.run_until(lambda: r.index_progress.idle, WAIT)
    assert len(r.index) == 250  # idle is reported only once the commit is through
    add_doc(r, "extra", "Extra", "Avfallstaxa för fritidshus")
    r.commit()
    assert h.owner.run_until(lambda: r.index_progress.idle, WAIT)
    assert "extra" in r.index and len(r.search("fritidshus", None, 5)) == 1


def test_closing_right_after_indexing_leaves_no_work_for_the_next_start(h: Harness) -> None:
    r = h.replica
    for i in range(250):
        add_doc(r, f"d{i}", f"Titel {i}", f"Bygglov för altan {i}")
    r.commit()
    assert h.owner.run_until(lambda: r.index_progress.idle, WAIT)
    r.close()  # at once: the indexer's "done" announcement may not have run yet
    store = LocalStore(h.path / DB_FILE)
    assert store.index_pending() == {}
    store.close()
    h.events.clear()
    r = h.open()
    assert not r.index.needs_rebuild
    # The indexer opens the index and catches up on its thread: nothing to do.
    assert h.owner.run_until(lambda: r.index_progress.idle, WAIT)
    work = [e for e in h.events if isinstance(e, IndexProgress) and (e.total or e.rebuilding)]
    assert work == []


def test_open_documents_are_edited_without_reading_their_state_back(h: Harness) -> None:
    r = h.replica
    add_doc(r, "a", "A", "hej")
    r.commit()
    doc = r.open_doc("a")
    reads: list[str] = []
    load_state = r.store.load_state
    r.store.load_state = lambda doc_id: reads.append(doc_id) or load_state(doc_id)  # type: ignore[method-assign]
    for word in (" du", " 😀", " å"):
        with doc.transaction(origin="local"):
            body(doc).insert(len(str(body(doc)).encode()), word)
        r.put_update("a", h.local[-1][1], local=True)
        r.queue_outbox("a", h.local[-1][1])
        r.commit()
    other = new_doc(r.state("a"))
    before = other.get_state()
    body(other).insert(0, "Ja, ")
    r.put_update("a", other.get_update(before), local=False)
    r.commit()
    assert reads == []  # the committed state of an open document is kept in memory
    assert r.text("a") == str(body(doc)) == "Ja, hej du 😀 å"
    assert r.store.load_state("a") == r.state("a")  # ... and is what the profile holds


def test_state_after_a_restart_equals_the_state_before(h: Harness) -> None:
    r = h.replica
    add_doc(r, "a", "A", "ett")
    add_doc(r, "b", "B", "två")
    r.commit()
    doc = r.open_doc("a")
    r.open_doc("a")  # two references
    with doc.transaction(origin="local"):
        body(doc).insert(0, "Nu: ")
    r.put_update("a", h.local[-1][1], local=True)
    r.queue_outbox("a", h.local[-1][1])
    r.commit()
    assert not r.close_doc("a") and r.close_doc("a")  # really closed on the second
    # Closed: a change now comes from (and goes to) the profile.
    other = new_doc(r.state("a"))
    before = other.get_state()
    body(other).insert(len(str(body(other)).encode()), " slut")
    r.put_update("a", other.get_update(before), local=False)
    r.commit()
    before_restart = {d: (r.state(d), r.text(d)) for d in ("a", "b")}
    unsent = [(row.doc_id, row.data) for row in r.store.outbox_rows()]
    r = h.reopen()
    assert {d: (r.state(d), r.text(d)) for d in ("a", "b")} == before_restart
    assert before_restart["a"][1] == "Nu: ett slut"
    assert [(row.doc_id, row.data) for row in r.store.outbox_rows()] == unsent
    assert r.store.outbox_count() == 1
    assert str(body(r.open_doc("a"))) == "Nu: ett slut"


def test_typing_is_indexed_once_it_pauses_not_per_key(h: Harness) -> None:
    r = h.replica
    add_doc(r, "a", "A", "Avfall")
    r.commit()
    h.wait_indexed()
    writes: list[list[str]] = []
    upsert = r.index.upsert_many
    r.index.upsert_many = lambda docs: writes.append([d[0] for d in docs]) or upsert(docs)  # type: ignore[method-assign]
    doc = r.open_doc("a")
    for ch in " sortering":  # keys a few ms apart, well inside the settle time
        with doc.transaction(origin="local"):
            body(doc).insert(len(str(body(doc)).encode()), ch)
        r.put_update("a", h.local[-1][1], local=True)
        r.commit()
    assert not r.index_progress.idle  # waiting, not lost
    h.wait_indexed()
    assert writes == [["a"]]  # one Whoosh commit, of the last version
    assert [x.doc_id for x in r.search("sortering", None, 5)] == ["a"]
