"""Notifications: watch settings and role defaults, edit digests, offline delivery, access."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from kmserver.server import Server
from tests.server.conftest import FakeClock, WireClient, running_server

QUIET = 60  # seconds without an edit that end a burst


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def server(db_url: str, clock: FakeClock) -> AsyncIterator[Server]:
    # Digests are checked when a test calls tick() after moving the clock.
    async with running_server(
        db_url, clock=clock, feedback_tick=3600, edit_digest_after=QUIET
    ) as srv:
        yield srv


def new_id() -> str:
    return str(uuid.uuid4())


def append(words: str):  # type: ignore[no-untyped-def]
    return lambda t: t.insert(len(str(t).encode()), words)


async def edits(client: WireClient, doc: str, n: int) -> None:
    acked = len(client.of_type("ack"))
    for i in range(n):
        await client.edit(doc, append(f" {i}"))
    await client.wait_for(lambda: len(client.of_type("ack")) == acked + n)


def texts(client: WireClient, event: str = "edit") -> list[str]:
    return [n["data"]["text"] for n in client.notifications(event)]


async def test_preferences_and_role_defaults_are_honoured(
    server: Server, clients, clock: FakeClock
) -> None:
    rita, olle, karin, sara = [await clients(u) for u in ("rita", "olle", "karin", "sara")]
    watch = await rita.ask(type="watch", doc="school", level="all_edits")
    assert watch["type"] == "saved" and watch["kind"] == "pref" and watch["id"] == "doc:school"
    await rita.ask(type="watch", topic="parking", level="off")
    assert rita.records("pref")["topic:parking"]["data"]["level"] == "off"

    await edits(karin, "school", 2)
    await edits(olle, "parking", 3)
    clock.advance(QUIET + 1)
    await server.feedback.tick()
    # supervisors get digests of every working copy; a rep hears nothing of typing
    await sara.wait_for(lambda: len(texts(sara)) == 2)
    assert sorted(texts(sara)) == [
        "karin edited School places (2 changes)",
        "olle edited Parking permit (3 changes)",
    ]
    for client in (rita, olle, karin):
        await client.barrier()
    assert texts(olle) == [] and texts(karin) == []  # not their documents; not told of own edits
    assert texts(rita) == []  # she reads only what is published
    # all_edits on school: rita hears of its new version
    await karin.publish("school", "new dates")
    await rita.wait_for(lambda: texts(rita, "published"))
    assert texts(rita, "published") == ["karin published version 2 of School places: new dates"]
    # topic parking is off for rita: a new version of parking is not told
    await olle.publish("parking")
    await sara.wait_for(lambda: len(texts(sara, "published")) == 2)
    await rita.barrier()
    assert len(texts(rita, "published")) == 1

    # back to the default: a rep hears of new versions of the documents in her topics
    await rita.ask(type="watch", topic="parking", level="default")
    assert rita.records("pref")["topic:parking"]["deleted"]
    await edits(olle, "parking", 1)
    await olle.publish("parking", "one more")
    await rita.wait_for(lambda: len(texts(rita, "published")) == 2)
    assert texts(rita, "published")[-1].endswith("version 3 of Parking permit: one more")

    # mentions_only: no new versions, no comments, but mentions
    await rita.ask(type="watch", doc="parking", level="mentions_only")
    await olle.ask(type="comment", id=new_id(), doc="parking", body="Note for @rita")
    await karin.ask(type="comment", id=new_id(), doc="parking", body="General remark")
    await edits(olle, "parking", 1)
    await olle.publish("parking")
    await rita.wait_for(lambda: rita.notifications("mention"))
    await rita.barrier()
    assert rita.notifications("comment") == [] and len(texts(rita, "published")) == 2
    # olle owns parking: he hears about karin's comment by default
    await olle.wait_for(lambda: olle.notifications("comment"))

    bad = await rita.ask(type="watch", doc="parking", topic="parking", level="off")
    assert bad["code"] == "bad_message"
    assert (await rita.ask(type="watch", doc="parking", level="loud"))["code"] == "bad_message"
    assert (await rita.ask(type="watch", doc="internal", level="off"))["code"] == "not_found"


async def test_offline_delivery_once_and_read_marks_on_every_device(clients) -> None:
    rita = await clients("rita")
    fid = new_id()
    await rita.ask(type="flag", id=fid, doc="parking", reason="outdated", note="Fee changed")
    cursor, known = rita.cursor, sorted(rita.metas)
    await rita.close()

    olle = await clients("olle")
    await olle.ask(type="flag_state", id=fid, state="acknowledged", expect="open")
    await olle.ask(type="flag_state", id=fid, state="resolved", expect="acknowledged", note="Done")
    await olle.ask(type="comment", id=new_id(), doc="parking", body="@rita fixed, thanks")

    desk = await clients("rita", sync=False)
    await desk.sync(cursor=cursor, known=known)
    frames = [c for c in desk.controls if c["type"] == "record" and c["kind"] == "notification"]
    events = sorted(n["data"]["event"] for n in frames)
    assert events == ["flag_state", "flag_state", "mention"]  # each exactly once
    assert desk.records("flag")[fid]["data"]["state"] == "resolved"
    last_seen = desk.of_type("sync_end")[-1]["last_seen"]
    assert last_seen["seq"] == cursor and last_seen["at"]  # where the last session left off

    # from the new cursor nothing comes again
    laptop = await clients("rita", sync=False)
    await laptop.sync(cursor=desk.cursor, known=known)
    assert laptop.of_type("record") == []
    # a client that kept documents but not records yet asks for the records once
    await laptop.sync(cursor=desk.cursor, known=known, records_from=0)
    assert len(laptop.notifications()) == 3 and laptop.of_type("doc") == []
    assert set(laptop.records("flag")) == {fid} and len(laptop.records("comment")) == 1

    # read marks travel to every device of the user, and only theirs
    mention = desk.notifications("mention")[0]["id"]
    saved = await laptop.ask(type="read", ids=[mention, new_id()])
    assert saved["ids"] == [mention]
    await desk.wait_for(lambda: desk.records("notification")[mention]["data"]["read"])
    again = await laptop.ask(type="read", ids=[mention])
    assert again["seq"] == 0  # nothing changed
    stranger = await olle.ask(type="read", ids=[mention])
    assert stranger["ids"] == []


async def test_nobody_is_told_about_documents_they_may_not_see(clients) -> None:
    rita, olle, sara = await clients("rita"), await clients("olle"), await clients("sara")
    await olle.ask(type="comment", id=new_id(), doc="styleguide", body="@rita look here")
    await sara.ask(type="flag", id=new_id(), doc="internal", reason="outdated")
    await rita.barrier()
    assert rita.notifications() == []

    # told while offline, then the document is hidden from her before she returns
    cursor, known = rita.cursor, sorted(rita.metas)
    await rita.close()
    await olle.ask(type="comment", id=new_id(), doc="parking", body="@rita please check")
    await sara.ask(type="set_meta", doc="parking", audience=["supervisor"])
    back = await clients("rita", sync=False)
    await back.sync(cursor=cursor, known=known)
    assert back.of_type("removed")[-1]["ids"] == ["parking"]
    assert back.of_type("record") == []
    # and it comes back with the document
    await sara.ask(type="set_meta", doc="parking", audience=["everyone"])
    await back.wait_for(lambda: back.notifications("mention"))


async def test_periodic_check_and_restart_lose_no_digest(db_url: str) -> None:
    clock = FakeClock()
    config = {"clock": clock, "feedback_tick": 3600, "edit_digest_after": QUIET}
    async with running_server(db_url, **config) as first:
        olle = await WireClient.open(first, "olle")
        await olle.sync()
        await edits(olle, "parking", 2)
        await olle.close()
    # the burst was still open when the server stopped: it is rebuilt from the log
    config["feedback_tick"] = 0.05  # and told by the periodic check, with nobody calling tick()
    async with running_server(db_url, **config) as second:
        sara = await WireClient.open(second, "sara")
        await sara.sync()
        # A rebuilt burst dates from its updates' commit times in the log, which are the
        # real clock's: the fake one must not lag behind it (a slow start under load did).
        clock.now = max(clock.now, datetime.now(UTC))
        clock.advance(QUIET + 1)
        await sara.wait_for(lambda: texts(sara))
        await second.feedback.tick()
        await sara.barrier()
        assert texts(sara) == ["olle edited Parking permit (2 changes)"]
        await sara.close()


# -- the pure parts: role defaults, settings, bursts ----------------------------------


def test_settings_win_over_role_defaults() -> None:
    from kmserver.feedback.routing import DIGEST, LIVE, interest
    from kmserver.protocol.docmeta import DocMeta
    from kmserver.store.accounts import Account

    doc = DocMeta(id="parking", title="Parking", topics=("parking", "fees"), owner="olle")
    rita = Account(1, "rita", "rep", ("parking",))
    olle = Account(2, "olle", "owner", ("school",))
    sara = Account(3, "sara", "supervisor", ())
    adam = Account(4, "adam", "admin", ())
    assert interest(rita, doc) == interest(sara, doc)  # edit digests, no flags or comments
    assert interest(rita, doc).edits == DIGEST and not interest(rita, doc).activity
    assert interest(olle, doc).edits == LIVE and interest(olle, doc).activity  # own document
    assert interest(adam, doc).edits is None and interest(adam, doc).mentions
    # a document setting beats topic settings, the most talkative topic setting wins
    assert interest(rita, doc, "off", ["all_edits"]).mentions is False
    assert interest(rita, doc, None, ["off", "digest"]).activity is True
    assert interest(olle, doc, None, ["mentions_only"]).edits is None


def test_bursts_end_after_a_quiet_spell_and_survive_a_restart() -> None:
    from datetime import UTC, datetime, timedelta

    from kmserver.feedback.digest import Bursts

    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    bursts = Bursts(quiet=60)
    assert bursts.observe("a", "olle", 10, t0) is not None
    assert bursts.observe("a", "olle", 11, t0 + timedelta(seconds=50)) is None
    assert bursts.observe("b", "sara", 12, t0 + timedelta(seconds=55)) is not None
    assert bursts.pop_due(t0 + timedelta(seconds=100)) == []
    (done,) = bursts.pop_due(t0 + timedelta(seconds=111))
    assert (done.doc_id, done.count, done.first_seq, done.last_seq) == ("a", 2, 10, 11)
    state = bursts.state()
    assert state == {"upto": 12, "open": [["b", "sara", 12]]}
    # after a restart: 'a' was told (not rebuilt), 'b' continues with its first seq
    log = [
        (10, "a", "olle", t0),
        (11, "a", "olle", t0),
        (13, "b", "sara", t0),
        (14, "a", "olle", t0),
    ]
    again = Bursts(quiet=60)
    again.restore(state, log)
    assert {(b.doc_id, b.first_seq, b.count) for b in again.open.values()} == {
        ("b", 12, 1),
        ("a", 14, 1),
    }
