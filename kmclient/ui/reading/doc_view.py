"""The centre of the window: one open document, read or edited live with others.

Reading: the Markdown rendered (``MarkdownReader``), re-rendered as changes
arrive, with the changed part flashed and a quiet notice of who changed it;
opened from a search, the search words are marked (F3 walks them, Esc clears).
Readers see the latest published revision (a new one replaces it on screen,
flashed, with "what changed" one click away); editors see the working copy.
Editing (for documents with ``can_edit``): the source in a ``QPlainTextEdit``
bound to the document's shared ``Y.Text`` by ``YTextBinding`` (own-edits-only
undo, a caret that stays put, colleagues' changes tinted for a moment by
``EditFlash``), beside a live preview; colleagues' carets come from awareness
frames exchanged through the engine.

The pycrdt Doc comes from ``engine.open_doc`` and lives on the GUI thread;
everything here runs there.
"""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QTextCursor
from PySide6.QtWidgets import (
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kmclient.core.model import ConnState, DocChanged, DocInfo, SyncStatus
from kmclient.ui.editing.awareness import RENEW_EVERY, Awareness
from kmclient.ui.i18n import tr
from kmclient.ui.reading.doc_header import DocHeader
from kmclient.ui.reading.edit_flash import EditFlash
from kmclient.ui.reading.reader import MarkdownReader
from kmclient.ui.shell.engine_bridge import EngineBridge
from kmclient.ui.shell.theme import LIGHT, Colours, reading_font, source_font

if TYPE_CHECKING:  # pycrdt and the editor's binding: when a document is first opened
    from pycrdt import Doc, Text

    from kmclient.ui.editing.ytext_binding import YTextBinding

log = logging.getLogger(__name__)

AUTHOR_WAIT_MS = 400
FACTS_MS = 1000  # the header's "edited 14:02 by olle" follows one's own typing this often
MINUTE_MS = 60_000  # "published 5 min ago" moves on while the document stays open
RENDER_DELAY_MS = 120  # coalesce a burst of remote keystrokes into one re-render
CARET_SEND_MS = 40  # at most ~25 caret updates a second to the room


def reading_markdown(markdown: str, title: str) -> str:
    """The Markdown to render: without a first ``# heading`` that repeats the title
    already shown in the header."""
    first, _, rest = markdown.partition("\n")
    if first.startswith("# ") and first[2:].strip().casefold() == title.strip().casefold():
        return rest.lstrip("\n")
    return markdown


class SourceEditor(QPlainTextEdit):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("editor")
        self.setAccessibleName(tr("Markdown source"))
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setTabChangesFocus(False)
        self.document().setDocumentMargin(14)

    def sizeHint(self) -> QSize:
        return QSize(480, 400)


class DocView(QWidget):
    docOpened = Signal(str)
    editingChanged = Signal(bool)
    linkActivated = Signal(str)  # another document's id
    remoteChangeShown = Signal(str, str)  # doc id, notice text
    undoStateChanged = Signal(bool, bool)

    def __init__(self, bridge: EngineBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.engine = bridge.engine
        self.colours: Colours = LIGHT
        self._doc_id: str | None = None
        self._published = False  # showing the latest revision (a reader), not the working copy
        self._doc: Doc | None = None
        self._text: Text | None = None
        self._binding: YTextBinding | None = None
        self._awareness: Awareness | None = None
        self._flash_pending = False
        self._scale = 1.0
        self.editor_share = 0.5  # of the width, for the source while editing

        self.header = DocHeader()
        self.reader = MarkdownReader()
        self.editor = SourceEditor()
        self.editor.hide()
        self.edit_flash = EditFlash(self.editor)
        self._search_query = ""
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.editor)
        self.splitter.addWidget(self.reader)
        page = QWidget()
        col = QVBoxLayout(page)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(0)
        col.addWidget(self.header)
        col.addWidget(self.splitter, 1)

        self.empty = QLabel()
        self.empty.setObjectName("emptyHint")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.show_empty()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(page)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)

        self._render_timer = QTimer(self)
        self._render_timer.setSingleShot(True)
        self._render_timer.setInterval(RENDER_DELAY_MS)
        self._render_timer.timeout.connect(self._render)
        self._caret_timer = QTimer(self)
        self._caret_timer.setSingleShot(True)
        self._caret_timer.setInterval(CARET_SEND_MS)
        self._caret_timer.timeout.connect(self._send_local_state)
        # A change arrives before the server's note of who made it (the cursor frame
        # after the batch); wait this long for it before guessing from the carets.
        self._author_timer = QTimer(self)
        self._author_timer.setSingleShot(True)
        self._author_timer.setInterval(AUTHOR_WAIT_MS)
        self._author_timer.timeout.connect(lambda: self._announce_change(None))
        self._renew_timer = QTimer(self)
        self._renew_timer.setInterval(int(RENEW_EVERY * 1000))
        self._renew_timer.timeout.connect(self._renew_awareness)
        self._facts_timer = QTimer(self)
        self._facts_timer.setSingleShot(True)
        self._facts_timer.setInterval(FACTS_MS)
        self._facts_timer.timeout.connect(self.refresh_facts)
        self._minute_timer = QTimer(self)
        self._minute_timer.setInterval(MINUTE_MS)
        self._minute_timer.timeout.connect(self.refresh_facts)

        self.header.editToggled.connect(self.set_editing)
        self.reader.docLinkClicked.connect(self.linkActivated)
        self.reader.searchChanged.connect(self._on_search_changed)
        self.editor.cursorPositionChanged.connect(self._caret_timer.start)
        self.editor.selectionChanged.connect(self._caret_timer.start)
        bridge.docsChanged.connect(self._on_docs_changed)
        bridge.awarenessReceived.connect(self._on_awareness)
        bridge.changesAttributed.connect(self._on_changes_attributed)
        bridge.stateChanged.connect(self._on_status)  # not every unconfirmed 0 -> 1 -> 0
        self.apply_fonts()

    # -- what is open ----------------------------------------------------------------

    @property
    def doc_id(self) -> str | None:
        return self._doc_id

    @property
    def editing(self) -> bool:
        return self._binding is not None

    @property
    def binding(self) -> YTextBinding | None:
        return self._binding

    @property
    def awareness(self) -> Awareness | None:
        return self._awareness

    def text(self) -> str | None:
        return None if self._text is None else str(self._text)

    def open(self, doc_id: str) -> bool:
        """Show a document (reading). False if it is not in the profile."""
        if doc_id == self._doc_id:
            return True
        info = self.engine.doc(doc_id)
        if info is None:
            return False
        self.close_doc()
        self._attach(doc_id)
        self.header.clear_notice()  # it was about the document before
        self.header.show_doc(info)
        self.reader.clear()
        self._render()
        self.stack.setCurrentIndex(1)
        self._minute_timer.start()
        self.docOpened.emit(doc_id)
        return True

    def refresh_facts(self) -> None:
        """The header's facts again: who changed it last and when, how current it is."""
        info = self.info()
        if info is not None:
            self.header.show_doc(info)

    @property
    def showing_published(self) -> bool:
        """True for a reader: the latest published revision, never the working copy."""
        return self._published

    def _attach(self, doc_id: str) -> None:
        from kmserver.protocol.ytext import body

        info = self.engine.doc(doc_id)
        self._published = info is None or not info.working
        self._doc = self.engine.open_doc(doc_id, published=self._published)
        self._text = body(self._doc)
        self._doc_id = doc_id
        user = self.engine.user
        self._awareness = Awareness(self._doc.client_id, user.name if user else "me")
        self._send(self._awareness.set_local(None, editing=False))
        self._renew_timer.start()

    def _detach(self) -> None:
        """Let go of the Doc (editing stops first); the caller decides what is shown."""
        if self._doc_id is None:
            return
        self._stop_editing()
        if self._awareness is not None:
            self._send(self._awareness.leave())
        self._renew_timer.stop()
        self._render_timer.stop()
        self._facts_timer.stop()
        self._minute_timer.stop()
        doc_id = self._doc_id
        self._doc_id = self._doc = self._text = self._awareness = None
        with contextlib.suppress(RuntimeError):  # the engine closed first (window closing)
            self.engine.close_doc(doc_id, published=self._published)

    def close_doc(self) -> None:
        self._detach()
        self.header.show_peers([])
        self.show_empty()

    def show_empty(self, text: str | None = None) -> None:
        self.empty.setText(
            text
            or "<p style='font-size:15pt'>{}</p><p>{}</p>".format(
                tr("Find an answer"),
                tr("Press <b>Ctrl+K</b> and type, or pick a document on the left."),
            )
        )
        if hasattr(self, "stack"):
            self.stack.setCurrentIndex(0)

    # -- editing ---------------------------------------------------------------------

    def can_edit(self) -> bool:
        info = self.engine.doc(self._doc_id) if self._doc_id else None
        return bool(info and info.can_edit and info.working and not self._published)

    def set_editing(self, editing: bool) -> None:
        if editing == self.editing:
            self.header.set_editing(editing)
            return
        if editing:
            if self._text is None or not self.can_edit():
                self.header.set_editing(False)
                return
            from kmclient.ui.editing.ytext_binding import YTextBinding

            self._binding = YTextBinding(self.editor, self._text)
            self._binding.undoStateChanged.connect(self.undoStateChanged)
            self._binding.remoteEdited.connect(self.edit_flash.flash)
            self.editor.moveCursor(QTextCursor.MoveOperation.Start)
            self.editor.show()
            total = max(self.splitter.width(), 400)
            source = self.editor_share if 0.15 < self.editor_share < 0.85 else 0.5
            self.splitter.setSizes([int(total * source), total - int(total * source)])
            self.editor.setFocus()
            self._apply_peers()
            self._send_local_state()
        else:
            self._stop_editing()
            self._send_local_state()
        self.header.set_editing(editing)
        self.editingChanged.emit(editing)
        self.undoStateChanged.emit(self.can_undo(), self.can_redo())

    def _stop_editing(self) -> None:
        binding, self._binding = self._binding, None
        if binding is None:
            return
        self.editor_share = self.current_editor_share()  # remembered for next time
        binding.detach()
        binding.deleteLater()
        self.edit_flash.clear()
        self._caret_timer.stop()
        self.editor.hide()
        self.editor.blockSignals(True)
        self.editor.clear()  # the binding is gone: this touches only the widget
        self.editor.blockSignals(False)
        self.header.set_editing(False)

    def current_editor_share(self) -> float:
        sizes = self.splitter.sizes()
        if self.editing and sum(sizes) > 0 and sizes[0] > 0:
            return sizes[0] / sum(sizes)
        return self.editor_share

    def undo(self) -> bool:
        return self._binding.undo() if self._binding else False

    def redo(self) -> bool:
        return self._binding.redo() if self._binding else False

    def can_undo(self) -> bool:
        return self._binding.can_undo() if self._binding else False

    def can_redo(self) -> bool:
        return self._binding.can_redo() if self._binding else False

    # -- changes from the engine -------------------------------------------------------

    def _on_docs_changed(self, events: tuple[DocChanged, ...]) -> None:
        for event in events:
            self._on_doc_changed(event)

    def _on_doc_changed(self, event: DocChanged) -> None:
        if event.doc_id != self._doc_id:
            return
        if event.kind == "content" and not self._published:
            if not event.local:
                self._note_remote_change()
            elif not self._facts_timer.isActive():
                self._facts_timer.start()
            self._render_timer.start()
        elif event.kind == "published" and self._published:
            self._note_remote_change()
            self._render_timer.start()
        elif event.kind == "meta":
            info = self.engine.doc(event.doc_id)
            if info is not None and info.working == self._published:
                self._reopen(None)  # the working copy came or went with edit rights
            elif info is not None:
                self.header.show_doc(info)
                if self.editing and not info.can_edit:
                    self.set_editing(False)
                    self.header.show_notice(tr("You can no longer edit this document"))
        elif event.kind == "removed":
            info_title = self.header.title.text()
            self._detach()
            self.header.show_peers([])
            self.show_empty(
                "<p style='font-size:13pt'>{}</p><p>{}</p>".format(
                    tr("“{title}” is gone").format(title=info_title),
                    tr("It was removed, or it is no longer shared with you."),
                )
            )
        elif event.kind == "reset" and not self._published:
            info = self.engine.doc(event.doc_id)
            lost = info is not None and not info.working
            self._reopen(
                tr("You may no longer edit this document; showing the published version")
                if lost
                else tr("Your last change was not saved; showing the server's copy")
            )

    def _note_remote_change(self) -> None:
        self._flash_pending = True
        if not self._author_timer.isActive():
            self._author_timer.start()

    def _on_changes_attributed(self, authors: dict[str, str]) -> None:
        author = authors.get(self._doc_id or "")
        me = self.engine.user.name if self.engine.user else None
        if author is not None and self._author_timer.isActive():
            self._author_timer.stop()
            self._announce_change(None if author == me else author)

    def _announce_change(self, author: str | None) -> None:
        """Say who changed the open document: the server's word, else the likely caret.
        A reader is told of a new version: by whom, its note, and what changed."""
        if self._published:
            self._announce_version()
            return
        if author is None and self._awareness is not None:
            author = self._awareness.likely_author()
        self.refresh_facts()  # the engine already holds who changed it, and when
        if not self.editing:  # while editing, the colleague's caret says it already
            text = (
                tr("{who} changed this just now").format(who=author)
                if author
                else tr("A colleague changed this just now")
            )
            text = text[:1].upper() + text[1:]
            self.header.show_notice(text)
            if self._doc_id:
                self.remoteChangeShown.emit(self._doc_id, text)

    def _announce_version(self) -> None:
        info = self.info()
        pub = info.published if info else None
        if info is None or pub is None or self._doc_id is None:
            return
        text = (
            tr("{who} published version {rev}").format(who=pub.by, rev=pub.rev)
            if pub.by
            else tr("An administrator published version {rev}").format(rev=pub.rev)
        )
        text = text[:1].upper() + text[1:]
        if pub.note:
            text += f": {pub.note}"
        self.header.show_doc(info)
        self.header.show_notice(text, (tr("What changed?"), "km:changes") if pub.rev > 1 else None)
        self.remoteChangeShown.emit(self._doc_id, text)

    def _render(self) -> None:
        if self._text is None:
            return
        # While editing, the source editor tints the colleague's change exactly; the
        # preview's diff would also span one's own typing of the last moment.
        flash, self._flash_pending = self._flash_pending and not self.editing, False
        info = self.info()
        text = str(self._text)
        self.reader.show_markdown(reading_markdown(text, info.title) if info else text, flash=flash)

    def _reopen(self, notice: str | None) -> None:
        """The engine replaced or dropped the Doc shown (a refused edit, edit rights
        gained or lost): open the document again as it now is for this user."""
        doc_id, editing = self._doc_id, self.editing
        if doc_id is None:
            return
        self._detach()
        self._attach(doc_id)
        self.refresh_facts()
        self._render()
        if editing and self.can_edit():
            self.set_editing(True)
        if notice:
            self.header.show_notice(notice)

    # -- awareness ---------------------------------------------------------------------

    def _send(self, payload: bytes) -> None:
        if self._doc_id is not None:
            self.engine.send_awareness(self._doc_id, payload)

    def _send_local_state(self) -> None:
        if self._awareness is None:
            return
        cursor: tuple[Any, Any] | None = None
        if self._binding is not None:
            cursor = self._binding.local_selection_sticky_json()
        self._send(self._awareness.set_local(cursor, editing=self._binding is not None))

    def _renew_awareness(self) -> None:
        if self._awareness is None:
            return
        payload = self._awareness.renew()
        if payload is not None:
            self._send(payload)
        if self._awareness.expire():
            self._apply_peers()

    def _on_awareness(self, doc_id: str, payload: bytes) -> None:
        if doc_id != self._doc_id or self._awareness is None:
            return
        if self._awareness.apply(payload):
            self._apply_peers()

    def _apply_peers(self) -> None:
        peers = self._awareness.peers() if self._awareness else []
        self.header.show_peers(peers)
        if self._binding is not None:
            self._binding.set_remote_peers(
                [(p.name, p.colour, p.anchor, p.head) for p in peers if p.editing and p.head]
            )

    def _on_status(self, status: SyncStatus) -> None:
        # A new socket: the room forgot us; say where we are again.
        if status.state == ConnState.ONLINE and self._awareness is not None:
            self._send_local_state()

    # -- looks -------------------------------------------------------------------------

    def set_colours(self, colours: Colours) -> None:
        self.colours = colours
        self.header.set_colours(colours)
        self.reader.set_flash_colour(colours.flash)
        self.reader.set_hit_colours(colours.highlight_hit, colours.current_hit)
        self.edit_flash.set_colour(colours.flash)

    def set_text_scale(self, scale: float) -> None:
        self._scale = scale
        self.apply_fonts()

    def apply_fonts(self) -> None:
        base = QFont(self.font())
        self.reader.setFont(reading_font(base, self._scale))
        self.editor.setFont(source_font(base, self._scale))
        self.reader.refresh()

    # -- search words --------------------------------------------------------------------

    def highlight_search(self, query: str) -> int:
        """Mark the words of ``query`` as the search matched them; how many places."""
        # Here, not at start: the search modules import Whoosh (~0.1 s before a first paint).
        from kmclient.core.search_query import highlighter, parse_query

        parsed = parse_query(query)
        if not parsed or self._doc_id is None:
            self.clear_search()
            return 0
        self._search_query = query.strip()
        self.reader.set_search(highlighter(parsed))
        return len(self.reader.hits)

    def clear_search(self) -> None:
        self.reader.clear_search()

    def next_hit(self, step: int = 1) -> None:
        self.reader.next_hit(step)

    def _on_search_changed(self) -> None:
        reader, query = self.reader, self._search_query
        if not reader.searching:
            self.header.show_find(None)
        elif not reader.hits:
            self.header.show_find(
                tr("“{query}” is not in the text (it matched elsewhere)").format(query=query)
            )
        else:
            self.header.show_find(
                tr("“{query}”: {n} of {total}  ·  F3 next  ·  Esc clears").format(
                    query=query, n=reader.current_hit + 1, total=len(reader.hits)
                )
            )

    def info(self) -> DocInfo | None:
        return self.engine.doc(self._doc_id) if self._doc_id else None
