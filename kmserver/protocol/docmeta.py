"""Document metadata as it travels in ``doc`` frames and lives in memory."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True, slots=True)
class DocMeta:
    id: str
    title: str
    topics: tuple[str, ...] = ()
    audience: tuple[str, ...] = ("everyone",)
    owner: str | None = None
    editors: tuple[str, ...] = ()
    status: str = "published"
    seq: int = 0
    deleted: bool = False
    updated_by: str | None = None
    updated_at: str | None = None  # ISO 8601
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def to_wire(self, can_edit: bool) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "topics": list(self.topics),
            "audience": list(self.audience),
            "owner": self.owner,
            "editors": list(self.editors),
            "status": self.status,
            "seq": self.seq,
            "updated_by": self.updated_by,
            "updated_at": self.updated_at,
            "can_edit": can_edit,
        }

    @classmethod
    def from_wire(cls, msg: dict[str, Any]) -> DocMeta:
        return cls(
            id=msg["id"],
            title=msg.get("title", msg["id"]),
            topics=tuple(msg.get("topics") or ()),
            audience=tuple(msg.get("audience") or ()),
            owner=msg.get("owner"),
            editors=tuple(msg.get("editors") or ()),
            status=msg.get("status", "published"),
            seq=int(msg.get("seq", 0)),
            updated_by=msg.get("updated_by"),
            updated_at=msg.get("updated_at"),
        )

    def with_changes(self, **changes: Any) -> DocMeta:
        return replace(self, **changes)
