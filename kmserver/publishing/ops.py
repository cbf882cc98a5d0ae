"""Publishing operations, run inside the writer's transaction (or a command's).

Each is a ``RecordJob`` operation (kmserver/feedback/context.py):
``op(rc, actor, request_id, doc_id, ...)``. ``actor`` is the signed-in
account, or None for the server's own command line (which may do anything
and is recorded as such). Every operation checks the policy first and raises
``JobError`` before it writes anything; it writes the audit event in the
same transaction; and a ``request_id`` seen before is answered with the
first answer instead of being done twice.

Publishing takes the working copy's CRDT state as the new published CRDT
(a Doc's encoded state holds no text of deleted items: yrs collects it), and
readers get the difference from the previous revision. Every published state
is therefore a causal prefix of the working copy: anchors made in either
resolve in both, and readers' documents change by minimal updates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from pycrdt import get_state, get_update

from kmserver import policy
from kmserver.attention.ops import MustReadAsk, require_reading
from kmserver.feedback.context import RecordContext, not_found
from kmserver.protocol.docmeta import ARCHIVED, DRAFT, PUBLISHED, DocMeta
from kmserver.protocol.messages import ErrorCode
from kmserver.protocol.ytext import body, replace_text
from kmserver.store import documents as docs
from kmserver.store import revisions
from kmserver.store.accounts import Account
from kmserver.store.models import LOG_META, LOG_PUBLISH, LOG_UPDATE, Document
from kmserver.store.revision_models import Revision, Submission
from kmserver.writer import JobError

Rule = Callable[[Account, DocMeta], bool]


class _Done(Exception):
    """The request was done before: ``rc.reply`` holds the first answer."""


def _name(actor: Account | None) -> str | None:
    return actor.name if actor is not None else None


def _start(
    rc: RecordContext,
    actor: Account | None,
    request_id: str | None,
    doc_id: str,
    rule: Rule,
    refusal: str | Callable[[DocMeta], str],
) -> tuple[Document, DocMeta]:
    if request_id is not None:
        done = revisions.find_request(rc.s, request_id, _name(actor))
        if done is not None:
            rc.reply.update(done.detail.get("reply") or {})
            raise _Done
    row = docs.get_document(rc.s, doc_id)
    meta = docs.meta_of(rc.s, row) if row is not None else None
    if row is None or meta is None or meta.deleted:
        raise not_found(f"document '{doc_id}'")
    if actor is not None:
        if not policy.can_read(actor, meta):
            raise not_found(f"document '{doc_id}'")
        if not rule(actor, meta):
            raise JobError(
                ErrorCode.FORBIDDEN, refusal if isinstance(refusal, str) else refusal(meta)
            )
    return row, meta


def _finish(
    rc: RecordContext,
    actor: Account | None,
    request_id: str | None,
    action: str,
    doc_id: str,
    detail: dict[str, Any],
    reply: dict[str, Any],
) -> None:
    rc.reply.update(reply)
    revisions.add_audit(
        rc.s, rc.now, _name(actor), action, doc_id, {**detail, "reply": reply}, request_id
    )


def _changed_meta(rc: RecordContext, row: Document, author: str | None, *, readers: bool) -> int:
    """A metadata entry on the log (editors, and with ``readers`` everyone, get a doc frame)."""
    seq = docs.append_log(rc.s, row.id, LOG_META, b"", author, rc.ctx.writer_id)
    row.changed_seq = seq
    if readers:
        row.pub_seq = seq
    rc.ctx.rows[row.id] = row
    rc.s.flush()
    rc.ctx.wrote(row.id, seq, LOG_META, b"", author, docs.meta_of(rc.s, row))
    return seq


def _same_as(rev: Revision | None, text: str, title: str, topics: list[str]) -> bool:
    return rev is not None and (rev.body_text, rev.title, list(rev.topics or ())) == (
        text,
        title,
        list(topics),
    )


def publish_state(
    rc: RecordContext,
    row: Document,
    state: bytes,
    text: str,
    by: str | None,
    note: str,
    *,
    title: str,
    topics: list[str],
    contributors: list[str],
    restored_from: int | None = None,
    submitted_by: str | None = None,
    tell: bool = True,
) -> Revision:
    """Make ``state`` (a causal successor of every earlier revision) the next revision."""
    s = rc.s
    prev = revisions.get(s, row.id, row.published_rev) if row.published_rev else None
    if _same_as(prev, text, title, topics):
        assert prev is not None
        raise JobError(
            ErrorCode.CONFLICT,
            f"nothing to publish: the text, title and topics are those of revision {prev.number}",
        )
    delta = get_update(state, get_state(prev.state)) if prev is not None else state
    seq = docs.append_log(s, row.id, LOG_PUBLISH, delta, by, rc.ctx.writer_id)
    number = (prev.number if prev is not None else 0) + 1
    rev = Revision(
        doc_id=row.id,
        number=number,
        title=title,
        topics=list(topics),
        body_text=text,
        state=state,
        published_by=by,
        published_at=rc.now,
        note=note,
        contributors=list(contributors),
        restored_from=restored_from,
        submitted_by=submitted_by,
        seq=seq,
    )
    s.add(rev)
    row.published_rev, row.status = number, PUBLISHED
    row.pub_seq = row.changed_seq = seq
    row.verified_at, row.verified_by = rc.now, by
    working = str(body(rc.ctx.load(row.id)))
    if (working, row.title, list(row.topics or ())) == (text, title, list(topics)):
        row.pending_authors = []  # the working copy is exactly what was published
        rc.ctx.published_upto[row.id] = seq
    submission = s.get(Submission, row.id)
    if submission is not None:
        s.delete(submission)  # a publication ends the review round
    rc.ctx.rows[row.id] = row
    s.flush()
    meta = docs.meta_of(s, row)
    rc.ctx.wrote(row.id, seq, LOG_PUBLISH, delta, by, meta)
    if tell:
        _tell_published(rc, meta, rev)
    return rev


def _tell_published(rc: RecordContext, meta: DocMeta, rev: Revision) -> None:
    """Everyone who follows the document's changes hears of a new revision."""
    by = rev.published_by or "an administrator"
    text = f"{by} published version {rev.number} of {rev.title}"
    if rev.note:
        text += f": {rev.note}"
    detail = {"rev": rev.number, "note": rev.note}
    trigger = f"publish:{meta.id}:{rev.number}"
    told = [
        user
        for name, (user, want) in rc.audience(meta).items()
        if name != rev.published_by and want.edits is not None
    ]
    rc.prefetch(trigger, told)
    for user in told:
        rc.notify(user, meta, "published", trigger, text, by, None, detail)


