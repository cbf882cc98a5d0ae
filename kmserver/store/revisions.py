"""Reading revisions, review rounds and the audit trail (any session; the caller checks access)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kmserver.store.documents import iso
from kmserver.store.feedback_models import owned_key
from kmserver.store.revision_models import AuditEvent, Revision, Submission

AUDIT_LIMIT = 1000


def get(s: Session, doc_id: str, number: int) -> Revision | None:
    return s.get(Revision, (doc_id, number))


def history(s: Session, doc_id: str) -> Sequence[Revision]:
    """Every revision of a document, newest first."""
    return s.scalars(
        select(Revision).where(Revision.doc_id == doc_id).order_by(Revision.number.desc())
    ).all()


def summary(rev: Revision) -> dict[str, Any]:
    """A revision as the ``history`` answer lists it (no text)."""
    return {
        "rev": rev.number,
        "title": rev.title,
        "topics": list(rev.topics or ()),
        "by": rev.published_by,
        "at": iso(rev.published_at),
        "note": rev.note,
        "contributors": list(rev.contributors or ()),
        "restored_from": rev.restored_from,
        "submitted_by": rev.submitted_by,
        "chars": len(rev.body_text),
    }


def full(rev: Revision) -> dict[str, Any]:
    return {**summary(rev), "text": rev.body_text}


def submissions(s: Session) -> Sequence[Submission]:
    return s.scalars(select(Submission).order_by(Submission.submitted_at)).all()


def submission_wire(sub: Submission) -> dict[str, Any]:
    return {
        "doc": sub.doc_id,
        "status": sub.status,
        "by": sub.submitted_by,
        "at": iso(sub.submitted_at),
        "note": sub.note,
        "title": sub.title,
        "text": sub.body_text,
        "decided_by": sub.decided_by,
        "decided_at": iso(sub.decided_at),
        "decision_note": sub.decision_note,
    }


def audit_events(
    s: Session,
    *,
    doc_id: str | None = None,
    actor: str | None = None,
    since: datetime | None = None,
    limit: int = AUDIT_LIMIT,
) -> Sequence[AuditEvent]:
    """Newest first."""
    query = select(AuditEvent)
    if doc_id is not None:
        query = query.where(AuditEvent.doc_id == doc_id)
    if actor is not None:
        query = query.where(AuditEvent.actor == actor)
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    return s.scalars(query.order_by(AuditEvent.id.desc()).limit(limit)).all()


def audit_wire(event: AuditEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "at": iso(event.at),
        "actor": event.actor,
        "action": event.action,
        "doc": event.doc_id,
        "detail": dict(event.detail or {}),
    }


def find_request(s: Session, request_id: str, actor: str | None) -> AuditEvent | None:
    """The event of ``actor``'s request with this id (request ids are per user: another
    user's request with the same id is not found, and tells nothing)."""
    keys = (owned_key(actor, request_id), request_id)  # the bare id: stored before
    for event in s.scalars(select(AuditEvent).where(AuditEvent.request_id.in_(keys))):
        if event.actor == actor:
            return event
    return None


def add_audit(
    s: Session,
    at: datetime,
    actor: str | None,
    action: str,
    doc_id: str | None = None,
    detail: dict[str, Any] | None = None,
    request_id: str | None = None,
) -> AuditEvent:
    key = owned_key(actor, request_id) if request_id is not None else None
    event = AuditEvent(
        at=at, actor=actor, action=action, doc_id=doc_id, detail=detail or {}, request_id=key
    )
    s.add(event)
    return event
