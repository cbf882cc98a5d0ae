"""The main window built in stages: what the first picture shows, then the rest.

A window's opening is one turn of the GUI thread; everything built in it
delays the first paint and counts as one stall. The reading view, the tree,
the search box, the status bar and the menu bar's titles make the first
picture; the actions (and their shortcuts), the side panel and the menus'
contents follow in turns of their own right after it (``Stages``), each short.
Until the last stage has run, ``Stages.done`` is False; anything that needs
the whole window earlier calls ``Stages.finish``.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QMenu, QMenuBar

from kmclient.ui.i18n import tr


class Stages(QObject):
    """Run ``steps`` one per event-loop turn from ``start``; then ``done_fn``."""

    def __init__(
        self, parent: QObject, steps: list[Callable[[], object]], done_fn: Callable[[], None]
    ) -> None:
        super().__init__(parent)
        self._steps = list(steps)
        self._done_fn = done_fn
        self._started = False
        self._cancelled = False
        self.done = False

    def start(self) -> None:
        if not self._started:
            self._started = True
            self._next()

    def _next(self) -> None:
        if self.done or self._cancelled:
            return
        if self._steps:
            self._steps.pop(0)()
        if self._steps:
            QTimer.singleShot(0, self, self._next)  # the next step in a turn of its own
        else:
            self._finished()

    def cancel(self) -> None:
        """The window closed first: build nothing more (and never report done)."""
        self._cancelled = True
        self._steps.clear()

    def finish(self) -> None:
        """Run every step left now, in order."""
        if self._cancelled:
            return
        self._started = True
        while self._steps:
            self._steps.pop(0)()
        self._finished()

    def _finished(self) -> None:
        if not self.done:
            self.done = True
            self._done_fn()


class MenuTitles:
    """The menu bar's menus, empty, in their order: filled after the first paint."""

    def __init__(self, bar: QMenuBar) -> None:
        self.bar = bar
        self.file = bar.addMenu(tr("&File"))
        self.edit = bar.addMenu(tr("&Edit"))
        self.document = bar.addMenu(tr("&Document"))
        self.view = bar.addMenu(tr("&View"))
        self._go = bar.addMenu(tr("&Go"))  # the shelf's own menu takes its place
        self.help = bar.addMenu(tr("&Help"))

    def put_go(self, menu: QMenu) -> None:
        """The shelf's Go menu, where its title already stands."""
        self.bar.insertMenu(self._go.menuAction(), menu)
        self.bar.removeAction(self._go.menuAction())
        self._go.deleteLater()
