"""Flags through client engines and a real server: life cycle across three users,
offline creation, notifications exactly once (also across a restart), conflicts,
access, the supervisor's report."""

from __future__ import annotations

import pytest

from kmclient.core.model import (
    FlagReportReceived,
    NotificationArrived,
    RecordsChanged,
    RequestFailed,
)
from kmclient.core.sync_engine import (
    InvalidRequest,
    NoSuchDocument,
    NotAllowed,
    SyncEngine,
)
from tests.integration.conftest import Clients, recorder


def arrived(events: list, event: str | None = None) -> list[NotificationArrived]:
    return [
        e
        for e in events
        if isinstance(e, NotificationArrived) and (event is None or e.notification.event == event)
    ]


def failures(events: list) -> list[RequestFailed]:
    return [e for e in events if isinstance(e, RequestFailed)]


def go_offline(clients: Clients, *engines: SyncEngine) -> None:
    for engine in engines:
        engine.disconnect()
    clients.wait(lambda: all(e.status.state == "offline" for e in engines))


def reconnect(clients: Clients, engine: SyncEngine) -> None:
    engine.connect(clients.server.url)  # the saved session token
    clients.wait(lambda: engine.status.state == "online" and engine.pending_requests == 0)


def test_flag_life_cycle_rep_raises_offline_owner_resolves_rep_is_told_once(
    clients: Clients,
) -> None:
    rita = clients.signed_in("rita")
    olle = clients.signed_in("olle")
    sara = clients.signed_in("sara")
    karin = clients.signed_in("karin")
    told = recorder(rita)

    # The rep raises it offline: it shows at once, marked pending.
    go_offline(clients, rita)
    fid = rita.flag("parking", "outdated", note="The fee is 900 kr since June", urgency="high")
    (mine,) = rita.flags("parking")
    assert (mine.id, mine.pending, mine.seq, mine.state, mine.by) == (fid, True, 0, "open", "rita")
    assert rita.open_flag_summary("parking") == "flagged as outdated by rita just now"
    assert rita.pending_requests == 1
    assert any(isinstance(e, RecordsChanged) and "flag" in e.kinds for e in told)

    reconnect(clients, rita)
    (mine,) = rita.flags("parking")
    assert not mine.pending and mine.seq > 0 and mine.note == "The fee is 900 kr since June"

    # Every reader sees the calm warning; the owner finds it in the inbox.
    clients.wait(lambda: [f.id for f in olle.flag_inbox()] == [fid])
    clients.wait(lambda: karin.open_flag_summary("parking") is not None)
    assert karin.open_flag_summary("parking") == "flagged as outdated by rita just now"
    assert karin.flag_inbox() == []  # not her document
    clients.wait(lambda: olle.unread_count() == 1)
    (raised,) = olle.notifications()
    assert raised.event == "flag_raised" and raised.ref == ("flag", fid)

    olle.set_flag_state(fid, "acknowledged")
    assert olle.flag_by_id(fid).state == "acknowledged"  # at once, pending
    clients.wait(lambda: len(arrived(told, "flag_state")) == 1)
    olle.set_flag_state(fid, "resolved", "Fee table updated")
    clients.wait(lambda: len(arrived(told, "flag_state")) == 2)
    clients.wait(lambda: rita.flag_by_id(fid).state == "resolved")
    final = rita.flag_by_id(fid)
    assert final.state_note == "Fee table updated" and final.state_by == "olle"
    assert [h.state for h in final.history] == ["open", "acknowledged", "resolved"]
    assert rita.open_flag_summary("parking") is None
    clients.wait(lambda: olle.flag_inbox() == [] and olle.pending_requests == 0)

    states = [e.notification.detail["state"] for e in arrived(told, "flag_state")]
    assert states == ["acknowledged", "resolved"]
    assert all(e.popup for e in arrived(told))
    assert rita.unread_count() == 2
    assert failures(told) == []
    check_the_supervisors_report(clients, sara, fid)

    # Restart the rep's app: nothing is announced again, nothing is lost.
    rita.close()
    rita = clients.engine("rita")
    again = recorder(rita)
    assert rita.unread_count() == 2 and rita.flag_by_id(fid).state == "resolved"
    reconnect(clients, rita)
    olle.comment("parking", "Tack @rita!")  # something new after the restart: told once
    clients.wait(lambda: len(arrived(again)) == 1)
    assert arrived(again)[0].notification.event == "mention" and arrived(again)[0].popup
    assert [n.event for n in rita.notifications()] == ["mention", "flag_state", "flag_state"]


