"""The Swedish UI, as each role sees it: no English left on screen.

Windows for a rep (anna), an owner (olle) and a supervisor (sara) open in Swedish
with a document, their menus (dynamic ones filled as on opening), the main
dialogs and the tool windows. Every text a person can see there (labels,
buttons, actions, menu titles, window titles, tabs, placeholders, table and
tree headers, list rows, combo items, tooltips, accessible names) is compared
with the English source strings of resources/i18n/kmclient_sv.ts: a text that
is an English source (or a template of one, filled in) whose Swedish differs
fails the test, naming where it was found.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QAction, QTextDocumentFragment
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QPlainTextEdit,
    QTableWidget,
    QTabWidget,
    QTreeWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from kmclient.demo import DemoServer
from kmclient.ui import i18n
from kmclient.ui.shell import language_menu
from kmclient.ui.shell.window import MainWindow
from tests.client_ui.fixtures_ui import *  # noqa: F403
from tests.client_ui.fixtures_ui import WAIT_MS, Windows

SV_TS = Path(__file__).resolve().parents[3] / "resources" / "i18n" / "kmclient_sv.ts"
DOC = "parking-residential-permit"  # olle's; in anna's topics
PLACEHOLDER = re.compile(r"\{[a-z_]+\}|%\d|%n")


def _plain(text: str) -> str:
    if "<" in text and ">" in text:
        text = QTextDocumentFragment.fromHtml(text).toPlainText()
    return " ".join(text.replace("&&", "\x00").replace("&", "").replace("\x00", "&").split())


class English:
    """The source strings whose Swedish differs: exact texts and filled-in templates."""

    def __init__(self, ts: Path) -> None:
        self.exact: set[str] = set()
        patterns = []
        for m in ET.parse(ts).iter("message"):
            source = m.findtext("source") or ""
            translation = m.find("translation")
            assert translation is not None
            swedish = [f.text or "" for f in translation.findall("numerusform")] or [
                translation.text or ""
            ]
            if all(_plain(s) == _plain(source) for s in swedish):
                continue  # the same in both languages ("Online", "Version {rev}")
            plain = _plain(source)
            if PLACEHOLDER.search(plain):
                parts = PLACEHOLDER.split(plain)
                if sum(len(p.strip(" ·:,.()“”")) for p in parts) >= 6:  # enough words
                    patterns.append(".+?".join(re.escape(p) for p in parts))
            else:
                self.exact.add(plain)
        self.template = re.compile("|".join(f"(?:{p})" for p in patterns))

    def matches(self, text: str) -> bool:
        plain = _plain(text)
        lines = [plain, *(_plain(line) for line in text.splitlines() if line.strip())]
        return any(
            line in self.exact or self.template.fullmatch(line) is not None for line in lines
        )


def texts_of(widget: QWidget) -> Iterator[tuple[str, str]]:
    """(where, text) for everything a person can read in ``widget`` and its children."""
    name = f"{type(widget).__name__}#{widget.objectName()}"
    yield f"{name} title", widget.windowTitle()
    for child in [widget, *widget.findChildren(QWidget)]:
        where = f"{name} > {type(child).__name__}#{child.objectName()}"
        yield f"{where} tooltip", child.toolTip()
        yield f"{where} accessible name", child.accessibleName()
        if isinstance(child, (QLabel, QAbstractButton)):
            yield where, child.text()
        elif isinstance(child, QLineEdit | QPlainTextEdit):
            yield f"{where} placeholder", child.placeholderText()
        if isinstance(child, QTabWidget):
            for i in range(child.count()):
                yield f"{where} tab", child.tabText(i)
        elif isinstance(child, QComboBox):
            for i in range(child.count()):
                yield f"{where} item", child.itemText(i)
        elif isinstance(child, QListWidget):
            for i in range(child.count()):
                yield f"{where} row", child.item(i).text()
                yield f"{where} row tooltip", child.item(i).toolTip()
        elif isinstance(child, QTableWidget):
            for i in range(child.columnCount()):
                header = child.horizontalHeaderItem(i)
                yield f"{where} header", header.text() if header else ""
        elif isinstance(child, QTreeWidget):
            header = child.headerItem()
            for i in range(header.columnCount()):
                yield f"{where} header", header.text(i)
            for i in range(child.topLevelItemCount()):
                yield f"{where} row", child.topLevelItem(i).text(0)
        for action in child.actions():
            yield from action_texts(action, where)


def action_texts(action: QAction, where: str) -> Iterator[tuple[str, str]]:
    yield f"{where} action", action.text()
    yield f"{where} action tooltip", action.toolTip() if action.toolTip() != action.text() else ""
    menu = action.menu()
    if isinstance(menu, QMenu):
        yield from menu_texts(menu, f"{where} ▸ {_plain(menu.title())}")


def menu_texts(menu: QMenu, where: str) -> Iterator[tuple[str, str]]:
    menu.aboutToShow.emit()  # menus filled on opening (New window as, Watch, Go)
    yield f"{where} menu", menu.title()
    for action in menu.actions():
        yield from action_texts(action, where)


def window_texts(window: MainWindow) -> Iterator[tuple[str, str]]:
    for action in window.menuBar().actions():
        yield from action_texts(action, "menu bar")
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible() and not isinstance(widget, QMenu):
            yield from texts_of(widget)


def english_left(english: English, windows: list[MainWindow]) -> list[str]:
    found = set()
    for window in windows:
        for where, text in window_texts(window):
            if text and english.matches(text):
                found.add(f"{where}: {text!r}")
    return sorted(found)


@pytest.fixture
def swedish(qtbot: QtBot, demo_server: DemoServer, tmp_path: Path) -> Iterator[Windows]:
    made = Windows(qtbot, demo_server, tmp_path, language="sv")
    yield made
    made.close()


def open_everything(qtbot: QtBot, w: MainWindow) -> None:
    """The document, its panels, and every dialog and tool window this role may open."""
    assert w.open_doc(DOC)
    role = w.engine.user.role if w.engine.user else ""
    w.side.show_page(w.side.comments)
    w._show_shortcuts()
    w._show_about()
    w.notify.show_centre()
    w.attention.open_since()
    w.attention.open_list()
    w.flag_actions.flag_document()
    w.publish_actions.open_history()
    if role in ("owner", "supervisor"):
        w.flag_actions.show_inbox()
        w.publish_actions.open_review_queue()
        w.doc_actions.new_document()
        w.doc_actions.show_details()
        w.doc_view.set_editing(True)
        w.publish_actions.open_publish()
    if role == "supervisor":
        w.attention.open_coverage()
        w.attention.open_broadcasts()
        w.attention.open_broadcast()
        w.attention.open_require_reading()
    qtbot.wait(1500)  # the server's answers (history, queue, coverage) fill the windows


def test_every_role_sees_swedish_only(qtbot: QtBot, swedish: Windows) -> None:
    assert i18n.language() == "sv"
    anna = swedish.open("anna")
    anna.engine.flag(DOC, "outdated", note="Avgiften är fel")  # a banner, and olle's inbox
    olle, sara = swedish.open("olle"), swedish.open("sara")
    qtbot.waitUntil(lambda: bool(olle.engine.flag_inbox()), timeout=WAIT_MS)
    assert olle.menuBar().actions()[0].text() == "&Arkiv"
    assert "ägare" in olle.windowTitle()  # "… — olle (ägare)"
    english = English(SV_TS)
    assert english.matches("&File") and english.matches("Signed in as olle · owner")
    assert not english.matches("Arkiv")
    for w in (anna, olle, sara):
        open_everything(qtbot, w)
    swedish.client.sign_in_dialog().show()  # a real server's first sign-in
    left = english_left(english, [anna, olle, sara])
    assert not left, "English in the Swedish UI:\n" + "\n".join(left)


def test_language_menu_stores_the_choice_and_says_a_restart_shows_it(
    qtbot: QtBot, windows: Windows
) -> None:
    olle = windows.open("olle")
    actions = olle.language_actions
    assert set(actions) == {"system", "en", "sv"}
    assert actions["en"].isChecked()
    assert actions["sv"].text() == "Svenska"
    box = language_menu.choose("sv", windows.client.settings, olle)
    assert box is not None and box.isVisible()
    assert box.text() == "The app will be in Svenska the next time you start it."
    assert "start the app again" in box.informativeText()
    note = olle.language_menu.actions()[-1]
    assert note.text() == "A new language shows after a restart" and not note.isEnabled()
    assert windows.client.settings.value(i18n.SETTINGS_KEY) == "sv"
    box.close()
    assert language_menu.choose("en", windows.client.settings, olle) is None  # no change
