"""An edit the server refused for being over its rate limit (issue 10) is kept by the
client, like one the server failed to save, and lands once the server takes it."""

from __future__ import annotations

from pathlib import Path

from kmclient.core.owner_loop import OwnerLoop
from kmserver.limits import Limits, Rate
from tests.integration.conftest import Clients, ServerThread


def test_an_edit_over_the_rate_limit_is_kept_and_lands_later(
    owner: OwnerLoop, tmp_path: Path, db_url: str
) -> None:
    server = ServerThread(db_url, limits=Limits(update_rate=Rate(0.001, 1))).start()
    clients = Clients(owner, tmp_path, server)
    try:
        sara = clients.signed_in("sara")
        body = sara.open_doc("parking")["body"]
        body.insert(0, "One. ")
        clients.wait(lambda: server.body_text("parking").startswith("One. "))
        body.insert(0, "Two. ")  # the bucket is empty now: rate_limited
        clients.wait(lambda: "could not save" in (sara.status.error or ""))
        assert [r.doc_id for r in sara.replica.store.outbox_rows()] == ["parking"]
        assert sara.open_doc("parking")["body"].to_py().startswith("Two. One. ")  # still here
        server.stop()
        server.limits = Limits()  # e.g. the operator raised the limit; or simply later
        server.start()
        clients.wait(lambda: server.body_text("parking").startswith("Two. One. "))
        clients.wait(lambda: sara.replica.store.outbox_rows() == [])
    finally:
        clients.close_all()
        server.stop()
