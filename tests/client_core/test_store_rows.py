"""One upsert per document and batch: what the profile holds is what the parts say."""

from __future__ import annotations

from pathlib import Path

from kmclient.core.local_store import Batch, LocalStore
from kmclient.core.model import DocInfo


def test_parts_of_one_document_in_one_batch_or_several(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "profile.db")
    try:
        info = DocInfo(id="a", title="A", topics=("x",), working=True)
        store.commit(
            Batch(metas={"a": info}, contents={"a": (b"s1", "working")},
                  published={"a": (b"p1", "published")})
        )  # fmt: skip
        store.commit(Batch(contents={"b": (b"s2", "before its metadata")}))
        store.commit(Batch(previous={"a": (1, "older")}, published={"a": (b"p2", "newer")}))
        store.commit(Batch(metas={"a": DocInfo(id="a", title="A2", working=True)}))
        docs = store.load_docs()
        assert docs["a"].title == "A2" and docs["b"].title == "b"  # b: a placeholder
        assert store.load_state("a") == b"s1" and store.load_body("a") == "working"
        assert store.load_published_state("a") == b"p2"
        assert store.load_published_body("a") == "newer"
        assert store.load_previous("a") == (1, "older")
        assert store.load_state("b") == b"s2" and store.load_body("b") == "before its metadata"
    finally:
        store.close()
