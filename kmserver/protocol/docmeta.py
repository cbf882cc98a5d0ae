"""Document metadata as it lives in the server's memory and travels in ``doc`` frames.

A document has a working copy (title, topics and text that its editors
change live) and published revisions (docs/revisions.md). ``DocMeta`` holds
both faces; :meth:`DocMeta.to_wire` shows each user the face they may see:
editors the working copy with the latest revision beside it, readers only
the latest revision.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

DRAFT, PUBLISHED, ARCHIVED = "draft", "published", "archived"


@dataclass(frozen=True, slots=True)
class Published:
    """The latest published revision, as readers see the document."""

    rev: int
    title: str
    topics: tuple[str, ...] = ()
    at: str | None = None  # ISO 8601
    by: str | None = None
    note: str = ""

    def to_wire(self) -> dict[str, Any]:
        return {
            "rev": self.rev,
            "title": self.title,
            "topics": list(self.topics),
            "at": self.at,
            "by": self.by,
            "note": self.note,
        }

    @classmethod
    def from_wire(cls, msg: dict[str, Any] | None) -> Published | None:
        if not msg:
            return None
        return cls(
            rev=int(msg.get("rev") or 0),
            title=str(msg.get("title") or ""),
            topics=tuple(msg.get("topics") or ()),
            at=msg.get("at"),
            by=msg.get("by"),
            note=str(msg.get("note") or ""),
        )


@dataclass(frozen=True, slots=True)
class Review:
    """Where a "review required" document stands: submitted, or sent back."""

    state: str  # "submitted" | "sent_back"
    by: str  # who submitted, or who sent it back
    at: str | None
    note: str = ""

    def to_wire(self) -> dict[str, Any]:
        return {"state": self.state, "by": self.by, "at": self.at, "note": self.note}

    @classmethod
    def from_wire(cls, msg: dict[str, Any] | None) -> Review | None:
        if not msg:
            return None
        return cls(
            str(msg["state"]), str(msg.get("by") or ""), msg.get("at"), msg.get("note") or ""
        )


@dataclass(frozen=True, slots=True)
class View:
    """What one user may do with a document, decided by the policy (kmserver/policy.py)."""

    working: bool  # receives the working copy (editors, supervisors, admins)
    can_edit: bool = False
    can_publish: bool = False  # publish directly (else, with review required, submit)
    review_due: str | None = None  # ISO 8601, from the review interval


@dataclass(frozen=True, slots=True)
class DocMeta:
    id: str
    title: str  # the working copy's
    topics: tuple[str, ...] = ()  # the working copy's
    audience: tuple[str, ...] = ("everyone",)
    owner: str | None = None
    editors: tuple[str, ...] = ()
    status: str = DRAFT  # draft (never published), published, archived
    seq: int = 0  # newest log entry about the document (what editors sync from)
    deleted: bool = False
    updated_by: str | None = None  # the working copy's last change
    updated_at: str | None = None  # ISO 8601
    published: Published | None = None
    pub_seq: int = 0  # newest log entry a reader sees (a publication, a metadata change)
    review_required: bool = False
    review_every: int | None = None  # days; None: the server's default
    verified_at: str | None = None
    verified_by: str | None = None
    pending_authors: tuple[str, ...] = ()  # changed the working copy since the last revision
    review: Review | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def rev(self) -> int:
        return self.published.rev if self.published else 0

    def to_wire(self, view: View) -> dict[str, Any]:
        pub = self.published
        if view.working:
            title, topics = self.title, self.topics
            updated_by, updated_at, seq = self.updated_by, self.updated_at, self.seq
        else:
            title = pub.title if pub else self.title
            topics = pub.topics if pub else self.topics
            updated_by = pub.by if pub else None
            updated_at = pub.at if pub else None
            seq = self.pub_seq
        wire: dict[str, Any] = {
            "id": self.id,
            "title": title,
            "topics": list(topics),
            "audience": list(self.audience),
            "owner": self.owner,
            "editors": list(self.editors),
            "status": self.status,
            "seq": seq,
            "updated_by": updated_by,
            "updated_at": updated_at,
            "published": pub.to_wire() if pub else None,
            "review_required": self.review_required,
            "review_every": self.review_every,
            "review_due": view.review_due,
            "verified_at": self.verified_at,
            "verified_by": self.verified_by,
            "working": view.working,
            "can_edit": view.can_edit,
            "can_publish": view.can_publish,
        }
        if view.working:
            wire["unpublished_by"] = list(self.pending_authors)
            wire["review"] = self.review.to_wire() if self.review else None
        return wire

    def with_changes(self, **changes: Any) -> DocMeta:
        """A copy with ``changes``; like ``dataclasses.replace`` (DocMeta has no
        ``__post_init__``) at half the cost: the hub makes one per edit."""
        unknown = changes.keys() - _DOCMETA_FIELDS
        if unknown:
            raise TypeError(f"DocMeta has no field(s) {', '.join(sorted(unknown))}")
        new = object.__new__(DocMeta)
        for name in _DOCMETA_FIELD_NAMES:
            _set(new, name, changes[name] if name in changes else getattr(self, name))
        return new


_set = object.__setattr__
_DOCMETA_FIELD_NAMES = tuple(f.name for f in fields(DocMeta))
_DOCMETA_FIELDS = frozenset(_DOCMETA_FIELD_NAMES)
