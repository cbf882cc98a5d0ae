"""Creating documents and changing their details, through the real dialogs and the real
demo server: an owner's draft reaching a supervisor, publishing reaching a rep, a taken
id and a refused change shown inline, and every action on a key."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kmclient.core.model import ConnState
from kmclient.ui.editing.doc_details_dialog import DocDetailsDialog
from kmclient.ui.editing.new_doc_dialog import NewDocDialog
from kmclient.ui.editing.topic_picker import TOPIC_ROLE
from kmclient.ui.library.doc_tree_model import STATUS_ROLE
from kmclient.ui.publishing.publish_dialog import PublishDialog
from kmclient.ui.shell.shortcuts import all_keys
from kmclient.ui.shell.window import MainWindow
from tests.client_ui.fixtures_ui import *  # noqa: F403
from tests.client_ui.fixtures_ui import WAIT_MS, Windows, type_text

OWNED_BY_OLLE = "parking-residential-permit"


def press(qtbot: QtBot, w: MainWindow, shortcut: str) -> None:
    """A window shortcut, as a person presses it (with the window active)."""
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=WAIT_MS)
    sequence = QKeySequence(shortcut)[0]
    qtbot.keyClick(w.focusWidget() or w, sequence.key(), sequence.keyboardModifiers())


def tick_topic(dialog: NewDocDialog, topic: str) -> None:
    items = [dialog.topics.list.item(i) for i in range(dialog.topics.list.count())]
    item = next(i for i in items if i.data(TOPIC_ROLE) == topic)
    item.setCheckState(Qt.CheckState.Checked)


def tree_status(w: MainWindow, doc_id: str) -> str | None:
    indexes = w.model.indexes_of(doc_id)
    return indexes[0].data(STATUS_ROLE) if indexes else None


def test_owner_creates_a_draft_a_supervisor_publishes_it_a_rep_receives_it(
    qtbot: QtBot, windows: Windows
) -> None:
    olle, sara, anna = windows.open("olle"), windows.open("sara"), windows.open("anna")
    olle.tree.setFocus()
    press(qtbot, olle, "Ctrl+N")
    dialog = olle.findChild(NewDocDialog)
    assert dialog is not None and dialog.isVisible()
    type_text(dialog.title, "Boendeparkering i Årsta")
    assert dialog.doc_id.text() == "boendeparkering-i-arsta"  # derived, file-name safe
    tick_topic(dialog, "parking")
    qtbot.keyClick(dialog.title, Qt.Key.Key_Return)  # Enter creates
    new_id = "boendeparkering-i-arsta"
    # olle: the new draft opens for writing, clearly marked as a draft
    qtbot.waitUntil(lambda: olle.doc_view.doc_id == new_id, timeout=WAIT_MS)
    assert olle.doc_view.editing
    assert olle.doc_view.editor.toPlainText() == "# Boendeparkering i Årsta\n\n"
    header = olle.doc_view.header
    assert header.draft.isVisibleTo(olle) and header.draft.text() == "Draft"
    banner = olle.publish_actions.banner
    assert banner.state == "draft" and banner.publish.isVisibleTo(olle)  # his own: he publishes
    assert tree_status(olle, new_id) == "draft"
    # the supervisor's window receives it, as a draft
    qtbot.waitUntil(lambda: tree_status(sara, new_id) == "draft", timeout=WAIT_MS)
    assert not anna.engine.doc(new_id)  # a rep never sees a draft
    # olle publishes it with the keyboard: Ctrl+Shift+P, a note, Enter
    olle.doc_view.set_editing(False)
    olle.doc_view.reader.setFocus()
    press(qtbot, olle, "Ctrl+Shift+P")
    qtbot.waitUntil(lambda: olle.findChild(PublishDialog) is not None, timeout=WAIT_MS)
    publish = olle.findChild(PublishDialog)
    assert "The first version" in publish.summary.text()
    type_text(publish.note, "Nytt område")
    qtbot.keyClick(publish.note, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: olle.engine.doc(new_id).status == "published", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "Published" in header.notice_text, timeout=WAIT_MS)
    assert not banner.isVisibleTo(olle) and not header.draft.isVisibleTo(olle)
    # anna, a rep with the parking topic, now receives it with its text
    qtbot.waitUntil(lambda: anna.model.contains(new_id), timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: anna.engine.text(new_id) == "# Boendeparkering i Årsta\n\n", timeout=WAIT_MS
    )
    assert tree_status(anna, new_id) == "published"
    assert anna.engine.doc(new_id).published.note == "Nytt område"


def test_a_taken_id_is_said_inline_and_can_be_changed(qtbot: QtBot, windows: Windows) -> None:
    olle = windows.open("olle")
    dialog = olle.doc_actions.new_document()
    assert dialog is not None
    qtbot.keyClicks(dialog.title, "Residential parking permit")
    dialog.doc_id.clear()
    qtbot.keyClicks(dialog.doc_id, OWNED_BY_OLLE)
    dialog.submit()  # checked here first: no topic yet
    assert "at least one topic" in dialog.error_text() and dialog.create_button.isEnabled()
    dialog.topics.new_topic.setFocus()
    type_text(dialog.topics.new_topic, "Boende i Årsta")
    qtbot.keyClick(dialog.topics.new_topic, Qt.Key.Key_Return)  # adds it, does not create
    assert dialog.topics.topics() == ["boende-i-arsta"] and dialog.isVisible()
    dialog.submit()
    assert not dialog.create_button.isEnabled()  # waiting for the server
    qtbot.waitUntil(lambda: "That id is taken" in dialog.error_text(), timeout=WAIT_MS)
    assert dialog.isVisible() and dialog.create_button.isEnabled()
    assert dialog.doc_id.hasFocus() and dialog.doc_id.selectedText() == OWNED_BY_OLLE
    qtbot.keyClicks(dialog.doc_id, "parking-residential-permit-2")
    with qtbot.waitSignal(dialog.created, timeout=WAIT_MS):
        qtbot.keyClick(dialog.doc_id, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: olle.doc_view.doc_id == "parking-residential-permit-2", timeout=WAIT_MS)


def test_enter_after_a_clicked_create_was_refused_does_not_cancel(
    qtbot: QtBot, windows: Windows
) -> None:
    """Create had the focus when it was disabled for the wait; Cancel took the focus,
    and with it the default: Enter then closed the dialog and lost what was typed."""
    olle = windows.open("olle")
    olle.activateWindow()
    dialog = olle.doc_actions.new_document()
    assert dialog is not None
    qtbot.keyClicks(dialog.title, "Residential parking permit")
    dialog.doc_id.clear()
    qtbot.keyClicks(dialog.doc_id, OWNED_BY_OLLE)
    type_text(dialog.topics.new_topic, "Boende")
    qtbot.keyClick(dialog.topics.new_topic, Qt.Key.Key_Return)
    dialog.create_button.setFocus()
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "That id is taken" in dialog.error_text(), timeout=WAIT_MS)
    assert dialog.create_button.isDefault()
    qtbot.keyClick(QApplication.focusWidget() or dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "That id is taken" in dialog.error_text(), timeout=WAIT_MS)
    assert dialog.isVisible() and dialog.result() == 0
    assert dialog.title.text() == "Residential parking permit"


def test_a_refused_details_change_is_shown_calmly(qtbot: QtBot, windows: Windows) -> None:
    olle, sara = windows.open("olle"), windows.open("sara")
    assert olle.open_doc(OWNED_BY_OLLE)
    olle.doc_view.reader.setFocus()
    press(qtbot, olle, "Alt+Return")
    dialog = olle.findChild(DocDetailsDialog)
    assert dialog is not None and dialog.isVisible()
    assert not dialog.supervisor  # an owner: title and topics only
    dialog.title.setText("Residential parking permit (2027)")
    # meanwhile a supervisor hands the document to karin
    sara.engine.set_meta(OWNED_BY_OLLE, owner="karin")
    qtbot.waitUntil(lambda: not olle.engine.doc(OWNED_BY_OLLE).can_edit, timeout=WAIT_MS)
    qtbot.keyClick(dialog.title, Qt.Key.Key_Return)  # Save
    qtbot.waitUntil(lambda: dialog.error_text() != "", timeout=WAIT_MS)
    assert dialog.error_text().startswith("Not saved: you may not change that")
    assert dialog.isVisible() and dialog.save_button.isEnabled()
    assert olle.engine.doc(OWNED_BY_OLLE).title == "Residential parking permit"
    assert olle.engine.status.error is None  # said in the dialog, not as a connection problem
    dialog.reject()
    assert not olle.doc_actions.details.isEnabled()  # no longer his to change


def test_supervisor_changes_audience_editors_and_review_in_details(
    qtbot: QtBot, windows: Windows
) -> None:
    sara, olle = windows.open("sara"), windows.open("olle")
    assert sara.open_doc(OWNED_BY_OLLE)
    dialog = sara.doc_actions.show_details()
    assert dialog is not None and dialog.supervisor
    dialog.audience.everyone.setChecked(False)
    dialog.audience.roles["supervisor"].setChecked(True)
    dialog.editors.setText("karin")
    dialog.review_required.setChecked(True)
    dialog.review_every.setValue(90)
    assert dialog.changes() == {
        "review_required": True,
        "review_every": 90,
        "audience": ["supervisor"],
        "editors": ["karin"],
    }
    with qtbot.waitSignal(dialog.saved, timeout=WAIT_MS):
        dialog.submit()
    info = sara.engine.doc(OWNED_BY_OLLE)
    assert (info.audience, info.editors, info.review_required) == (
        ("supervisor",),
        ("karin",),
        True,
    )
    # the owner now submits instead of publishing
    assert olle.open_doc(OWNED_BY_OLLE)
    qtbot.waitUntil(lambda: olle.engine.doc(OWNED_BY_OLLE).review_required, timeout=WAIT_MS)
    assert olle.publish_actions.publish.text() == "&Submit for review…"


def test_reps_and_admins_cannot_create_or_change(qtbot: QtBot, windows: Windows) -> None:
    anna = windows.open("anna")
    assert not anna.doc_actions.new_doc.isEnabled()
    assert anna.doc_actions.new_document() is None
    assert anna.open_doc(OWNED_BY_OLLE)
    assert not anna.doc_actions.details.isEnabled()
    assert not anna.publish_actions.publish.isEnabled()
    assert anna.publish_actions.open_publish() is None
    assert not anna.doc_view.header.details.isVisibleTo(anna)


def test_every_menu_shortcut_is_in_the_keyboard_list(qtbot: QtBot, windows: Windows) -> None:
    w = windows.open("sara")
    keys_text = all_keys()
    missing = []
    for menu_action in w.menuBar().actions():
        for action in menu_action.menu().actions():
            for shortcut in action.shortcuts():
                text = shortcut.toString(QKeySequence.SequenceFormat.PortableText)
                if text not in keys_text:
                    missing.append((action.text(), text))
    assert missing == [], missing
    for new in ("Ctrl+N", "Alt+Return", "Ctrl+Shift+P", "F3", "Esc"):
        assert new in keys_text
    box = w._show_shortcuts()
    qtbot.addWidget(box)
    assert "Ctrl+N" in [keys.text() for keys, _what in box.rows]


def test_offline_the_dialogs_say_so_instead_of_waiting(qtbot: QtBot, windows: Windows) -> None:
    sara = windows.open("sara")
    assert sara.open_doc(OWNED_BY_OLLE)
    windows.server.stop()
    qtbot.waitUntil(lambda: sara.engine.status.state == ConnState.OFFLINE, timeout=WAIT_MS)
    dialog = sara.doc_actions.new_document()
    assert dialog is not None
    type_text(dialog.title, "Snöröjning")  # not keyClicks: non-ASCII aborts Qt
    tick_topic(dialog, "parking")
    dialog.submit()
    assert dialog.error_text().startswith("You are offline")
    assert dialog.create_button.isEnabled() and dialog.isVisible()
    dialog.reject()
    details = sara.doc_actions.show_details()
    assert details is not None
    details.title.setText("Residential parking permit (offline)")
    details.submit()
    assert details.error_text().startswith("You are offline")


def test_publish_at_once_reaches_readers(qtbot: QtBot, windows: Windows) -> None:
    olle, anna = windows.open("olle"), windows.open("anna")
    dialog = olle.doc_actions.new_document()
    assert dialog is not None and dialog.publish_now.isVisibleTo(dialog)
    type_text(dialog.title, "Snöröjning på gator")
    tick_topic(dialog, "parking")
    dialog.publish_now.setChecked(True)
    dialog.submit()
    doc_id = "snorojning-pa-gator"
    qtbot.waitUntil(lambda: anna.model.contains(doc_id), timeout=WAIT_MS)
    assert anna.engine.doc(doc_id).published.note == "First version"


def test_supervisor_puts_an_article_in_the_public_help_centre(
    qtbot: QtBot, windows: Windows
) -> None:
    import urllib.request

    def help_index() -> str:
        url = f"http://127.0.0.1:{windows.server.port}/help/"
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode()

    sara = windows.open("sara")
    assert sara.open_doc(OWNED_BY_OLLE)
    title = sara.engine.doc(OWNED_BY_OLLE).title
    assert title not in help_index()
    dialog = sara.doc_actions.show_details()
    assert dialog is not None and not dialog.audience.public.isChecked()
    dialog.audience.public.setChecked(True)
    assert dialog.changes()["audience"] == ["everyone", "public"]
    with qtbot.waitSignal(dialog.saved, timeout=WAIT_MS):
        dialog.submit()
    qtbot.waitUntil(lambda: title in help_index(), timeout=WAIT_MS)

    # public alone would hide it from staff: a role or everyone is still asked for
    dialog = sara.doc_actions.show_details()
    assert dialog is not None and dialog.audience.public.isChecked()
    dialog.audience.everyone.setChecked(False)
    assert not dialog.audience.roles_chosen()
    dialog.reject()
