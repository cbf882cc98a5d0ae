"""An edit told after it was published is not "not published yet" (the tour's pop-up
"olle changed Residential parking permit (not published yet)" came after olle had
published it and restored a version): the server tells an edit when its author has
paused, which can be after the change went out, and the centre keeps the row while
the document moves on."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kmclient.demo import DemoServer
from kmserver.server import ServerConfig
from tests.client_ui.fixtures_ui import *  # noqa: F403
from tests.client_ui.fixtures_ui import WAIT_MS, Windows
from tests.server.conftest import FakeClock

DOC = "parking-residential-permit"  # olle's; sara (supervisor) gets digests of his edits
TITLE = "Residential parking permit"
QUIET = 60.0  # seconds without a keystroke that end a burst of editing


class ClockedServer(DemoServer):
    """The demo server whose clock the test moves: a burst of editing ends, and is told,
    when the test says so (the real server and database; only the time is the test's)."""

    def __init__(self, db_path: Path) -> None:
        super().__init__(db_path=db_path)
        self.clock = FakeClock()

    def config(self) -> ServerConfig:  # the real one, with the test's clock and intervals
        return ServerConfig(
            db_url=self.db_url, host=self.host, port=self.port, limits=self.limits,
            clock=self.clock, feedback_tick=3600, edit_digest_after=QUIET,
        )  # fmt: skip

    def end_bursts(self) -> None:
        """A quiet spell passes: the server tells the bursts of editing that ended."""
        assert self.server is not None and self._loop is not None
        self.clock.advance(QUIET + 1)
        asyncio.run_coroutine_threadsafe(self.server.feedback.tick(), self._loop).result(30)


@pytest.fixture
def clocked(tmp_path: Path, demo_template: Path) -> Iterator[ClockedServer]:
    db = tmp_path / "server.db"
    shutil.copyfile(demo_template, db)
    server = ClockedServer(db).start()
    yield server
    server.stop()


def edit(w, text: str) -> None:  # type: ignore[no-untyped-def]
    doc = w.engine.open_doc(DOC)
    doc["body"].insert(0, text)
    w.engine.close_doc(DOC)


def edits_by_olle(w) -> list:  # type: ignore[no-untyped-def]
    return [n for n in w.engine.notifications() if n.event == "edit" and n.actor == "olle"]


def test_an_edit_told_after_it_was_published_is_not_said_unpublished(
    qtbot: QtBot, clocked: ClockedServer, tmp_path: Path
) -> None:
    windows = Windows(qtbot, clocked, tmp_path)
    try:
        sara, olle = windows.open("sara"), windows.open("olle")
        popups = sara.notify.popups.shown

        # Still unpublished when told: a pop-up says so.
        edit(olle, "Från 1 mars: ny avgift.\n\n")
        qtbot.waitUntil(lambda: olle.engine.status.unconfirmed == 0, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: "olle" in sara.engine.doc(DOC).unpublished_by, timeout=WAIT_MS)
        clocked.end_bursts()
        qtbot.waitUntil(lambda: len(edits_by_olle(sara)) == 1, timeout=WAIT_MS)
        unpublished = f"olle changed {TITLE} (not published yet)"
        assert (TITLE, unpublished) in popups

        # Published before the server tells it: no pop-up claiming it is not.
        edit(olle, "Zon D öppnar 1 juni.\n\n")
        qtbot.waitUntil(lambda: olle.engine.status.unconfirmed == 0, timeout=WAIT_MS)
        olle.engine.publish(DOC, "Zone D")
        qtbot.waitUntil(
            lambda: sara.engine.doc(DOC).rev == 2 and not sara.engine.doc(DOC).unpublished_by,
            timeout=WAIT_MS,
        )
        shown = len(popups)
        clocked.end_bursts()
        qtbot.waitUntil(lambda: len(edits_by_olle(sara)) == 2, timeout=WAIT_MS)
        assert all("not published yet" not in body for _title, body in popups[shown:])
        centre = sara.notify.show_centre()
        rows = [centre.list.item(i).text() for i in range(centre.list.count())]
        said = [row for row in rows if f"olle changed {TITLE}" in row]
        # Both rows, the first one too: what they say is true now.
        assert len(said) == 2 and all("(published since)" in row for row in said), rows
    finally:
        windows.close()
