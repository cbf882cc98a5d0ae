"""Help ▸ Keyboard shortcuts (F1): every key of the window, grouped by what one is doing.

A dialog of its own rather than a message box: groups with headings, the keys
set apart from their descriptions, room between rows, a scroll bar when the
screen is short, Close (Esc).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kmclient.ui.i18n import tr

Group = tuple[str, list[tuple[str, str]]]


def shortcut_groups() -> list[Group]:
    """(heading, [(keys, what they do)]) in the app's language."""
    return [
        (
            tr("Finding"),
            [
                ("Ctrl+K, Ctrl+F", tr("Search (type, ↑↓ to move, Enter to open, Esc to clear)")),
                ("F3 / Shift+F3", tr("Next / previous search word in the opened document")),
                ("Esc", tr("Clear the marked search words (in the document)")),
                ("Ctrl+Shift+T", tr("My topics / all topics")),
                ("Alt+Left / Alt+Right", tr("Back / forward through the documents you opened")),
                ("Ctrl+D", tr("Pin the document (or unpin it)")),
                ("Ctrl+1 … Ctrl+9", tr("Open pinned document 1 to 9")),
            ],
        ),
        (
            tr("Answering"),
            [
                ("Ctrl+Shift+C", tr("Copy the section under the caret, ready to paste")),
                ("Ctrl+Alt+C", tr("Copy the whole answer")),
                (
                    "Ctrl+Shift+Q",
                    tr("On a call: hold pop-ups (the bell still counts); again to end"),
                ),
            ],
        ),
        (
            tr("Must-reads and broadcasts"),
            [
                ("Ctrl+Shift+J", tr("Next must-read: open the next document you must read")),
                ("Ctrl+Shift+A", tr("I have read this: acknowledge the open must-read")),
                (
                    "Ctrl+Shift+L",
                    tr("Since you last signed in: must-reads, broadcasts, new versions, flags"),
                ),
                (
                    "Ctrl+Shift+G",
                    tr("Must-reads and acknowledgements: who has read what (supervisors)"),
                ),
                (
                    "Ctrl+Shift+B",
                    tr("Send a broadcast: an early warning on every targeted screen (supervisors)"),
                ),
            ],
        ),
        (
            tr("Editing"),
            [
                ("Ctrl+N", tr("New document (owners and supervisors)")),
                ("Ctrl+E", tr("Edit the document / back to reading")),
                ("Alt+Return", tr("Document details: title, topics; audience, owner, review")),
                (
                    "Ctrl+Z / Ctrl+Shift+Z, Ctrl+Y",
                    tr("Undo / redo your own changes (not colleagues')"),
                ),
            ],
        ),
        (
            tr("Publishing"),
            [
                ("Ctrl+Shift+P", tr("Publish the working copy (or submit it for review)")),
                ("Ctrl+Shift+H", tr("History: every published version, diffs, restore")),
                ("Ctrl+Shift+D", tr("What changed in the latest version")),
                ("Ctrl+Shift+R", tr("Review queue: documents submitted for review")),
            ],
        ),
        (
            tr("Feedback"),
            [
                (
                    "Ctrl+Shift+F",
                    tr("Flag the document or the selected passage as wrong or outdated"),
                ),
                (
                    "Ctrl+Shift+I",
                    tr("Flag inbox: open flags on your documents (owners, supervisors)"),
                ),
                ("Ctrl+Shift+N", tr("Notifications: newest first, mark read")),
                ("Ctrl+Shift+M", tr("Comments beside the document (again to hide)")),
                ("Ctrl+Shift+O", tr("My private notes on the document (again to hide)")),
            ],
        ),
        (
            tr("Window"),
            [
                (
                    "Ctrl++ (Ctrl+=) / Ctrl+- / Ctrl+0",
                    tr("Bigger / smaller / normal text, everywhere in the app"),
                ),
                ("F1", tr("This list")),
                ("Ctrl+W (Ctrl+F4), Ctrl+Q", tr("Close window, quit")),
                ("Esc, Ctrl+W", tr("Close a window beside the main one (notifications, inbox)")),
            ],
        ),
    ]


def all_keys() -> str:
    """Every key listed, as one string (tests check each menu shortcut is in it)."""
    listed = " ".join(keys for _heading, rows in shortcut_groups() for keys, _what in rows)
    return listed + " " + " ".join(f"Ctrl+{n}" for n in range(1, 10))  # "Ctrl+1 … Ctrl+9"


class ShortcutsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle(tr("Keyboard shortcuts"))
        body = QWidget()
        body.setObjectName("shortcutsBody")
        grid = QGridLayout(body)
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(8)
        grid.setContentsMargins(16, 12, 16, 12)
        grid.setColumnStretch(1, 1)
        self.rows: list[tuple[QLabel, QLabel]] = []
        row = 0
        for heading, entries in shortcut_groups():
            title = QLabel(heading)
            title.setObjectName("shortcutsHeading")
            grid.addWidget(title, row, 0, 1, 2)
            if row:
                grid.setRowMinimumHeight(row, 36)
                title.setAlignment(Qt.AlignmentFlag.AlignBottom)
            row += 1
            for keys, what in entries:
                key = QLabel(keys)
                key.setObjectName("shortcutKeys")
                key.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                text = QLabel(what)
                text.setWordWrap(True)
                grid.addWidget(key, row, 0, Qt.AlignmentFlag.AlignTop)
                grid.addWidget(text, row, 1, Qt.AlignmentFlag.AlignTop)
                self.rows.append((key, text))
                row += 1
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setAccessibleName(tr("Keyboard shortcuts"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addWidget(scroll, 1)
        box.addWidget(buttons)
        screen = parent.screen() if parent is not None else self.screen()
        area = screen.availableGeometry()
        self.resize(min(720, area.width() - 40), min(680, area.height() - 60))
