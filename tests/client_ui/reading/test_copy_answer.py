"""Answers in one key: the section under the caret (or the whole answer) on the clipboard
as clean text with an HTML flavour, and a visible "copied" confirmation."""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtGui import QGuiApplication, QTextCursor, QTextDocument
from pytestqt.qtbot import QtBot

from kmclient.core.answer_html import answer_html
from kmclient.core.sections import find_section, plain_text, sections
from kmclient.ui.shell.window import MainWindow
from tests.client_ui.fixtures_ui import *  # noqa: F403
from tests.client_ui.fixtures_ui import WAIT_MS, Windows, press

DOC = "parking-residential-permit"
FEES = """Fees

Zone | Per month | Per year (paid in advance)
Zone A (city centre) | 950 SEK | 10,450 SEK
Zone B (inner suburbs) | 550 SEK | 6,050 SEK
Zone C (outer areas) | 300 SEK | 3,300 SEK

Paying for a full year gives one month free. Permits are not refunded for partial \
months, except when the citizen moves out of the zone (see Refunds and overpayments).
"""


def caret_at(w: MainWindow, words: str) -> None:
    reader = w.doc_view.reader
    found = reader.document().find(words, 0, QTextDocument.FindFlag(0))
    assert not found.isNull()
    cursor = QTextCursor(reader.document())
    cursor.setPosition(found.selectionStart() + 2)  # a click inside the words
    reader.setTextCursor(cursor)
    reader.ensureCursorVisible()
    reader.setFocus()


def clipboard() -> tuple[str, str]:
    data = QGuiApplication.clipboard().mimeData()
    return data.text(), data.html()


def test_markdown_becomes_clean_text_and_simple_html() -> None:
    source = "## Fees\n\n- **Zone A**: 950 SEK, see [the map](https://example.org/map)\n"
    assert (
        plain_text(source) == "Fees\n\n• Zone A: 950 SEK, see the map (https://example.org/map)\n"
    )
    rich = answer_html(source)
    assert "<h2>Fees</h2>" in rich and "<li><strong>Zone A</strong>" in rich
    assert '<a href="https://example.org/map">the map</a>' in rich
    titles = [s.title for s in sections("intro\n\n# Title\n\n## A\n\ntext\n\n### A.1\n\n## B\n")]
    assert titles == ["", "Title", "A", "A.1", "B"]


def test_the_section_under_the_caret_in_one_key(qtbot: QtBot, windows: Windows) -> None:
    anna = windows.open("anna")
    assert anna.open_doc(DOC)
    caret_at(anna, "Paying for a full year")
    QGuiApplication.clipboard().clear()
    press(qtbot, anna, "Ctrl+Shift+C")
    text, rich = clipboard()
    assert text == FEES  # no "**", no "|---|", no "#"
    assert "<table" in rich and "<th>Zone</th>" in rich and "<h2>Fees</h2>" in rich
    header = anna.doc_view.header
    assert header.notice.isVisible() and header.notice_text.startswith("Copied “Fees”")
    reader = anna.doc_view.reader
    assert reader.flashed is not None  # the copied part lights up
    start, end = reader.flashed
    shown = reader.document().toPlainText()
    assert "Fees" in shown[start : start + 10] and "Who can get one" not in shown[start:end]

    # Scrolled to another section without clicking: what is on screen is copied.
    found = reader.document().find("How the citizen applies", 0, QTextDocument.FindFlag(0))
    cursor = QTextCursor(reader.document())
    reader.setTextCursor(cursor)  # the caret at the very top, out of sight below
    bar = reader.verticalScrollBar()
    bar.setValue(bar.value() + reader.cursorRect(found).top())
    top = reader.cursorForPosition(QPoint(8, 8))
    assert reader.document().findBlock(top.position()).text().startswith("How the citizen")
    press(qtbot, anna, "Ctrl+Shift+C")
    assert clipboard()[0].startswith("How the citizen applies\n\n1. Apply through the e-service")

    # The whole answer, with its title.
    press(qtbot, anna, "Ctrl+Alt+C")
    text, rich = clipboard()
    assert text.startswith("Residential parking permit\n\nA residential parking permit")
    assert "Common questions" in text and "<h1>Residential parking permit</h1>" in rich
    assert header.notice_text.startswith("Copied the whole answer")


def test_in_the_source_editor_the_caret_decides(qtbot: QtBot, windows: Windows) -> None:
    olle = windows.open("olle")
    assert olle.open_doc(DOC)
    olle.doc_view.set_editing(True)
    source = olle.doc_view.text() or ""
    section = find_section(source, "Who can get one")
    assert section is not None
    cursor = olle.doc_view.editor.textCursor()
    cursor.setPosition(section.start + 30)
    olle.doc_view.editor.setTextCursor(cursor)
    press(qtbot, olle, "Ctrl+Shift+C")
    text = clipboard()[0]
    assert text.startswith("Who can get one\n\n• The applicant must be registered")
    assert "Fees" not in text
    # The button in the header does the same; its menu has the whole answer.
    assert olle.copy.button.isVisible()
    assert [a.text() for a in olle.copy.button.menu().actions()][-1] == "Copy the &whole answer"
    qtbot.waitUntil(lambda: olle.doc_view.header.notice.isVisible(), timeout=WAIT_MS)


def test_an_editor_copying_unpublished_words_is_told_so(qtbot: QtBot, windows: Windows) -> None:
    olle = windows.open("olle")  # the owner reads the working copy
    assert olle.open_doc(DOC)
    doc = olle.engine.open_doc(DOC)
    body = doc["body"]
    body.insert(len(str(body)), "\n\n## Zone E\n\nNew from 1 July.\n")
    olle.engine.close_doc(DOC)
    qtbot.waitUntil(lambda: "Zone E" in olle.doc_view.reader.toPlainText(), timeout=WAIT_MS)
    header = olle.doc_view.header
    press(qtbot, olle, "Ctrl+Alt+C")
    assert "Zone E" in clipboard()[0]
    assert "not published yet" in header.notice_text
    caret_at(olle, "Paying for a full year")  # a section readers have word for word
    press(qtbot, olle, "Ctrl+Shift+C")
    assert clipboard()[0] == FEES
    assert header.notice_text.startswith("Copied “Fees”: paste it")
    caret_at(olle, "New from 1 July")
    press(qtbot, olle, "Ctrl+Shift+C")
    assert "not published yet" in header.notice_text
