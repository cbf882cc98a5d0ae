"""``kmserver publish --must-read``, ``kmserver acks`` and ``kmserver broadcast`` beside a
running server: what they do reaches connected clients live."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.server.conftest import WireClient
from tests.server.test_publishing_cli import km


async def test_must_read_from_the_command_line_and_the_compliance_file(
    server, db_url: str, capsys: pytest.CaptureFixture
) -> None:
    rita, olle = await WireClient.open(server, "rita"), await WireClient.open(server, "olle")
    for c in (rita, olle):
        await c.sync()
    await olle.edit("parking", lambda t: t.insert(0, "Avgiften är 600 kr. "))
    await olle.wait_for(lambda: olle.of_type("ack"))
    db = ["--db", db_url]

    code, _, err = await km(capsys, "publish", "parking", "--for", "rep", *db)
    assert code == 2 and "--must-read" in err
    code, _, err = await km(capsys, "publish", "parking", "--must-read", *db)
    assert code == 2 and "--for" in err
    code, _, err = await km(capsys, "publish", "parking", "--must-read", "--for", "chefs", *db)
    assert code == 2 and "not a role" in err
    code, _, err = await km(
        capsys, "publish", "parking", "--must-read", "--for", "rep", "--by", "olle", *db
    )
    assert code == 2 and "only supervisors" in err
    assert len(json.loads((await km(capsys, "history", "parking", "--json", *db))[1])) == 1

    code, out, err = await km(
        capsys, "publish", "parking", "--must-read", "--for", "rep,user:olle",
        "--due", "2099-12-01T12:00", "--remind-every", "4h", "--note", "Ny avgift",
        "--by", "sara", *db,
    )  # fmt: skip
    assert code == 0, err
    assert "revision 2" in out and "must-read for reps and olle" in out
    await rita.wait_for(lambda: "parking@2" in rita.records("must_read"))
    data = rita.records("must_read")["parking@2"]["data"]
    assert data["note"] == "Ny avgift" and data["remind_every"] == 4 * 3600
    await olle.wait_for(lambda: "parking@2" in olle.records("must_read"))
    assert (await rita.ask(type="acknowledge", doc="parking", rev=2))["type"] == "saved"

    code, out, _ = await km(capsys, "acks", "parking", *db)
    assert code == 0
    assert "1 of 2 acknowledged" in out and "due 2099-12-01 12:00" in out
    code, out, _ = await km(capsys, "acks", "parking", "--json", *db)
    report = json.loads(out)
    assert {u["name"]: u["state"] for u in report["users"]}["rita"] == "acknowledged"
    assert report["counts"]["acknowledged"] == 1
    code, out, _ = await km(capsys, "acks", "parking", "--rev", "2", "--csv", *db)
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][:3] == ["document", "version", "user"]
    assert {r[2]: r[5] for r in rows[1:]} == {"olle": "not_opened", "rita": "acknowledged"}
    code, _, err = await km(capsys, "acks", "school", *db)
    assert code == 2 and "not a must-read" in err
    for c in (rita, olle):
        await c.close()


async def test_broadcast_from_the_command_line(
    server, db_url: str, capsys: pytest.CaptureFixture
) -> None:
    rita = await WireClient.open(server, "rita")
    await rita.sync()
    db = ["--db", db_url]
    code, _, err = await km(capsys, "broadcast", "Linjerna nere", *db)
    assert code == 2 and "--for" in err
    code, _, err = await km(capsys, "broadcast", "x", "--for", "rep", "--by", "rita", *db)
    assert code == 2 and "only supervisors" in err
    code, out, err = await km(
        capsys, "broadcast", "Telefonlinjerna till norr ligger nere", "--for", "rep",
        "--severity", "warning", "--expires", "30m", "--doc", "parking", "--by", "sara", *db,
    )  # fmt: skip
    assert code == 0, err
    broadcast_id = out.split()[2]
    await rita.wait_for(lambda: broadcast_id in rita.records("broadcast"))
    assert rita.records("broadcast")[broadcast_id]["data"]["severity"] == "warning"
    code, out, _ = await km(capsys, "broadcast", "--list", *db)
    assert broadcast_id in out and "ACTIVE" in out
    code, out, _ = await km(capsys, "broadcast", "--end", broadcast_id, *db)
    assert code == 0
    await rita.wait_for(lambda: rita.records("broadcast")[broadcast_id]["data"]["ended_at"])
    code, out, _ = await km(capsys, "broadcast", "--list", *db)
    assert "ended" in out
    code, _, err = await km(capsys, "broadcast", "--end", "no-such", *db)
    assert code == 2 and "no broadcast" in err
    await rita.close()
