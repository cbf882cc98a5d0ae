"""Where Tab goes in the main window: search box → scope switch → the tree (or the
search results) → the document's buttons, in the order they are shown → the document
→ back to the search box (docs/ui.md, "Keyboard").

Qt's default order is the order the widgets were made in, which the staged window
(window_stages.py) and the status bar's indicators had made: the status bar first,
the search box last. Hidden widgets are skipped by Tab, so one chain serves reading,
searching and editing."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from kmclient.ui.shell.window import MainWindow


def main_chain(w: MainWindow) -> list[QWidget]:
    header = w.doc_view.header
    return [
        w.sidebar.search_box,
        w.sidebar.scope.mine,
        w.sidebar.scope.all,
        w.tree,
        w.search.list,
        *header.buttons_in_order(),
        w.doc_view.reader,
        w.doc_view.editor,
    ]


def set_tab_order(w: MainWindow) -> None:
    chain = main_chain(w)
    for before, after in itertools.pairwise(chain):
        QWidget.setTabOrder(before, after)
