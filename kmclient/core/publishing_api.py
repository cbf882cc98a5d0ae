"""The public calls for publishing: publish, review, restore, archive, verify, and questions.

A mixin of :class:`~kmclient.core.sync_engine.SyncEngine` (owner thread only).
Changes work offline like flags: stored in the request outbox (with a uuid,
so a resend is never done twice), sent when online, answered ``saved`` or
refused (``RequestFailed``: e.g. ``conflict`` "nothing to publish",
``forbidden`` "needs review"). Their effect arrives as the server tells
everyone: a ``meta`` event (new revision number, review state) and, for a
publication, a ``published`` event with the new text.

Questions (history, a revision's text, the review queue, overdue documents,
the audit trail) need the server: ``ask(kind, ...)`` returns a ref, answered
by ``QueryAnswered``. Diffs are computed here (kmserver/protocol/textdiff.py).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from kmclient.core.attention_api import ATTENTION_QUERIES, must_read_fields
from kmclient.core.feedback_requests import InvalidRequest, NoSuchDocument, NotAllowed
from kmserver.protocol import textdiff
from kmserver.protocol.messages import REVISION_CHANGES

if TYPE_CHECKING:
    from kmclient.core.feedback import Feedback
    from kmclient.core.model import DocInfo, UserProfile
    from kmclient.core.replica import Replica

QUERIES = frozenset({"history", "revision", "review_queue", "overdue", "audit"}) | ATTENTION_QUERIES


@dataclass(frozen=True, slots=True)
class MustReadSpec:
    """Who must read a revision published with it, by when, how often reminded."""

    audience: list[str] | str
    due: datetime | None = None
    remind_every: int | None = None  # seconds


class PublishingApi:
    # Provided by SyncEngine:
    replica: Replica
    _fb: Feedback
    _user: UserProfile | None

    def _check_open(self) -> None: ...  # pragma: no cover
    def _flush_local(self) -> None: ...  # pragma: no cover
    def _readable(self, doc_id: str) -> DocInfo: ...  # pragma: no cover
    def _fb_request(self, kind: str, record_id: str, doc_id: str | None, msg: dict) -> None: ...

    # -- changes ------------------------------------------------------------------------

    def publish(self, doc_id: str, note: str = "", must_read: MustReadSpec | None = None) -> str:
        """Publish the working copy as the next revision (owners of documents that do
        not need review, supervisors). Offline too. Returns the request id.
        ``must_read`` (supervisors): the new revision is a must-read in the same step."""
        info = self._editable(doc_id)
        if not info.can_publish:
            if info.review_required:
                raise NotAllowed("this document needs a supervisor's review: submit it instead")
            raise NotAllowed("you may not publish this document")
        if must_read is None:
            return self._change("publish", doc_id, note=note)
        if self._user is None or self._user.role != "supervisor":
            raise NotAllowed("only supervisors make a published version a must-read")
        fields = must_read_fields(must_read.audience, must_read.due, must_read.remind_every, "")
        return self._change("publish", doc_id, note=note, must_read=fields)

    def submit_for_review(self, doc_id: str, note: str = "") -> str:
        """Ask a supervisor to review and publish the working copy as it is now."""
        info = self._editable(doc_id)
        if not info.review_required:
            raise NotAllowed("this document does not need review: publish it directly")
        return self._change("submit", doc_id, note=note)

    def review(self, doc_id: str, approve: bool, note: str = "") -> str:
        """A supervisor approves (publishes what was submitted) or sends it back
        (``note``: why, required)."""
        self._readable(doc_id)
        if self._user is None or self._user.role != "supervisor":
            raise NotAllowed("only supervisors review documents")
        if not approve and not note.strip():
            raise InvalidRequest("say why it goes back: a comment for the owner")
        return self._change(
            "review", doc_id, decision="approve" if approve else "send_back", note=note
        )

    def restore(self, doc_id: str, rev: int, note: str = "") -> str:
        """Publish revision ``rev`` again as a new revision (or, where review is
        required, put it in the working copy and submit it)."""
        self._editable(doc_id)
        return self._change("restore", doc_id, rev=rev, note=note)

    def archive(self, doc_id: str, archived: bool = True) -> str:
        """Take a document off readers' screens (its owner or a supervisor), or bring it back."""
        info = self._readable(doc_id)
        user = self._user
        if user is None or not (
            user.role == "supervisor" or (user.role == "owner" and user.name == info.owner)
        ):
            raise NotAllowed("only the document's owner or a supervisor may archive it")
        return self._change("archive", doc_id, archived=archived)

    def verify(self, doc_id: str) -> str:
        """Confirm the published revision is still right: its review clock starts again."""
        info = self._editable(doc_id)
        if info.rev == 0:
            raise NotAllowed("nothing is published yet to verify")
        return self._change("verify", doc_id)

    def pending_changes(self, doc_id: str) -> list[str]:
        """Publishing requests for the document the server has not answered yet
        (``publish``, ``submit``, ...), oldest first: "publishing..." in the UI."""
        return [r.type for r in self._fb.pending_of(doc_id) if r.type in REVISION_CHANGES]

    # -- what is held ----------------------------------------------------------------------

    def published_text(self, doc_id: str) -> str | None:
        """The latest published revision's Markdown ("" for a draft)."""
        return self.replica.published_text(doc_id)

    def working_text(self, doc_id: str) -> str | None:
        """The working copy's Markdown (None where this user does not hold it)."""
        info = self.replica.docs.get(doc_id)
        return self.replica.working_text(doc_id) if info is not None and info.working else None

    def unpublished_changes(self, doc_id: str) -> textdiff.Summary | None:
        """How the working copy differs from the latest revision (editors), or None
        when it does not (or the user does not hold the working copy)."""
        working = self.working_text(doc_id)
        if working is None:
            return None
        summary = textdiff.summarize(textdiff.diff(self.published_text(doc_id) or "", working))
        return None if summary.empty else summary

    def previous_revision(self, doc_id: str) -> tuple[int, str] | None:
        """(number, text) of the revision the latest replaced, when this profile saw it
        arrive ("what changed", offline); else ask the server for ``revision``."""
        return self.replica.previous(doc_id)

    # -- internals --------------------------------------------------------------------------

    def _editable(self, doc_id: str) -> DocInfo:
        info = self._readable(doc_id)
        if not info.working:
            raise NotAllowed("you may not change this document")
        return info

    def _change(self, kind: str, doc_id: str, **fields: Any) -> str:
        self._check_open()
        request_id = str(uuid.uuid4())
        msg = {"id": request_id, "doc": doc_id, **fields}
        if "note" in msg and not msg["note"]:
            del msg["note"]
        if doc_id not in self.replica.docs:
            raise NoSuchDocument(f"no document '{doc_id}' here")
        # Edits typed before this request go to the server before it (same socket,
        # in order; the outbox before the requests after a reconnect): what is
        # published is what the user saw.
        self._flush_local()
        self._fb_request(kind, request_id, doc_id, msg)
        return request_id
