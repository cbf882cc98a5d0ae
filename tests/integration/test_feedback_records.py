"""Comments, private notes, watch levels and notifications through client engines:
mentions notify, notes reach only their author's devices, watch levels are
honoured, queued notifications arrive once, quiet mode, the records_from migration."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from kmclient.core.model import QuietModeEnded
from kmclient.core.sync_engine import NotAllowed, SyncEngine
from kmserver.feedback.notify import last_seen
from kmserver.store.database import Database
from tests.integration.conftest import Clients, recorder
from tests.integration.test_feedback_engine import arrived, go_offline, reconnect


def events_of(engine: SyncEngine) -> list[str]:
    return sorted(n.event for n in engine.notifications())


def test_threaded_comments_with_mentions_notify_and_resolve(clients: Clients) -> None:
    rita = clients.signed_in("rita")
    olle = clients.signed_in("olle")
    karin = clients.signed_in("karin")
    heard = {name: recorder(e) for name, e in (("rita", rita), ("olle", olle), ("karin", karin))}

    root = rita.comment("parking", "@karin vet du om avgiften ändrats? @nobody", passage=(0, 16))
    (thread,) = rita.comments("parking")
    assert thread.root.pending and thread.root.mentions == ("karin", "nobody")
    clients.wait(lambda: rita.pending_requests == 0)
    # The server keeps the mentions as written (it never tells which names exist, issue 10)
    # and tells only those who exist and may read the document.
    assert rita.comments("parking")[0].root.mentions == ("karin", "nobody")

    clients.wait(lambda: len(arrived(heard["karin"])) == 1)
    (mention,) = arrived(heard["karin"])
    assert mention.notification.event == "mention" and mention.popup
    assert mention.notification.ref == ("comment", root)
    clients.wait(lambda: events_of(olle) == ["comment"])  # the owner hears of every comment

    reply = olle.comment("parking", "Ja, 900 kr sedan juni.", parent=root)
    wait_for_comment(clients, karin, reply)
    deeper = karin.comment("parking", "Tack!", parent=reply)  # a reply to a reply
    clients.wait(lambda: len(rita.comments("parking")[0].replies) == 2)
    (thread,) = rita.comments("parking")
    assert thread.root.id == root and [c.id for c in thread.replies] == [reply, deeper]
    assert {c.thread for c in thread.comments} == {root}
    assert rita.comment_by_id(deeper).parent == reply and rita.comment_by_id(reply).by == "olle"
    clients.wait(lambda: events_of(rita) == ["reply", "reply"])

    with pytest.raises(NotAllowed):
        rita.set_comment_state(reply, True)  # olle's reply: not hers to resolve
    olle.set_comment_state(root, True)  # an editor of the document
    assert olle.comments("parking")[0].resolved
    clients.wait(lambda: "comment_resolved" in events_of(rita))
    clients.wait(lambda: rita.comments("parking")[0].root.resolved_by == "olle")
    rita.set_comment_state(root, False)  # the author reopens
    clients.wait(lambda: not olle.comments("parking")[0].resolved)
    for name, events in heard.items():
        ids = [e.notification.id for e in arrived(events)]
        assert len(ids) == len(set(ids)), name  # never twice


def wait_for_comment(clients: Clients, engine: SyncEngine, comment_id: str) -> None:
    clients.wait(
        lambda: any(c.id == comment_id for t in engine.comments("parking") for c in t.comments)
    )


def test_private_notes_reach_every_device_of_their_author_only(clients: Clients) -> None:
    desk = clients.signed_in("rita")
    laptop = clients.signed_in("rita", profile="rita-laptop")
    olle = clients.signed_in("olle")
    go_offline(clients, laptop)
    nid = laptop.note("parking", "Fråga Olle om avgiften 💬")
    laptop.edit_note(nid, "Fråga Olle om avgiften (900 kr?) 💬")
    assert [n.body for n in laptop.notes("parking")] == ["Fråga Olle om avgiften (900 kr?) 💬"]
    reconnect(clients, laptop)
    clients.wait(lambda: [n.body for n in desk.notes("parking")] == [laptop.notes()[0].body])
    assert not desk.notes()[0].pending

    desk.delete_note(nid)
    assert desk.notes() == []
    clients.wait(lambda: laptop.notes() == [] and desk.pending_requests == 0)
    other = desk.note("school", "Min egen")
    clients.wait(lambda: [n.id for n in laptop.notes("school")] == [other])
    # olle got nothing: not the notes, not a trace in his profile
    with olle.replica.store.engine.connect() as conn:
        kinds = conn.execute(text("SELECT DISTINCT kind FROM records")).scalars().all()
    assert "note" not in kinds and olle.notes() == []


def test_watch_levels_are_honoured(clients: Clients) -> None:
    rita = clients.signed_in("rita")
    olle = clients.signed_in("olle")
    karin = clients.signed_in("karin")
    heard = recorder(rita)

    rita.watch(doc_id="school", level="all_edits")
    rita.watch(doc_id="parking", level="all_edits")
    assert rita.watch_level(doc_id="school") == "all_edits"  # at once, pending
    clients.wait(lambda: rita.pending_requests == 0)
    assert {(w.scope, w.key, w.level) for w in rita.watches()} == {
        ("doc", "school", "all_edits"),
        ("doc", "parking", "all_edits"),
    }
    # all_edits: a rep is told of every new version (not of typing she cannot see)
    # and of every comment
    text_ = karin.open_doc("school")["body"]
    text_.insert(0, "Nytt: ")
    karin.close_doc("school")
    karin.publish("school", "nya datum")
    clients.wait(lambda: "published" in events_of(rita))
    told = next(n for n in rita.notifications() if n.event == "published")
    assert told.text == "karin published version 2 of School places: nya datum"
    assert "edit" not in events_of(rita)
    karin.comment("parking", "Gammal länk i texten")
    clients.wait(lambda: "comment" in events_of(rita))

    rita.watch(doc_id="parking", level="off")  # off: not even mentions
    clients.wait(lambda: rita.pending_requests == 0)
    olle.comment("parking", "@rita kan du kolla?")
    clients.wait(lambda: olle.pending_requests == 0)
    rita.watch(doc_id="parking", level="default")  # a rep's default: mentions
    clients.wait(lambda: rita.pending_requests == 0 and rita.watch_level(doc_id="parking") is None)
    olle.comment("parking", "@rita igen, tack")
    clients.wait(lambda: "mention" in events_of(rita))
    assert events_of(rita) == ["comment", "mention", "published"]
    (mention,) = [n for n in rita.notifications() if n.event == "mention"]
    assert mention.text.endswith("@rita igen, tack")
    assert len(arrived(heard)) == 3


def server_last_seen(clients: Clients, user: str) -> int | None:
    db = Database(clients.server.db_url)
    try:
        with db.read() as s:
            seen = last_seen(s, user)
    finally:
        db.dispose()
    return seen["seq"] if seen else None


def test_notifications_queued_offline_arrive_once_and_since_last_sign_in(
    clients: Clients,
) -> None:
    rita = clients.signed_in("rita")
    olle = clients.signed_in("olle")
    fid = rita.flag("parking", "outdated", "Avgiften är fel")
    clients.wait(lambda: olle.flag_by_id(fid) is not None and rita.pending_requests == 0)
    heard = recorder(rita)

    # A dropped connection: what happened meanwhile pops up on reconnect, once.
    go_offline(clients, rita)
    olle.set_flag_state(fid, "acknowledged")
    olle.comment("parking", "@rita tittar på det")
    clients.wait(lambda: olle.pending_requests == 0)
    reconnect(clients, rita)
    clients.wait(lambda: len(arrived(heard)) == 2)
    assert sorted(e.notification.event for e in arrived(heard)) == ["flag_state", "mention"]
    assert all(e.popup for e in arrived(heard))
    go_offline(clients, rita)  # and once more: nothing comes twice
    reconnect(clients, rita)
    assert len(arrived(heard)) == 2 and rita.unread_count() == 2

    # Read on this device: read everywhere, and the count follows at once.
    (first, _) = rita.notifications()
    rita.mark_read([first.id])
    assert rita.unread_count() == 1 and rita.notifications()[0].read
    clients.wait(lambda: rita.pending_requests == 0)

    # The app is closed; things happen; the next start summarises them, no pop-ups.
    cursor = rita.cursor
    rita.close()
    clients.wait(lambda: (server_last_seen(clients, "rita") or 0) >= cursor)
    olle.set_flag_state(fid, "resolved", "Rättat")
    body = olle.open_doc("parking")["body"]
    body.insert(0, "Uppdaterad. ")
    olle.close_doc("parking")
    clients.wait(lambda: olle.unconfirmed == 0)
    olle.publish("parking", "uppdaterad")  # what a rep sees change: a new revision
    clients.wait(lambda: olle.pending_requests == 0)
    rita = clients.engine("rita")
    again = recorder(rita)
    reconnect(clients, rita)
    told = {e.notification.event: e for e in arrived(again)}
    assert sorted(told) == ["flag_state", "published"]  # a rep in the topic hears of it
    assert not any(e.popup for e in told.values())
    assert (
        "published version 2 of Parking permit: uppdaterad" in told["published"].notification.text
    )
    since = rita.since_last_sign_in()
    assert since.seq is not None and since.seq >= cursor and since.at is not None
    assert {n.id for n in since.notifications} == {e.notification.id for e in told.values()}
    assert since.documents == ("parking",)
    assert since.published == ("parking",)  # in her topics, by someone else
    assert [(f.id, f.state) for f in since.my_flags] == [(fid, "resolved")]
    assert not since.empty
    assert rita.unread_count() == 3


def test_quiet_mode_holds_pop_ups_and_keeps_the_centre_current(clients: Clients) -> None:
    rita = clients.signed_in("rita")
    olle = clients.signed_in("olle")
    heard = recorder(rita)
    rita.set_quiet(True)
    olle.comment("parking", "@rita första")
    olle.comment("parking", "@rita andra")
    clients.wait(lambda: len(arrived(heard)) == 2)
    assert not any(e.popup for e in arrived(heard))
    assert rita.unread_count() == 2  # the centre is up to date
    rita.mark_read([rita.notifications()[0].id])
    rita.set_quiet(False)
    (ended,) = [e for e in heard if isinstance(e, QuietModeEnded)]
    assert [n.text for n in ended.held] == ["olle mentioned you on Parking permit: @rita första"]
    olle.comment("parking", "@rita tredje")
    clients.wait(lambda: len(arrived(heard)) == 3)
    assert arrived(heard)[-1].popup


def test_a_profile_of_the_last_version_asks_for_all_records_once(clients: Clients) -> None:
    olle = clients.signed_in("olle")
    rita = clients.signed_in("rita")
    fid = rita.flag("parking", "missing", "Inget om elbilar")
    clients.wait(lambda: olle.flag_by_id(fid) is not None and olle.unread_count() == 1)
    olle.close()
    # Make it what the previous version left: no record tables, schema 1, and a
    # cursor already past the flag and its notification.
    db = clients.tmp_path / "profiles" / "olle" / "profile.db"
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:
        for table in ("records", "requests", "announced"):
            conn.execute(text(f"DROP TABLE {table}"))
        conn.execute(text("DELETE FROM settings WHERE key IN ('records_synced', 'last_seen')"))
        conn.execute(text("UPDATE settings SET value='1' WHERE key='schema_version'"))
    engine.dispose()

    olle = clients.engine("olle")
    assert olle.flags() == [] and olle.replica.store.get_setting("schema_version") == 3
    sent: list[dict] = []
    real = olle._send_json
    olle._send_json = lambda **msg: (sent.append(msg), real(**msg))  # type: ignore[method-assign]
    reconnect(clients, olle)
    assert [f.id for f in olle.flag_inbox()] == [fid] and olle.unread_count() == 1
    assert [m.get("records_from") for m in sent if m["type"] == "sync"] == [0]
    go_offline(clients, olle)
    reconnect(clients, olle)
    syncs = [m for m in sent if m["type"] == "sync"]
    assert len(syncs) == 2 and "records_from" not in syncs[1]
    assert olle.replica.store.get_setting("records_synced") is True
