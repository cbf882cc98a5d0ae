"""Must-reads and broadcasts through real engines and a real server: the rep's list,
offline acknowledgements sent once, what changed since the last acknowledged
revision, quiet mode, broadcasts that expire offline, and the command line."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kmclient.cli import main
from kmclient.core.feedback_requests import NotAllowed
from kmclient.core.model import CoverageChanged, MustReadArrived, QuietModeEnded
from kmclient.core.publishing_api import MustReadSpec
from kmclient.core.sync_engine import SyncEngine
from kmserver.store.accounts import Accounts
from kmserver.store.database import Database
from tests.integration.conftest import PASSWORD, WAIT, Clients, recorder
from tests.integration.test_engine_publishing import answer
from tests.integration.test_feedback_engine import go_offline, reconnect

ROOT = Path(__file__).resolve().parents[2]


def add_rep(clients: Clients, name: str, topics: tuple[str, ...] = ("parking",)) -> None:
    db = Database(clients.server.db_url)
    try:
        Accounts(db).add_user(name, "rep", list(topics), PASSWORD)
    finally:
        db.dispose()


def edit_and_publish(clients: Clients, editor: SyncEngine, text: str, **publish) -> None:  # type: ignore[no-untyped-def]
    rev = editor.doc("parking").rev
    editor.open_doc("parking")["body"].insert(0, text)
    editor.close_doc("parking")
    editor.publish("parking", **publish)
    clients.wait(lambda: editor.doc("parking").rev == rev + 1)


def coverage(clients: Clients, sara: SyncEngine, **fields) -> dict:  # type: ignore[no-untyped-def]
    events = recorder(sara)
    return answer(clients, events, sara.ask("coverage", doc="parking", **fields)).data


def states(report: dict) -> dict[str, str]:
    return {u["name"]: u["state"] for u in report["users"]}


def test_three_users_offline_acknowledgement_sent_once(clients: Clients) -> None:
    add_rep(clients, "bo")
    sara, rita = clients.signed_in("sara"), clients.signed_in("rita")
    bo = clients.signed_in("bo")
    go_offline(clients, bo)
    told = recorder(rita)

    due = datetime.now(UTC) + timedelta(days=2)
    edit_and_publish(
        clients, sara, "Avgiften höjs till 600 kr. ", note="Ny avgift",
        must_read=MustReadSpec(["rep"], due=due, remind_every=3600),
    )  # fmt: skip
    clients.wait(lambda: bool(rita.must_reads()))
    (must,) = rita.must_reads()
    assert (must.doc_id, must.rev, must.note, must.by) == ("parking", 2, "Ny avgift", "sara")
    assert must.due is not None and abs((must.due - due).total_seconds()) < 60
    assert not must.overdue(datetime.now(UTC)) and must.overdue(due + timedelta(seconds=1))
    arrived = [e for e in told if isinstance(e, MustReadArrived)]
    assert len(arrived) == 1 and arrived[0].popup  # online: it pops up
    assert bo.must_reads() == []  # offline: not yet

    live = recorder(sara)
    assert states(coverage(clients, sara, live=True))["bo"] == "not_received"
    rita.mark_opened("parking")
    clients.wait(lambda: any(isinstance(e, CoverageChanged) for e in live))
    rita.acknowledge("parking")
    assert rita.must_reads() == []  # at once, before the server answers
    assert rita.must_reads(include_done=True)[0].acknowledged
    clients.wait(lambda: rita.pending_requests == 0)

    reconnect(clients, bo)  # bo's app was offline since before the publication
    assert [m.id for m in bo.must_reads()] == ["parking@2"]
    go_offline(clients, bo)
    bo.acknowledge("parking")  # offline: stored, shown at once
    assert bo.must_reads() == [] and bo.must_reads(include_done=True)[0].pending
    bo.close()  # the app quits before it is online again
    bo = clients.engine("bo")
    assert bo.must_reads(include_done=True)[0].pending
    reconnect(clients, bo)
    clients.wait(lambda: not bo.must_reads(include_done=True)[0].pending)
    report = coverage(clients, sara)
    assert states(report) == {"bo": "acknowledged", "rita": "acknowledged"}
    assert report["counts"]["acknowledged"] == 2
    assert bo.acknowledge("parking").acknowledged  # again: nothing is sent
    assert bo.pending_requests == 0


def test_what_changed_since_the_acknowledged_revision(clients: Clients) -> None:
    sara, rita = clients.signed_in("sara"), clients.signed_in("rita")
    edit_and_publish(clients, sara, "Ett. ", must_read=MustReadSpec("rep"))
    clients.wait(lambda: bool(rita.must_reads()))
    first = rita.what_changed("parking")
    assert first.base_rev is None and first.chunks is None  # nothing acknowledged: all of it
    acked_text = rita.text("parking")
    rita.acknowledge("parking")
    clients.wait(lambda: rita.pending_requests == 0)

    edit_and_publish(clients, sara, "Två. ")  # an ordinary revision: asks nothing
    clients.wait(lambda: rita.doc("parking").rev == 3)
    assert rita.must_reads() == []
    edit_and_publish(clients, sara, "Tre. ", must_read=MustReadSpec("rep"))
    clients.wait(lambda: [m.rev for m in rita.must_reads()] == [4])
    changed = rita.what_changed("parking")
    assert (changed.base_rev, changed.base_text) == (2, acked_text)
    inserted = "".join(c.text for c in changed.chunks or () if c.op == "+")
    assert "Tre." in inserted and "Två." in inserted  # both revisions since version 2


def test_quiet_mode_holds_the_popup_not_the_must_read(clients: Clients) -> None:
    sara, rita = clients.signed_in("sara"), clients.signed_in("rita")
    rita.set_quiet(True)
    told = recorder(rita)
    edit_and_publish(clients, sara, "Under samtalet. ", must_read=MustReadSpec("rep"))
    clients.wait(lambda: bool(rita.must_reads()))  # the list has it at once
    arrived = [e for e in told if isinstance(e, MustReadArrived)]
    assert len(arrived) == 1 and not arrived[0].popup
    rita.set_quiet(False)
    ended = [e for e in told if isinstance(e, QuietModeEnded)]
    assert len(ended) == 1 and [m.id for m in ended[0].must_reads] == ["parking@2"]


def test_broadcasts_show_expire_offline_and_end(clients: Clients) -> None:
    sara, rita, olle = (clients.signed_in(n) for n in ("sara", "rita", "olle"))
    with pytest.raises(NotAllowed):
        rita.send_broadcast("hej", "rep")
    info = sara.send_broadcast("Telefonerna ligger nere", "rep", expires_in=120)
    critical = sara.send_broadcast(
        "Utrym plan 2", ["rep"], severity="critical", expires_in=3600, link="parking"
    )
    clients.wait(lambda: len(rita.broadcasts()) == 2)
    assert [b.id for b in rita.broadcasts()] == [critical, info]  # critical first
    assert rita.broadcasts()[0].link == "parking"
    assert olle.broadcasts() == []  # an owner is not in the audience

    with pytest.raises(NotAllowed):
        rita.hide_broadcast(critical)
    rita.hide_broadcast(info)
    assert [b.id for b in rita.broadcasts()] == [critical]
    assert {b.id for b in rita.broadcasts(include_hidden=True)} == {critical, info}

    go_offline(clients, rita)  # expiry by the computer's own clock
    later = datetime.now(UTC) + timedelta(seconds=121)
    assert [b.id for b in rita.broadcasts(now=later, include_hidden=True)] == [critical]
    expiry = rita.next_broadcast_expiry()
    assert expiry is not None and expiry < later
    reconnect(clients, rita)
    sara.end_broadcast(critical)
    clients.wait(lambda: critical not in {b.id for b in rita.broadcasts()})


def test_command_line_lists_acknowledges_and_survives_kill_9(
    clients: Clients, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sara = clients.signed_in("sara")
    rita = clients.signed_in("rita")
    edit_and_publish(clients, sara, "Läs detta. ", note="Viktigt", must_read=MustReadSpec("rep"))
    sara.send_broadcast("Kö i telefon", "rep", severity="warning", expires_in=600)
    clients.wait(lambda: bool(rita.must_reads()) and bool(rita.broadcasts()))
    profile = str(rita.profile_dir)
    rita.close()

    assert main(["must-read", "--json", "--profile", profile]) == 0
    (item,) = json.loads(capsys.readouterr().out)
    assert (item["doc"], item["rev"], item["note"]) == ("parking", 2, "Viktigt")
    assert main(["broadcasts", "--profile", profile]) == 0
    assert "[WARNING] Kö i telefon" in capsys.readouterr().out
    assert main(["ack", "nope", "--profile", profile]) == 2

    # acknowledge in a process killed with -9 the moment it has said so
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "kmclient.cli", "ack", "parking", "--profile", profile],
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    proc.send_signal(signal.SIGKILL)
    proc.wait(WAIT)
    assert "acknowledged parking version 2; sent on the next sync" in line

    assert main(["must-read", "--profile", profile]) == 0
    assert "nothing to acknowledge" in capsys.readouterr().out
    sync = ["sync", "--server", clients.server.url, "--user", "rita", "--profile", profile]
    assert main(sync) == 0 and "sent 1 local change" in capsys.readouterr().out
    assert main(sync) == 0 and "sent" not in capsys.readouterr().out  # never twice
    report = coverage(clients, sara)
    assert states(report)["rita"] == "acknowledged" and report["counts"]["acknowledged"] == 1
