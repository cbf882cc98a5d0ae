"""The profile database: one transaction per batch, outbox order, index queue marks."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import event, text

from kmclient.core.local_store import Batch, LocalStore
from kmclient.core.model import DocInfo


@pytest.fixture
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    s = LocalStore(tmp_path / "profile.db")
    yield s
    s.close()


def test_metadata_and_content_round_trip(store: LocalStore) -> None:
    info = DocInfo("a", "Älgjakt", ("hunting",), ("everyone",), "olle", ("sara",), seq=7)
    store.commit(Batch(metas={"a": info}, contents={"a": (b"\x01\x02", "# Älgjakt 😀")}))
    assert store.load_docs() == {"a": info}
    assert store.load_state("a") == b"\x01\x02"
    assert store.load_body("a") == "# Älgjakt 😀"
    # A later metadata change keeps the content.
    store.commit(Batch(metas={"a": DocInfo("a", "Älgjakt 2", seq=8)}))
    assert store.load_body("a") == "# Älgjakt 😀"
    assert store.load_docs()["a"].title == "Älgjakt 2"


def test_outbox_keeps_send_order_and_removal_drops_unsent_edits(store: LocalStore) -> None:
    store.commit(Batch(metas={"a": DocInfo("a", "A"), "b": DocInfo("b", "B")}))
    ids = store.commit(Batch(outbox_add=[("a", b"1"), ("b", b"2"), ("a", b"3")]))
    assert ids == sorted(ids)
    assert [r.data for r in store.outbox_rows()] == [b"1", b"2", b"3"]
    store.commit(Batch(outbox_delete=[ids[0]]))
    assert [r.data for r in store.outbox_rows()] == [b"2", b"3"]
    batch = Batch()
    batch.remove("a")
    store.commit(batch)
    assert [r.doc_id for r in store.outbox_rows()] == ["b"]
    assert set(store.load_docs()) == {"b"}
    # Ids never come back after deletes (AUTOINCREMENT): order stays send order.
    (newer,) = store.commit(Batch(outbox_add=[("b", b"4")]))
    assert newer > ids[-1]


def test_a_failed_batch_writes_nothing(store: LocalStore) -> None:
    store.commit(Batch(settings={"cursor": 5}))
    bad = Batch(settings={"cursor": 9}, outbox_add=[("a", None)])  # type: ignore[list-item]
    with pytest.raises(Exception):  # noqa: B017 - any database error
        store.commit(bad)
    assert store.get_setting("cursor") == 5


def test_index_marks_are_cleared_only_up_to_the_version_indexed(store: LocalStore) -> None:
    store.commit(Batch(index_marks={"a": 1, "b": 2}))
    store.commit(Batch(index_marks={"a": 3}))  # 'a' changed again while being indexed
    store.clear_index_marks({"a": 1, "b": 2})
    assert store.index_pending() == {"a": 3}


def test_a_profile_of_another_schema_version_is_refused(tmp_path: Path) -> None:
    s = LocalStore(tmp_path / "p.db")
    with s.engine.begin() as conn:
        conn.execute(text("UPDATE settings SET value='99' WHERE key='schema_version'"))
    s.close()
    with pytest.raises(RuntimeError, match="another version"):
        LocalStore(tmp_path / "p.db")


def test_only_commits_with_local_edits_wait_for_the_disk(store: LocalStore) -> None:
    seen: list[str] = []
    event.listen(store.engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    store.commit(Batch(metas={"a": DocInfo("a", "A")}, settings={"cursor": 3}))
    assert not any("synchronous" in sql for sql in seen)
    seen.clear()
    store.commit(Batch(outbox_add=[("a", b"edit")]))
    pragmas = [i for i, sql in enumerate(seen) if "synchronous" in sql]
    insert_at = next(i for i, sql in enumerate(seen) if sql.startswith("INSERT INTO outbox"))
    assert [seen[i] for i in pragmas] == ["PRAGMA synchronous=FULL", "PRAGMA synchronous=NORMAL"]
    assert pragmas[0] < insert_at < pragmas[1]
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL again


def test_the_outbox_count_kept_in_memory_matches_the_table(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "p.db")

    def counted() -> int:
        with store.engine.connect() as conn:
            return conn.execute(text("SELECT COUNT(*) FROM outbox")).scalar_one()

    store.commit(Batch(metas={"a": DocInfo("a", "A"), "b": DocInfo("b", "B")}))
    ids = store.commit(Batch(outbox_add=[("a", b"1"), ("b", b"2"), ("a", b"3"), ("b", b"4")]))
    assert store.outbox_count() == counted() == 4
    store.commit(Batch(outbox_delete=[ids[0]]))
    store.commit(Batch(outbox_delete=[ids[0], 999]))  # already gone, never there: no change
    assert store.outbox_count() == counted() == 3
    store.commit(Batch(outbox_delete=[ids[1], ids[2]]))
    assert store.outbox_count() == counted() == 1
    batch = Batch()
    batch.remove("b")
    store.commit(batch)
    assert store.outbox_count() == counted() == 0
    store.commit(Batch(outbox_add=[("a", b"5")]))
    with pytest.raises(Exception):  # noqa: B017 - a failed batch changes nothing
        store.commit(Batch(outbox_add=[("a", b"6"), ("a", None)]))  # type: ignore[list-item]
    assert store.outbox_count() == counted() == 1
    store.close()
    again = LocalStore(tmp_path / "p.db")
    assert again.outbox_count() == 1
    again.close()
