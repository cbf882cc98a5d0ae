"""Document ▸ Publish… (Ctrl+Shift+P): what readers will get, in a word diff, and a note.

For a document that needs a supervisor's review the same dialog submits it
instead. It never waits for the server: the request is stored at once and
sent when online (offline it says so), and the header shows "Publishing…"
until the answer comes; a refusal (say, nothing changed) shows there too.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from kmclient.core.feedback_requests import InvalidRequest, NoSuchDocument, NotAllowed
from kmclient.core.sync_engine import SyncEngine
from kmclient.ui.attention.must_read_fields import MustReadFields
from kmclient.ui.editing.doc_details_dialog import audience_words
from kmclient.ui.i18n import tr
from kmclient.ui.publishing.diff_view import DiffView
from kmclient.ui.shell.theme import LIGHT, Colours

MAX_NOTE = 2000


class PublishDialog(QDialog):
    """``submit`` True: ask a supervisor to review instead of publishing directly."""

    sent = Signal(str, str)  # doc id, "publish" | "submit"

    def __init__(
        self,
        engine: SyncEngine,
        doc_id: str,
        *,
        submit: bool = False,
        colours: Colours = LIGHT,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("publishDialog")
        self.engine = engine
        self.doc_id = doc_id
        self.submit = submit
        info = engine.doc(doc_id)
        title = info.title if info else doc_id
        rev = info.rev if info else 0
        verb = tr("Submit for review") if submit else tr("Publish")
        self.setWindowTitle(f"{verb}: {title}")
        self.setMinimumSize(560, 420)

        if submit:
            intro = (
                tr(
                    "A supervisor reviews <b>{title}</b> and publishes it. "
                    "Until then readers keep version {rev}."
                )
                if rev
                else tr(
                    "A supervisor reviews <b>{title}</b> and publishes it. "
                    "Until then readers see nothing (it is a draft)."
                )
            ).format(title=html.escape(title), rev=rev)
        else:
            who = audience_words(info.audience) if info else tr("Its readers")
            intro = tr(
                "{who} will see <b>version {rev}</b> of <b>{title}</b> at once; "
                "open copies update on screen."
            ).format(who=html.escape(who), rev=rev + 1, title=html.escape(title))
        self.intro = QLabel(intro)
        self.intro.setObjectName("formIntro")
        self.intro.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setObjectName("diffSummary")
        self.diff = DiffView()
        self.diff.set_colours(colours)
        self.whole = QCheckBox(tr("Show the &whole text"))
        self.whole.toggled.connect(lambda on: self.diff.set_compact(not on))
        self.note = QLineEdit()
        self.note.setObjectName("changeNote")
        self.note.setMaxLength(MAX_NOTE)
        self.note.setPlaceholderText(
            tr("What changed, in a few words (readers see this)")
            if not submit
            else tr("A word for the reviewer (optional)")
        )
        self.note.setAccessibleName(tr("Change note"))
        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(tr("&Submit for review") if submit else tr("&Publish"))
        self.ok.setDefault(True)
        self.buttons.accepted.connect(self.send)
        self.buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.send)

        box = QVBoxLayout(self)
        box.addWidget(self.intro)
        box.addWidget(self.summary)
        box.addWidget(self.diff, 1)
        box.addWidget(self.whole)
        box.addWidget(self.note)
        user = engine.user
        self.must_read: MustReadFields | None = None
        if not submit and user is not None and user.role == "supervisor":
            self.must_read = MustReadFields(engine)  # docs/attention.md
            box.addWidget(self.must_read)
        box.addWidget(self.error)
        box.addWidget(self.buttons)
        self._show_changes(rev)
        self.note.setFocus()

    def _show_changes(self, rev: int) -> None:
        published = self.engine.published_text(self.doc_id) or ""
        working = self.engine.working_text(self.doc_id) or ""
        self.diff.set_compact(True)
        summary = self.diff.show_diff(published, working)
        info = self.engine.doc(self.doc_id)
        title_changed = (
            info is not None and info.published is not None and info.published.title != info.title
        )
        if self.diff.empty and not title_changed and rev:
            self.summary.setText(
                tr("Nothing to publish: the working copy is version {rev}.").format(rev=rev)
            )
            self.ok.setEnabled(False)
            self.note.setEnabled(False)
            return
        if not rev:
            self.summary.setText(tr("The first version: everything below is new to readers."))
        else:
            extra = " · " + tr("new title") if title_changed else ""
            self.summary.setText(
                tr("Changes since version {rev}: {summary}").format(rev=rev, summary=summary)
                + extra
            )

    def send(self) -> None:
        if not self.ok.isEnabled():
            return
        note = self.note.text().strip()
        try:
            if self.submit:
                self.engine.submit_for_review(self.doc_id, note)
            else:
                spec = self.must_read.spec() if self.must_read is not None else None
                self.engine.publish(self.doc_id, note, must_read=spec)
        except (NotAllowed, InvalidRequest, NoSuchDocument) as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.sent.emit(self.doc_id, "submit" if self.submit else "publish")
        self.accept()

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        # Enter in the note sends (as in the flag dialog); Shift+Enter is not needed here.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.note.hasFocus():
            self.send()
            return
        super().keyPressEvent(event)
