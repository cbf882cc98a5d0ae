"""The window's publishing actions and the screens they open.

Document menu: Publish… / Submit for review… (Ctrl+Shift+P), History…
(Ctrl+Shift+H), What changed (Ctrl+Shift+D), Mark as still correct (verify),
Archive / Bring back. View menu (supervisors): Review queue (Ctrl+Shift+R).
Each is enabled only where the open document and the user's role allow it;
the server decides in the end, and a refusal is said in the document's
header, where the user acted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from kmclient.core.feedback_requests import InvalidRequest, NoSuchDocument, NotAllowed
from kmclient.core.model import DocChanged, RecordsChanged, RequestFailed
from kmclient.ui.i18n import tr
from kmclient.ui.publishing.state_banner import PublishingBanner, may_archive
from kmclient.ui.reading.doc_view import DocView
from kmclient.ui.shell.engine_bridge import EngineBridge

if TYPE_CHECKING:  # dialogs: imported when first opened (a faster start)
    from kmclient.ui.publishing.history_dialog import HistoryDialog
    from kmclient.ui.publishing.publish_dialog import PublishDialog
    from kmclient.ui.publishing.review_queue import ReviewQueue

REQUESTS = ("publish", "submit", "review", "restore", "archive", "verify")


def done_words(request: str) -> str:
    words = {
        "publish": tr("Published: readers see the new version now"),
        "submit": tr("Submitted: a supervisor reviews it"),
        "review": tr("Review sent"),
        "restore": tr("Restored"),
        "archive": tr("Done"),
        "verify": tr("Verified: its review clock starts again"),
    }
    return words.get(request, tr("Done"))


def failed_words(request: str) -> str:
    words = {
        "publish": tr("Not published"),
        "submit": tr("Not submitted"),
        "review": tr("Review not sent"),
        "restore": tr("Not restored"),
        "archive": tr("Not changed"),
        "verify": tr("Not verified"),
    }
    return words.get(request, tr("Not changed"))


class PublishActions(QObject):
    def __init__(
        self,
        window: QWidget,
        bridge: EngineBridge,
        doc_view: DocView,
        open_doc: Callable[[str], bool],
        colours: Callable[[], object],
    ) -> None:
        super().__init__(window)
        self._window = window
        self.bridge = bridge
        self.engine = bridge.engine
        self.doc_view = doc_view
        self._open_doc = open_doc
        self._colours = colours
        self.queue: ReviewQueue | None = None
        self.history: HistoryDialog | None = None
        self._pending: dict[str, list[str]] = {}  # doc id -> requests not answered yet

        def action(text: str, slot: Callable[[], object], keys: str | None = None) -> QAction:
            made = QAction(text, window)
            made.triggered.connect(lambda _checked=False: slot())
            if keys:
                made.setShortcut(QKeySequence(keys))
            return made

        self.publish = action(tr("&Publish…"), self.open_publish, "Ctrl+Shift+P")
        self.show_history = action(tr("&History…"), self.open_history, "Ctrl+Shift+H")
        self.what_changed = action(tr("What &changed"), self.open_what_changed, "Ctrl+Shift+D")
        self.verify = action(tr("&Mark as still correct"), self.verify_doc)
        self.verify.setToolTip(tr("Confirm it is still right: its review clock starts again"))
        self.archive = action(tr("&Archive…"), self.toggle_archived)
        self.review_queue = action(tr("&Review queue"), self.open_review_queue, "Ctrl+Shift+R")

        self.banner = PublishingBanner(bridge)
        doc_view.header.add_banner(self.banner)
        self.banner.publishRequested.connect(self.open_publish)
        self.banner.showChangesRequested.connect(self.open_history)
        self.banner.unarchiveRequested.connect(self.toggle_archived)
        doc_view.header.historyRequested.connect(self.open_history)
        doc_view.header.whatChangedRequested.connect(self.open_what_changed)
        doc_view.docOpened.connect(self._on_opened)
        bridge.docsChanged.connect(self._on_docs_changed)
        bridge.recordsChanged.connect(self._on_records)
        bridge.requestFailed.connect(self._on_failed)
        # The user (and so the review queue's place in the menu) is known only once the
        # first sign-in or welcome is through, not when a new profile's window opens.
        bridge.stateChanged.connect(lambda _s: self.update())
        self.update()

    def fill_document_menu(self, menu: QMenu) -> None:
        for item in (self.publish, self.show_history, self.what_changed, self.verify, self.archive):
            menu.addAction(item)

    def fill_view_menu(self, menu: QMenu) -> None:
        menu.addAction(self.review_queue)

    # -- state -----------------------------------------------------------------------------

    def update(self) -> None:
        info = self.doc_view.info()
        user = self.engine.user
        editor = bool(info and info.working and info.can_edit)
        submit = bool(info and info.review_required and not info.can_publish)
        self.publish.setText(tr("&Submit for review…") if submit else tr("&Publish…"))
        self.publish.setEnabled(editor and bool(info and (info.can_publish or submit)))
        self.show_history.setEnabled(bool(info and (info.rev or info.working)))
        self.what_changed.setEnabled(bool(info and info.rev > 1))
        self.verify.setEnabled(bool(editor and info and info.status == "published"))
        archived = bool(info and info.status == "archived")
        self.archive.setText(tr("&Bring back") if archived else tr("&Archive…"))
        self.archive.setEnabled(bool(info and may_archive(self.engine, info)))
        self.review_queue.setEnabled(bool(user and user.role in ("supervisor", "owner")))
        self.review_queue.setVisible(bool(user and user.role in ("supervisor", "owner")))

    def _on_opened(self, doc_id: str) -> None:
        self.banner.show_doc(doc_id)
        self.update()

    def _on_docs_changed(self, events: tuple[DocChanged, ...]) -> None:
        for event in events:
            self._on_doc_changed(event)

    def _on_doc_changed(self, event: DocChanged) -> None:
        if event.kind == "meta" and event.doc_id == self.doc_view.doc_id:
            self.update()
        elif event.kind == "removed" and event.doc_id == self.doc_view.doc_id:
            self.banner.show_doc(None)

    # -- the actions -------------------------------------------------------------------------

    def open_publish(self) -> PublishDialog | None:
        info = self.doc_view.info()
        if info is None or not (info.working and info.can_edit):
            return None
        submit = info.review_required and not info.can_publish
        if not (info.can_publish or submit):
            return None
        from kmclient.ui.publishing.publish_dialog import PublishDialog

        dialog = PublishDialog(
            self.engine, info.id, submit=submit, colours=self._colours(), parent=self._window
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.sent.connect(lambda _doc, _kind: self.banner.refresh())
        dialog.open()
        return dialog

    def open_history(self, focus_latest: bool = False) -> HistoryDialog | None:
        info = self.doc_view.info()
        if info is None:
            return None
        if self.history is not None:
            self.history.close()
        from kmclient.ui.publishing.history_dialog import HistoryDialog

        self.history = HistoryDialog(
            self.bridge,
            info.id,
            focus_latest=focus_latest,
            colours=self._colours(),
            parent=self._window,
        )
        self.history.destroyed.connect(lambda *_: setattr(self, "history", None))
        self.history.present()
        return self.history

    def open_what_changed(self) -> HistoryDialog | None:
        """The latest version against the one before it (for readers above all)."""
        return self.open_history(focus_latest=True)

    def open_review_queue(self) -> ReviewQueue:
        if self.queue is None:
            from kmclient.ui.publishing.review_queue import ReviewQueue

            self.queue = ReviewQueue(self.bridge, self._colours(), self._window)
            self.queue.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.queue.destroyed.connect(lambda *_: setattr(self, "queue", None))
            self.queue.openDoc.connect(self._open_doc)
        self.queue.present()
        return self.queue

    def verify_doc(self) -> None:
        info = self.doc_view.info()
        if info is None:
            return
        self._do(lambda: self.engine.verify(info.id), tr("Verifying…"))

    def toggle_archived(self) -> None:
        info = self.doc_view.info()
        if info is None or not may_archive(self.engine, info):
            return
        archived = info.status == "archived"
        if not archived:
            answer = QMessageBox.question(
                self._window,
                tr("Archive"),
                tr(
                    "Archive “{title}”? Readers no longer see it; it stays in history "
                    "and can be brought back."
                ).format(title=info.title),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self._do(
            lambda: self.engine.archive(info.id, not archived),
            tr("Bringing it back…") if archived else tr("Archiving…"),
        )

    def _do(self, request: Callable[[], object], busy: str) -> None:
        try:
            request()
        except (NotAllowed, InvalidRequest, NoSuchDocument) as exc:
            self.doc_view.header.show_notice(str(exc))
            return
        self.doc_view.header.show_notice(busy)
        self.banner.refresh()

    # -- answers -----------------------------------------------------------------------------

    def _on_records(self, event: RecordsChanged) -> None:
        doc_id = self.doc_view.doc_id
        if "revision" not in event.kinds or doc_id not in event.doc_ids:
            return
        assert doc_id is not None
        pending = self.engine.pending_changes(doc_id)
        before = self._pending.get(doc_id, [])
        if not pending and before:  # answered: said once, where the user acted
            self.doc_view.header.show_notice(done_words(before[-1]))
        self._pending[doc_id] = pending
        self.banner.refresh()
        self.update()

    def _on_failed(self, failed: RequestFailed) -> None:
        if failed.request not in REQUESTS:
            return
        self._pending.pop(failed.doc_id or "", None)  # refused: no "done" notice after it
        if failed.doc_id == self.doc_view.doc_id:
            message = failed.message.rstrip(".")
            self.doc_view.header.show_notice(
                f"{failed_words(failed.request)}: {message[:1].lower()}{message[1:]}"
            )
        self.banner.refresh()
