"""Two-way binding between a ``QPlainTextEdit`` and a pycrdt ``Text`` (a doc's ``body``).

Runs on the GUI thread only: the pycrdt ``Doc``, its ``UndoManager`` and this
binding all belong to the thread that owns the editor (a ``Doc`` must not be
used from two threads). Updates from the network are applied to the ``Doc`` on
the GUI thread; the binding then patches the editor from the ``Text`` observer.

Units (see ``kmclient.core.offsets``): Qt positions are UTF-16 code units,
pycrdt 0.14 ``Text`` offsets are UTF-8 bytes, and so are the ``retain`` and
``delete`` counts in ``TextEvent.delta`` (verified on pycrdt 0.14.13: inserting
"X" after "åäö😀" gives ``[{'retain': 10}, {'insert': 'X'}]``). Inserted
strings in a delta are ordinary ``str``.

Local edits: on ``contentsChange`` the editor's raw text is diffed against a
shadow copy (common prefix/suffix, with Qt's change position breaking ties so
"a" typed before "a" lands where it was typed) and written to the ``Text`` in
one transaction with our LOCAL origin. Remote edits (and undo/redo) arrive as
deltas and are applied span by span with a ``QTextCursor`` while a re-entrancy
flag makes us ignore the resulting ``contentsChange``. The editor's own caret,
selection and scroll position are mapped through each span by hand, so they
stay on the same characters.

What Qt shows is the model text with a few one-to-one substitutions (CRLF
and other characters Qt would turn into block breaks): see ``ytext_view``.

Undo: Qt's undo stack is off; a pycrdt ``UndoManager`` tracks only our origin,
so undo never removes a colleague's text (pycrdt 0.14.13: ``UndoManager(scopes=
[text], capture_timeout_millis=...)`` takes no ``doc``; it must be told
``include_origin(origin)``, otherwise it tracks transactions *without* origin,
such as a bare ``doc.apply_update``). Ctrl+Z, Ctrl+Shift+Z and Ctrl+Y are routed
to it by an event filter on the editor.

Remote carets: awareness carries pycrdt sticky indices; ``kmclient.core.sticky`` makes
them exact (pycrdt 0.14.13's own are wrong with non-ASCII text) and
``ytext_carets`` draws them. They are re-resolved after every change, on the
next event-loop pass (pycrdt forbids reading the doc state inside an observer).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any

from pycrdt import Assoc, StickyIndex, Text, TextEvent, UndoManager
from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QThread, QTimer, Signal
from PySide6.QtGui import QColor, QKeyEvent, QKeySequence, QTextCursor, QTextDocument
from PySide6.QtWidgets import QPlainTextEdit

from kmclient.core.offsets import (
    index_to_utf8,
    index_to_utf16,
    utf8_len,
    utf8_to_index,
    utf16_len,
    utf16_to_index,
)
from kmclient.core.sticky import StickyCodec, StickyData
from kmclient.ui.editing.ytext_carets import (
    RemoteCaretOverlay,
    RemotePeer,
    ResolvedPeer,
    peer_extra_selections,
)
from kmclient.ui.editing.ytext_view import (
    LONE_SURROGATE,
    Edit,
    common_prefix,
    common_suffix,
    map_position,
    raw_to_view,
    to_view,
)

log = logging.getLogger(__name__)

LOCAL_ORIGIN = "kmclient.editor.local"
PEER_REFRESH_MS = 16
"""Default transaction origin of edits typed into the editor (hashable, as pycrdt requires)."""


class YTextBinding(QObject):
    """Keeps a ``QPlainTextEdit`` and a pycrdt ``Text`` equal, in both directions.

    The ``Text`` is the truth: on binding, the editor is set to its content.
    Create it on the GUI thread; call :meth:`detach` when done (destroying the
    editor detaches too). Edit the editor outside pycrdt transactions and
    observer callbacks: its edits become transactions of their own.
    """

    undoStateChanged = Signal(bool, bool)  # can_undo, can_redo; emitted when either changes
    # A colleague's edit reached the editor: [(Qt position, UTF-16 length)] of the text
    # now there (length 0 where text was only removed). Not for our own edits, undo or redo.
    remoteEdited = Signal(object)

    def __init__(
        self,
        editor: QPlainTextEdit,
        text: Text,
        *,
        origin: Hashable = LOCAL_ORIGIN,
        capture_timeout_millis: int = 500,
    ) -> None:
        if QThread.currentThread() != editor.thread():
            raise RuntimeError("YTextBinding must be created on the editor's (GUI) thread")
        super().__init__(editor)
        self._editor = editor
        self._qdoc: QTextDocument = editor.document()
        self._text = text
        self._origin = origin
        self._thread_id = threading.get_ident()
        self._model = ""  # the Y.Text content as we last synced it
        self._view = raw_to_view(self._qdoc.toRawText())  # what Qt shows, normalised
        self._writing_local = 0  # >0 while we write a local edit to the Y.Text
        self._applying_remote = 0  # >0 while we patch the QTextDocument
        self._caret_follows = False  # undo/redo: put the caret at the change
        self._needs_repair = False  # Qt holds a lone surrogate our copy of the text lacks
        self._peers: list[RemotePeer] = []
        self._undo_state = (False, False)
        self._attached = True

        self._undo_was_enabled = self._qdoc.isUndoRedoEnabled()
        self._qdoc.setUndoRedoEnabled(False)
        self._undo = UndoManager(scopes=[text], capture_timeout_millis=capture_timeout_millis)
        self._undo.include_origin(origin)

        self._overlay = RemoteCaretOverlay(editor)
        self._peer_timer = QTimer(self)
        self._peer_timer.setSingleShot(True)
        # Colleagues' carets re-resolved at most once a frame, after the text has
        # been painted: with non-ASCII text each pass copies the Doc (sticky.py).
        self._peer_timer.setInterval(PEER_REFRESH_MS)
        self._peer_timer.timeout.connect(self._refresh_peers)
        self._repair_timer = QTimer(self)
        self._repair_timer.setSingleShot(True)
        self._repair_timer.setInterval(0)
        self._repair_timer.timeout.connect(self._repair)

        self._resync()
        self._subscription = text.observe(self._on_text_event)
        self._qdoc.contentsChange.connect(self._on_contents_change)
        editor.installEventFilter(self)
        editor.destroyed.connect(self._on_editor_destroyed)

    # --- public API -------------------------------------------------------------

    @property
    def text(self) -> Text:
        return self._text

    @property
    def editor(self) -> QPlainTextEdit:
        return self._editor

    @property
    def undo_manager(self) -> UndoManager:
        return self._undo

    def model_text(self) -> str:
        """The Y.Text content as the binding last saw it (equal to ``str(text)`` when idle)."""
        return self._model

    def undo(self) -> bool:
        """Undo the last local change group; colleagues' edits are untouched."""
        return self._undo_redo(self._undo.undo)

    def redo(self) -> bool:
        return self._undo_redo(self._undo.redo)

    def can_undo(self) -> bool:
        return self._undo.can_undo()

    def can_redo(self) -> bool:
        return self._undo.can_redo()

    def local_selection_sticky(self) -> tuple[bytes, bytes]:
        """The local (anchor, head) as encoded sticky indices, for the awareness state."""
        anchor, head = self._local_sticky()
        return anchor.encode(), head.encode()

    def local_selection_sticky_json(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """The local (anchor, head) as sticky-index JSON objects."""
        anchor, head = self._local_sticky()
        return anchor.to_json(), head.to_json()

    def sticky_to_position(self, data: StickyData | None) -> int | None:
        """Qt position of a sticky index (bytes, JSON or StickyIndex), None if not placeable.

        Not from inside a pycrdt observer callback (pycrdt forbids reading the state there).
        """
        return StickyCodec(self._text, self._model).position_of(data)

    def set_remote_peers(
        self, peers: Iterable[RemotePeer | tuple[str, QColor | str, StickyData, StickyData]]
    ) -> None:
        """Replace the colleagues' carets: ``(name, colour, anchor_sticky, head_sticky)`` each.

        Drawn at once; after later edits they are re-resolved when the event loop is idle.
        """
        before = {p.name: p for p in self._peers}
        self._peers = [p if isinstance(p, RemotePeer) else RemotePeer(*p) for p in peers]
        # A caret whose sticky position changed was moved by its owner (not by our edits).
        self._overlay.note_moved({p.name for p in self._peers if before.get(p.name) != p})
        self._refresh_peers()

    def remote_peer_positions(self) -> list[ResolvedPeer]:
        """Where the colleagues' carets are drawn now, in Qt positions."""
        return self._overlay.peers()

    def detach(self) -> None:
        """Stop syncing: unsubscribe from the Text and the editor, remove drawn carets."""
        if not self._attached:
            return
        self._attached = False
        self._peer_timer.stop()
        self._repair_timer.stop()
        self._text.unobserve(self._subscription)
        self._undo.clear()
        try:
            self._qdoc.contentsChange.disconnect(self._on_contents_change)
            self._editor.removeEventFilter(self)
            self._editor.destroyed.disconnect(self._on_editor_destroyed)
            self._peers = []
            self._editor.setExtraSelections(peer_extra_selections(self._editor, []))
            self._overlay.detach()
            self._qdoc.setUndoRedoEnabled(self._undo_was_enabled)
        except RuntimeError:  # the editor is already being destroyed
            pass

    # --- local edits: Qt -> Y ---------------------------------------------------------

    def _on_contents_change(self, position: int, _removed: int, _added: int) -> None:
        if self._applying_remote or not self._attached:
            return
        new_view = raw_to_view(self._qdoc.toRawText())
        old_view = self._view
        if new_view == old_view:
            return  # formatting-only change
        # Qt's position breaks ties between equivalent diffs (typing "a" into "aa").
        start = common_prefix(old_view, new_view, utf16_to_index(new_view, position))
        tail = common_suffix(old_view, new_view, min(len(old_view), len(new_view)) - start)
        old_end, new_end = len(old_view) - tail, len(new_view) - tail
        # A Y.Text cannot hold lone surrogates (PySide drops them today; be safe anyway).
        inserted = LONE_SURROGATE.sub("\ufffd", new_view[start:new_end])
        model = self._model
        at = index_to_utf8(model, start)
        removed = utf8_len(model[start:old_end])
        self._writing_local += 1
        try:
            with self._text.doc.transaction(origin=self._origin):
                if removed:
                    del self._text[at : at + removed]
                if inserted:
                    self._text.insert(at, inserted)
        finally:
            self._writing_local -= 1
        self._model = model[:start] + inserted + model[old_end:]
        self._view = new_view
        if self._qdoc.characterCount() - 1 != utf16_len(new_view):
            # Something put the caret inside a surrogate pair and the edit split it. PySide
            # drops lone surrogates when it hands us the text, so Qt positions no longer
            # match ours: rewrite the editor from the model, once this signal is over.
            self._needs_repair = True
            self._repair_timer.start()
        self._schedule_peer_refresh()
        self._emit_undo_state()

    # --- remote edits and undo/redo: Y -> Qt --------------------------------------------

    def _on_text_event(self, event: TextEvent) -> None:
        if self._writing_local or not self._attached:
            return  # our own edit, already in the editor
        if threading.get_ident() != self._thread_id:
            raise RuntimeError("the Y.Text of a YTextBinding was changed off the GUI thread")
        self._repair()  # positions below assume Qt shows exactly our view
        try:
            edits, model, view = self._edits_from_delta(event.delta)
        except (KeyError, TypeError, ValueError):
            log.exception("unexpected Y.Text delta %r; resyncing the editor", event.delta)
            self._resync()
        else:
            self._apply_edits(edits)
            self._model, self._view = model, view
            if edits and not self._caret_follows:
                # Each edit lies after the previous one's end, so these spans are final.
                self.remoteEdited.emit([(at, utf16_len(ins)) for at, _, ins in edits])
            if model != str(self._text):
                log.error("editor binding drifted from the Y.Text; resyncing")
                self._resync()
        # Resolving sticky indices reads the doc state, which pycrdt forbids in here.
        self._schedule_peer_refresh()

    def _edits_from_delta(self, delta: Sequence[dict[str, Any]]) -> tuple[list[Edit], str, str]:
        """Translate a byte-counted delta into Qt edits, plus the new model and view texts."""
        model, view = self._model, self._view
        edits: list[Edit] = []
        new_model: list[str] = []
        new_view: list[str] = []
        index = 0  # code points into the old model
        qpos = 0  # UTF-16 position in the document as edited so far
        for op in delta:
            if "insert" in op:
                inserted = op["insert"]
                if not isinstance(inserted, str):
                    raise TypeError(f"embedded object in a text body: {inserted!r}")
                shown = to_view(inserted)
                if edits and edits[-1][0] == qpos and not edits[-1][2]:
                    edits[-1] = (qpos, edits[-1][1], shown)  # delete + insert = one replace
                else:
                    edits.append((qpos, 0, shown))
                new_model.append(inserted)
                new_view.append(shown)
                qpos += utf16_len(inserted)
                continue
            count = op.get("retain", op.get("delete"))
            if not isinstance(count, int):
                raise ValueError(f"unknown delta op {op!r}")
            # A code point is at least one byte: the span lies within model[index:index+count].
            end = index + utf8_to_index(model[index : index + count], count, snap="up")
            units = utf16_len(model[index:end])
            if "retain" in op:
                new_model.append(model[index:end])
                new_view.append(view[index:end])
                qpos += units
            else:
                edits.append((qpos, units, ""))
            index = end
        new_model.append(model[index:])
        new_view.append(view[index:])
        return edits, "".join(new_model), "".join(new_view)

    def _apply_edits(self, edits: list[Edit]) -> None:
        """Patch the document span by span, keeping the user's caret, selection and scroll."""
        if not edits:
            return
        editor = self._editor
        user = editor.textCursor()
        anchor, head = user.anchor(), user.position()
        vbar, hbar = editor.verticalScrollBar(), editor.horizontalScrollBar()
        top = editor.cursorForPosition(QPoint(0, 0)).position()
        top_line_before = self._line_of(top)
        scroll_v, scroll_h = vbar.value(), hbar.value()
        cursor = QTextCursor(self._qdoc)
        # The start of a selection sticks right, so text inserted at it stays outside.
        anchor_right, head_right = anchor < head, head < anchor
        self._applying_remote += 1
        try:
            for edit in edits:
                at, removed, inserted = edit
                cursor.setPosition(at)
                if removed:
                    cursor.setPosition(at + removed, QTextCursor.MoveMode.KeepAnchor)
                if inserted:
                    cursor.insertText(inserted)
                else:
                    cursor.removeSelectedText()
                anchor = map_position(anchor, edit, anchor_right)
                head = map_position(head, edit, head_right)
                top = map_position(top, edit, stick_right=True)
        finally:
            self._applying_remote -= 1
        if self._caret_follows:  # undo/redo: show where it happened, like any editor
            last_at, _, last_inserted = edits[-1]
            anchor = head = last_at + utf16_len(last_inserted)
        if (anchor, head) != (editor.textCursor().anchor(), editor.textCursor().position()):
            restored = QTextCursor(self._qdoc)
            restored.setPosition(anchor)
            restored.setPosition(head, QTextCursor.MoveMode.KeepAnchor)
            editor.setTextCursor(restored)
        if self._caret_follows:
            editor.ensureCursorVisible()
            return
        hbar.setValue(scroll_h)
        # QPlainTextEdit scrolls by lines: keep the same text on the top line.
        if top_line_before == scroll_v:
            vbar.setValue(self._line_of(top))
        else:
            vbar.setValue(scroll_v)

    def _line_of(self, position: int) -> int:
        """Visual line number of a position, the unit of QPlainTextEdit's vertical scroll bar."""
        block = self._qdoc.findBlock(position)
        layout = block.layout()
        line = 0
        if layout is not None and layout.lineCount() > 0:
            line = max(layout.lineForTextPosition(position - block.position()).lineNumber(), 0)
        return block.firstLineNumber() + line

    def _resync(self) -> None:
        """Make the editor show the Text with one minimal edit (on bind, or after a surprise)."""
        model = str(self._text)
        view = to_view(model)
        old = raw_to_view(self._qdoc.toRawText())
        start = common_prefix(old, view, len(view))
        tail = common_suffix(old, view, min(len(old), len(view)) - start)
        if start != len(old) or start != len(view):
            at = utf16_len(old[:start])
            removed = utf16_len(old[start : len(old) - tail])
            self._apply_edits([(at, removed, view[start : len(view) - tail])])
        self._model, self._view = model, view

    def _repair(self) -> None:
        """Replace the whole editor text with our view (rare: only after a split surrogate)."""
        if not self._needs_repair or not self._attached:
            return
        self._needs_repair = False
        editor, view = self._editor, self._view
        caret = index_to_utf16(view, utf16_to_index(view, editor.textCursor().position()))
        scroll = editor.verticalScrollBar().value()
        cursor = QTextCursor(self._qdoc)
        cursor.select(QTextCursor.SelectionType.Document)
        self._applying_remote += 1
        try:
            cursor.insertText(view)
        finally:
            self._applying_remote -= 1
        cursor.setPosition(caret)
        editor.setTextCursor(cursor)
        editor.verticalScrollBar().setValue(scroll)

    def _undo_redo(self, action: Callable[[], bool]) -> bool:
        self._caret_follows = True
        try:
            done = bool(action())
        finally:
            self._caret_follows = False
        self._schedule_peer_refresh()
        self._emit_undo_state()
        return done

    def _emit_undo_state(self) -> None:
        state = (self._undo.can_undo(), self._undo.can_redo())
        if state != self._undo_state:
            self._undo_state = state
            self.undoStateChanged.emit(*state)

    # --- carets -------------------------------------------------------------------

    def _local_sticky(self) -> tuple[StickyIndex, StickyIndex]:
        cursor = self._editor.textCursor()
        anchor, head = cursor.anchor(), cursor.position()
        codec = StickyCodec(self._text, self._model)
        if anchor == head:  # a caret keeps to the character on its left, as it does locally
            caret = codec.sticky_at(head, Assoc.BEFORE)
            return caret, caret
        # A selection keeps to its own first and last characters.
        start = codec.sticky_at(min(anchor, head), Assoc.AFTER)
        end = codec.sticky_at(max(anchor, head), Assoc.BEFORE)
        return (start, end) if anchor < head else (end, start)

    def _schedule_peer_refresh(self) -> None:
        if (self._peers or self._overlay.peers()) and not self._peer_timer.isActive():
            self._peer_timer.start()  # coalesces: one re-resolve per frame, however many events

    def _refresh_peers(self) -> None:
        if not self._attached or not (self._peers or self._overlay.peers()):
            return
        resolved: list[ResolvedPeer] = []
        codec = StickyCodec(self._text, self._model)
        for peer in self._peers:
            head = codec.position_of(peer.head)
            if head is None:
                continue
            anchor = codec.position_of(peer.anchor)
            anchor = head if anchor is None else anchor
            resolved.append(ResolvedPeer(peer.name, QColor(peer.colour), anchor, head))
        self._overlay.set_peers(resolved)
        self._editor.setExtraSelections(peer_extra_selections(self._editor, resolved))

    # --- keys and lifetime ----------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if watched is self._editor and kind in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            assert isinstance(event, QKeyEvent)
            action = self._undo_key(event)
            if action is not None:
                event.accept()  # ShortcutOverride: keep the key for the editor, not a menu
                if kind == QEvent.Type.KeyPress:
                    action()
                return kind == QEvent.Type.KeyPress
        return False

    def _undo_key(self, event: QKeyEvent) -> Callable[[], bool] | None:
        if event.matches(QKeySequence.StandardKey.Undo):
            return self.undo
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ctrl = Qt.KeyboardModifier.ControlModifier
        if (
            event.matches(QKeySequence.StandardKey.Redo)
            or (event.key() == Qt.Key.Key_Y and mods == ctrl)
            or (event.key() == Qt.Key.Key_Z and mods == ctrl | Qt.KeyboardModifier.ShiftModifier)
        ):
            return self.redo
        return None

    def _on_editor_destroyed(self) -> None:
        if self._attached:
            self._attached = False
            self._peer_timer.stop()
            self._text.unobserve(self._subscription)
