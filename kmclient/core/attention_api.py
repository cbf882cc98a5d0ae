"""The public calls for must-reads and broadcasts (docs/attention.md).

A mixin of :class:`~kmclient.core.sync_engine.SyncEngine` (owner thread only).
Like flags, every change works offline: ``acknowledge`` is stored in the
request outbox at once, shows at once (``pending``), and is sent on the next
sync, never twice (the server answers a repeat with the first answer).

- reps: ``must_reads()`` (what waits, overdue first), ``mark_opened``,
  ``acknowledge``, ``changes_since_acknowledged`` (the diff from the revision
  they last acknowledged), ``broadcasts()`` (active by this computer's clock,
  so an expired one goes also offline) and ``hide_broadcast``;
- supervisors: ``publish(..., must_read=...)`` (publishing_api.py),
  ``require_reading``, ``send_broadcast``, ``end_broadcast``, and the questions
  ``coverage`` (live), ``must_reads``, ``broadcasts``, ``broadcast_seen``
  through ``ask`` (answered by ``QueryAnswered``).

Changes are announced by ``RecordsChanged`` with kinds ``must_read``, ``ack``
and ``broadcast``; a supervisor watching a coverage hears ``CoverageChanged``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from kmclient.core.attention_model import Broadcast, MustRead, banner_order, waiting_first
from kmclient.core.feedback_requests import InvalidRequest, NoSuchRecord, NotAllowed
from kmserver.protocol import audience, textdiff
from kmserver.protocol.codec import ProtocolError

if TYPE_CHECKING:
    from kmclient.core.feedback import Feedback
    from kmclient.core.model import DocInfo, UserProfile
    from kmclient.core.replica import Replica

HIDDEN = "hidden_broadcasts"  # setting: ids this user hid on this computer
ACKED_TEXT = "acked_text:"  # setting per document: the text of the revision last acknowledged
ATTENTION_QUERIES = frozenset({"coverage", "must_reads", "broadcasts", "broadcast_seen"})


@dataclass(frozen=True, slots=True)
class WhatChanged:
    """What a must-read asks the user to read: the changes since the revision they last
    acknowledged (``base_rev``), or the whole text when they have acknowledged none.
    ``base_text`` is None when that revision's text is not on this computer (it was
    acknowledged elsewhere): ask the server for ``revision``."""

    doc_id: str
    rev: int
    base_rev: int | None
    base_text: str | None
    text: str

    @property
    def chunks(self) -> list[textdiff.Chunk] | None:
        if self.base_text is None:
            return None
        return textdiff.diff(self.base_text, self.text)


class AttentionApi:
    # Provided by SyncEngine:
    replica: Replica
    _fb: Feedback
    _user: UserProfile | None

    def _check_open(self) -> None: ...  # pragma: no cover
    def _commit(self) -> list[int]: ...  # pragma: no cover
    def _readable(self, doc_id: str) -> DocInfo: ...  # pragma: no cover
    def _fb_request(self, kind: str, record_id: str, doc_id: str | None, msg: dict) -> None: ...

    # -- must-reads (everyone) ------------------------------------------------------------

    def must_reads(
        self, *, include_done: bool = False, now: datetime | None = None
    ) -> list[MustRead]:
        """The newest must-read revision of each document for this user, those not yet
        acknowledged (``include_done``: also the acknowledged), overdue first."""
        now = now or datetime.now(UTC)
        items = [m for m in self._newest_must_reads() if include_done or not m.acknowledged]
        return waiting_first(items, now)

    def must_read_of(self, doc_id: str) -> MustRead | None:
        """The document's newest must-read for this user (acknowledged or not)."""
        found = [m for m in self._newest_must_reads() if m.doc_id == doc_id]
        return found[0] if found else None

    def mark_opened(self, doc_id: str) -> None:
        """The user has the must-read revision on screen ("opened" in the coverage).
        Once per revision; nothing to do for a document that is not a must-read."""
        must = self.must_read_of(doc_id)
        if must is None or must.opened_at is not None:
            return
        body = {"doc": doc_id, "rev": must.rev}
        self._fb_request("opened", must.id, doc_id, body)

    def acknowledge(self, doc_id: str) -> MustRead:
        """ "I have read this": the document's newest must-read revision (and any earlier
        one left). Offline too; sent on the next sync, never counted twice."""
        info = self._readable(doc_id)
        must = self.must_read_of(doc_id)
        if must is None:
            raise NoSuchRecord(f"'{info.title}' is not a must-read for you")
        if must.acknowledged:
            return must
        text = self.replica.published_text(doc_id)
        if text is not None and info.rev == must.rev:  # what they read: the next diff's base
            self.replica.set_setting(ACKED_TEXT + doc_id, {"rev": must.rev, "text": text})
        self._fb_request("acknowledge", must.id, doc_id, {"doc": doc_id, "rev": must.rev})
        return self.must_read_of(doc_id) or must

    def what_changed(self, doc_id: str) -> WhatChanged:
        """The changes since the revision this user last acknowledged."""
        info = self._readable(doc_id)
        text = self.replica.published_text(doc_id) or ""
        done = [
            m
            for m in self._must_reads_of(doc_id)
            if m.acknowledged and m.rev < (self.must_read_of(doc_id) or m).rev
        ]
        if not done:
            return WhatChanged(doc_id, info.rev, None, None, text)
        base = max(m.rev for m in done)
        saved = self.replica.store.get_setting(ACKED_TEXT + doc_id)
        if isinstance(saved, dict) and saved.get("rev") == base:
            return WhatChanged(doc_id, info.rev, base, str(saved.get("text") or ""), text)
        previous = self.replica.previous(doc_id)
        if previous is not None and previous[0] == base:
            return WhatChanged(doc_id, info.rev, base, previous[1], text)
        return WhatChanged(doc_id, info.rev, base, None, text)

    # -- broadcasts (everyone) --------------------------------------------------------------

    def broadcasts(
        self, *, now: datetime | None = None, include_hidden: bool = False
    ) -> list[Broadcast]:
        """Active broadcasts for this user, critical first. Hidden ones (never critical)
        are left out unless ``include_hidden``."""
        now = now or datetime.now(UTC)
        hidden = set(self.replica.store.get_setting(HIDDEN) or ())
        user = self._user
        found = []
        for draft in self._fb.view("broadcast"):
            item = Broadcast.from_record(draft.id, draft.data, draft.pending)
            if draft.deleted or not item.active(now):
                continue
            if user is not None and item.audience and not audience.admits(user, item.audience):
                continue  # sent before a role or topic change took this user out
            if item.id in hidden and not item.critical and not include_hidden:
                continue
            found.append(item)
        return banner_order(found)

    def next_broadcast_expiry(self, now: datetime | None = None) -> datetime | None:
        """When the next shown broadcast expires: the UI redraws then."""
        items = self.broadcasts(now=now, include_hidden=True)
        times = [b.expires_at for b in items if b.expires_at is not None]
        return min(times) if times else None

    def hide_broadcast(self, broadcast_id: str) -> None:
        """Hide a broadcast on this computer (not a critical one: it stays until it ends)."""
        self._check_open()
        found = [b for b in self.broadcasts(include_hidden=True) if b.id == broadcast_id]
        if not found:
            raise NoSuchRecord(f"no active broadcast {broadcast_id}")
        if found[0].critical:
            raise NotAllowed("a critical broadcast stays until it ends")
        hidden = list(self.replica.store.get_setting(HIDDEN) or ())
        if broadcast_id not in hidden:
            active = {b.id for b in self.broadcasts(include_hidden=True)}
            hidden = [h for h in hidden if h in active] + [broadcast_id]  # forget old ones
            self.replica.set_setting(HIDDEN, hidden)
            self._fb.touch("broadcast", None)
            self._commit()

    # -- supervisors ----------------------------------------------------------------------

    def require_reading(
        self,
        doc_id: str,
        audience_terms: list[str] | str,
        *,
        due: datetime | None = None,
        remind_every: int | None = None,
        note: str = "",
    ) -> str:
        """Make the document's published revision a must-read (supervisors). Offline too;
        returns the request id. The record arrives when the server has saved it."""
        info = self._readable(doc_id)
        self._supervisor("make a published version a must-read")
        if info.rev == 0:
            raise NotAllowed("nothing is published yet: publish it first")
        request_id = str(uuid.uuid4())
        msg: dict[str, Any] = {"id": request_id, "doc": doc_id, "rev": info.rev}
        msg.update(must_read_fields(audience_terms, due, remind_every, note))
        self._fb_request("require_reading", request_id, doc_id, msg)
        return request_id

    def send_broadcast(
        self,
        text: str,
        audience_terms: list[str] | str,
        *,
        severity: str = "info",
        expires_in: int = 7200,
        link: str | None = None,
    ) -> str:
        """Send an early warning (supervisors). Returns its id."""
        self._supervisor("send broadcasts")
        if link is not None:
            self._readable(link)
        broadcast_id = str(uuid.uuid4())
        msg: dict[str, Any] = {
            "id": broadcast_id,
            "text": text.strip(),
            "severity": severity,
            "for": parse_terms(audience_terms),
            "expires": int(expires_in),
        }
        if link:
            msg["link"] = link
        self._fb_request("broadcast", broadcast_id, None, msg)
        return broadcast_id

    def end_broadcast(self, broadcast_id: str) -> None:
        """End a broadcast now (supervisors; one they are not in the audience of too:
        the server knows it, RequestFailed ``not_found`` if it does not)."""
        self._supervisor("end broadcasts")
        self._fb_request("end_broadcast", broadcast_id, None, {"id": broadcast_id})

    # -- internals ----------------------------------------------------------------------------

    def _supervisor(self, what: str) -> None:
        if self._user is None or self._user.role != "supervisor":
            raise NotAllowed(f"only supervisors {what}")

    def _must_reads_of(self, doc_id: str | None = None) -> list[MustRead]:
        user, docs = self._user, self.replica.docs
        acks = {d.id: d for d in self._fb.view("ack", doc_id)}
        found = []
        for draft in self._fb.view("must_read", doc_id):
            info = docs.get(draft.doc_id or "")
            if info is None or draft.deleted:
                continue
            terms = draft.data.get("audience") or ()
            if user is not None and terms and not audience.admits(user, terms):
                continue
            ack = acks.get(draft.id)
            title = info.published.title if info.published else info.title
            found.append(
                MustRead.from_records(
                    info.id, title, draft.data, ack.data if ack else None, bool(ack and ack.pending)
                )
            )
        return found

    def _newest_must_reads(self) -> list[MustRead]:
        newest: dict[str, MustRead] = {}
        for must in self._must_reads_of():
            held = newest.get(must.doc_id)
            if held is None or must.rev > held.rev:
                newest[must.doc_id] = must
        return list(newest.values())


def parse_terms(terms: list[str] | str) -> list[str]:
    try:
        return audience.parse(terms)
    except ProtocolError as exc:
        raise InvalidRequest(str(exc)) from exc


def must_read_fields(
    terms: list[str] | str, due: datetime | None, remind_every: int | None, note: str
) -> dict[str, Any]:
    """The fields of ``require_reading`` (and of ``publish``'s ``must_read``)."""
    fields: dict[str, Any] = {"for": parse_terms(terms)}
    if due is not None:
        if due.tzinfo is None:
            raise InvalidRequest("the due time needs a time zone")
        if due <= datetime.now(UTC):
            raise InvalidRequest("the due time has passed: choose a later one")
        fields["due"] = due.astimezone(UTC).isoformat(timespec="minutes")
    if remind_every is not None:
        fields["remind_every"] = int(remind_every)
    if note.strip():
        fields["note"] = note.strip()
    return fields
