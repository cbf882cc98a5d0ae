"""Must-reads, acknowledgements, coverage and broadcasts through real sockets."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

from kmserver.server import Server
from tests.server.conftest import FakeClock, WireClient, running_server


def new_id() -> str:
    return str(uuid.uuid4())


async def add_user(server: Server, name: str, role: str = "rep", topics: tuple = ()) -> None:
    await asyncio.to_thread(
        server.accounts.add_user, name, role, list(topics), "correct horse battery"
    )


async def change(client: WireClient, doc_id: str, text: str) -> None:
    acks = len(client.of_type("ack"))
    await client.edit(doc_id, lambda t: t.insert(0, text))
    await client.wait_for(lambda: len(client.of_type("ack")) > acks)


async def publish_must_read(
    client: WireClient, doc_id: str, terms: list[str], note: str = "", **extra: Any
) -> dict:
    return await client.ask(
        type="publish",
        id=new_id(),
        doc=doc_id,
        note=note,
        must_read={"for": terms, **extra},
    )


def must_reads(client: WireClient) -> dict[str, dict]:
    return client.records("must_read")


async def until(ask, done, rounds: int = 500) -> dict:  # type: ignore[no-untyped-def]
    """Ask again (each ask a round trip to the server) until the answer is ``done``."""
    for _ in range(rounds):
        answer = await ask()
        if done(answer):
            return answer
    raise AssertionError(f"never done after {rounds} answers; the last: {answer}")


def states(report: dict) -> dict[str, str]:
    return {u["name"]: u["state"] for u in report["users"]}


async def test_three_users_life_cycle_with_live_coverage(server: Server, clients) -> None:
    await add_user(server, "bo", "rep", ("parking",))
    sara, rita, olle = await clients("sara"), await clients("rita"), await clients("olle")
    await change(sara, "parking", "Från 1 mars är avgiften 600 kr. ")
    saved = await publish_must_read(sara, "parking", ["rep"], "New fee", due="2099-01-01T12:00")
    assert saved["type"] == "saved" and saved["rev"] == 2 and saved["must_read"] == "parking@2"

    # rita (online) has it at once; bo has never signed in; olle is not in the audience
    await rita.wait_for(lambda: "parking@2" in must_reads(rita))
    record = must_reads(rita)["parking@2"]
    assert record["doc"] == "parking" and record["data"]["rev"] == 2
    assert record["data"]["note"] == "New fee" and record["data"]["by"] == "sara"
    assert record["data"]["due"].startswith("2099-01-01T12:00")
    await olle.barrier()
    assert must_reads(olle) == {}

    coverage = await sara.ask(type="coverage", doc="parking", live=True)
    assert coverage["type"] == "coverage" and coverage["rev"] == 2
    # rita's "received" is written in a job after the delivery
    coverage = await until(
        lambda: sara.ask(type="coverage", doc="parking", live=True),
        lambda c: states(c)["rita"] == "not_opened",
    )
    assert states(coverage) == {"bo": "not_received", "rita": "not_opened"}
    assert coverage["counts"] == {
        "total": 2,
        "acknowledged": 0,
        "opened": 0,
        "not_opened": 1,
        "not_received": 1,
    }

    opened = await rita.ask(type="opened", doc="parking", rev=2)
    assert opened["type"] == "saved"
    assert states(await sara.ask(type="coverage", doc="parking"))["rita"] == "opened"
    acked = await rita.ask(type="acknowledge", doc="parking", rev=2)
    assert acked["type"] == "saved" and acked["id"] == "parking@2"
    await sara.wait_for(lambda: sara.of_type("coverage_changed"))
    assert sara.of_type("coverage_changed")[-1]["id"] == "parking@2"
    await rita.wait_for(lambda: "parking@2" in rita.records("ack"))
    assert rita.records("ack")["parking@2"]["data"]["acked_at"]

    # bo signs in for the first time, after publication: the must-read is there
    bo = await clients("bo")
    assert "parking@2" in must_reads(bo)
    await until(
        lambda: sara.ask(type="coverage", doc="parking"),
        lambda c: states(c)["bo"] == "not_opened",
    )
    await bo.close()
    # offline, bo's app queued the acknowledgement; it is sent on reconnect (twice: a resend)
    bo = await clients("bo")
    first = await bo.ask(type="acknowledge", doc="parking", rev=2)
    again = await bo.ask(type="acknowledge", doc="parking", rev=2)
    assert first["seq"] == again["seq"]
    report = await sara.ask(type="coverage", doc="parking")
    assert states(report) == {"bo": "acknowledged", "rita": "acknowledged"}
    assert report["counts"]["acknowledged"] == 2 and report["by_role"]["rep"]["total"] == 2
    assert report["by_topic"]["parking"]["acknowledged"] == 2
    assert report["median_seconds_to_ack"] is not None
    assert all(u["seconds_to_ack"] is not None for u in report["users"])

    everyone = await sara.ask(type="must_reads")
    assert [i["id"] for i in everyone["items"]] == ["parking@2"]
    assert everyone["items"][0]["counts"]["acknowledged"] == 2

    # reps see no coverage; an owner neither
    assert (await rita.ask(type="coverage", doc="parking"))["code"] == "forbidden"
    assert (await olle.ask(type="must_reads"))["code"] == "forbidden"


async def test_a_later_must_read_asks_again_an_ordinary_revision_does_not(
    server: Server, clients
) -> None:
    sara, rita = await clients("sara"), await clients("rita")
    await change(sara, "parking", "Ett. ")
    await publish_must_read(sara, "parking", ["rep"])
    await rita.wait_for(lambda: "parking@2" in must_reads(rita))
    await rita.ask(type="acknowledge", doc="parking", rev=2)
    await change(sara, "parking", "Två. ")
    assert (await sara.publish("parking", "typo"))["rev"] == 3
    await rita.wait_for(lambda: rita.metas["parking"]["published"]["rev"] == 3)
    assert set(must_reads(rita)) == {"parking@2"}
    await change(sara, "parking", "Tre. ")
    await publish_must_read(sara, "parking", ["rep"])
    await rita.wait_for(lambda: "parking@4" in must_reads(rita))
    assert rita.records("ack")["parking@2"]["data"]["acked_at"]
    assert "parking@4" not in rita.records("ack")

    # someone who skipped version 2 and acknowledges version 4 has read both
    await add_user(server, "bo", "rep", ("parking",))
    bo = await clients("bo")
    assert set(must_reads(bo)) == {"parking@2", "parking@4"}
    await bo.ask(type="acknowledge", doc="parking", rev=4)
    await bo.wait_for(lambda: set(bo.records("ack")) == {"parking@2", "parking@4"})
    assert all(r["data"]["acked_at"] for r in bo.records("ack").values())
    report = await sara.ask(type="coverage", doc="parking", rev=2)
    assert states(report) == {"bo": "acknowledged", "rita": "acknowledged"}


async def test_no_one_outside_the_audience_learns_it_exists(server: Server, clients) -> None:
    await add_user(server, "siv", "rep", ("school",))
    sara, rita, siv = await clients("sara"), await clients("rita"), await clients("siv")
    await change(sara, "parking", "Nytt. ")
    saved = await publish_must_read(sara, "parking", ["topic:school", "user:olle"])
    assert saved["type"] == "saved"
    await siv.wait_for(lambda: "parking@2" in must_reads(siv))
    await rita.barrier()
    assert must_reads(rita) == {}
    assert "must_read" not in str(rita.controls)
    refused = await rita.ask(type="acknowledge", doc="parking", rev=2)
    assert refused["code"] == "not_found"  # the same answer as for a must-read that is not there
    # a fresh sync does not leak it either
    rita2 = await clients("rita")
    assert must_reads(rita2) == {}
    report = await sara.ask(type="coverage", doc="parking")
    assert set(states(report)) == {"siv", "olle"}

    # a broadcast for one user only
    await sara.ask(type="broadcast", id=new_id(), text="Ring Siv", **{"for": ["user:siv"]},
                   expires=3600)  # fmt: skip
    await siv.wait_for(lambda: siv.records("broadcast"))
    await rita.barrier()
    assert rita.records("broadcast") == {}


async def test_a_misspelt_name_or_topic_is_refused_instead_of_reaching_nobody(clients) -> None:
    sara, rita = await clients("sara"), await clients("rita")
    await change(sara, "parking", "Nytt. ")
    for terms, said in (
        (["user:ritta"], "no user called 'ritta'"),
        (["rep", "topic:parkng"], "no rep has the topic 'parkng' (reps' topics: parking"),
        (["topic:Parking"], "no rep has the topic 'Parking'"),  # ids are exact
    ):
        refused = await publish_must_read(sara, "parking", terms)
        assert refused["code"] == "bad_message" and said in refused["message"], refused
        broadcast = await sara.ask(type="broadcast", id=new_id(), text="Hej", expires=600,
                                   **{"for": terms})  # fmt: skip
        assert broadcast["code"] == "bad_message" and said in broadcast["message"]
    assert len((await sara.ask(type="history", doc="parking"))["revisions"]) == 1
    assert (await sara.ask(type="broadcasts"))["items"] == []
    await rita.barrier()
    assert rita.records("broadcast") == {} and must_reads(rita) == {}
    # spelt right, both reach rita
    saved = await publish_must_read(sara, "parking", ["topic:parking", "user:rita"])
    assert saved["type"] == "saved"
    await rita.wait_for(lambda: "parking@2" in must_reads(rita))


async def test_who_may_require_reading_and_bad_requests_change_nothing(clients) -> None:
    sara, olle, rita = await clients("sara"), await clients("olle"), await clients("rita")
    await change(olle, "parking", "Ändrat. ")
    refused = await publish_must_read(olle, "parking", ["rep"])
    assert refused["code"] == "forbidden" and "supervisor" in refused["message"]
    history = await olle.ask(type="history", doc="parking")
    assert len(history["revisions"]) == 1  # the publication was refused with it
    for bad in (
        {"for": ["reps"]},
        {"for": []},
        {"for": ["rep"], "due": "tomorrow"},
        {"for": ["rep"], "due": "2001-01-01T00:00"},
        {"for": ["rep"], "remind_every": 5},
        {"for": "rep"},
    ):
        answer = await sara.ask(type="publish", id=new_id(), doc="parking", must_read=bad)
        assert answer["type"] == "error" and answer["code"] == "bad_message", (bad, answer)
    assert len((await sara.ask(type="history", doc="parking"))["revisions"]) == 1
    assert (await rita.ask(type="require_reading", id=new_id(), doc="parking",
                           **{"for": ["rep"]}))["code"] == "forbidden"  # fmt: skip
    missing = await sara.ask(type="require_reading", id=new_id(), doc="draft", **{"for": ["rep"]})
    assert missing["type"] == "error"
    # making the current revision a must-read afterwards works, once per request id
    request = new_id()
    first = await sara.ask(type="require_reading", id=request, doc="parking", **{"for": ["rep"]})
    again = await sara.ask(type="require_reading", id=request, doc="parking", **{"for": ["rep"]})
    assert first["type"] == "saved" and first["rev"] == 1 and first["seq"] == again["seq"]
    await rita.wait_for(lambda: "parking@1" in must_reads(rita))
    stale = await sara.ask(type="require_reading", id=new_id(), doc="parking", rev=9,
                           **{"for": ["rep"]})  # fmt: skip
    assert stale["code"] == "not_found"


async def test_reminders_and_escalation_follow_the_clock(db_url: str) -> None:
    clock = FakeClock()
    async with running_server(db_url, clock=clock) as server:
        await add_user(server, "bo", "rep", ("parking",))
        sara = await WireClient.open(server, "sara")
        rita = await WireClient.open(server, "rita")
        bo = await WireClient.open(server, "bo")
        for c in (sara, rita, bo):
            await c.sync()
        due = (clock.now + timedelta(hours=2)).isoformat()
        await change(sara, "parking", "Nytt. ")
        saved = await publish_must_read(sara, "parking", ["rep"], due=due, remind_every=3600)
        assert saved["type"] == "saved"
        await rita.wait_for(lambda: "parking@2" in must_reads(rita))
        await rita.ask(type="acknowledge", doc="parking", rev=2)

        await server.feedback.tick()
        assert bo.notifications("must_read_reminder") == []  # not yet an hour
        clock.advance(3601)
        await server.feedback.tick()
        await bo.wait_for(lambda: bo.notifications("must_read_reminder"))
        await server.feedback.tick()  # the same round is not sent twice
        await rita.barrier()
        await bo.barrier()
        assert len(bo.notifications("must_read_reminder")) == 1
        assert rita.notifications("must_read_reminder") == []  # she has acknowledged
        assert sara.notifications("must_read_overdue") == []

        clock.advance(3600)  # round 2, and due
        await server.feedback.tick()
        await bo.wait_for(lambda: len(bo.notifications("must_read_reminder")) == 2)
        await sara.wait_for(lambda: sara.notifications("must_read_overdue"))
        told = sara.notifications("must_read_overdue")[0]
        assert "1 have not acknowledged" in told["data"]["text"]
        clock.advance(60)
        await server.feedback.tick()
        await sara.barrier()
        assert len(sara.notifications("must_read_overdue")) == 1
        for c in (sara, rita, bo):
            await c.close()


async def test_broadcast_life_cycle_and_expiry(db_url: str) -> None:
    clock = FakeClock()
    async with running_server(db_url, clock=clock) as server:
        sara, rita = await WireClient.open(server, "sara"), await WireClient.open(server, "rita")
        olle = await WireClient.open(server, "olle")
        for c in (sara, rita, olle):
            await c.sync()
        sent = await sara.ask(
            type="broadcast",
            id=(bid := new_id()),
            text="Telefonerna till norra distriktet ligger nere: hänvisa till e-tjänsten",
            severity="critical",
            expires=7200,
            link="parking",
            **{"for": ["rep"]},
        )
        assert sent["type"] == "saved" and sent["id"] == bid
        await rita.wait_for(lambda: bid in rita.records("broadcast"))
        data = rita.records("broadcast")[bid]["data"]
        assert data["severity"] == "critical" and data["link"] == "parking"
        assert data["expires_at"] and data["ended_at"] is None
        await olle.barrier()
        assert olle.records("broadcast") == {}
        listed = await until(
            lambda: sara.ask(type="broadcasts"), lambda b: b["items"][0]["seen"] == 1
        )
        assert listed["items"][0]["id"] == bid
        seen = await sara.ask(type="broadcast_seen", id=bid)
        assert [(u["name"], bool(u["seen_at"])) for u in seen["users"]] == [("rita", True)]

        # a user who signs in for the first time afterwards gets it; so does a reconnect
        await add_user(server, "nils", "rep", ())
        nils = await WireClient.open(server, "nils")
        await nils.sync()
        assert bid in nils.records("broadcast")

        ended = await sara.ask(type="end_broadcast", id=bid)
        assert ended["type"] == "saved"
        await rita.wait_for(lambda: rita.records("broadcast")[bid]["data"]["ended_at"])
        assert (await sara.ask(type="end_broadcast", id=bid))["seq"] == ended["seq"]

        # expiry is part of the record: clients hide it by their own clock, even offline;
        # standing records (sent on a role change) leave expired ones out
        from kmserver.attention import coverage

        await sara.ask(type="broadcast", id=(b2 := new_id()), text="Kort", expires=60,
                       **{"for": ["everyone"]})  # fmt: skip
        standing = await server.read(coverage.standing_records, clock.now)
        assert b2 in {e["id"] for _, e in standing}
        later = await server.read(coverage.standing_records, clock.now + timedelta(seconds=61))
        assert b2 not in {e["id"] for _, e in later} and bid not in {e["id"] for _, e in later}

        for bad in (
            {"text": " ", "expires": 600, "for": ["rep"]},
            {"text": "x", "expires": 5, "for": ["rep"]},
            {"text": "x", "expires": 600, "for": ["rep"], "severity": "panic"},
            {"text": "x", "expires": 600, "for": ["chefs"]},
            {"text": "x", "expires": 600, "for": ["rep"], "link": "nope"},
        ):
            answer = await sara.ask(type="broadcast", id=new_id(), **bad)
            assert answer["code"] == "bad_message" or answer["code"] == "not_found", (bad, answer)
        await sara.send_json(type="broadcast", id=new_id(), text="x" * 1001, expires=600,
                             **{"for": ["rep"]})  # fmt: skip
        await sara.wait_for(lambda: "longer than 1000" in str(sara.of_type("error")))
        assert (await rita.ask(type="broadcast", id=new_id(), text="hej", expires=600,
                               **{"for": ["rep"]}))["code"] == "forbidden"  # fmt: skip
        assert len((await sara.ask(type="broadcasts"))["items"]) == 2
        for c in (sara, rita, olle, nils):
            await c.close()


async def test_a_new_topic_brings_its_must_reads(server: Server, clients) -> None:
    await add_user(server, "siv", "rep", ("school",))
    sara, siv = await clients("sara"), await clients("siv")
    await change(sara, "parking", "Nytt. ")
    await publish_must_read(sara, "parking", ["topic:parking"])
    await siv.barrier()
    assert must_reads(siv) == {}
    await asyncio.to_thread(server.accounts.update_user, "siv", topics=["school", "parking"])
    await siv.wait_for(lambda: "parking@2" in must_reads(siv), timeout=15)
