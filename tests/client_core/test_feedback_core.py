"""The engine's records and request outbox without a server: frames are fed to a
SyncEngine as the connection would hand them over, and what it sends is captured."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from kmclient.core.local_store import Batch, LocalStore
from kmclient.core.model import (
    EngineEvent,
    NotificationArrived,
    QuietModeEnded,
    RecordsChanged,
    RequestFailed,
)
from kmclient.core.owner_loop import OwnerLoop
from kmclient.core.records_db import RecordRow
from kmclient.core.sync_engine import SyncEngine
from kmclient.net import events as ev

T0 = "2026-03-02T08:00:00+00:00"


def new_id() -> str:
    return str(uuid.uuid4())


def doc_frame(doc_id: str, owner: str = "olle", can_edit: bool = False) -> dict[str, Any]:
    return {
        "type": "doc",
        "id": doc_id,
        "title": doc_id.title(),
        "topics": ["parking"],
        "audience": ["everyone"],
        "owner": owner,
        "editors": [],
        "status": "published",
        "seq": 1,
        "can_edit": can_edit,
    }


def flag(fid: str, seq: int, state: str = "open", doc: str = "parking", **data: Any) -> dict:
    return {
        "type": "record",
        "kind": "flag",
        "id": fid,
        "doc": doc,
        "seq": seq,
        "deleted": False,
        "data": {
            "by": "rita",
            "reason": "outdated",
            "note": "",
            "urgency": "normal",
            "anchor": None,
            "state": state,
            "state_note": "",
            "state_by": None,
            "created_at": T0,
            "acknowledged_at": None,
            "closed_at": None,
            "escalated_at": None,
            "history": [],
            **data,
        },
    }


def notification(nid: str, seq: int, read: bool = False, doc: str = "parking") -> dict:
    return {
        "type": "record",
        "kind": "notification",
        "id": nid,
        "doc": doc,
        "seq": seq,
        "deleted": False,
        "data": {
            "event": "mention",
            "actor": "olle",
            "ref": None,
            "text": f"olle mentioned you ({seq})",
            "detail": {},
            "read": read,
            "created_at": T0,
        },
    }


class Fake:
    """A SyncEngine on a profile, fed frames by hand."""

    def __init__(self, path: Path, user: str = "rita", role: str = "rep") -> None:
        self.path, self.user, self.role = path, user, role
        self.loop = OwnerLoop()
        self.session = 0
        self.open()

    def open(self) -> None:
        self.engine = SyncEngine(self.path, self.loop.post)
        self.events: list[EngineEvent] = []
        self.engine.listen(self.events.append)
        self.sent: list[dict[str, Any]] = []
        self.engine._send_json = lambda **msg: self.sent.append(msg)  # type: ignore[method-assign]
        self.engine._fb._send_json = self.engine._send_json

    def restart(self) -> None:
        self.engine.close()
        self.open()

    def feed(self, *msgs: dict[str, Any]) -> None:
        for msg in msgs:
            self.engine._backlog.append(ev.Control(self.session, msg))
        self.pump()

    def pump(self) -> None:
        """One turn, then the turns it posts (the store writer's batches coming
        back, sync_end's second half), until the engine has nothing left to do."""
        engine = self.engine
        engine._pump()
        idle = lambda: not (engine._backlog or engine.replica.writing or engine._going_live)  # noqa: E731
        assert self.loop.run_until(idle, 30)
        self.loop.run_pending()

    def sync(self, *frames: dict[str, Any], removed: tuple[str, ...] = (), cursor: int = 100):
        self.session += 1
        user = {"name": self.user, "role": self.role, "topics": ["parking"]}
        self.engine._backlog.append(ev.Welcome(self.session, {"user": user, "token": "t"}))
        self.pump()
        self.feed(
            {"type": "sync_begin", "total": 0, "cursor": cursor},
            *frames,
            {"type": "removed", "ids": list(removed)},
            {"type": "sync_end", "cursor": cursor, "last_seen": {"seq": 50, "at": T0}},
        )

    def drop(self) -> None:
        self.engine._backlog.append(ev.Disconnected(self.session, ev.LOST, "gone", 1.0))
        self.pump()

    def of(self, kind: type) -> list:
        return [e for e in self.events if isinstance(e, kind)]

    def requests(self) -> list[dict[str, Any]]:
        return [m for m in self.sent if "ref" in m and m["ref"].startswith("rq-")]


@pytest.fixture
def fake(tmp_path: Path):  # type: ignore[no-untyped-def]
    f = Fake(tmp_path / "profile")
    yield f
    f.engine.close()


def test_the_newest_state_wins_and_records_leave_with_their_document(fake: Fake) -> None:
    fid = new_id()
    fake.sync(doc_frame("parking"), doc_frame("school"), flag(fid, 10))
    two_hours_on = datetime(2026, 3, 2, 10, 5, tzinfo=UTC)
    summary = fake.engine.open_flag_summary("parking", now=two_hours_on)
    assert summary == "flagged as outdated by rita 2 h ago"
    fake.feed(flag(fid, 12, "resolved", state_note="Done"))
    fake.feed(flag(fid, 11, "acknowledged"))  # older: ignored
    fake.feed(flag(fid, 12, "resolved", state_note="Done"))  # the same again: harmless
    assert fake.engine.flag_by_id(fid).state == "resolved"
    assert fake.engine.open_flag_summary("parking") is None
    fake.restart()
    assert fake.engine.flag_by_id(fid).state == "resolved"  # the profile kept the newest

    other = new_id()
    fake.sync(flag(other, 20, doc="school"), notification(new_id(), 21, doc="school"))
    assert fake.engine.open_flag_summary("school") is not None
    assert fake.engine.unread_count() == 1
    changed = fake.of(RecordsChanged)[-1]
    assert changed.kinds == {"flag", "notification"} and changed.doc_ids == {"school"}
    fake.feed({"type": "removed", "ids": ["school"]})
    assert fake.engine.flags("school") == [] and fake.engine.open_flag_summary("school") is None
    assert fake.engine.unread_count() == 0 and fake.engine.flags() != []
    with fake.engine.replica.store.engine.connect() as conn:
        docs = conn.execute(text("SELECT DISTINCT doc_id FROM records")).scalars().all()
    assert docs == ["parking"]
    fake.feed(flag(new_id(), 30, doc="school"))  # a late record of a document not held
    assert fake.engine.flags("school") == []


def test_records_are_committed_with_the_cursor_that_covers_them(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "p.db")
    row = RecordRow("flag", new_id(), "parking", 7, False, {"state": "open"})
    bad = Batch(settings={"cursor": 9}, outbox_add=[("a", None)])  # type: ignore[list-item]
    bad.records.put[row.key] = row
    with pytest.raises(Exception):  # noqa: B017 - any database error
        store.commit(bad)
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM records")).scalar() == 0
    assert store.get_setting("cursor") is None
    store.close()


OLD_DOCUMENTS = (  # the documents table of schema 1 and 2 (kmdesk 0.1.0)
    "CREATE TABLE documents (id VARCHAR(200) PRIMARY KEY, title VARCHAR(200) NOT NULL, "
    "topics JSON NOT NULL, audience JSON NOT NULL, owner VARCHAR(200), editors JSON NOT NULL, "
    "status VARCHAR(20) NOT NULL, seq INTEGER NOT NULL, can_edit BOOLEAN NOT NULL, "
    "updated_by VARCHAR(200), updated_at VARCHAR(40), state BLOB NOT NULL, body TEXT NOT NULL)"
)


@pytest.mark.parametrize("version", [1, 2])
def test_an_older_profile_syncs_again_and_keeps_its_unsent_edits(
    tmp_path: Path, version: int
) -> None:
    """Schema 1 and 2 held the working copy of every document; schema 3 keeps what a
    user may read (a reader: only the latest revision): the documents are synced
    again from cursor 0, records too, and edits not yet acknowledged stay queued."""
    store = LocalStore(tmp_path / "p.db")
    store.commit(Batch(outbox_add=[("parking", b"\x00\x00")], settings={"cursor": 99}))
    with store.engine.begin() as conn:
        conn.execute(text("DROP TABLE documents"))
        conn.execute(text(OLD_DOCUMENTS))
        conn.execute(
            text(
                "INSERT INTO documents VALUES ('parking', 'P', '[]', '[]', NULL, '[]', "
                "'published', 5, 0, NULL, NULL, x'0000', 'unpublished text')"
            )
        )
        if version == 1:
            for table in ("records", "requests", "announced"):
                conn.execute(text(f"DROP TABLE {table}"))
        conn.execute(text(f"UPDATE settings SET value='{version}' WHERE key='schema_version'"))
        conn.execute(text("INSERT INTO settings VALUES ('records_synced', 'true')"))
    store.close()
    store = LocalStore(tmp_path / "p.db")
    assert store.get_setting("schema_version") == 3
    assert store.get_setting("cursor") is None  # everything again
    assert store.get_setting("records_synced") is None  # the next sync asks for every record
    assert store.load_docs() == {}
    assert [(r.doc_id, r.data) for r in store.outbox_rows()] == [("parking", b"\x00\x00")]
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM records")).scalar() == 0
    store.close()


def test_requests_wait_in_order_survive_a_restart_and_are_settled_by_their_answers(
    fake: Fake,
) -> None:
    fid = new_id()
    fake.sync(doc_frame("parking"), flag(fid, 10))
    fake.drop()
    mine = fake.engine.flag("parking", "unclear", "Vilken blankett?", urgency="high")
    fake.engine.set_flag_state(mine, "dismissed", "Mitt misstag")  # the raiser withdraws it
    note = fake.engine.note("parking", "Privat 🙂")
    fake.engine.watch(topic="parking", level="off")
    assert fake.requests() == []  # offline: nothing sent
    assert fake.engine.flag_by_id(mine).state == "dismissed"
    assert fake.engine.flag_by_id(mine).pending and fake.engine.pending_requests == 4
    assert fake.engine.watch_level(topic="parking") == "off"
    fake.restart()
    assert fake.engine.pending_requests == 4
    assert [n.body for n in fake.engine.notes()] == ["Privat 🙂"]

    fake.sync(flag(fid, 10))
    sent = fake.requests()
    assert [m["type"] for m in sent] == ["flag", "flag_state", "note", "watch"]
    assert sent[1] == {
        "type": "flag_state",
        "ref": sent[1]["ref"],
        "id": mine,
        "state": "dismissed",
        "expect": "open",
        "note": "Mitt misstag",
    }
    assert sent[0]["id"] == mine and sent[0]["urgency"] == "high"
    # the answers: saved, internal (kept), conflict (dropped and told), saved
    fake.feed(flag(mine, 11), {"type": "saved", "kind": "flag", "id": mine, "ref": sent[0]["ref"]})
    fake.feed({"type": "error", "code": "internal", "message": "disk", "ref": sent[1]["ref"]})
    fake.feed({"type": "error", "code": "conflict", "message": "taken", "ref": sent[2]["ref"]})
    fake.feed({"type": "saved", "kind": "pref", "id": "topic:parking", "ref": sent[3]["ref"]})
    (failed,) = fake.of(RequestFailed)
    assert (failed.request, failed.record_id, failed.code) == ("note", note, "conflict")
    assert fake.engine.notes() == []  # the refused note is gone from the view
    assert fake.engine.pending_requests == 1
    assert fake.engine.watch_level(topic="parking") is None  # saved, but the record never came
    flag_now = fake.engine.flag_by_id(mine)
    assert flag_now.seq == 11 and flag_now.state == "dismissed" and flag_now.pending
    fake.feed({"type": "saved", "kind": "flag", "id": mine, "ref": "rq-999"})  # not ours
    assert fake.engine.pending_requests == 1
    # the kept one goes again after the next sync, alone
    fake.sent.clear()
    fake.drop()
    fake.sync()
    assert [m["type"] for m in fake.requests()] == ["flag_state"]


def test_local_checks_and_no_op_changes(fake: Fake) -> None:
    fid = new_id()
    fake.sync(doc_frame("parking"), flag(fid, 10, "acknowledged"))
    fake.engine.set_flag_state(fid, "open")  # the raiser may reopen her own
    fake.engine.set_flag_state(fid, "open")  # already so (pending): nothing more
    assert [m["type"] for m in fake.requests()] == ["flag_state"]
    fake.engine.mark_read([new_id()])  # not held: nothing to send
    fake.engine.watch(doc_id="parking", level="digest")
    with pytest.raises(ValueError):
        fake.engine.watch(doc_id="parking", topic="parking", level="off")
    with pytest.raises(ValueError):
        fake.engine.watch(doc_id="parking", level="loud")
    assert [m["type"] for m in fake.requests()] == ["flag_state", "watch"]


def test_notifications_are_announced_once_ever_and_quiet_mode_holds_pop_ups(fake: Fake) -> None:
    old, live, later = new_id(), new_id(), new_id()
    fake.sync(doc_frame("parking"), notification(old, 5), notification(new_id(), 6, read=True))
    first = fake.of(NotificationArrived)
    assert [e.popup for e in first] == [False, False]  # the first sync: a summary, no pop-ups
    assert first[0].notification.id == old and fake.engine.unread_count() == 1
    assert fake.engine.since_last_sign_in().seq == 50

    fake.feed(notification(live, 60))
    assert [(e.notification.id, e.popup) for e in fake.of(NotificationArrived)][-1] == (live, True)
    fake.feed(notification(live, 61))  # an update (e.g. a count completed): no new event
    assert len(fake.of(NotificationArrived)) == 3

    fake.engine.set_quiet(True)
    fake.feed(notification(later, 62))
    assert fake.of(NotificationArrived)[-1].popup is False
    assert fake.engine.unread_count() == 3
    fake.engine.set_quiet(False)
    (ended,) = fake.of(QuietModeEnded)
    assert [n.id for n in ended.held] == [later]

    # The document goes and comes back, and the app restarts: never announced again.
    fake.feed({"type": "removed", "ids": ["parking"]})
    fake.feed(doc_frame("parking"), notification(live, 61), notification(later, 62))
    fake.restart()
    fake.sync(notification(old, 5), notification(live, 61))
    assert len(fake.of(NotificationArrived)) == 0
    assert fake.engine.unread_count() == 3  # it came back with its document

    fake.engine.mark_read([old, live])
    assert fake.engine.unread_count() == 1
    (read,) = fake.requests()
    assert read["type"] == "read" and read["ids"] == [old, live] and read["read"] is True
