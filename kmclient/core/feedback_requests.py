"""Requests about flags, comments, notes, watches and notifications: checks and overlay. Pure.

A request the user makes is checked here before it is stored (the server's
own schema, :func:`kmserver.protocol.messages.parse_client_message`, plus the
value rules of :mod:`kmserver.protocol.feedback`), so a request that waits in
the outbox can only be refused for reasons the server alone knows (access,
conflicts). Until the server answers, :func:`overlay` lays it over the
records held, so the user sees the change at once (``pending``); the answer
removes it from the outbox, and the server's record (which arrives before the
answer) is what remains.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from kmclient.core.records_db import RecordRow, RequestRow
from kmserver.protocol import audience, messages
from kmserver.protocol import feedback as fb
from kmserver.protocol.codec import ProtocolError
from kmserver.protocol.messages import MAX_EXPIRY, MIN_EXPIRY, SEVERITIES

# The record kind each request changes.
KIND_OF = {
    "flag": "flag",
    "flag_state": "flag",
    "comment": "comment",
    "comment_state": "comment",
    "note": "note",
    "note_edit": "note",
    "note_delete": "note",
    "watch": "pref",
    "read": "notification",
    # Publishing (kmclient/core/publishing_api.py): no record of their own; the
    # document's metadata and published text change, and RecordsChanged names them.
    "publish": "revision",
    "submit": "revision",
    "review": "revision",
    "restore": "revision",
    "archive": "revision",
    "verify": "revision",
    # Must-reads and broadcasts (kmclient/core/attention_api.py).
    "acknowledge": "ack",
    "opened": "ack",
    "require_reading": "must_read",
    "broadcast": "broadcast",
    "end_broadcast": "broadcast",
}


class InvalidRequest(ValueError):
    """The request is malformed (a reason, state or level that does not exist, an
    empty comment, a resolution without a note, a passage outside the text)."""


class NotAllowed(PermissionError):
    """This user may not do that (e.g. a rep resolving a flag)."""


class NoSuchDocument(LookupError):
    """The document is not in this profile: it does not exist or the user may not read it."""


class NoSuchRecord(LookupError):
    """No flag, comment or note with that id is held (or it was deleted)."""


def check(kind: str, body: dict[str, Any]) -> None:
    """Raise InvalidRequest unless the server would accept the message's form."""
    try:
        messages.parse_client_message(json.dumps({"type": kind, **body}))
        _check_values(kind, body)
    except ProtocolError as exc:
        raise InvalidRequest(str(exc)) from exc


