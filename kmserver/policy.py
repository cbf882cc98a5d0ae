"""Pure access rules: who may read, edit, create and re-label which document.

Reading is the hard line (a user never gets a byte of a document they may
not read); relevance by topic is the client's business, not access.
"""

from __future__ import annotations

from typing import Protocol

from kmserver.protocol.docmeta import DocMeta
from kmserver.protocol.messages import EVERYONE

SEES_ALL = frozenset({"supervisor", "admin"})
# Fields only a supervisor may change: they decide who sees the document and who edits it.
SUPERVISOR_FIELDS = frozenset({"owner", "editors", "audience", "status"})


class Principal(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def role(self) -> str: ...


def is_editor(user: Principal, doc: DocMeta) -> bool:
    return user.name == doc.owner or user.name in doc.editors


def can_read(user: Principal, doc: DocMeta) -> bool:
    if doc.deleted:
        return False
    if user.role in SEES_ALL:
        return True
    if user.role == "owner" and is_editor(user, doc):
        return True  # drafts included
    if doc.status != "published":
        return False
    allowed = {EVERYONE, "rep"} if user.role == "rep" else {EVERYONE, "rep", "owner"}
    return user.role in ("rep", "owner") and bool(allowed.intersection(doc.audience))


def can_edit(user: Principal, doc: DocMeta) -> bool:
    if doc.deleted:
        return False
    if user.role == "supervisor":
        return True
    return user.role == "owner" and is_editor(user, doc)


def can_create(user: Principal, owner: str | None) -> bool:
    if user.role == "supervisor":
        return True
    return user.role == "owner" and owner in (None, user.name)


def can_set_meta(user: Principal, doc: DocMeta, fields: set[str]) -> bool:
    if not can_edit(user, doc):
        return False
    return user.role == "supervisor" or not (fields & SUPERVISOR_FIELDS)