def _reply(rev: Revision) -> dict[str, Any]:
    return {"doc": rev.doc_id, "rev": rev.number, "seq": rev.seq}


# -- the operations -------------------------------------------------------------------


def publish(
    rc: RecordContext,
    actor: Account | None,
    request_id: str | None,
    doc_id: str,
    note: str = "",
    must_read: MustReadAsk | None = None,
) -> int | None:
    """Publish the working copy as it is now (with every edit saved before this request);
    with ``must_read``, the new revision is a must-read in the same transaction, so no
    reader ever has it without being asked to acknowledge it."""
    try:
        row, meta = _start(rc, actor, request_id, doc_id, policy.can_publish, _why_not)
    except _Done:
        return None
    if meta.status == ARCHIVED:
        raise JobError(ErrorCode.FORBIDDEN, "the document is archived: bring it back first")
    ydoc = rc.ctx.load(doc_id)
    rev = publish_state(
        rc,
        row,
        ydoc.get_update(),
        str(body(ydoc)),
        _name(actor),
        note,
        title=row.title,
        topics=list(row.topics or ()),
        contributors=list(row.pending_authors or ()),
    )
    seq = rev.seq
    reply = _reply(rev)
    if must_read is not None:
        ask = must_read if must_read.note else replace(must_read, note=note)
        seq = require_reading(rc, actor, None, doc_id, rev.number, ask) or seq
        reply["must_read"] = rc.reply["id"]
        rc.reply.clear()  # the publication's answer, not the must-read's
    _finish(rc, actor, request_id, "publish", doc_id, {"rev": rev.number, "note": note}, reply)
    return seq


def _why_not(meta: DocMeta) -> str:
    if meta.status == ARCHIVED:
        return "the document is archived: bring it back first"
    if meta.review_required:
        return "this document needs a supervisor's review: submit it for review instead"
    return "you may not publish this document"