def _one_of(name: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ProtocolError(f"'{name}' must be one of {', '.join(allowed)}")


def _check_values(kind: str, body: dict[str, Any]) -> None:
    if "id" in body and kind != "watch":
        fb.record_id(body["id"])
    if "anchor" in body:
        fb.validate_anchor(body["anchor"])
    if kind == "flag":
        _one_of("reason", body["reason"], fb.FLAG_REASONS)
        _one_of("urgency", body.get("urgency", "normal"), fb.URGENCIES)
    elif kind == "flag_state":
        _one_of("state", body["state"], fb.FLAG_STATES)
        _one_of("expect", body["expect"], fb.FLAG_STATES)
        if body["state"] in fb.CLOSED_STATES and not (body.get("note") or "").strip():
            raise ProtocolError(f"a {body['state']} flag needs a note (the resolution or reason)")
    elif kind == "comment":
        if not body["body"].strip():
            raise ProtocolError("a comment needs some text")
        if "parent" in body:
            fb.record_id(body["parent"])
    elif kind == "watch":
        if ("doc" in body) == ("topic" in body):
            raise ProtocolError("watch either a document or a topic")
        _one_of("level", body["level"], (*fb.WATCH_LEVELS, fb.DEFAULT_LEVEL))
        if not (body.get("doc") or body.get("topic") or "").strip():
            raise ProtocolError("the document or topic must not be empty")
    elif kind == "read":
        for nid in body["ids"]:
            fb.record_id(nid)
    elif kind in ("require_reading", "broadcast"):
        audience.parse(body["for"])
        if kind == "broadcast":
            _one_of("severity", body.get("severity", "info"), SEVERITIES)
            if not body["text"].strip():
                raise ProtocolError("a broadcast needs some text")
            if not MIN_EXPIRY <= body["expires"] <= MAX_EXPIRY:
                raise ProtocolError("a broadcast lasts from a minute to a week")
    elif kind == "publish" and "must_read" in body:
        terms = body["must_read"].get("for")
        if not isinstance(terms, list):
            raise ProtocolError("say who must read it")
        audience.parse(terms)


# -- the overlay ------------------------------------------------------------------


@dataclass
class Draft:
    """A record as the user should see it now: the server's, changed by pending requests."""

    id: str
    doc_id: str | None
    seq: int
    deleted: bool
    data: dict[str, Any]
    pending: bool = False
    order: int = field(default=0)  # request order, for records only this client has

    @classmethod
    def of(cls, row: RecordRow) -> Draft:
        return cls(row.id, row.doc_id, row.seq, row.deleted, json.loads(json.dumps(row.data)))


def overlay(view: dict[str, Draft], req: RequestRow, me: str) -> None:
    """Apply one pending request to ``view`` (records of its kind, by id)."""
    body, at = req.body, req.created_at
    rid = req.record_id
    if req.type == "read":
        for nid in body["ids"]:
            draft = view.get(nid)
            if draft is not None and bool(draft.data.get("read")) != body.get("read", True):
                draft.data["read"] = body.get("read", True)
                draft.pending = True
        return
    if rid is None:
        return
    draft = view.get(rid)
    if req.type in ("acknowledge", "opened"):
        _overlay_ack(view, req, at)
        return
    if req.type == "broadcast":
        if draft is None:
            view[rid] = Draft(rid, None, 0, False, _broadcast(req, me), True, req.id)
        return
    if req.type in ("flag", "comment", "note"):
        if draft is None:  # only this client knows it yet
            view[rid] = Draft(rid, req.doc_id, 0, False, _created(req, me, view), True, req.id)
        return
    if req.type == "watch":
        level = body["level"]
        scope, key = ("doc", body["doc"]) if "doc" in body else ("topic", body["topic"])
        if draft is None:
            draft = view[rid] = Draft(rid, body.get("doc"), 0, True, {}, order=req.id)
        if level == fb.DEFAULT_LEVEL:
            if not draft.deleted:
                draft.deleted, draft.data, draft.pending = True, {}, True
        elif draft.deleted or draft.data.get("level") != level:
            draft.deleted, draft.pending = False, True
            draft.data = {"scope": scope, "key": key, "level": level}
        return
    if draft is None or draft.deleted:
        return
    data = draft.data
    if req.type == "flag_state":
        state, note = body["state"], body.get("note")
        if data.get("state") == state and note in (None, data.get("state_note")):
            return  # already so
        if data.get("state") != body["expect"]:
            return  # the flag moved on: the server will answer conflict
        data.update(state=state, state_note=note or "", state_by=me)
        data["history"] = [*data.get("history", ()), {"state": state, "by": me, "at": at}]
        if state != "open" and me != data.get("by") and not data.get("acknowledged_at"):
            data["acknowledged_at"] = at
        data["closed_at"] = at if state in fb.CLOSED_STATES else None
    elif req.type == "comment_state":
        if bool(data.get("resolved")) == body["resolved"]:
            return
        data.update(
            resolved=body["resolved"],
            resolved_by=me if body["resolved"] else None,
            resolved_at=at if body["resolved"] else None,
        )
    elif req.type == "note_edit":
        data.update(body=body["body"], updated_at=at)
        if "anchor" in body:
            data["anchor"] = body["anchor"]
    elif req.type == "note_delete":
        draft.deleted, draft.data = True, {}
    elif req.type == "end_broadcast":
        if data.get("ended_at"):
            return
        data.update(ended_at=at, ended_by=me)
    else:
        return
    draft.pending = True


def _overlay_ack(view: dict[str, Draft], req: RequestRow, at: str) -> None:
    """Opened or acknowledged, at once; acknowledging covers the document's earlier
    must-reads too (the server does the same)."""
    doc_id, rev, done = req.body["doc"], req.body["rev"], req.type == "acknowledge"
    targets = [req.record_id] if not done else [
        d.id for d in view.values() if d.doc_id == doc_id and int(d.data.get("rev", 0)) < rev
    ] + [req.record_id]  # fmt: skip
    for rid in targets:
        if rid is None:
            continue
        draft = view.get(rid)
        if draft is None:
            draft = view[rid] = Draft(rid, doc_id, 0, False, {"rev": rev}, order=req.id)
        data = draft.data
        if not data.get("opened_at"):
            data["opened_at"], draft.pending = at, True
        if done and not data.get("acked_at"):
            data["acked_at"], draft.pending = at, True


def _created(req: RequestRow, me: str, view: dict[str, Draft]) -> dict[str, Any]:
    body, at = req.body, req.created_at
    if req.type == "flag":
        note = body.get("note", "")
        return {
            "by": me,
            "reason": body["reason"],
            "note": note,
            "urgency": body.get("urgency", "normal"),
            "anchor": body.get("anchor"),
            "state": "open",
            "state_note": "",
            "state_by": None,
            "created_at": at,
            "acknowledged_at": None,
            "closed_at": None,
            "escalated_at": None,
            "history": [{"state": "open", "by": me, "at": at, "note": note}],
        }
    if req.type == "comment":
        parent = body.get("parent")
        thread = req.record_id
        if parent is not None:
            root = view.get(parent)
            thread = str(root.data.get("thread") or parent) if root else parent
        return {
            "by": me,
            "body": body["body"],
            "parent": parent,
            "thread": thread,
            "anchor": body.get("anchor"),
            "mentions": [n for n in fb.mentions(body["body"]) if n != me],
            "resolved": False,
            "resolved_by": None,
            "resolved_at": None,
            "created_at": at,
        }
    return {  # note
        "body": body["body"],
        "anchor": body.get("anchor"),
        "created_at": at,
        "updated_at": at,
    }


def _broadcast(req: RequestRow, me: str) -> dict[str, Any]:
    body, at = req.body, req.created_at
    return {
        "text": body["text"].strip(),
        "severity": body.get("severity", "info"),
        "audience": list(body["for"]),
        "link": body.get("link"),
        "by": me,
        "at": at,
        "expires_at": None,  # the server sets it from its clock; until then it shows
        "ended_at": None,
        "ended_by": None,
    }
