"""The status bar fits half a screen in Swedish while everything in it shows at once (a
first sync with indexing, unsent changes, the indicators, a long user line): a
QStatusBar is as wide as the sum of its parts, and a wider one grew the window past
the screen for good."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kmclient.core.model import ConnState, IndexProgress, SyncStatus
from kmclient.ui import i18n
from tests.client_ui.fixtures_ui import *  # noqa: F403
from tests.client_ui.fixtures_ui import Windows

HALF_SCREEN = 800  # 1600 px halved


def test_the_status_bar_fits_half_a_screen_during_a_first_sync(
    qtbot: QtBot, qapp: QApplication, windows: Windows
) -> None:
    i18n.install(qapp, "sv")
    try:
        w = windows.open("anna", online=False)
        bar = w.status
        # the engine's own status and index news would overwrite what is set here
        w.bridge.blockSignals(True)
        bar.show_status(SyncStatus(ConnState.SYNCING, done=4_200, total=10_000, unconfirmed=3))
        bar._show_pending()  # "sending 3 changes…" at once, not after its delay
        bar.show_index(IndexProgress(done=1_234, total=10_000))
        bar.set_user("Inloggad som anna.andersson-lindqvist · handläggare")
        QApplication.processEvents()
        assert bar.index.isVisible() and bar.progress.isVisible() and bar.pending.isVisible()
        assert bar.minimumSizeHint().width() <= HALF_SCREEN
        w.bridge.blockSignals(False)
    finally:
        i18n.install(qapp, "en")