def check_the_supervisors_report(clients: Clients, sara: SyncEngine, fid: str) -> None:
    events = recorder(sara)
    clients.wait(
        lambda: sara.flag_by_id(fid) is not None and sara.flag_by_id(fid).state == "resolved"
    )
    local = sara.flag_report()
    assert local.source == "local" and local.counts["resolved"] == 1
    (row,) = local.rows
    assert row.flag.id == fid and row.time_to_resolve is not None and row.time_to_resolve >= 0
    clients.wait(lambda: any(isinstance(e, FlagReportReceived) for e in events))
    report = sara.flag_report()
    assert report.source == "server" and [r.flag.id for r in report.rows] == [fid]
    assert report.counts["resolved"] == 1 and report.rows[0].time_to_acknowledge is not None


def test_a_stale_state_change_is_a_conflict_reported_to_the_caller(clients: Clients) -> None:
    rita = clients.signed_in("rita")
    olle = clients.signed_in("olle")
    sara = clients.signed_in("sara")
    fid = rita.flag("parking", "unclear", note="Which form?")
    clients.wait(lambda: olle.flag_by_id(fid) is not None and sara.flag_by_id(fid) is not None)

    go_offline(clients, olle)  # his laptop: acknowledges offline...
    olle.set_flag_state(fid, "acknowledged")
    assert olle.flag_by_id(fid).pending
    sara.set_flag_state(fid, "dismissed", "Duplicate of an older flag")  # ...a supervisor closes it
    clients.wait(lambda: sara.pending_requests == 0)

    events = recorder(olle)
    reconnect(clients, olle)
    (failed,) = failures(events)
    assert (failed.request, failed.record_id, failed.code) == ("flag_state", fid, "conflict")
    assert "dismissed" in failed.message
    flag = olle.flag_by_id(fid)
    assert flag.state == "dismissed" and not flag.pending  # the server's state, to decide again


def test_access_rules_are_clear_locally_and_from_the_server(clients: Clients) -> None:
    rita = clients.signed_in("rita")
    sara = clients.signed_in("sara")
    for doc in ("internal", "no-such-doc"):
        with pytest.raises(NoSuchDocument, match="may not read"):
            rita.flag(doc, "outdated")
        with pytest.raises(NoSuchDocument):
            rita.comment(doc, "Hello")
    with pytest.raises(InvalidRequest, match="reason"):
        rita.flag("parking", "boring")
    with pytest.raises(InvalidRequest):
        rita.comment("parking", "   ")
    with pytest.raises(InvalidRequest):
        rita.flag("parking", "outdated", passage=(5, 500))
    fid = rita.flag("parking", "incorrect")
    with pytest.raises(NotAllowed):
        rita.set_flag_state(fid, "resolved", "I fixed it myself")
    with pytest.raises(InvalidRequest, match="needs a note"):
        rita.set_flag_state(fid, "dismissed")
    with pytest.raises(NotAllowed):
        rita.flag_report()
    clients.wait(lambda: rita.pending_requests == 0)

    # Made offline on a document she then loses: the server's refusal reaches her.
    go_offline(clients, rita)
    lost = rita.comment("parking", "Is this still right?")
    note = rita.note("parking", "Ask Olle")
    events = recorder(rita)
    sara.set_meta("parking", audience=["supervisor"])
    clients.wait(lambda: sara.doc("parking").audience == ("supervisor",))
    rita.connect(clients.server.url)
    clients.wait(lambda: len(failures(events)) == 2)
    assert {(f.request, f.record_id, f.code) for f in failures(events)} == {
        ("comment", lost, "not_found"),
        ("note", note, "not_found"),
    }
    assert rita.doc("parking") is None and rita.flags() == [] and rita.pending_requests == 0
    assert rita.open_flag_summary("parking") is None
    with rita.replica.store.engine.connect() as conn:  # nor does the profile hold any of it
        held = conn.exec_driver_sql("SELECT count(*) FROM records WHERE doc_id='parking'")
        assert held.scalar() == 0