def submit(
    rc: RecordContext, actor: Account | None, request_id: str | None, doc_id: str, note: str = ""
) -> int | None:
    """Ask a supervisor to review the working copy as it is now."""
    try:
        row, _meta = _start(
            rc,
            actor,
            request_id,
            doc_id,
            policy.can_submit,
            "only owners of documents that need review submit them; you may publish directly",
        )
    except _Done:
        return None
    ydoc = rc.ctx.load(doc_id)
    text = str(body(ydoc))
    latest = revisions.get(rc.s, doc_id, row.published_rev) if row.published_rev else None
    if _same_as(latest, text, row.title, list(row.topics or ())):
        raise JobError(ErrorCode.CONFLICT, "nothing to submit: it is the published revision")
    sub = rc.s.get(Submission, doc_id)
    if sub is None:
        sub = Submission(doc_id=doc_id)
        rc.s.add(sub)
    sub.status, sub.submitted_by, sub.submitted_at, sub.note = (
        "submitted",
        _name(actor) or "",
        rc.now,
        note,
    )
    sub.title, sub.topics, sub.body_text = row.title, list(row.topics or ()), text
    sub.state, sub.contributors, sub.base_rev = (
        ydoc.get_update(),
        list(row.pending_authors or ()),
        row.published_rev,
    )
    sub.decided_by, sub.decided_at, sub.decision_note = None, None, ""
    seq = _changed_meta(rc, row, _name(actor), readers=False)
    meta = docs.meta_of(rc.s, row)
    who = _name(actor) or "an administrator"
    text_note = f"{who} asks you to review {row.title}" + (f": {note}" if note else "")
    for user in rc.users().values():
        if user.role == "supervisor" and user.name != _name(actor):
            rc.notify(
                user,
                meta,
                "review_requested",
                f"submit:{doc_id}:{seq}",
                text_note,
                who,
                None,
                {"note": note},
            )
    _finish(rc, actor, request_id, "submit", doc_id, {"note": note}, {"doc": doc_id, "seq": seq})
    return seq


def review(
    rc: RecordContext,
    actor: Account | None,
    request_id: str | None,
    doc_id: str,
    decision: str,
    note: str = "",
) -> int | None:
    """A supervisor approves (publishes what was submitted) or sends it back with a comment."""
    try:
        row, meta = _start(
            rc, actor, request_id, doc_id, policy.can_review, "only supervisors review documents"
        )
    except _Done:
        return None
    sub = rc.s.get(Submission, doc_id)
    if sub is None or sub.status != "submitted":
        raise JobError(ErrorCode.CONFLICT, "nothing of this document is waiting for review")
    if sub.base_rev != row.published_rev:
        raise JobError(
            ErrorCode.CONFLICT,
            f"revision {row.published_rev} was published after this was submitted; "
            "ask for a new submission",
        )
    who = _name(actor) or "an administrator"
    submitter = rc.users().get(sub.submitted_by)
    if decision == "approve":
        rev = publish_state(
            rc,
            row,
            sub.state,
            sub.body_text,
            _name(actor),
            note or sub.note,
            title=sub.title,
            topics=list(sub.topics or ()),
            contributors=list(sub.contributors or ()),
            submitted_by=sub.submitted_by,
        )
        if submitter is not None and submitter.name != _name(actor):
            rc.notify(
                submitter,
                docs.meta_of(rc.s, row),
                "review_approved",
                f"approve:{doc_id}:{rev.number}",
                f"{who} approved {rev.title}: it is published as version {rev.number}",
                who,
                None,
                {"rev": rev.number, "note": note},
            )
        _finish(
            rc, actor, request_id, "approve", doc_id, {"rev": rev.number, "note": note}, _reply(rev)
        )
        return rev.seq
    if not note.strip():
        raise JobError(ErrorCode.BAD_MESSAGE, "say why it goes back (a comment for the owner)")
    sub.status, sub.decided_by, sub.decided_at, sub.decision_note = "sent_back", who, rc.now, note
    seq = _changed_meta(rc, row, _name(actor), readers=False)
    if submitter is not None:
        rc.notify(
            submitter,
            meta,
            "review_sent_back",
            f"send_back:{doc_id}:{seq}",
            f"{who} sent {row.title} back: {note}",
            who,
            None,
            {"note": note},
        )
    _finish(rc, actor, request_id, "send_back", doc_id, {"note": note}, {"doc": doc_id, "seq": seq})
    return seq


