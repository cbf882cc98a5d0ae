"""The public calls for flags, comments, private notes, watches and notifications.

A mixin of :class:`~kmclient.core.sync_engine.SyncEngine` (owner thread only,
like the rest of its API). Every change works offline: it is stored in the
request outbox at once, shows in the queries at once (``pending=True``), and
is sent when online; the server's record replaces the pending view when it
arrives. Refusals arrive as :class:`~kmclient.core.model.RequestFailed`.
Changes to what the queries return are announced by ``RecordsChanged``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from kmclient.core.feedback import REPORT_ROLES, Feedback, parse_last_seen
from kmclient.core.feedback_model import (
    Anchor,
    Comment,
    CommentThread,
    Flag,
    FlagReport,
    Note,
    Notification,
    SinceLastSignIn,
    WatchSetting,
    inbox_order,
    parse_time,
)
from kmclient.core.feedback_requests import (
    InvalidRequest,
    NoSuchDocument,
    NoSuchRecord,
    NotAllowed,
)
from kmserver.protocol.feedback import CLOSED_STATES, MAX_READ_IDS, pref_id

if TYPE_CHECKING:  # pycrdt (anchors, Text): imported when first needed, not at start
    from pycrdt import Text

    from kmclient.core.anchors import Span
    from kmclient.core.model import DocInfo, UserProfile
    from kmclient.core.replica import Replica


class Anchored(Protocol):
    """A flag, comment, comment thread or note."""

    @property
    def id(self) -> str: ...
    @property
    def doc_id(self) -> str: ...
    @property
    def anchor(self) -> Anchor | None: ...


class FeedbackApi:
    # Provided by SyncEngine:
    replica: Replica
    _fb: Feedback
    _user: UserProfile | None

    def _commit(self) -> list[int]: ...  # pragma: no cover
    def _check_open(self) -> None: ...  # pragma: no cover

    # -- flags -----------------------------------------------------------------------

    def flag(
        self,
        doc_id: str,
        reason: str,
        note: str = "",
        urgency: str = "normal",
        passage: tuple[int, int] | None = None,
    ) -> str:
        """Flag a document, or a passage of it (``(start, end)`` character indices of
        its current text). Returns the new flag's id. Works offline."""
        self._readable(doc_id)
        fid = str(uuid.uuid4())
        msg: dict[str, Any] = {"id": fid, "doc": doc_id, "reason": reason, "urgency": urgency}
        if note:
            msg["note"] = note
        self._with_anchor(msg, doc_id, passage)
        self._fb_request("flag", fid, doc_id, msg)
        return fid

    def set_flag_state(self, flag_id: str, state: str, note: str | None = None) -> None:
        """Acknowledge, resolve (``note``: the resolution), dismiss (``note``: why) or
        reopen a flag. Owners, editors and supervisors triage; the raiser may reopen
        or withdraw (dismiss) their own. If someone moved the flag on meanwhile, the
        server answers ``conflict`` (a RequestFailed) and the flag shows its state."""
        flag = self.flag_by_id(flag_id)
        if flag is None:
            raise NoSuchRecord(f"no flag {flag_id}")
        if state in CLOSED_STATES and not (note or "").strip():
            raise InvalidRequest(f"a {state} flag needs a note (the resolution or reason)")
        info = self._readable(flag.doc_id)
        raiser = self._user is not None and flag.by == self._user.name
        if not (info.can_edit or (raiser and state in ("open", "dismissed"))):
            raise NotAllowed(f"you may not mark this flag {state}")
        if flag.state == state and note in (None, flag.state_note):
            return
        msg: dict[str, Any] = {"id": flag_id, "state": state, "expect": flag.state}
        if note is not None:
            msg["note"] = note
        self._fb_request("flag_state", flag_id, flag.doc_id, msg)

    def flags(self, doc_id: str | None = None, open_only: bool = False) -> list[Flag]:
        """Flags of one document (or all held): open ones first, then newest first."""
        if open_only and doc_id is not None:
            found = self._fb.open_flags(doc_id)
        else:
            found = [_flag(d) for d in self._fb.view("flag", doc_id) if not d.deleted]
            if open_only:
                found = [f for f in found if f.is_open]
        return sorted(found, key=lambda f: (not f.is_open, -_ts(f.created_at)))

    def flag_by_id(self, flag_id: str) -> Flag | None:
        drafts = self._fb.view("flag", ids=[flag_id])
        return _flag(drafts[0]) if drafts else None

    def flag_inbox(self) -> list[Flag]:
        """Open and acknowledged flags on documents this user owns or edits (and, for
        supervisors, escalated ones): most urgent first, then oldest. Local, offline too."""
        user = self._user
        if user is None:
            return []
        mine = []
        for doc_id in self._fb.open_flag_docs():
            info = self.replica.docs.get(doc_id)
            if info is None:
                continue
            editor = user.name == info.owner or user.name in info.editors
            for flag in self._fb.open_flags(doc_id):
                if editor or (user.role == "supervisor" and flag.escalated_at is not None):
                    mine.append(flag)
        return sorted(mine, key=inbox_order)

    def flag_report(self, state: str | None = None) -> FlagReport:
        """Every flag with its time to acknowledge and to resolve (supervisors, admins).

        The server's ``flag_report`` answer when one is current; otherwise computed
        from the flags held (the same numbers) and, when online, the server is asked:
        ``FlagReportReceived`` follows."""
        if self._user is None or self._user.role not in REPORT_ROLES:
            raise NotAllowed("the flag report is for supervisors")
        return self._fb.flag_report(state)

    def open_flag_summary(self, doc_id: str, now: datetime | None = None) -> str | None:
        """ "flagged as outdated by anna 2 h ago" (and "+ 1 more"), or None: the calm
        warning for a document and its search results. Cheap (from memory)."""
        flags = self._fb.open_flags(doc_id)
        if not flags:
            return None
        top = min(flags, key=inbox_order)
        more = len(flags) - 1
        return top.summary(now) + (f" (+{more} more)" if more else "")

    def flagged_docs(self) -> set[str]:
        """Documents with an open or acknowledged flag (markers in lists). Cheap."""
        return {d for d in self._fb.open_flag_docs() if self._fb.open_flags(d)}

    # -- comments ----------------------------------------------------------------------

    def comment(
        self,
        doc_id: str,
        body: str,
        parent: str | None = None,
        passage: tuple[int, int] | None = None,
    ) -> str:
        """Comment on a document or passage, or reply (``parent``: a comment id of the
        same document). ``@name`` mentions notify readers of the document."""
        self._readable(doc_id)
        if parent is not None:
            found = self._fb.view("comment", doc_id, ids=[parent])
            if not found:
                raise NoSuchRecord(f"no comment {parent} on this document")
        cid = str(uuid.uuid4())
        msg: dict[str, Any] = {"id": cid, "doc": doc_id, "body": body}
        if parent is not None:
            msg["parent"] = parent
        self._with_anchor(msg, doc_id, passage)
        self._fb_request("comment", cid, doc_id, msg)
        return cid

    def set_comment_state(self, comment_id: str, resolved: bool) -> None:
        """Resolve or reopen a comment (its author or the document's editors)."""
        drafts = self._fb.view("comment", ids=[comment_id])
        if not drafts:
            raise NoSuchRecord(f"no comment {comment_id}")
        found = _comment(drafts[0])
        info = self._readable(found.doc_id)
        if not (info.can_edit or (self._user is not None and found.by == self._user.name)):
            raise NotAllowed("only its author or the document's editors may")
        if found.resolved != resolved:
            msg = {"id": comment_id, "resolved": resolved}
            self._fb_request("comment_state", comment_id, found.doc_id, msg)

    def comment_by_id(self, comment_id: str) -> Comment | None:
        """One comment (e.g. what a notification's ``ref`` names)."""
        drafts = self._fb.view("comment", ids=[comment_id])
        return _comment(drafts[0]) if drafts else None

    def comments(self, doc_id: str) -> list[CommentThread]:
        """The document's comment threads, oldest first; replies oldest first."""
        found = [_comment(d) for d in self._fb.view("comment", doc_id)]
        by_thread: dict[str, list[Comment]] = {}
        for c in found:
            by_thread.setdefault(c.thread, []).append(c)
        threads = []
        for tid, items in by_thread.items():
            items.sort(key=lambda c: (_ts(c.created_at), c.seq == 0, c.seq))
            root = next((c for c in items if c.id == tid), items[0])
            threads.append(CommentThread(root, tuple(c for c in items if c is not root)))
        return sorted(threads, key=lambda t: _ts(t.root.created_at))

    # -- private notes ---------------------------------------------------------------

    def note(self, doc_id: str, body: str, passage: tuple[int, int] | None = None) -> str:
        """A private note (only this user, on all their devices). Returns its id."""
        self._readable(doc_id)
        nid = str(uuid.uuid4())
        msg: dict[str, Any] = {"id": nid, "doc": doc_id, "body": body}
        self._with_anchor(msg, doc_id, passage)
        self._fb_request("note", nid, doc_id, msg)
        return nid

    def edit_note(self, note_id: str, body: str, passage: tuple[int, int] | None = None) -> None:
        """New text for a note; ``passage`` anchors it anew (None keeps its anchor)."""
        found = self._note(note_id)
        msg: dict[str, Any] = {"id": note_id, "body": body}
        self._with_anchor(msg, found.doc_id, passage)
        self._fb_request("note_edit", note_id, found.doc_id, msg)

    def delete_note(self, note_id: str) -> None:
        found = self._note(note_id)
        self._fb_request("note_delete", note_id, found.doc_id, {"id": note_id})

    def notes(self, doc_id: str | None = None) -> list[Note]:
        """This user's notes on a document (or all), oldest first."""
        found = [
            Note.from_record(d.id, d.doc_id or "", d.seq, d.data, d.pending)
            for d in self._fb.view("note", doc_id)
            if not d.deleted
        ]
        return sorted(found, key=lambda n: _ts(n.created_at))

    # -- watch settings --------------------------------------------------------------

    def watch(self, doc_id: str | None = None, topic: str | None = None, *, level: str) -> None:
        """What to be told about a document or a topic: ``all_edits``, ``digest``,
        ``mentions_only``, ``off``, or ``default`` (remove the setting: role defaults)."""
        if (doc_id is None) == (topic is None):
            raise InvalidRequest("watch either a document or a topic")
        if doc_id is not None:
            self._readable(doc_id)
            rid, msg = pref_id("doc", doc_id), {"doc": doc_id, "level": level}
        else:
            rid, msg = pref_id("topic", str(topic)), {"topic": topic, "level": level}
        self._fb_request("watch", rid, doc_id, msg)

    def watches(self) -> list[WatchSetting]:
        """This user's own settings (documents and topics without one use role defaults)."""
        return [
            WatchSetting(d.data["scope"], d.data["key"], d.data["level"], d.pending)
            for d in self._fb.view("pref")
            if not d.deleted and "level" in d.data
        ]

    def watch_level(self, doc_id: str | None = None, topic: str | None = None) -> str | None:
        """The user's own setting for a document or topic; None: role defaults apply."""
        scope, key = ("doc", doc_id) if doc_id is not None else ("topic", topic)
        for setting in self.watches():
            if (setting.scope, setting.key) == (scope, key):
                return setting.level
        return None

    # -- notifications ---------------------------------------------------------------

    def notifications(
        self, unread_only: bool = False, limit: int | None = None
    ) -> list[Notification]:
        """The notification centre: newest first."""
        found = [_notification(d) for d in self._fb.view("notification")]
        if unread_only:
            found = [n for n in found if not n.read]
        found.sort(key=lambda n: (-_ts(n.created_at), -n.seq))
        return found[:limit] if limit is not None else found

    def unread_count(self) -> int:
        return len(self._fb.unread_ids())

    def mark_read(self, ids: Iterable[str], read: bool = True) -> None:
        """Mark notifications read (or unread again), on every device of this user."""
        wanted = [i for i in dict.fromkeys(ids) if self._fb.holds("notification", i)]
        for start in range(0, len(wanted), MAX_READ_IDS):
            chunk = wanted[start : start + MAX_READ_IDS]
            self._fb_queue("read", None, None, {"ids": chunk, "read": read})
        if wanted:
            self._sent_after_commit()

    def last_session_end(self) -> datetime | None:
        """``since_last_sign_in().at`` without reading every document."""
        seq, at = parse_last_seen(self._fb.last_seen)
        return None if seq is None else at

    def since_last_sign_in(self) -> SinceLastSignIn:
        """What changed since this user's previous session ended (any device): from
        ``sync_end.last_seen`` of the first sync after the app started."""
        seq, at = parse_last_seen(self._fb.last_seen)
        if seq is None:
            return SinceLastSignIn(None, None, (), ())
        me = self._user.name if self._user else None
        docs = tuple(
            sorted(d.id for d in self.replica.docs.values() if d.seq > seq and d.updated_by != me)
        )
        found = [_notification(d) for d in self._fb.view("notification", seq_above=seq)]
        found.sort(key=lambda n: (-_ts(n.created_at), -n.seq))
        topics = self._user.topics if self._user and self._user.topics else None
        # Each time parsed once (10k documents: this runs on the GUI thread).
        newer: list[tuple[float, str]] = []
        if at is not None:
            for d in self.replica.docs.values():
                if d.published is None or d.published.by == me or not d.relevant_to(topics):
                    continue
                stamp = parse_time(d.published.at)
                if (stamp or at) > at:
                    newer.append((-_ts(stamp), d.id))
        newer.sort(key=lambda pair: pair[0])  # stable: equal times keep the documents' order
        flags = [
            _flag(d)
            for d in self._fb.view("flag", seq_above=seq)
            if not d.deleted and d.data.get("by") == me and d.data.get("state_by") not in (None, me)
        ]
        return SinceLastSignIn(
            at, seq, docs, tuple(found), tuple(doc_id for _key, doc_id in newer), tuple(flags)
        )

    # -- quiet mode ("on a call") ------------------------------------------------------

    @property
    def quiet(self) -> bool:
        return self._fb.quiet

    def set_quiet(self, quiet: bool) -> None:
        """Hold pop-ups (NotificationArrived(popup=False)); the centre stays current.
        Turning it off sends QuietModeEnded with what was held and is still unread.
        Client-side only: other devices are not silenced."""
        self._fb.set_quiet(quiet)

    @property
    def pending_requests(self) -> int:
        """Flag/comment/note/watch/read requests the server has not answered yet."""
        return self._fb.pending_count

    # -- anchors ------------------------------------------------------------------------

    def resolve_anchor(self, record: Anchored) -> Span | None:
        """Where a flag's, comment's or note's passage is now: ``(start, end)`` character
        indices of the document's current text; None if it has no passage or the
        passage is gone (show ``record.anchor.quote`` instead)."""
        return self.resolve_anchors([record]).get(record.id)

    def resolve_anchors(self, records: Iterable[Anchored]) -> dict[str, Span | None]:
        """resolve_anchor for many records, one text snapshot per document."""
        from kmclient.core.anchors import resolve_anchors

        by_doc: dict[str, list[Anchored]] = {}
        for record in records:
            by_doc.setdefault(record.doc_id, []).append(record)
        found: dict[str, Span | None] = {}
        for doc_id, items in by_doc.items():
            text = self._body(doc_id)
            anchored = [r for r in items if r.anchor is not None]
            spans = resolve_anchors(text, [r.anchor for r in anchored]) if text and anchored else []
            found.update(dict.fromkeys((r.id for r in items), None))
            found.update({r.id: s for r, s in zip(anchored, spans, strict=False)})
        return found

    # -- internals ------------------------------------------------------------------------

    def _readable(self, doc_id: str) -> DocInfo:
        self._check_open()
        info = self.replica.docs.get(doc_id)
        if info is None:
            raise NoSuchDocument(
                f"no document '{doc_id}' here: it does not exist or you may not read it"
            )
        return info

    def _note(self, note_id: str) -> Note:
        drafts = [d for d in self._fb.view("note", ids=[note_id]) if not d.deleted]
        if not drafts:
            raise NoSuchRecord(f"no note {note_id}")
        d = drafts[0]
        return Note.from_record(d.id, d.doc_id or "", d.seq, d.data, d.pending)

    def _body(self, doc_id: str) -> Text | None:
        """The text the user reads (working copy or latest revision): anchors made in
        either resolve in both, as they share the CRDT's items."""
        from kmserver.protocol.ytext import body, new_doc

        info = self.replica.docs.get(doc_id)
        if info is None:
            return None
        if info.working:
            doc = self.replica.open_docs.get(doc_id) or new_doc(self.replica.state(doc_id))
        else:
            doc = self.replica.published_docs.get(doc_id) or new_doc(
                self.replica.published_state(doc_id)
            )
        return body(doc)

    def _with_anchor(
        self, msg: dict[str, Any], doc_id: str, passage: tuple[int, int] | None
    ) -> None:
        if passage is None:
            return
        text = self._body(doc_id)
        if text is None:
            raise NoSuchDocument(f"no document '{doc_id}' here")
        from kmclient.core.anchors import make_anchor

        try:
            msg["anchor"] = make_anchor(text, *passage).to_wire()
        except ValueError as exc:
            raise InvalidRequest(str(exc)) from exc

    def _fb_request(self, kind: str, record_id: str, doc_id: str | None, msg: dict) -> None:
        self._fb_queue(kind, record_id, doc_id, msg)
        self._sent_after_commit()

    def _fb_queue(self, kind: str, record_id: str | None, doc_id: str | None, msg: dict) -> None:
        self._check_open()
        self._fb.queue(kind, record_id, doc_id, msg)

    def _sent_after_commit(self) -> None:
        self._commit()  # stored (FULL sync) before it may reach the server
        self._fb.flush()


def _ts(stamp: datetime | None) -> float:
    return stamp.timestamp() if stamp is not None else float("inf")


def _flag(d: Any) -> Flag:
    return Flag.from_record(d.id, d.doc_id or "", d.seq, d.data, d.pending)


def _comment(d: Any) -> Comment:
    return Comment.from_record(d.id, d.doc_id or "", d.seq, d.data, d.pending)


def _notification(d: Any) -> Notification:
    return Notification.from_record(d.id, d.doc_id, d.seq, d.data, d.pending)
