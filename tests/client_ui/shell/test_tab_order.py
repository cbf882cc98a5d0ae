"""Tab goes search box → scope switch → tree → the document's buttons → the document,
as docs/ui.md says (it went from the status bar to the strip and only then to the
search box: the order the staged window had made its widgets in)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from tests.client_ui.fixtures_ui import *  # noqa: F403
from tests.client_ui.fixtures_ui import Windows

DOC = "parking-residential-permit"


def tab_stops(start: QWidget, count: int) -> list[QWidget]:
    start.setFocus(Qt.FocusReason.TabFocusReason)
    stops = [start]
    for _ in range(count):
        current = QApplication.focusWidget()
        assert current is not None
        current.focusNextChild()  # what Tab does
        QApplication.processEvents()
        stops.append(QApplication.focusWidget())
    return stops


def test_tab_goes_from_the_search_box_through_the_document_and_back(
    qtbot: QtBot, windows: Windows
) -> None:
    w = windows.open("olle")
    w.activateWindow()
    assert w.open_doc(DOC)
    header = w.doc_view.header
    stops = tab_stops(w.sidebar.search_box, 12)
    expected = [
        w.sidebar.search_box,
        w.sidebar.scope.mine,  # the checked one: arrows move within the switch, as radios
        w.tree,
        *[b for b in header.buttons_in_order() if b.isVisibleTo(w)],
        w.doc_view.reader,
    ]
    assert stops[: len(expected)] == expected
