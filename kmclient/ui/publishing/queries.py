"""Asking the server something and getting the answer in a callback (history, revisions,
the review queue, the audit trail): ``engine.ask`` and its ``QueryAnswered``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject

from kmclient.core.model import QueryAnswered
from kmclient.core.sync_engine import NotOnline
from kmclient.ui.i18n import tr
from kmclient.ui.shell.engine_bridge import EngineBridge


def offline_text() -> str:
    return tr("You are offline: this needs the server. It shows again when you are online.")


Answer = Callable[[QueryAnswered], None]


class Queries(QObject):
    """Questions in flight for one screen; a closed screen stops caring about answers."""

    def __init__(self, bridge: EngineBridge, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.engine = bridge.engine
        self._waiting: dict[str, Answer] = {}
        bridge.queryAnswered.connect(self._on_answer)

    def ask(self, kind: str, on_answer: Answer, **fields: Any) -> str | None:
        """Ask; None if it went out, else why not (offline)."""
        try:
            ref = self.engine.ask(kind, **fields)
        except NotOnline:
            return offline_text()
        self._waiting[ref] = on_answer
        return None

    @property
    def busy(self) -> bool:
        return bool(self._waiting)

    def forget(self) -> None:
        self._waiting.clear()

    def _on_answer(self, answer: QueryAnswered) -> None:
        callback = self._waiting.pop(answer.ref, None)
        if callback is not None:
            callback(answer)


def failure_text(answer: QueryAnswered) -> str:
    if answer.code == "disconnected":
        return tr("The connection dropped before the server answered. Try again when online.")
    if answer.code == "not_found":
        return tr("Not available: it is gone, or no longer shared with you.")
    if answer.code == "forbidden":
        return answer.message or tr("Not allowed.")
    return answer.message or tr("The server could not answer.")
