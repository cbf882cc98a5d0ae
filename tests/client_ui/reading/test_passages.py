"""A passage selected in the reading view is anchored to exactly that passage, also when
it crosses bold text or a link (issue 11, item 7); before, such a selection silently
flagged the whole document. And the way back: a source passage shown selected."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kmclient.core.passage_match import find_passage
from tests.client_ui.fixtures_ui import *  # noqa: F403
from tests.client_ui.fixtures_ui import WAIT_MS, Windows, press, select_in_reader

DOC = "parking-residential-permit"
ACROSS_BOLD = "must be registered (folkbokförd) at an address"


def test_words_are_found_across_markup() -> None:
    source = (
        "# Fees\n\nThe applicant must be **registered (folkbokförd) at an address**.\n\n"
        "1. Apply in the [e-service](https://example.org/apply) and log in.\n"
        "2. Pay &amp; wait for the *confirmation*.\n\n"
        "A permit per car. A permit per car.\n"
    )

    def passage(selected: str, where: float | None = None) -> str | None:
        span = find_passage(source, selected, where)
        return None if span is None else source[span[0] : span[1]]

    assert passage("must be registered (folkbokförd) at") == "must be **registered (folkbokförd) at"
    link = "Apply in the [e-service](https://example.org/apply) and log in."
    assert passage("Apply in the e-service and log in.") == link
    assert passage("log in.\nPay & wait") == "log in.\n2. Pay &amp; wait"  # "2." is not shown
    assert passage("gistered (folk") == "gistered (folk"  # cut words at both ends
    assert passage("the confirmation.") == "the *confirmation*."
    assert passage("REGISTERED") == "registered"  # case only if nothing else matches
    assert passage("nothing like this") is None
    first = find_passage(source, "A permit per car.", 0.0)
    second = find_passage(source, "A permit per car.", 1.0)
    assert first and second and first[0] < second[0]  # repeats: the one where it was selected


def test_a_selection_across_bold_flags_that_passage(qtbot: QtBot, windows: Windows) -> None:
    anna, olle = windows.open("anna"), windows.open("olle")
    assert anna.open_doc(DOC)
    select_in_reader(anna, ACROSS_BOLD)
    anna.doc_view.reader.setFocus()
    press(qtbot, anna, "Ctrl+Shift+F")
    dialog = anna.flag_actions.dialog
    assert dialog is not None and dialog.passage is not None  # not the whole document
    start, end = dialog.passage
    assert anna.engine.text(DOC)[start:end] == "must be **registered (folkbokförd) at an address"
    assert ACROSS_BOLD in dialog.quote.text()
    qtbot.keyClick(dialog.urgency, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(olle.engine.flag_inbox()) == 1, timeout=WAIT_MS)
    # The owner opens it from the inbox: the same words are selected in his reading view.
    assert olle.flag_actions.open_flag(olle.engine.flag_inbox()[0])
    shown = olle.doc_view.reader.textCursor().selectedText()
    assert shown == ACROSS_BOLD


def test_the_flag_dialog_quotes_the_words_as_they_are(qtbot: QtBot, windows: Windows) -> None:
    from kmclient.ui.feedback.flag_dialog import FlagDialog

    anna = windows.open("anna")
    words = 'marked "Boende" <b>here</b> & there'
    dialog = FlagDialog(anna.engine, DOC, (0, 10), words, anna)
    qtbot.addWidget(dialog)
    assert dialog.quote.textFormat() == Qt.TextFormat.PlainText
    assert dialog.quote.text() == f"“{words}”"  # no &quot; or &amp; on screen
