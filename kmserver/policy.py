"""Pure access rules: who may read, edit, publish and govern which document.

Reading is the hard line (a user never gets a byte of a document they may
not read); relevance by topic is the client's business, not access. Readers
see the latest published revision; the working copy is for those who may
edit the document (and admins, who see everything). Every message handler
asks here; docs/protocol.md has the table of message -> rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from kmserver.protocol import audience
from kmserver.protocol.docmeta import ARCHIVED, PUBLISHED, DocMeta, View
from kmserver.protocol.messages import EVERYONE, PUBLIC

SEES_ALL = frozenset({"supervisor", "admin"})
# The role of an anonymous visitor of the public help centre (never an account's).
VISITOR = "visitor"
# Fields only a supervisor may change: they decide who sees the document, who
# edits it, and how strictly it is governed.
SUPERVISOR_FIELDS = frozenset({"owner", "editors", "audience", "review_required", "review_every"})


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
        return True  # drafts and archived documents included
    if doc.status != PUBLISHED:
        return False
    if user.role == VISITOR:  # the public help centre: only what is meant for the public
        return PUBLIC in doc.audience
    # What the public may read, every member of staff may read too.
    allowed = {EVERYONE, PUBLIC, "rep"}
    if user.role == "owner":
        allowed.add("owner")
    return user.role in ("rep", "owner") and bool(allowed.intersection(doc.audience))


@dataclass(frozen=True, slots=True)
class Visitor:
    """Someone on the public help centre, not signed in."""

    name: str = ""
    role: str = VISITOR


def can_edit(user: Principal, doc: DocMeta) -> bool:
    if doc.deleted:
        return False
    if user.role == "supervisor":
        return True
    return user.role == "owner" and is_editor(user, doc)


def sees_working_copy(user: Principal, doc: DocMeta) -> bool:
    """Receives the working copy (unpublished changes included)."""
    return can_edit(user, doc) or (user.role == "admin" and not doc.deleted)


# The roles for which sees_working_copy can be true of some document: the hub asks it
# per edit of only their sessions, not of every rep's (thousands, in a contact centre).
SEES_WORKING_COPIES = frozenset({"supervisor", "owner", "admin"})


def may_see_working_copies(user: Principal) -> bool:
    """Whether ``sees_working_copy`` can be true of any document for this user."""
    return user.role in SEES_WORKING_COPIES


def can_create(user: Principal, owner: str | None, fields: set[str]) -> bool:
    """Owners create drafts they own; what they may not change later they may
    not set at creation either (one rule for both paths)."""
    if user.role == "supervisor":
        return True
    return user.role == "owner" and owner in (None, user.name) and not (fields & SUPERVISOR_FIELDS)


def can_set_meta(user: Principal, doc: DocMeta, fields: set[str]) -> bool:
    if not can_edit(user, doc):
        return False
    return user.role == "supervisor" or not (fields & SUPERVISOR_FIELDS)


def can_publish(user: Principal, doc: DocMeta) -> bool:
    """Publish the working copy directly: supervisors always; an owner who edits
    the document unless it needs a supervisor's review."""
    if doc.deleted or doc.status == ARCHIVED:
        return False
    if user.role == "supervisor":
        return True
    return user.role == "owner" and is_editor(user, doc) and not doc.review_required


def can_submit(user: Principal, doc: DocMeta) -> bool:
    """Ask a supervisor to review and publish (documents marked "review required")."""
    return (
        not doc.deleted
        and doc.status != ARCHIVED
        and doc.review_required
        and user.role == "owner"
        and is_editor(user, doc)
    )


def can_review(user: Principal, doc: DocMeta) -> bool:
    """Approve (publish) or send back a submission."""
    return user.role == "supervisor" and not doc.deleted


def can_archive(user: Principal, doc: DocMeta) -> bool:
    """Take a document off readers' screens, or bring it back: its owner or a supervisor."""
    if doc.deleted:
        return False
    return user.role == "supervisor" or (user.role == "owner" and user.name == doc.owner)


def can_verify(user: Principal, doc: DocMeta) -> bool:
    """Confirm a published document is still right (resets its review clock)."""
    return doc.status == PUBLISHED and can_edit(user, doc)


def can_read_audit(user: Principal) -> bool:
    return user.role in SEES_ALL


def can_require_reading(user: Principal, doc: DocMeta) -> bool:
    """Make a published revision a must-read for an audience (docs/attention.md)."""
    return user.role == "supervisor" and doc.status == PUBLISHED and not doc.deleted


def can_broadcast(user: Principal) -> bool:
    return user.role == "supervisor"


def can_see_coverage(user: Principal) -> bool:
    """Who has acknowledged what, who has seen a broadcast."""
    return user.role in SEES_ALL


def may_receive(user: audience.Member, envelope: dict[str, Any], doc: DocMeta | None) -> bool:
    """May this record reach this user? Private records only their owner; records of a
    document only its readers; must-reads and broadcasts only their audience."""
    owner = envelope.get("owner")
    if owner is not None and owner != user.name:
        return False
    if envelope.get("doc") and (doc is None or not can_read(user, doc)):
        return False
    terms = envelope.get("audience")
    return terms is None or audience.admits(user, terms)


# -- feedback: flags, comments, private records (docs/access.md) -------------------


def can_set_flag_state(user: Principal, doc: DocMeta, raised_by: str, state: str) -> bool:
    """Triage is for the document's editors (and supervisors); whoever raised a flag
    may also reopen or withdraw it."""
    if can_edit(user, doc):
        return True
    return user.name == raised_by and state in ("open", "dismissed")


def can_resolve_comment(user: Principal, doc: DocMeta, author: str) -> bool:
    return user.name == author or can_edit(user, doc)


def owns(user: Principal, owner: str | None) -> bool:
    """Private records (notes, watch settings, notifications) are their owner's alone."""
    return owner is not None and user.name == owner


def in_flag_inbox(user: Principal, doc: DocMeta, escalated: bool) -> bool:
    """Whose inbox an unresolved flag lands in: the document's owner and editors, and
    supervisors once it is escalated."""
    if not can_read(user, doc):
        return False
    return is_editor(user, doc) or (user.role == "supervisor" and escalated)


def can_read_flag_report(user: Principal) -> bool:
    return user.role in SEES_ALL


def sees_submission(user: Principal, doc: DocMeta) -> bool:
    """In the review queue: supervisors see every submission, owners their documents'."""
    return can_read(user, doc) and (can_review(user, doc) or is_editor(user, doc))


def in_overdue_list(user: Principal, doc: DocMeta) -> bool:
    """Documents due for review: one's own (owners and editors), all (supervisors, admins)."""
    return can_read(user, doc) and (user.role in SEES_ALL or is_editor(user, doc))


def receives_stream(user: Principal, doc: DocMeta, published: bool) -> bool:
    """May ask for the state of, and send carets on, one stream of a document:
    ``<id>@published`` (every reader) or ``<id>``, the working copy."""
    return can_read(user, doc) and (published or sees_working_copy(user, doc))


def view(user: Principal, doc: DocMeta, review_due: str | None = None) -> View:
    return View(
        working=sees_working_copy(user, doc),
        can_edit=can_edit(user, doc),
        can_publish=can_publish(user, doc),
        review_due=review_due,
    )
