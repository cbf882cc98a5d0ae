"""Tool windows (notifications, flag inbox, history, review queue) belong to their main
window (issue 11, item 3): Ctrl+W and Esc close the tool window, not the user's main
window; each has a Close button; they open on the screen; they close with their owner."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from kmclient.ui.shell.window import MainWindow
from tests.client_ui.fixtures_ui import *  # noqa: F403
from tests.client_ui.fixtures_ui import WAIT_MS, Windows, press

DOC = "parking-residential-permit"


def key_in(qtbot: QtBot, window: QWidget, key: Qt.Key, modifiers=Qt.KeyboardModifier.NoModifier):
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=WAIT_MS)
    qtbot.keyClick(QApplication.focusWidget() or window, key, modifiers)


def close_button(window: QWidget) -> QPushButton:
    buttons = [b for b in window.findChildren(QPushButton) if b.objectName() == "closeToolWindow"]
    assert len(buttons) == 1
    return buttons[0]


def on_screen(window: QWidget) -> bool:
    area = window.screen().availableGeometry()
    return area.contains(window.frameGeometry())


def tool_windows(w: MainWindow) -> list[QWidget]:
    w.notify.show_centre()
    inbox = w.flag_actions.show_inbox()
    assert w.open_doc(DOC)
    history = w.publish_actions.open_history()
    queue = w.publish_actions.open_review_queue()
    found = [w.notify.centre, inbox, history, queue]
    assert all(found)
    return found  # type: ignore[return-value]


def test_ctrl_w_and_esc_close_the_tool_window_not_the_main_window(
    qtbot: QtBot, windows: Windows
) -> None:
    olle = windows.open("olle")
    press(qtbot, olle, "Ctrl+Shift+N")
    centre = olle.notify.centre
    assert centre is not None and centre.isVisible()
    key_in(qtbot, centre, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not centre.isVisible(), timeout=WAIT_MS)
    assert olle.isVisible() and not olle.bridge.is_closed  # the main window is untouched

    press(qtbot, olle, "Ctrl+Shift+I")
    inbox = olle.flag_actions.inbox
    assert inbox is not None and inbox.isVisible()
    key_in(qtbot, inbox, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not inbox.isVisible(), timeout=WAIT_MS)
    assert olle.isVisible()


def test_each_tool_window_has_a_close_button_and_opens_on_the_screen(
    qtbot: QtBot, windows: Windows
) -> None:
    olle = windows.open("olle")
    area = olle.screen().availableGeometry()
    olle.resize(640, 600)
    olle.move(area.right() - 300, area.bottom() - 400)  # half off the right edge
    for window in tool_windows(olle):
        qtbot.waitUntil(window.isVisible, timeout=WAIT_MS)
        assert on_screen(window), (window.objectName(), window.frameGeometry(), area)
        button = close_button(window)
        assert button.isVisible()
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda w=window: not w.isVisible(), timeout=WAIT_MS)
    assert olle.isVisible()


def test_tool_windows_close_with_their_main_window(qtbot: QtBot, windows: Windows) -> None:
    olle = windows.open("olle")
    olle.move(QPoint(0, 0))
    opened = tool_windows(olle)
    assert all(w.isVisible() for w in opened)
    olle.close()
    assert olle.bridge.is_closed
    assert not any(w.isVisible() for w in opened if _alive(w))


def _alive(widget: QWidget) -> bool:
    try:
        widget.objectName()
    except RuntimeError:  # deleted with its window: gone, which is fine
        return False
    return True
