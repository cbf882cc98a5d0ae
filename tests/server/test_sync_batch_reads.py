"""The sync's batched reads give exactly what the per-document reads give."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from kmclient.demo import seed_database
from kmserver.store import documents as docs
from kmserver.store.database import Database
from kmserver.store.models import Document


def test_batched_states_equal_one_by_one(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'server.db'}"
    seed_database(url)  # with its story: drafts, several revisions, live edits
    db = Database(url)
    try:
        with db.read() as s:
            ids = list(s.scalars(select(Document.id)))
            ids.append("no-such-document")
            fulls = docs.full_states(s, ids)
            pubs = docs.published_states(s, ids)
            assert fulls == {doc_id: docs.full_state(s, doc_id) for doc_id in ids}
            expected = {doc_id: docs.published_state(s, doc_id) for doc_id in ids}
            assert pubs == {k: v for k, v in expected.items() if v is not None}
            assert any(v is None for v in expected.values())  # the story has a draft
            assert docs.full_states(s, []) == {} and docs.published_states(s, []) == {}
    finally:
        db.dispose()
