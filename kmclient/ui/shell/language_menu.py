"""View ▸ Language: follow the system, or choose English or Swedish.

The choice is stored (``view/language``) and takes effect when the app starts
again; the menu says so, and so does the note shown when the choice changes
the language. (Rebuilding every open window, tool window and dialog live is
not worth its risk for a setting chosen once.)
"""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from kmclient.ui.i18n import LANGUAGES, SETTINGS_KEY, language, resolve, tr


def fill_language_menu(menu: QMenu, settings: QSettings, parent: QWidget) -> dict[str, QAction]:
    """The menu's entries, one checkable action per choice (``system``, ``en``, ``sv``)."""
    chosen = str(settings.value(SETTINGS_KEY, "system") or "system")
    if chosen not in LANGUAGES:
        chosen = "system"
    group = QActionGroup(menu)
    actions: dict[str, QAction] = {}
    entries = [
        (
            "system",
            tr("Same as the system ({language})").format(language=LANGUAGES[resolve("system")]),
        )
    ]
    entries += list(LANGUAGES.items())
    for code, label in entries:
        action = menu.addAction(label)
        action.setCheckable(True)
        action.setChecked(code == chosen)
        action.setData(code)
        group.addAction(action)
        action.triggered.connect(lambda _=False, c=code: choose(c, settings, parent))
        actions[code] = action
    menu.addSeparator()
    note = menu.addAction(tr("A new language shows after a restart"))
    note.setEnabled(False)
    return actions


def choose(code: str, settings: QSettings, parent: QWidget | None) -> QMessageBox | None:
    """Store the choice; if it changes the language, say that a restart shows it."""
    settings.setValue(SETTINGS_KEY, code)
    settings.sync()
    target = resolve(code)
    if target == language():
        return None
    box = QMessageBox(parent)
    box.setObjectName("languageRestart")
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle(tr("Language"))
    box.setText(
        tr("The app will be in {language} the next time you start it.").format(
            language=LANGUAGES[target]
        )
    )
    box.setInformativeText(
        tr("Quit (Ctrl+Q) and start the app again to switch now; nothing is lost.")
    )
    box.setModal(False)
    box.show()
    return box
