"""Comments (threaded, with @mentions, resolve/reopen) and private notes. Writer thread.

Comments are visible to everyone who may read the document. Private notes
only ever reach their author (all of the author's sessions and devices), and
only while the author may read the document.
"""

from __future__ import annotations

from sqlalchemy import select

from kmserver import policy
from kmserver.feedback.context import RecordContext, not_found
from kmserver.protocol.feedback import content_hash, mentions
from kmserver.protocol.messages import ErrorCode
from kmserver.store.accounts import Account
from kmserver.store.feedback_models import Comment, PrivateNote, owned_key
from kmserver.writer import JobError

MAX_MENTIONS = 50  # names kept (and told) per comment


def add_comment(
    rc: RecordContext,
    account: Account,
    comment_id: str,
    doc_id: str,
    body: str,
    parent_id: str | None,
    anchor: dict | None,
) -> int | None:
    meta = rc.readable(account, doc_id)
    digest = content_hash(
        {"by": account.name, "doc": doc_id, "body": body, "parent": parent_id, "anchor": anchor}
    )
    existing = rc.s.get(Comment, comment_id)
    if existing is not None:
        rc.resend(existing, digest)
        return None
    thread = comment_id
    if parent_id is not None:
        parent = rc.s.get(Comment, parent_id)
        if parent is None or parent.doc_id != doc_id:
            raise not_found(f"comment {parent_id} on this document")
        thread = parent.thread_id
    users = rc.users()
    # The record keeps the names as written: whether each is a user, or may read the
    # document, must not show in what the commenter gets back (issue 10, item 6).
    written = mentions(body)[:MAX_MENTIONS]
    named = [
        name
        for name in written
        if name in users and name != account.name and policy.can_read(users[name], meta)
    ]
    comment = Comment(
        id=comment_id,
        doc_id=doc_id,
        author=account.name,
        body=body,
        parent_id=parent_id,
        thread_id=thread,
        anchor=anchor,
        mentions=written,
        resolved=False,
        created_at=rc.now,
        create_hash=digest,
        seq=0,
    )
    rc.s.add(comment)
    seq = rc.publish(comment, account.name)
    rc.reply["seq"] = seq

    audience = rc.audience(meta)
    told = {account.name}
    excerpt = body if len(body) <= 140 else body[:139] + "…"

    def tell(name: str, event: str, text: str) -> None:
        user, _ = audience[name]
        rc.notify(
            user,
            meta,
            event,
            f"comment:{comment_id}",
            text,
            account.name,
            ("comment", comment_id),
            {"excerpt": excerpt},
        )
        told.add(name)

    for name in named:
        if audience[name][1].mentions:
            tell(name, "mention", f"{account.name} mentioned you on {meta.title}: {excerpt}")
    if parent_id is not None:
        participants = rc.s.scalars(
            select(Comment.author).where(Comment.thread_id == thread).distinct()
        ).all()
        for name in participants:
            if name not in told and name in audience and audience[name][1].mentions:
                tell(name, "reply", f"{account.name} replied on {meta.title}: {excerpt}")
    for name, (_user, want) in audience.items():
        if want.activity and name not in told:
            tell(name, "comment", f"{account.name} commented on {meta.title}: {excerpt}")
    return seq


def set_resolved(
    rc: RecordContext, account: Account, comment_id: str, resolved: bool
) -> int | None:
    comment = rc.s.get(Comment, comment_id)
    meta = rc.meta(comment.doc_id) if comment is not None else None
    if comment is None or meta is None or not policy.can_read(account, meta):
        raise not_found(f"comment {comment_id}")
    if comment.resolved == resolved:
        rc.reply["seq"] = comment.seq
        return None
    if not policy.can_resolve_comment(account, meta, comment.author):
        raise JobError(ErrorCode.FORBIDDEN, "only its author or the document's editors may")
    comment.resolved = resolved
    comment.resolved_by = account.name if resolved else None
    comment.resolved_at = rc.now if resolved else None
    seq = rc.publish(comment, account.name)
    rc.reply["seq"] = seq
    if resolved and comment.author != account.name:
        audience = rc.audience(meta)
        if comment.author in audience and audience[comment.author][1].mentions:
            rc.notify(
                audience[comment.author][0],
                meta,
                "comment_resolved",
                f"comment:{comment_id}:resolved:{seq}",
                f"{account.name} resolved your comment on {meta.title}",
                account.name,
                ("comment", comment_id),
            )
    return seq


# -- private notes ---------------------------------------------------------------


def add_note(
    rc: RecordContext, account: Account, note_id: str, doc_id: str, body: str, anchor: dict | None
) -> int | None:
    rc.readable(account, doc_id)
    digest = content_hash({"by": account.name, "doc": doc_id, "body": body, "anchor": anchor})
    existing = _find_note(rc, account, note_id)
    if existing is not None:
        # Compared with what the create carried, so a resent create after an
        # edit or a delete is still recognised as the same create.
        rc.resend(existing, digest)
        return None
    note = PrivateNote(
        id=owned_key(account.name, note_id),
        doc_id=doc_id,
        author=account.name,
        body=body,
        anchor=anchor,
        deleted=False,
        created_at=rc.now,
        updated_at=rc.now,
        create_hash=digest,
        seq=0,
    )
    rc.s.add(note)
    seq = rc.publish(note, account.name)
    rc.reply["seq"] = seq
    return seq


def _find_note(rc: RecordContext, account: Account, note_id: str) -> PrivateNote | None:
    """This user's note with this id (another user's note with the same id is not it)."""
    note = rc.s.get(PrivateNote, owned_key(account.name, note_id))
    if note is None:
        note = rc.s.get(PrivateNote, note_id)  # stored before ids were per author
    return note if note is not None and policy.owns(account, note.author) else None


def _own_note(rc: RecordContext, account: Account, note_id: str) -> PrivateNote:
    note = _find_note(rc, account, note_id)
    if note is None:
        raise not_found(f"note {note_id}")
    rc.readable(account, note.doc_id)
    return note


def edit_note(
    rc: RecordContext,
    account: Account,
    note_id: str,
    body: str,
    anchor: dict | None,
    reanchor: bool,
) -> int | None:
    note = _own_note(rc, account, note_id)
    if note.deleted:
        raise not_found(f"note {note_id} (it was deleted)")
    new_anchor = anchor if reanchor else note.anchor
    if note.body == body and note.anchor == new_anchor:
        rc.reply["seq"] = note.seq
        return None
    note.body, note.anchor, note.updated_at = body, new_anchor, rc.now
    seq = rc.publish(note, account.name)
    rc.reply["seq"] = seq
    return seq


def delete_note(rc: RecordContext, account: Account, note_id: str) -> int | None:
    note = _own_note(rc, account, note_id)
    if note.deleted:
        rc.reply["seq"] = note.seq
        return None
    note.deleted, note.body, note.anchor, note.updated_at = True, "", None, rc.now
    seq = rc.publish(note, account.name)
    rc.reply["seq"] = seq
    return seq
