"""Flags, comments, private notes, watch settings and notifications as plain values.

Built from the server's records (docs/protocol.md, section 4) with the user's
unanswered requests laid over them (``pending=True``). Immutable and Qt-free,
like everything in :mod:`kmclient.core.model`.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kmserver.protocol.feedback import FLAG_STATES, urgency_rank

OPEN_STATES = ("open", "acknowledged")  # a flag in these warns readers


def parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        stamp = datetime.fromisoformat(value)
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def age_text(then: datetime | None, now: datetime | None = None) -> str:
    """'just now', '5 min ago', '2 h ago', '3 d ago'."""
    if then is None:
        return ""
    seconds = ((now or datetime.now(UTC)) - then).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    return f"{int(seconds // 86400)} d ago"


@dataclass(frozen=True, slots=True)
class Anchor:
    """A passage: two sticky indices (base64 of ``StickyIndex.encode()``) and its text
    as it read when anchored (shown when the passage is gone)."""

    start: str
    end: str
    quote: str = ""

    @classmethod
    def from_wire(cls, value: Any) -> Anchor | None:
        if not isinstance(value, dict) or not value.get("start") or not value.get("end"):
            return None
        return cls(str(value["start"]), str(value["end"]), str(value.get("quote") or ""))

    def to_wire(self) -> dict[str, str]:
        return {"start": self.start, "end": self.end, "quote": self.quote}


@dataclass(frozen=True, slots=True)
class FlagChange:
    state: str
    by: str | None
    at: datetime | None
    note: str = ""


@dataclass(frozen=True, slots=True)
class Flag:
    id: str
    doc_id: str
    by: str
    reason: str  # outdated | incorrect | unclear | missing | other
    note: str
    urgency: str  # low | normal | high
    anchor: Anchor | None
    state: str  # open | acknowledged | resolved | dismissed
    state_note: str
    state_by: str | None
    created_at: datetime | None
    acknowledged_at: datetime | None
    closed_at: datetime | None
    escalated_at: datetime | None
    history: tuple[FlagChange, ...]
    seq: int  # 0 while only this client knows it
    pending: bool  # a request about it waits for the server

    @property
    def is_open(self) -> bool:
        """Open or acknowledged: readers see a warning."""
        return self.state in OPEN_STATES

    @property
    def kind(self) -> str:
        return "flag"

    def summary(self, now: datetime | None = None, with_note: bool = False) -> str:
        """'flagged as outdated by anna 2 h ago' (and ': the note')."""
        text = f"flagged as {self.reason} by {self.by} {age_text(self.created_at, now)}".rstrip()
        return f"{text}: {self.note}" if with_note and self.note else text

    @classmethod
    def from_record(cls, rid: str, doc_id: str, seq: int, data: dict, pending: bool) -> Flag:
        return cls(
            id=rid,
            doc_id=doc_id,
            by=str(data.get("by") or ""),
            reason=str(data.get("reason") or "other"),
            note=str(data.get("note") or ""),
            urgency=str(data.get("urgency") or "normal"),
            anchor=Anchor.from_wire(data.get("anchor")),
            state=str(data.get("state") or "open"),
            state_note=str(data.get("state_note") or ""),
            state_by=data.get("state_by"),
            created_at=parse_time(data.get("created_at")),
            acknowledged_at=parse_time(data.get("acknowledged_at")),
            closed_at=parse_time(data.get("closed_at")),
            escalated_at=parse_time(data.get("escalated_at")),
            history=tuple(
                FlagChange(
                    str(h.get("state")), h.get("by"), parse_time(h.get("at")), h.get("note") or ""
                )
                for h in data.get("history") or ()
                if isinstance(h, dict)
            ),
            seq=seq,
            pending=pending,
        )


def inbox_order(flag: Flag) -> tuple[int, datetime]:
    """Most urgent first, then oldest first (as the server's ``flag_inbox``)."""
    return (-urgency_rank(flag.urgency), flag.created_at or datetime.max.replace(tzinfo=UTC))


@dataclass(frozen=True, slots=True)
class Comment:
    id: str
    doc_id: str
    by: str
    body: str
    parent: str | None
    thread: str  # the root comment's id
    anchor: Anchor | None
    mentions: tuple[str, ...]
    resolved: bool
    resolved_by: str | None
    resolved_at: datetime | None
    created_at: datetime | None
    seq: int
    pending: bool

    @property
    def kind(self) -> str:
        return "comment"

    @classmethod
    def from_record(cls, rid: str, doc_id: str, seq: int, data: dict, pending: bool) -> Comment:
        return cls(
            id=rid,
            doc_id=doc_id,
            by=str(data.get("by") or ""),
            body=str(data.get("body") or ""),
            parent=data.get("parent"),
            thread=str(data.get("thread") or rid),
            anchor=Anchor.from_wire(data.get("anchor")),
            mentions=tuple(data.get("mentions") or ()),
            resolved=bool(data.get("resolved")),
            resolved_by=data.get("resolved_by"),
            resolved_at=parse_time(data.get("resolved_at")),
            created_at=parse_time(data.get("created_at")),
            seq=seq,
            pending=pending,
        )


@dataclass(frozen=True, slots=True)
class CommentThread:
    """A root comment and its replies (replies to replies included), oldest first."""

    root: Comment
    replies: tuple[Comment, ...]

    @property
    def id(self) -> str:
        return self.root.id

    @property
    def doc_id(self) -> str:
        return self.root.doc_id

    @property
    def resolved(self) -> bool:
        return self.root.resolved

    @property
    def anchor(self) -> Anchor | None:
        return self.root.anchor

    @property
    def comments(self) -> tuple[Comment, ...]:
        return (self.root, *self.replies)


@dataclass(frozen=True, slots=True)
class Note:
    """A private note: only its author has it, on all of their devices."""

    id: str
    doc_id: str
    body: str
    anchor: Anchor | None
    created_at: datetime | None
    updated_at: datetime | None
    seq: int
    pending: bool

    @property
    def kind(self) -> str:
        return "note"

    @classmethod
    def from_record(cls, rid: str, doc_id: str, seq: int, data: dict, pending: bool) -> Note:
        return cls(
            id=rid,
            doc_id=doc_id,
            body=str(data.get("body") or ""),
            anchor=Anchor.from_wire(data.get("anchor")),
            created_at=parse_time(data.get("created_at")),
            updated_at=parse_time(data.get("updated_at")),
            seq=seq,
            pending=pending,
        )


@dataclass(frozen=True, slots=True)
class WatchSetting:
    """The user's own notification level for one document or topic."""

    scope: str  # doc | topic
    key: str  # document id or topic
    level: str  # all_edits | digest | mentions_only | off
    pending: bool


@dataclass(frozen=True, slots=True)
class Notification:
    id: str
    doc_id: str | None
    event: str  # flag_raised, flag_escalated, flag_state, comment, reply, mention, ...
    actor: str | None
    ref: tuple[str, str] | None  # (kind, id) of the flag or comment it is about
    text: str  # an English summary from the server
    detail: dict[str, Any]
    read: bool
    created_at: datetime | None
    seq: int
    pending: bool  # a read/unread mark waits for the server

    @classmethod
    def from_record(
        cls, rid: str, doc_id: str | None, seq: int, data: dict, pending: bool
    ) -> Notification:
        ref = data.get("ref")
        return cls(
            id=rid,
            doc_id=doc_id,
            event=str(data.get("event") or ""),
            actor=data.get("actor"),
            ref=(str(ref["kind"]), str(ref["id"])) if isinstance(ref, dict) else None,
            text=str(data.get("text") or ""),
            detail=dict(data.get("detail") or {}),
            read=bool(data.get("read")),
            created_at=parse_time(data.get("created_at")),
            seq=seq,
            pending=pending,
        )


@dataclass(frozen=True, slots=True)
class FlagReportRow:
    flag: Flag
    time_to_acknowledge: int | None  # seconds
    time_to_resolve: int | None  # seconds (closed: resolved or dismissed)


@dataclass(frozen=True, slots=True)
class FlagReport:
    """Every flag with how long it took to answer (supervisors)."""

    rows: tuple[FlagReportRow, ...]
    counts: dict[str, int]
    median_time_to_resolve: int | None
    source: str  # "server" (its flag_report answer) or "local" (from the records held)


def _seconds(start: datetime | None, end: datetime | None) -> int | None:
    return None if start is None or end is None else int((end - start).total_seconds())


def build_report(flags: list[Flag], source: str = "local") -> FlagReport:
    """The same numbers as the server's ``flag_report``, from flags held locally."""
    rows = []
    counts = dict.fromkeys(FLAG_STATES, 0)
    resolve_times = []
    for flag in sorted(flags, key=lambda f: f.created_at or datetime.min.replace(tzinfo=UTC)):
        row = FlagReportRow(
            flag,
            _seconds(flag.created_at, flag.acknowledged_at),
            _seconds(flag.created_at, flag.closed_at),
        )
        counts[flag.state] = counts.get(flag.state, 0) + 1
        if flag.state == "resolved" and row.time_to_resolve is not None:
            resolve_times.append(row.time_to_resolve)
        rows.append(row)
    median = int(statistics.median(resolve_times)) if resolve_times else None
    return FlagReport(tuple(rows), counts, median, source)


@dataclass(frozen=True, slots=True)
class SinceLastSignIn:
    """What changed since this user's previous session (on any device) ended."""

    at: datetime | None  # when that session ended; None: the first sign-in ever
    seq: int | None
    documents: tuple[str, ...]  # ids of documents changed since (by others)
    notifications: tuple[Notification, ...]  # newest first
    # ids of documents in the user's topics with a version published since (by others),
    # newest first: "what changed" is one click away (the previous version is held)
    published: tuple[str, ...] = ()
    my_flags: tuple[Flag, ...] = ()  # flags this user raised that others moved on since

    @property
    def empty(self) -> bool:
        return not (self.documents or self.notifications or self.published or self.my_flags)
