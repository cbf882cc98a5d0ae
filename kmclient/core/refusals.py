"""What the engine does when the server refuses something: the server's ``error``
frames, and the repair that follows a refused edit (drop it and what built on it,
then take the server's copy of the document).

A mixin of :class:`~kmclient.core.sync_engine.SyncEngine` (owner thread only); the
attributes below are the engine's.
"""

from __future__ import annotations

import logging
from typing import Any

from kmclient.core.crdt import merge_updates
from kmclient.core.feedback import Feedback
from kmclient.core.model import QueryAnswered
from kmclient.core.replica import Replica
from kmserver.protocol import ysync

log = logging.getLogger("kmclient.core.sync_engine")

EMPTY_STATE_VECTOR = b"\x00"  # "I have nothing": the answer is the whole document


class Refusals:
    replica: Replica
    _fb: Feedback
    _live: bool
    _repairs: dict[str, list[bytes]]  # doc -> remote updates held while a repair waits
    _repair_asked: set[str]  # step 1 sent on the current socket
    _requests: dict[str, tuple[str, str]]
    _queries: dict[str, str]

    def _answer(
        self, ref: str, ok: bool, code: str | None = None, message: str = ""
    ) -> None: ...  # pragma: no cover

    def _settle(self, doc_id: str | None, *, keep: bool = False) -> None: ...  # pragma: no cover
    def _set(self, **changes: Any) -> None: ...  # pragma: no cover
    def _send(self, frame: str | bytes) -> None: ...  # pragma: no cover

    def _on_error(self, msg: dict[str, Any]) -> None:
        if self._fb.on_error(msg):  # about a flag/comment/note/watch/read request
            return
        doc_id = msg.get("doc")
        text = msg.get("message") or msg.get("code") or "error"
        ref = msg.get("ref")
        if ref in self._queries:
            kind = self._queries.pop(ref)
            code, text = msg.get("code") or "error", msg.get("message") or ""
            self.replica.emit(QueryAnswered(ref, kind, False, {}, code, text))
            return
        if ref in self._requests:  # the caller shows it where it asked
            kind = self._requests[ref][0]
            self._answer(ref, False, msg.get("code") or "error", text)
            if kind == "set_meta" and msg.get("code") == "not_found" and doc_id:
                self.replica.remove(doc_id)  # we may no longer see it
            return
        if msg.get("reply_to") == "update":
            # the server failed or was busy (over a rate limit), not the edit: keep it
            if msg.get("code") in ("internal", "rate_limited"):
                self._settle(doc_id, keep=True)
                self._set(error=f"the server could not save a change ({text}); will retry")
                return
            self._settle(doc_id)
            info = self.replica.docs.get(doc_id) if doc_id else None
            if info is not None:
                # Later edits of this document build on the refused one: drop them too.
                self.replica.drop_outbox_doc(info.id)
                if info.working:  # else the working copy is gone already (edit rights lost)
                    self._start_repair(info.id)
                self._set(error=f"your change to '{info.title}' was not saved: {text}")
            return
        if msg.get("code") == "not_found" and doc_id:
            info = self.replica.docs.get(doc_id)
            self._repairs.pop(doc_id, None)
            if info is None or info.working:
                self.replica.remove(doc_id)  # we asked about a document we may no longer see
            return  # else: a question about a working copy no longer ours (a late repair)
        log.warning("server error: %s", msg)
        self._set(error=f"server: {text}")

    # -- repairs: drop a refused change, take the server's copy ----------------------------

    def _start_repair(self, doc_id: str) -> None:
        self._repairs.setdefault(doc_id, [])
        if self._live:
            self._ask_full_state(doc_id)

    def _ask_full_state(self, doc_id: str) -> None:
        self._repair_asked.add(doc_id)
        self._send(ysync.wrap(doc_id, ysync.sync_step1(EMPTY_STATE_VECTOR)))

    def _finish_repair(self, doc_id: str, state: bytes, held: list[bytes]) -> None:
        del self._repairs[doc_id]
        self._repair_asked.discard(doc_id)
        # Updates that arrived while we waited may be newer than the answer.
        self.replica.replace_state(doc_id, merge_updates(state, *held) if held else state)
