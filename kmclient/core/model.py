"""Plain values the sync engine hands to its users (a Qt UI, the CLI, tests).

Everything here is immutable and Qt-free, so it can be queued, compared and
shown by any toolkit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

from kmclient.core.attention_model import MustRead
from kmclient.core.feedback_model import FlagReport, Notification
from kmserver.protocol.docmeta import Published, Review


@dataclass(frozen=True, slots=True)
class DocInfo:
    """A document's metadata as this user sees it (``doc`` frames of the protocol).

    ``title`` and ``topics`` are those of what the user reads: the working copy
    for its editors (``working``), the latest published revision for everyone
    else. ``published`` is that revision (None for a draft)."""

    id: str
    title: str
    topics: tuple[str, ...] = ()
    audience: tuple[str, ...] = ()
    owner: str | None = None
    editors: tuple[str, ...] = ()
    status: str = "published"  # draft, published, archived
    seq: int = 0
    can_edit: bool = False
    updated_by: str | None = None
    updated_at: str | None = None  # ISO 8601
    published: Published | None = None
    working: bool = False  # this user holds the working copy (editors)
    can_publish: bool = False  # may publish directly (else submit, if review is required)
    review_required: bool = False
    review_every: int | None = None  # days; None: the server's default
    review_due: str | None = None  # ISO 8601
    verified_at: str | None = None
    verified_by: str | None = None
    unpublished_by: tuple[str, ...] = ()  # changed the working copy since the last revision
    review: Review | None = None  # submitted / sent back (editors only)

    @property
    def rev(self) -> int:
        return self.published.rev if self.published else 0

    @classmethod
    def from_wire(cls, msg: dict[str, Any]) -> DocInfo:
        return cls(
            id=msg["id"],
            title=msg.get("title") or msg["id"],
            topics=tuple(msg.get("topics") or ()),
            audience=tuple(msg.get("audience") or ()),
            owner=msg.get("owner"),
            editors=tuple(msg.get("editors") or ()),
            status=msg.get("status", "published"),
            seq=int(msg.get("seq") or 0),
            can_edit=bool(msg.get("can_edit", False)),
            updated_by=msg.get("updated_by"),
            updated_at=msg.get("updated_at"),
            published=Published.from_wire(msg.get("published")),
            working=bool(msg.get("working", False)),
            can_publish=bool(msg.get("can_publish", False)),
            review_required=bool(msg.get("review_required", False)),
            review_every=msg.get("review_every"),
            review_due=msg.get("review_due"),
            verified_at=msg.get("verified_at"),
            verified_by=msg.get("verified_by"),
            unpublished_by=tuple(msg.get("unpublished_by") or ()),
            review=Review.from_wire(msg.get("review")),
        )

    def to_wire(self) -> dict[str, Any]:
        """The ``doc`` frame this was made from (how the profile stores it)."""
        return {
            "id": self.id,
            "title": self.title,
            "topics": list(self.topics),
            "audience": list(self.audience),
            "owner": self.owner,
            "editors": list(self.editors),
            "status": self.status,
            "seq": self.seq,
            "can_edit": self.can_edit,
            "updated_by": self.updated_by,
            "updated_at": self.updated_at,
            "published": self.published.to_wire() if self.published else None,
            "working": self.working,
            "can_publish": self.can_publish,
            "review_required": self.review_required,
            "review_every": self.review_every,
            "review_due": self.review_due,
            "verified_at": self.verified_at,
            "verified_by": self.verified_by,
            "unpublished_by": list(self.unpublished_by),
            "review": self.review.to_wire() if self.review else None,
        }

    def relevant_to(self, topics: Iterable[str] | None) -> bool:
        """In the user's default view? ``None`` (or no topics) means everything."""
        if topics is None:
            return True
        wanted = set(topics)
        return not wanted or bool(wanted.intersection(self.topics))


@dataclass(frozen=True, slots=True)
class UserProfile:
    """Who is signed in, from the server's welcome (kept in the profile for offline use)."""

    name: str
    role: str
    topics: tuple[str, ...] = ()


class ConnState(StrEnum):
    OFFLINE = "offline"  # no connection; see SyncStatus.error and retry_in
    CONNECTING = "connecting"
    SYNCING = "syncing"  # signed in, catching up: SyncStatus.done of SyncStatus.total
    ONLINE = "online"  # caught up; changes flow both ways as they happen
    SIGNED_OUT = "signed_out"  # wrong password or expired session: needs sign_in()


@dataclass(frozen=True, slots=True)
class SyncStatus:
    state: ConnState = ConnState.OFFLINE
    done: int = 0  # documents received in the running sync
    total: int = 0  # documents the running sync will bring
    error: str | None = None  # the last problem, in words for people
    unconfirmed: int = 0  # local changes the server has not acknowledged yet
    retry_in: float | None = None  # seconds until the next connection attempt


# -- events for listeners (engine.listen) ---------------------------------------

DocChangeKind = Literal["content", "published", "meta", "removed", "reset"]


@dataclass(frozen=True, slots=True)
class DocChanged:
    """One document changed in the profile.

    - ``content``: its working copy changed; ``update`` holds the CRDT update
      bytes and ``local`` says whether the edit was made on this client.
    - ``published``: a new published revision arrived (``update``: the CRDT
      difference); what readers see changed.
    - ``meta``: new or changed metadata (a new document starts with this).
    - ``removed``: it left the profile (deleted, or the user may no longer read it).
    - ``reset``: the local working copy was replaced (a refused edit was dropped)
      or dropped (the user may no longer edit it): a Doc from open_doc() is
      stale; open the document again.
    """

    doc_id: str
    kind: DocChangeKind
    update: bytes | None = None
    local: bool = False


