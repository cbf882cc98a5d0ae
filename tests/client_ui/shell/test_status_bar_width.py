"""The status bar fits half a screen in Swedish while everything in it shows at once (a
first sync with indexing, unsent changes, a long user line): a QStatusBar is as wide as
the sum of its parts, and a wider one grew the window past the screen."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kmclient.core.model import ConnState, IndexProgress, SyncStatus
from kmclient.ui import i18n
from kmclient.ui.shell.status_bar import SyncStatusBar

HALF_SCREEN = 800  # 1600 px halved; the window's other parts need less


def test_the_status_bar_fits_half_a_screen_during_a_first_sync(
    qtbot: QtBot, qapp: QApplication
) -> None:
    i18n.install(qapp, "sv")
    try:
        bar = SyncStatusBar()
        qtbot.addWidget(bar)
        bar.show_status(SyncStatus(ConnState.SYNCING, done=4_200, total=10_000, unconfirmed=3))
        bar.show_index(IndexProgress(done=1_234, total=10_000))
        bar.show_synced("2026-11-30T02:16:00+00:00")
        bar.set_user("Inloggad som anna.andersson-lindqvist · handläggare")
        bar.show()
        assert bar.index.isVisible() and bar.progress.isVisible()
        assert bar.minimumSizeHint().width() < HALF_SCREEN - 200
    finally:
        i18n.install(qapp, "en")
