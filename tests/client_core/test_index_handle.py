"""The search index opened on the indexer thread, when wanted (kmclient/core/index_handle.py).

Real profiles (SQLite), real Whoosh indexes, the real indexer thread; the owner
thread is an OwnerLoop as in test_replica.py.
"""

from __future__ import annotations

import threading
from pathlib import Path

from kmclient.core import index_handle
from kmclient.core.local_store import LocalStore
from kmclient.core.model import DocInfo
from kmclient.core.owner_loop import OwnerLoop
from kmclient.core.profile import DB_FILE
from kmclient.core.replica import Replica
from kmserver.protocol.ytext import text_to_update

WAIT = 30.0


def open_replica(path: Path, owner: OwnerLoop, *, deferred: bool) -> Replica:
    if not deferred:
        return Replica(path, owner.post, lambda d, u: None)
    with index_handle.deferred():
        return Replica(path, owner.post, lambda d, u: None)


def add_doc(r: Replica, doc_id: str, title: str, text: str) -> None:
    r.put_meta(DocInfo(doc_id, title, ("parking",), working=True, can_edit=True))
    r.put_update(doc_id, text_to_update(text), local=False)


def indexed_profile(path: Path, owner: OwnerLoop) -> None:
    """A profile with three documents, all indexed; closed."""
    r = open_replica(path, owner, deferred=False)
    for i, word in enumerate(("altan", "carport", "plank")):
        add_doc(r, f"d{i}", f"Bygglov {word}", f"Bygglov för {word} på tomten")
    r.commit()
    assert owner.run_until(lambda: r.index_progress.idle and not r.store.index_pending(), WAIT)
    r.close()


def queued_for_indexing(profile_dir: Path) -> dict[str, int]:
    """What the closed profile's index queue holds, read from its database."""
    store = LocalStore(profile_dir / DB_FILE)
    try:
        return store.index_pending()
    finally:
        store.close()


def test_a_deferred_index_opens_only_when_wanted(tmp_path: Path) -> None:
    owner = OwnerLoop()
    indexed_profile(tmp_path / "p", owner)
    r = open_replica(tmp_path / "p", owner, deferred=True)
    try:
        # Nothing asked for it: the indexer thread waits, the index is not open,
        # and the progress says so without calling it work (the status bar stays quiet).
        assert not r.index_handle.is_open
        progress = r.index_progress
        assert progress.preparing and not progress.idle and progress.total == 0
        r.index_handle.want()  # the window, after its first paint
        assert owner.run_until(lambda: r.index_progress.idle, WAIT)
        assert r.index_handle.is_open
        assert [x.doc_id for x in r.search("carport", None, 5)] == ["d1"]
    finally:
        r.close()


def test_a_search_before_the_index_is_wanted_opens_it_and_finds_the_documents(
    tmp_path: Path,
) -> None:
    owner = OwnerLoop()
    indexed_profile(tmp_path / "p", owner)
    r = open_replica(tmp_path / "p", owner, deferred=True)
    try:
        assert not r.index_handle.is_open
        found: list[list[str]] = []
        # As the window's search worker does: on a thread of its own, from the handle.
        worker = threading.Thread(
            target=lambda: found.append(
                [x.doc_id for x in r.index_handle.search("plank", ("parking",), 5)]
            )
        )
        worker.start()
        worker.join(WAIT)
        assert found == [["d2"]]  # waited for the open: never an empty answer
        assert r.index_handle.is_open
    finally:
        r.close()


def test_what_the_last_run_left_unindexed_is_caught_up_on_the_indexer_thread(
    tmp_path: Path,
) -> None:
    owner = OwnerLoop()
    indexed_profile(tmp_path / "p", owner)
    r = open_replica(tmp_path / "p", owner, deferred=False)
    add_doc(r, "d9", "Strandskydd", "Dispens från strandskyddet för brygga")
    r.commit()
    r.close()  # at once: the indexer held the document back (settling), it is still queued
    assert "d9" in queued_for_indexing(tmp_path / "p")

    r = open_replica(tmp_path / "p", owner, deferred=True)
    try:
        # Changed again before the catch-up ran: the newer version (more text) wins.
        add_doc(r, "d9", "Strandskydd", " och bastu")
        r.commit()
        assert not r.index_handle.is_open and not r.index_progress.idle
        r.index_handle.want()
        assert owner.run_until(lambda: r.index_progress.idle and not r.store.index_pending(), WAIT)
        assert [x.doc_id for x in r.search("bastu", None, 5)] == ["d9"]
        assert len(r.index) == 4
    finally:
        r.close()


def test_closing_before_the_index_was_wanted_never_opens_it_and_keeps_the_queue(
    tmp_path: Path,
) -> None:
    owner = OwnerLoop()
    indexed_profile(tmp_path / "p", owner)
    r = open_replica(tmp_path / "p", owner, deferred=True)
    add_doc(r, "d9", "Strandskydd", "Dispens för brygga")
    r.commit()
    r.close()
    assert not r.index_handle.is_open
    assert "d9" in queued_for_indexing(tmp_path / "p")  # indexed on the next start
    r = open_replica(tmp_path / "p", owner, deferred=False)
    try:
        assert owner.run_until(lambda: r.index_progress.idle and not r.store.index_pending(), WAIT)
        assert [x.doc_id for x in r.search("brygga", None, 5)] == ["d9"]
    finally:
        r.close()


def test_a_missing_index_is_rebuilt_from_the_profile_once_opened(tmp_path: Path) -> None:
    owner = OwnerLoop()
    indexed_profile(tmp_path / "p", owner)
    for f in (tmp_path / "p" / "index").iterdir():
        f.unlink()
    r = open_replica(tmp_path / "p", owner, deferred=True)
    try:
        r.index_handle.want()
        assert owner.run_until(lambda: r.index_progress.idle, WAIT)
        assert not r.index.needs_rebuild and len(r.index) == 3
    finally:
        r.close()