def restore(
    rc: RecordContext,
    actor: Account | None,
    request_id: str | None,
    doc_id: str,
    number: int,
    note: str = "",
) -> int | None:
    """Make revision ``number`` the working copy (a minimal change) and publish it as a
    new revision; for a document that needs review, submit it instead. History stays."""
    try:
        row, meta = _start(
            rc,
            actor,
            request_id,
            doc_id,
            lambda a, m: policy.can_publish(a, m) or policy.can_submit(a, m),
            "you may not restore this document",
        )
    except _Done:
        return None
    if meta.status == ARCHIVED:
        raise JobError(ErrorCode.FORBIDDEN, "the document is archived: bring it back first")
    old = revisions.get(rc.s, doc_id, number)
    if old is None:
        raise not_found(f"revision {number} of '{doc_id}'")
    latest = revisions.get(rc.s, doc_id, row.published_rev)
    if latest is not None and _same_as(latest, old.body_text, old.title, list(old.topics or ())):
        # Refused before the working copy is touched (nothing below may fail).
        raise JobError(ErrorCode.CONFLICT, f"version {number} is what is published now")
    by = _name(actor)
    ydoc = rc.ctx.load(doc_id)
    before = ydoc.get_state()
    if replace_text(body(ydoc), old.body_text):
        update = ydoc.get_update(before)
        seq = docs.append_log(rc.s, doc_id, LOG_UPDATE, update, by, rc.ctx.writer_id)
        rc.ctx.wrote(doc_id, seq, LOG_UPDATE, update, by)
    row.title, row.topics = old.title, list(old.topics or ())
    note = note or f"Restored version {number}"
    detail = {"restored": number, "note": note}
    if actor is None or policy.can_publish(actor, meta):
        rev = publish_state(
            rc,
            row,
            ydoc.get_update(),
            old.body_text,
            by,
            note,
            title=old.title,
            topics=list(old.topics or ()),
            contributors=sorted({*(row.pending_authors or ()), *([by] if by else [])}),
            restored_from=number,
        )
        _finish(
            rc, actor, request_id, "restore", doc_id, {**detail, "rev": rev.number}, _reply(rev)
        )
        return rev.seq
    rc.reply.clear()
    seq = submit(rc, actor, None, doc_id, note)
    _finish(rc, actor, request_id, "restore", doc_id, {**detail, "submitted": True}, dict(rc.reply))
    return seq


def archive(
    rc: RecordContext, actor: Account | None, request_id: str | None, doc_id: str, archived: bool
) -> int | None:
    """Take a document off readers' screens (it stays in history), or bring it back."""
    try:
        row, meta = _start(
            rc,
            actor,
            request_id,
            doc_id,
            policy.can_archive,
            "only the document's owner or a supervisor may archive it",
        )
    except _Done:
        return None
    if (meta.status == ARCHIVED) == archived:
        rc.reply.update({"doc": doc_id, "seq": row.changed_seq})  # already so
        return None
    row.status = ARCHIVED if archived else (PUBLISHED if row.published_rev else DRAFT)
    seq = _changed_meta(rc, row, _name(actor), readers=True)
    action = "archive" if archived else "unarchive"
    _finish(rc, actor, request_id, action, doc_id, {}, {"doc": doc_id, "seq": seq})
    return seq


def verify(
    rc: RecordContext, actor: Account | None, request_id: str | None, doc_id: str
) -> int | None:
    """Confirm the published revision is still right: its review clock starts again."""
    try:
        row, _meta = _start(
            rc,
            actor,
            request_id,
            doc_id,
            policy.can_verify,
            "only the document's editors verify it, once it is published",
        )
    except _Done:
        return None
    if row.status != PUBLISHED:
        raise JobError(ErrorCode.FORBIDDEN, "only a published document can be verified")
    row.verified_at, row.verified_by = rc.now, _name(actor)
    seq = _changed_meta(rc, row, _name(actor), readers=True)
    _finish(
        rc,
        actor,
        request_id,
        "verify",
        doc_id,
        {"rev": row.published_rev},
        {"doc": doc_id, "seq": seq},
    )
    return seq


def tell_review_due(rc: RecordContext, items: list[tuple[str, str]]) -> int | None:
    """Tell each document's owner and editors (else the supervisors) that its review
    date has passed: ``items`` are (doc id, due date). Once per date (stable ids)."""
    users = rc.users()
    last = None
    for doc_id, due in items:
        meta = rc.meta(doc_id)
        if meta is None or meta.status != PUBLISHED:
            continue
        names = {meta.owner, *meta.editors} - {None}
        told = [users[n] for n in names if n in users and policy.can_edit(users[n], meta)]
        if not told:
            told = [u for u in users.values() if u.role == "supervisor"]
        title = meta.published.title if meta.published else meta.title
        text = f"{title} is due for review: is it still right? Verify it or publish a new version."
        for user in told:
            seq = rc.notify(
                user,
                meta,
                "review_due",
                f"review-due:{doc_id}:{due}",
                text,
                None,
                None,
                {"due": due},
            )
            last = seq or last
    return last
