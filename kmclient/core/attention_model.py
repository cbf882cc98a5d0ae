"""Must-reads and broadcasts as the client holds them. Pure: no Qt, no sockets.

The server sends ``must_read``, ``ack`` and ``broadcast`` records
(docs/attention.md); :class:`~kmclient.core.attention_api.AttentionApi` lays
pending requests over them and turns them into these values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kmclient.core.feedback_model import parse_time

SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2}


@dataclass(frozen=True, slots=True)
class MustRead:
    """One published revision the user must acknowledge, and how far they have got."""

    doc_id: str
    rev: int
    title: str
    note: str
    by: str | None
    at: datetime | None
    due: datetime | None
    audience: tuple[str, ...]
    opened_at: datetime | None = None
    acked_at: datetime | None = None
    pending: bool = False  # the acknowledgement waits in the outbox (offline)

    @property
    def id(self) -> str:
        return f"{self.doc_id}@{self.rev}"

    @property
    def acknowledged(self) -> bool:
        return self.acked_at is not None

    def overdue(self, now: datetime) -> bool:
        return self.due is not None and not self.acknowledged and self.due <= now

    @classmethod
    def from_records(
        cls,
        doc_id: str,
        title: str,
        data: dict[str, Any],
        ack: dict[str, Any] | None,
        pending: bool,
    ) -> MustRead:
        ack = ack or {}
        return cls(
            doc_id=doc_id,
            rev=int(data.get("rev") or 0),
            title=title,
            note=str(data.get("note") or ""),
            by=data.get("by"),
            at=parse_time(data.get("at")),
            due=parse_time(data.get("due")),
            audience=tuple(data.get("audience") or ()),
            opened_at=parse_time(ack.get("opened_at")),
            acked_at=parse_time(ack.get("acked_at")),
            pending=pending,
        )


def waiting_first(items: list[MustRead], now: datetime) -> list[MustRead]:
    """Overdue first, then by due time (none last), then oldest first."""
    far = datetime.max.replace(tzinfo=now.tzinfo)
    return sorted(
        items,
        key=lambda m: (not m.overdue(now), m.due or far, m.at or far, m.doc_id),
    )


@dataclass(frozen=True, slots=True)
class Broadcast:
    """An early warning from a supervisor."""

    id: str
    text: str
    severity: str  # info, warning, critical
    audience: tuple[str, ...]
    link: str | None
    by: str | None
    at: datetime | None
    expires_at: datetime | None
    ended_at: datetime | None
    ended_by: str | None
    pending: bool = False

    @property
    def critical(self) -> bool:
        return self.severity == "critical"

    def active(self, now: datetime) -> bool:
        """Shown: not ended, not expired by this computer's clock (offline too)."""
        return self.ended_at is None and (self.expires_at is None or now < self.expires_at)

    @classmethod
    def from_record(cls, record_id: str, data: dict[str, Any], pending: bool) -> Broadcast:
        return cls(
            id=record_id,
            text=str(data.get("text") or ""),
            severity=str(data.get("severity") or "info"),
            audience=tuple(data.get("audience") or ()),
            link=data.get("link"),
            by=data.get("by"),
            at=parse_time(data.get("at")),
            expires_at=parse_time(data.get("expires_at")),
            ended_at=parse_time(data.get("ended_at")),
            ended_by=data.get("ended_by"),
            pending=pending,
        )


def banner_order(items: list[Broadcast]) -> list[Broadcast]:
    """Critical first, then warnings, then the newest."""
    return sorted(
        items,
        key=lambda b: (SEVERITY_ORDER.get(b.severity, 3), -(b.at.timestamp() if b.at else 0)),
    )
