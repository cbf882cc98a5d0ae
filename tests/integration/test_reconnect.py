"""Connection life: reconnect with backoff, offline edits across restarts, sign-in errors."""

from __future__ import annotations

import socket

from kmclient.core.model import ConnState, StatusChanged
from kmserver.store.accounts import Accounts
from kmserver.store.database import Database
from tests.integration.conftest import PASSWORD, Clients, recorder


def states(events: list) -> list[str]:  # type: ignore[type-arg]
    out: list[str] = []
    for e in events:
        if isinstance(e, StatusChanged) and (not out or out[-1] != e.status.state):
            out.append(e.status.state)
    return out


def in_order(seq: list[str], wanted: list[str]) -> bool:
    it = iter(seq)
    return all(any(x == w for x in it) for w in wanted)


def test_reconnects_by_itself_after_a_server_restart(clients: Clients) -> None:
    olle = clients.signed_in("olle")
    events = recorder(olle)
    clients.server.stop()
    clients.wait(lambda: olle.status.state == ConnState.OFFLINE)
    assert olle.status.error and olle.status.retry_in is not None
    clients.server.start()  # same database, same port
    clients.wait(lambda: olle.status.state == ConnState.ONLINE)
    assert in_order(states(events), ["offline", "connecting", "syncing", "online"])
    assert olle.status.error is None


def test_an_offline_edit_survives_a_restart_and_merges_on_reconnect(clients: Clients) -> None:
    olle = clients.signed_in("olle")
    sara = clients.signed_in("sara")
    clients.server.stop()
    clients.wait(lambda: olle.status.state == "offline" and sara.status.state == "offline")

    text = olle.open_doc("parking")["body"]
    text.insert(len(b"# Parking permit\n"), "Offline ändrad 😀\n")
    clients.owner.run_pending()  # one outbox row...
    at = len("# Parking permit\nOffline ändr".encode())
    del text[at : at + len(b"ad")]  # ...and a second that builds on it
    text.insert(at, "ing")
    sara.open_doc("school")["body"].insert(0, "Sara offline. ")
    clients.wait(lambda: olle.unconfirmed == 2 and sara.unconfirmed == 1)
    olle.close()  # the app quits while offline: the edit is only in the outbox

    clients.server.start()
    olle = clients.engine("olle")
    assert olle.unconfirmed == 2
    assert "Offline ändring 😀" in (olle.text("parking") or "")
    olle.connect(clients.server.url)  # saved token
    expected = "# Parking permit\nOffline ändring 😀\n\nApply online. Överklaga inom tre veckor.\n"
    clients.wait(
        lambda: olle.unconfirmed == 0 and sara.unconfirmed == 0 and sara.text("parking") == expected
    )
    assert olle.replica.store.outbox_rows() == []
    assert clients.server.body_text("parking") == expected
    assert clients.server.body_text("school").startswith("Sara offline. # School places")


def test_a_wrong_password_stops_retrying_and_says_so(clients: Clients) -> None:
    rita = clients.engine("rita")
    events = recorder(rita)
    rita.connect(clients.server.url, "rita", "not the password")
    clients.wait(lambda: rita.status.state == ConnState.SIGNED_OUT)
    assert rita.status.error == "wrong user name or password"
    assert states(events).count("connecting") == 1  # no retries
    rita.sign_in(PASSWORD)
    clients.wait(lambda: rita.status.state == ConnState.ONLINE)


def test_an_unreachable_server_is_retried_with_a_clear_message(clients: Clients) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once closed
    rita = clients.engine("rita")
    events = recorder(rita)
    rita.connect(f"ws://127.0.0.1:{port}", "rita", PASSWORD)
    clients.wait(lambda: states(events).count("connecting") >= 3)
    assert rita.status.state in ("offline", "connecting")
    assert "cannot reach ws://127.0.0.1" in (rita.status.error or "")
    assert "connection refused" in (rita.status.error or "")
    assert rita.backoff.attempts >= 2


def test_an_expired_session_signs_out_with_a_clear_message(clients: Clients) -> None:
    rita = clients.signed_in("rita")
    token = rita.replica.store.get_setting("token")
    rita.close()
    db = Database(clients.server.db_url)
    Accounts(db).revoke_token(token)
    db.dispose()

    rita = clients.engine("rita")
    rita.connect(clients.server.url)
    clients.wait(lambda: rita.status.state == ConnState.SIGNED_OUT)
    assert "expired" in (rita.status.error or "")
    assert rita.replica.store.get_setting("token") is None
    assert {d.id for d in rita.documents(True)} == {"parking", "school"}  # still readable offline