@dataclass(frozen=True, slots=True)
class StatusChanged:
    status: SyncStatus


@dataclass(frozen=True, slots=True)
class SyncCompleted:
    """A sync with the server finished: the profile is as current as the cursor."""

    new: int
    changed: int
    removed: int
    seconds: float
    cursor: int


@dataclass(frozen=True, slots=True)
class IndexProgress:
    """Search index work: ``done`` of ``total`` documents; idle when all are done,
    no rebuild is running or waiting, and the index is open and has caught up
    with the profile (``preparing``: just after start, not shown as work)."""

    done: int
    total: int
    rebuilding: bool = False
    preparing: bool = False

    @property
    def idle(self) -> bool:
        return not self.rebuilding and not self.preparing and self.done >= self.total


@dataclass(frozen=True, slots=True)
class AwarenessReceived:
    """Carets and selections of others in an open document (y-protocols awareness)."""

    doc_id: str
    payload: bytes


@dataclass(frozen=True, slots=True)
class ChangesAttributed:
    """Who made the changes just received: ``{doc_id: user name}`` (from the server)."""

    authors: dict[str, str]


@dataclass(frozen=True, slots=True)
class QueryAnswered:
    """The server's answer to ``engine.ask(kind, ...)``: ``history``, ``revision``,
    ``review_queue``, ``overdue`` or ``audit`` (``ref`` is what ask returned).
    ``data`` is the answer's fields; on a refusal ``ok`` is False with ``code``
    (``not_found``, ``forbidden``, ``bad_message``, or ``disconnected``)."""

    ref: str
    kind: str
    ok: bool
    data: dict[str, Any]
    code: str | None = None
    message: str = ""


@dataclass(frozen=True, slots=True)
class RequestAnswered:
    """The server's answer to a ``create_doc`` or ``set_meta`` (``ref`` is what the call
    returned). ``code`` says why it was refused: the protocol's error codes
    (``conflict``, ``forbidden``, ``not_found``, ``bad_message``, ...) or
    ``disconnected`` when the connection dropped before an answer came."""

    ref: str
    request: str  # "create_doc" | "set_meta"
    ok: bool
    doc_id: str | None = None
    code: str | None = None
    message: str = ""


# -- flags, comments, notes, watches, notifications (kmclient/core/feedback.py) ---


@dataclass(frozen=True, slots=True)
class RecordsChanged:
    """Flags, comments, notes, watch settings or notifications changed (from the
    server, or a request of this user made or answered). ``kinds`` are record kinds
    (``flag``, ``comment``, ``note``, ``pref``, ``notification``); ``doc_ids`` the
    documents concerned (None for a topic watch). Coalesced: one per commit."""

    kinds: frozenset[str]
    doc_ids: frozenset[str | None]


@dataclass(frozen=True, slots=True)
class NotificationArrived:
    """A notification this profile never held before (told once per id, ever).

    ``popup``: show it as a pop-up / desktop message now. False during the
    first sync after the app started (that is "since you last signed in":
    show one summary), in quiet mode (held; see QuietModeEnded), and for one
    already read on another device. The notification centre shows them all."""

    notification: Notification
    popup: bool


@dataclass(frozen=True, slots=True)
class QuietModeEnded:
    """``set_quiet(False)``: the notifications that would have popped up meanwhile
    and are still unread (show one summary, e.g. "3 notifications during your call")."""

    held: tuple[Notification, ...]
    must_reads: tuple[MustRead, ...] = ()  # arrived during the call, still to acknowledge


@dataclass(frozen=True, slots=True)
class MustReadArrived:
    """A must-read revision for this user, told once per revision. ``popup`` as for
    notifications: False during the first sync after start (the since-you-last-signed-in
    list shows it), in quiet mode (held until it ends) and when already acknowledged.
    The must-read strip shows it either way: quiet mode holds the pop-up, not the must-read."""

    must_read: MustRead
    popup: bool


@dataclass(frozen=True, slots=True)
class CoverageChanged:
    """Someone acknowledged or opened the must-read ``id`` (``<doc>@<rev>``) whose
    coverage this supervisor asked for with ``live``: ask again."""

    id: str


@dataclass(frozen=True, slots=True)
class RequestFailed:
    """The server refused a flag/comment/note/watch/read request: it is dropped and
    the local copy shows the server's state again. ``request`` is the request type
    (``flag``, ``flag_state``, ``comment``, ...), ``record_id`` its id (None for
    ``read``), ``code`` the protocol's error code (``conflict``: the flag moved on
    meanwhile, take its current state and let the user decide again;
    ``not_found``: the document is gone or no longer readable; ``forbidden``)."""

    request: str
    record_id: str | None
    code: str
    message: str
    doc_id: str | None = None


@dataclass(frozen=True, slots=True)
class FlagReportReceived:
    """The server answered ``flag_report``: ``engine.flag_report()`` now returns it."""

    report: FlagReport


EngineEvent = (
    DocChanged
    | StatusChanged
    | SyncCompleted
    | IndexProgress
    | AwarenessReceived
    | ChangesAttributed
    | RequestAnswered
    | QueryAnswered
    | RecordsChanged
    | NotificationArrived
    | QuietModeEnded
    | MustReadArrived
    | CoverageChanged
    | RequestFailed
    | FlagReportReceived
)
