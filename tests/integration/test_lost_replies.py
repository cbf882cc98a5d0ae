"""When the server cannot commit an update it must still answer it (docs/protocol.md:
one reply per update frame, in order), and what it can commit it still commits.

A SQLite trigger stands in for a failing disk: every insert of an update of
'school' into the server's log aborts, so the writer's whole commit fails.
"""

from __future__ import annotations

import sqlite3

from tests.integration.conftest import Clients, ServerThread


def break_commits_of(server: ServerThread, doc_id: str) -> None:
    con = sqlite3.connect(server.db_url.removeprefix("sqlite:///"))
    con.execute(
        f"CREATE TRIGGER fail_{doc_id} BEFORE INSERT ON update_log WHEN NEW.doc_id = '{doc_id}' "
        "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
    )
    con.commit()
    con.close()


def test_a_refused_commit_does_not_take_the_next_ack(clients: Clients) -> None:
    sara = clients.signed_in("sara")
    break_commits_of(clients.server, "school")
    sara.open_doc("school")["body"].insert(0, "Lost? ")
    clients.owner.run_pending()  # sent; the server's commit fails
    sara.open_doc("parking")["body"].insert(0, "Saved. ")
    # 'parking' is committed although 'school' cannot be, and its ack settles
    # only its own outbox row: the 'school' edit stays queued for a retry.
    clients.wait(lambda: clients.server.body_text("parking").startswith("Saved. "))
    clients.wait(lambda: [r.doc_id for r in sara.replica.store.outbox_rows()] == ["school"])
    assert "could not save" in (sara.status.error or "")
    assert "SQL" not in (sara.status.error or "")  # no database details reach clients


def test_the_server_answers_an_update_it_could_not_commit(clients: Clients) -> None:
    sara = clients.signed_in("sara")
    break_commits_of(clients.server, "school")
    sara.open_doc("school")["body"].insert(0, "Lost? ")
    # Expected: error {code: internal, reply_to: update}; the client keeps the edit.
    clients.wait(lambda: "could not save" in (sara.status.error or ""), timeout=5.0)
    assert [r.doc_id for r in sara.replica.store.outbox_rows()] == ["school"]
