"""Form pieces shared by the "New document" and "Document details" dialogs: who may
read a document (audience), people pickers, and the line that shows a request's
progress or the server's refusal."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from kmclient.core.sync_engine import SyncEngine
from kmclient.ui.i18n import tr

EVERYONE = "everyone"
PUBLIC = "public"  # the public help centre at /help/, no sign-in (docs/web.md)


# Reps see their own topics by default: a document without one is easily missed.
def topic_needed() -> str:
    return tr("Choose at least one topic: reps find documents through their topics.")


def audience_roles() -> list[tuple[str, str]]:
    """Roles as the protocol names them, and as people read them."""
    return [("rep", tr("Reps")), ("owner", tr("Owners")), ("supervisor", tr("Supervisors"))]


def known_topics(engine: SyncEngine) -> set[str]:
    topics = {t for d in engine.documents(all_topics=True) for t in d.topics}
    return topics | set(engine.user.topics if engine.user else ())


def known_people(engine: SyncEngine) -> list[str]:
    """Names seen as owners, editors or authors: the client has no user directory."""
    names: set[str] = set()
    for d in engine.documents(all_topics=True):
        names.update(n for n in (d.owner, d.updated_by, *d.editors) if n)
    if engine.user:
        names.add(engine.user.name)
    return sorted(names, key=str.casefold)


def names_from(text: str) -> list[str]:
    """``"karin, olle  sara"`` -> ``["karin", "olle", "sara"]`` (order kept, no repeats)."""
    return list(dict.fromkeys(n for n in text.replace(",", " ").split() if n))


class AudienceBox(QWidget):
    """Everyone, or chosen roles, and whether the public help centre shows it too.
    Admins always read everything, so they are not offered."""

    changed = Signal()

    def __init__(self, audience: Iterable[str] = (EVERYONE,), parent: QWidget | None = None):
        super().__init__(parent)
        chosen = set(audience)
        self.everyone = QCheckBox(tr("Everyone"))
        self.everyone.setToolTip(tr("Every signed-in user who may read published documents"))
        self.roles = {role: QCheckBox(label) for role, label in audience_roles()}
        # Independent of the roles: a public article is read by reps and citizens alike.
        self.public = QCheckBox(tr("Public help centre"))
        self.public.setToolTip(
            tr("Also shown without sign-in at /help/: for citizens, not internal notes")
        )
        self.public.setChecked(PUBLIC in chosen)
        self.public.toggled.connect(lambda _on: self.changed.emit())
        # The roles on one line, the help centre (another question) on the next: in one
        # line the five boxes did not fit a dialog at half a screen in Swedish.
        lines = QVBoxLayout(self)
        lines.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(self.everyone)
        for role, box in self.roles.items():
            box.setChecked(role in chosen)
            box.toggled.connect(lambda _on: self.changed.emit())
            row.addWidget(box)
        row.addStretch(1)
        lines.addLayout(row)
        lines.addWidget(self.public)
        self.everyone.toggled.connect(self._on_everyone)
        self.everyone.setChecked(EVERYONE in chosen)
        self._on_everyone(self.everyone.isChecked())

    def _on_everyone(self, on: bool) -> None:
        for box in self.roles.values():
            box.setEnabled(not on)
        self.changed.emit()

    def audience(self) -> list[str]:
        if self.everyone.isChecked():
            chosen = [EVERYONE]
        else:
            chosen = [role for role, box in self.roles.items() if box.isChecked()]
        return [*chosen, PUBLIC] if self.public.isChecked() else chosen

    def roles_chosen(self) -> bool:
        """Everyone or a role: the public help centre alone would hide it from staff."""
        return any(term != PUBLIC for term in self.audience())

    def set_read_only(self, read_only: bool) -> None:
        self.everyone.setEnabled(not read_only)
        self.public.setEnabled(not read_only)
        for box in self.roles.values():
            box.setEnabled(not read_only and not self.everyone.isChecked())


def person_box(people: list[str], current: str) -> QComboBox:
    """An owner: one of the names seen, or any name typed."""
    box = QComboBox()
    box.setEditable(True)
    box.addItems(people)
    box.setCurrentText(current)
    box.completer().setCaseSensitivity(box.completer().caseSensitivity().CaseInsensitive)
    return box


def people_line(people: list[str], current: Iterable[str]) -> QLineEdit:
    """Several names, separated by commas, with completion of the last one typed."""
    line = QLineEdit(", ".join(current))
    line.setPlaceholderText(tr("Names, separated by commas"))
    completer = QCompleter(people, line)
    completer.setCaseSensitivity(completer.caseSensitivity().CaseInsensitive)
    completer.setWidget(line)

    def complete(text: str) -> None:
        last = text.rpartition(",")[2]
        completer.setCompletionPrefix(last.strip())
        if last.strip() and completer.completionCount() and line.hasFocus():
            completer.complete()

    def insert(name: str) -> None:
        head, _, _ = line.text().rpartition(",")
        line.setText(f"{head}, {name}" if head else name)

    line.textEdited.connect(complete)
    completer.activated.connect(insert)
    return line


class RequestStatus(QWidget):
    """Under a form: a busy bar while the server is asked, then its refusal, in words."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        self.error.hide()
        self.busy_label = QLabel()
        self.busy_label.setObjectName("formBusy")
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.bar.setTextVisible(False)
        self.bar.setMaximumHeight(6)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(4)
        box.addWidget(self.error)
        box.addWidget(self.busy_label)
        box.addWidget(self.bar)
        self.set_busy(None)

    def set_busy(self, text: str | None) -> None:
        self.busy_label.setText(text or "")
        self.busy_label.setVisible(bool(text))
        self.bar.setVisible(bool(text))
        if text:
            self.error.hide()

    def show_error(self, text: str) -> None:
        self.set_busy(None)
        self.error.setText(text)
        self.error.show()

    def error_text(self) -> str:
        return "" if self.error.isHidden() else self.error.text()
