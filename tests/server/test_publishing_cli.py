"""The publishing commands, beside a running server: their effect reaches clients live."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from kmserver.cli import main
from tests.server.conftest import WireClient


async def km(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    """Run a kmserver command on its own thread (it blocks) and capture what it printed."""
    code = await asyncio.to_thread(main, list(args))
    out, err = capsys.readouterr()
    return code, out, err


async def test_commands_change_what_connected_clients_see(
    server, db_url: str, capsys: pytest.CaptureFixture, tmp_path: Path
) -> None:
    rita = await WireClient.open(server, "rita")
    await rita.sync()
    olle = await WireClient.open(server, "olle")
    await olle.sync()
    await olle.edit("parking", lambda t: t.insert(0, "Från kommandoraden. "))
    await olle.wait_for(lambda: olle.of_type("ack"))
    db = ["--db", db_url]

    code, _, err = await km(capsys, "publish", "parking", "--by", "rita", *db)
    assert code == 2 and "may not publish" in err
    code, out, _ = await km(
        capsys, "publish", "parking", "--note", "från konsolen", "--by", "olle", *db
    )
    assert code == 0 and "revision 2" in out
    await rita.wait_for(lambda: rita.published_text("parking").startswith("Från kommandoraden."))
    assert rita.metas["parking"]["published"]["note"] == "från konsolen"
    code, _, err = await km(capsys, "publish", "parking", *db)
    assert code == 2 and "nothing to publish" in err

    code, out, _ = await km(capsys, "history", "parking", "--json", *db)
    assert [r["rev"] for r in json.loads(out)] == [2, 1]
    code, out, _ = await km(capsys, "diff", "parking", "1", "2", *db)
    assert "1 change" in out and "{+Från kommandoraden. +}" in out
    code, out, _ = await km(capsys, "diff", "parking", "2", "working", *db)
    assert "no changes" in out

    code, out, _ = await km(capsys, "archive", "parking", *db)
    assert code == 0
    await rita.wait_for(lambda: "parking" not in rita.metas)
    await km(capsys, "archive", "parking", "--undo", *db)
    await rita.wait_for(lambda: "parking" in rita.metas)
    code, out, _ = await km(capsys, "restore", "parking", "1", "--by", "olle", *db)
    assert code == 0 and "as revision 3" in out
    await rita.wait_for(lambda: not rita.published_text("parking").startswith("Från"))
    code, out, _ = await km(capsys, "verify", "parking", "--by", "olle", *db)
    assert code == 0

    code, out, _ = await km(capsys, "audit", "--doc", "parking", "--json", *db)
    actions = [e["action"] for e in json.loads(out)]
    assert actions == ["verify", "restore", "unarchive", "archive", "publish"]
    code, out, _ = await km(capsys, "audit", "--since", "not a date", *db)
    assert code == 2
    code, out, _ = await km(capsys, "overdue", "--json", *db)
    assert json.loads(out) == []

    code, out, _ = await km(capsys, "export", str(tmp_path / "work"), "--working", *db)
    assert "working copies" in out and (tmp_path / "work" / "draft.md").exists()
    code, out, _ = await km(capsys, "export", str(tmp_path / "pub"), *db)
    assert not (tmp_path / "pub" / "draft.md").exists()  # never published
    await rita.close()
    await olle.close()


async def test_import_publishes_what_changed_and_is_idempotent(
    server, db_url: str, capsys: pytest.CaptureFixture, tmp_path: Path
) -> None:
    rita = await WireClient.open(server, "rita")
    await rita.sync()
    db = ["--db", db_url]
    await km(capsys, "export", str(tmp_path / "kb"), *db)
    page = tmp_path / "kb" / "school.md"
    page.write_text(page.read_text(encoding="utf-8") + "Ansök senast 31 januari.\n", "utf-8")
    code, out, _ = await km(capsys, "import", str(tmp_path / "kb"), *db)
    assert code == 0 and "1 updated" in out and "published 1" in out
    await rita.wait_for(lambda: "31 januari" in rita.published_text("school"))
    assert rita.metas["school"]["published"]["note"] == "school.md"
    code, out, _ = await km(capsys, "import", str(tmp_path / "kb"), *db)
    assert "0 updated" in out and "published 0" in out
    await rita.close()
