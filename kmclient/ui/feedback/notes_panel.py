"""Private notes on a document: only their author sees them (on all their devices).

A list of the user's notes, oldest first; "Add" makes one from the text box
(on the selected passage if any), choosing a note puts its text in the box
for "Save" or "Delete"; clicking one selects its passage in the document.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kmclient.core.feedback_model import Note
from kmclient.core.model import RecordsChanged
from kmclient.ui.feedback.comments_panel import ENGINE_ERRORS
from kmclient.ui.i18n import tr
from kmclient.ui.reading.doc_view import DocView
from kmclient.ui.reading.passages import selected_passage, short_quote, show_passage
from kmclient.ui.shell.engine_bridge import EngineBridge
from kmclient.ui.words import age as age_text

NOTE_ROLE = Qt.ItemDataRole.UserRole + 40


class NotesPanel(QWidget):
    def __init__(self, bridge: EngineBridge, doc_view: DocView, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("notesPanel")
        self.engine = bridge.engine
        self.doc_view = doc_view
        self.doc_id: str | None = None
        hint = QLabel(tr("Only you see these notes."))
        hint.setObjectName("noteMeta")
        self.list = QListWidget()
        self.list.setObjectName("noteList")
        self.list.setWordWrap(True)
        self.list.setAccessibleName(tr("My private notes"))
        self.box = QPlainTextEdit()
        self.box.setObjectName("noteBox")
        self.box.setPlaceholderText(tr("A private note (e.g. what to tell callers)"))
        self.box.setTabChangesFocus(True)
        self.box.setFixedHeight(70)
        self.add = QPushButton(tr("&Add note"))
        self.save = QPushButton(tr("&Save"))
        self.delete = QPushButton(tr("De&lete"))
        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.delete)
        buttons.addStretch(1)
        buttons.addWidget(self.save)
        buttons.addWidget(self.add)
        box = QVBoxLayout(self)
        box.setContentsMargins(6, 6, 6, 6)
        box.addWidget(hint)
        box.addWidget(self.list, 1)
        box.addWidget(self.box)
        box.addLayout(buttons)
        box.addWidget(self.error)
        self.list.itemClicked.connect(self._on_clicked)
        self.list.currentItemChanged.connect(lambda *_: self._enable())
        self.box.textChanged.connect(self._enable)
        self.add.clicked.connect(self.add_note)
        self.save.clicked.connect(self.save_note)
        self.delete.clicked.connect(self.delete_note)
        bridge.recordsChanged.connect(self._on_records)
        self._enable()

    def show_doc(self, doc_id: str | None) -> None:
        self.doc_id = doc_id
        self.box.clear()
        self.refresh()

    def notes(self) -> list[Note]:
        return self.engine.notes(self.doc_id) if self.doc_id else []

    def refresh(self) -> None:
        keep = self.current_id()
        self.list.clear()
        for note in self.notes():
            where = (
                tr("On “{quote}”").format(quote=short_quote(note.anchor.quote, 50)) + " · "
                if note.anchor
                else ""
            )
            sent = " · " + tr("not sent yet") if note.pending else ""
            item = QListWidgetItem(f"{note.body}\n{where}{age_text(note.created_at)}{sent}")
            item.setData(NOTE_ROLE, note.id)
            self.list.addItem(item)
            if note.id == keep:
                self.list.setCurrentItem(item)
        self._enable()

    def current_id(self) -> str | None:
        item = self.list.currentItem()
        return str(item.data(NOTE_ROLE)) if item else None

    def _enable(self) -> None:
        text = bool(self.box.toPlainText().strip())
        chosen = self.current_id() is not None
        self.add.setEnabled(self.doc_id is not None and text)
        self.save.setEnabled(chosen and text)
        self.delete.setEnabled(chosen)

    def _on_clicked(self, item: QListWidgetItem) -> None:
        note = next((n for n in self.notes() if n.id == item.data(NOTE_ROLE)), None)
        if note is None:
            return
        self.box.setPlainText(note.body)
        if note.anchor is not None:
            span = self.engine.resolve_anchor(note)
            if span is not None:
                show_passage(self.doc_view, span)

    def _run(self, action: object) -> bool:
        try:
            action()  # type: ignore[operator]
        except ENGINE_ERRORS as exc:
            self.error.setText(str(exc))
            self.error.show()
            return False
        self.error.hide()
        return True

    def add_note(self) -> bool:
        body = self.box.toPlainText().strip()
        if not body or self.doc_id is None:
            return False
        passage = selected_passage(self.doc_view)
        done = self._run(lambda: self.engine.note(self.doc_id or "", body, passage))
        if done:
            self.box.clear()
        return done

    def save_note(self) -> bool:
        nid, body = self.current_id(), self.box.toPlainText().strip()
        return bool(nid and body) and self._run(lambda: self.engine.edit_note(nid or "", body))

    def delete_note(self) -> bool:
        nid = self.current_id()
        done = bool(nid) and self._run(lambda: self.engine.delete_note(nid or ""))
        if done:
            self.box.clear()
        return done

    def _on_records(self, event: RecordsChanged) -> None:
        if "note" in event.kinds and self.doc_id in event.doc_ids:
            self.refresh()
