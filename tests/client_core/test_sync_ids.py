"""The ids of a ``sync`` request, kept between requests (kmclient/core/sync_ids.py),
always equal what the profile holds: checked against the database after each change."""

from __future__ import annotations

from pathlib import Path

from kmclient.core.model import DocInfo
from kmclient.core.owner_loop import OwnerLoop
from kmclient.core.replica import Replica
from kmserver.protocol.ytext import text_to_update


def truth(r: Replica) -> tuple[list[str], list[str]]:
    """What the request named before the cache: built from the database each time."""
    return sorted(r.docs), sorted(r.store.working_ids() & set(r.docs))


def meta(doc_id: str, working: bool) -> DocInfo:
    return DocInfo(doc_id, doc_id.title(), ("parking",), working=working, can_edit=working)


def test_the_sync_request_names_what_the_profile_holds_after_every_change(tmp_path: Path) -> None:
    owner = OwnerLoop()
    r = Replica(tmp_path / "profile", owner.post, lambda _d, _u: None)
    try:
        r.put_meta(meta("a", True))
        r.put_update("a", text_to_update("# A\n"), local=False)
        r.put_meta(meta("b", True))  # a working copy without a state yet
        r.put_meta(meta("c", False))  # a reader's: the latest revision only
        r.put_published("c", text_to_update("# C\n"))
        r.commit()
        assert r.sync_ids() == truth(r) == (["a", "b", "c"], ["a"])

        r.put_update("b", text_to_update("# B\n"), local=False)  # its state arrives
        r.commit()
        assert r.sync_ids() == truth(r) == (["a", "b", "c"], ["a", "b"])

        r.put_meta(meta("a", False))  # no longer an editor: the working copy goes
        r.commit()
        assert r.sync_ids() == truth(r) == (["a", "b", "c"], ["b"])

        r.remove("c")
        r.put_update("new", text_to_update("# New\n"), local=False)  # content before metadata
        r.commit()
        assert r.sync_ids() == truth(r) == (["a", "b", "new"], ["b"])

        r.put_meta(meta("new", True))
        r.commit()
        assert r.sync_ids() == truth(r) == (["a", "b", "new"], ["b", "new"])
        r.remove("b")
        r.commit()
        assert r.sync_ids() == truth(r) == (["a", "new"], ["new"])
    finally:
        r.close()

    again = Replica(tmp_path / "profile", owner.post, lambda _d, _u: None)
    try:
        assert again.sync_ids() == truth(again) == (["a", "new"], ["new"])
    finally:
        again.close()
