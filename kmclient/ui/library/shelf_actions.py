"""Pins and the documents one viewed, from the keyboard.

- Document ▸ Pin (Ctrl+D) or the header's pin: the document goes to "Pinned"
  at the top of the sidebar; Ctrl+1 … Ctrl+9 open pinned documents 1-9.
- Go ▸ Back / Forward (Alt+Left / Alt+Right) walk the documents opened in
  this window, as a browser does; Go lists the pinned and the recently viewed.
- The sidebar shows "Pinned" and "Recently viewed" above the topics (arrows and
  Enter reach them like any document).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from kmclient.core.model import DocChanged
from kmclient.ui.i18n import tr
from kmclient.ui.library.doc_tree import DocTree
from kmclient.ui.library.shelf import Shelf
from kmclient.ui.reading.doc_view import DocView
from kmclient.ui.shell.engine_bridge import EngineBridge
from kmclient.ui.shell.theme import LIGHT, Colours, icon

QUICK_PINS = 9  # Ctrl+1 … Ctrl+9


class ShelfActions(QObject):
    def __init__(
        self,
        window: QWidget,
        bridge: EngineBridge,
        shelf: Shelf,
        doc_view: DocView,
        tree: DocTree,
        open_doc: Callable[[str], bool],
        saved: Callable[[], None],
    ) -> None:
        super().__init__(window)
        self.engine = bridge.engine
        self.shelf = shelf
        self.doc_view = doc_view
        self.tree = tree
        self._open_doc = open_doc
        self._saved = saved  # the window saves the shelf a moment later
        self._colours = LIGHT
        self.back_stack: list[str] = []
        self.forward_stack: list[str] = []
        self._walking = False
        self._current: str | None = None

        self.pin_action = QAction(tr("&Pin"), window)
        self.pin_action.setCheckable(True)
        self.pin_action.setShortcut(QKeySequence("Ctrl+D"))
        self.pin_action.setToolTip(tr("Keep it at the top of the sidebar (Ctrl+D)"))
        self.pin_action.toggled.connect(self.set_pinned)
        self.pin_button = QToolButton()
        self.pin_button.setObjectName("pinButton")
        self.pin_button.setDefaultAction(self.pin_action)
        doc_view.header.add_button(self.pin_button)
        self.back = QAction(tr("&Back"), window)
        self.back.setShortcut(QKeySequence("Alt+Left"))
        self.back.triggered.connect(lambda _c=False: self.go(-1))
        self.forward = QAction(tr("&Forward"), window)
        self.forward.setShortcut(QKeySequence("Alt+Right"))
        self.forward.triggered.connect(lambda _c=False: self.go(1))
        self.quick: list[QAction] = []
        for n in range(QUICK_PINS):
            action = QAction(window)
            action.setShortcut(QKeySequence(f"Ctrl+{n + 1}"))
            action.triggered.connect(lambda _c=False, i=n: self.open_pinned(i))
            window.addAction(action)  # works with the Go menu closed
            self.quick.append(action)
        for action in (self.pin_action, self.back, self.forward, *self.quick):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.menu = QMenu(tr("&Go"), window)
        self.menu.aboutToShow.connect(self._fill_menu)
        doc_view.docOpened.connect(self._on_opened)
        bridge.docsChanged.connect(self._on_docs_changed)
        self.update()
        self._fill_menu()

    def fill_document_menu(self, menu: QMenu) -> None:
        menu.addAction(self.pin_action)

    def set_colours(self, colours: Colours) -> None:
        self._colours = colours
        self._pin_icon()

    def _pin_icon(self) -> None:
        pinned = self.pin_action.isChecked()
        colour = self._colours.accent if pinned else None
        self.pin_action.setIcon(icon("pinned" if pinned else "pin", self._colours, colour))

    # -- pins --------------------------------------------------------------------------------

    def set_pinned(self, pinned: bool) -> None:
        doc_id = self.doc_view.doc_id
        if doc_id is None:
            return
        if self.shelf.set_pinned(doc_id, pinned):
            self.tree.refresh_shelf()
            self._saved()
            self.doc_view.header.show_notice(
                tr("Pinned: it stays at the top of the sidebar (Ctrl+{n})").format(
                    n=self.shelf.pinned().index(doc_id) + 1
                )
                if pinned
                else tr("No longer pinned")
            )
        self.update()

    def open_pinned(self, n: int) -> bool:
        pins = self.shelf.pinned()
        return n < len(pins) and self._open_doc(pins[n])

    # -- back and forward ---------------------------------------------------------------------

    def go(self, step: int) -> bool:
        stack, other = (self.back_stack, self.forward_stack)
        if step > 0:
            stack, other = other, stack
        while stack:
            doc_id = stack.pop()
            if self.engine.doc(doc_id) is None:
                continue  # gone meanwhile
            if self._current is not None:
                other.append(self._current)
            self._walking = True
            try:
                return self._open_doc(doc_id)
            finally:
                self._walking = False
                self.update()
        return False

    def _on_opened(self, doc_id: str) -> None:
        if not self._walking and self._current is not None and self._current != doc_id:
            self.back_stack.append(self._current)
            self.forward_stack.clear()
        self._current = doc_id
        if self.shelf.viewed(doc_id):
            self.tree.refresh_shelf()
            self._saved()
        self.update()

    def _on_docs_changed(self, events: tuple[DocChanged, ...]) -> None:
        removed = [e.doc_id for e in events if e.kind == "removed"]
        if removed and self.shelf.forget(removed):
            self.tree.refresh_shelf()
            self._saved()

    def update(self) -> None:
        doc_id = self.doc_view.doc_id
        self.pin_action.blockSignals(True)
        self.pin_action.setChecked(bool(doc_id and self.shelf.is_pinned(doc_id)))
        self.pin_action.blockSignals(False)
        self.pin_action.setText(tr("Un&pin") if self.pin_action.isChecked() else tr("&Pin"))
        self.pin_action.setEnabled(doc_id is not None)
        self.back.setEnabled(bool(self.back_stack))
        self.forward.setEnabled(bool(self.forward_stack))
        self._pin_icon()

    # -- the Go menu ------------------------------------------------------------------------

    def _fill_menu(self) -> None:
        menu = self.menu
        menu.clear()
        menu.addAction(self.back)
        menu.addAction(self.forward)
        menu.addSeparator()
        pins = self.shelf.pinned()
        heading = menu.addAction(tr("Pinned") if pins else tr("Pinned: none yet (Ctrl+D pins)"))
        heading.setEnabled(False)
        for n, doc_id in enumerate(pins):
            action = self.quick[n] if n < QUICK_PINS else menu.addAction("")
            action.setText(self._title(doc_id))
            if n < QUICK_PINS:
                menu.addAction(action)
            else:
                action.triggered.connect(lambda _c=False, d=doc_id: self._open_doc(d))
        menu.addSeparator()
        recent = [d for d in self.shelf.recent() if self.engine.doc(d) is not None]
        menu.addAction(tr("Recently viewed")).setEnabled(False)
        for doc_id in recent:
            action = menu.addAction(self._title(doc_id))
            action.triggered.connect(lambda _c=False, d=doc_id: self._open_doc(d))

    def _title(self, doc_id: str) -> str:
        info = self.engine.doc(doc_id)
        return (info.title if info else doc_id).replace("&", "&&")
