"""Waiting for the server's answer to one request (create a document, change its details).

The engine returns a ref for each request and answers it with a
``RequestAnswered`` event; a ``PendingRequest`` keeps the ref of the request a
dialog or action is waiting for and hands over only that answer. Refusals are
put in calm words for people (``refusal_text``).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from kmclient.core.model import RequestAnswered
from kmclient.core.sync_engine import NotOnline
from kmclient.ui.i18n import tr
from kmclient.ui.shell.engine_bridge import EngineBridge


def offline_text() -> str:
    return tr("You are offline. This needs the server; try again when the status bar says Online.")


def refusal_text(answer: RequestAnswered) -> str:
    """Why the server said no, for the person who asked."""
    code, message = answer.code, (answer.message or "").strip().rstrip(".")
    if code == "conflict":
        return tr("That id is taken. Choose another id.")
    if code == "not_found":
        return tr("Not saved: this document is no longer available to you.")
    if code == "disconnected":
        return tr(
            "The connection dropped before the server answered. "
            "Check whether it was saved, then try again."
        )
    if code == "forbidden":
        return tr("Not saved: {reason}.").format(reason=message or tr("you may not do that"))
    return tr("Not saved: {reason}.").format(reason=message or code or tr("the server refused it"))


class PendingRequest(QObject):
    """At most one request in flight; ``answered`` brings its answer."""

    answered = Signal(object)  # RequestAnswered

    def __init__(self, bridge: EngineBridge, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ref: str | None = None
        bridge.requestAnswered.connect(self._on_answer)

    @property
    def waiting(self) -> bool:
        return self._ref is not None

    def send(self, request: Callable[[], str]) -> str | None:
        """Run ``request`` (an engine call returning a ref); the reason it could not
        be sent, or None."""
        try:
            self._ref = request()
        except NotOnline:
            return offline_text()
        return None

    def forget(self) -> None:
        """Stop waiting (the dialog closed); a late answer is ignored."""
        self._ref = None

    def _on_answer(self, answer: RequestAnswered) -> None:
        if answer.ref == self._ref:
            self._ref = None
            self.answered.emit(answer)
