"""JSON control messages on /ws: names, fields, and validation.

Every control frame is a JSON object with a ``type``. Inbound messages are
checked against ``CLIENT_MESSAGES`` before any handler sees them, so handlers
can trust field types. An optional ``ref`` string is echoed in the reply
(and in an error) so a client can match answers to requests.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from kmserver.protocol import feedback as fb
from kmserver.protocol.codec import ProtocolError

# 2: working copy and published revisions (docs/revisions.md): "@published"
# streams, the publishing requests, ``status`` no longer a metadata field.
PROTOCOL_VERSION = 2

ROLES = ("rep", "owner", "supervisor", "admin")
EVERYONE = "everyone"
# Anyone, signed in or not: the public help centre (/help/) serves these documents
# without sign-in, and every staff role reads them too (kmserver/policy.py).
PUBLIC = "public"
AUDIENCES = (*ROLES, EVERYONE, PUBLIC)
DOC_STATUSES = ("draft", "published", "archived")
REVIEW_DECISIONS = ("approve", "send_back")
MAX_NOTE = 2_000  # change notes, review comments
MAX_REVIEW_DAYS = 3650
FLAG_REASONS = fb.FLAG_REASONS
MAX_AUDIENCE = 50  # terms: roles, topic:<t>, user:<name>
MAX_MUST_READ_JSON = 12_000
MAX_BROADCAST = 1_000  # characters: an early warning is short
SEVERITIES = ("info", "warning", "critical")
MIN_EXPIRY, MAX_EXPIRY = 60, 7 * 86400  # seconds a broadcast shows
MIN_REMIND, MAX_REMIND = 600, 30 * 86400  # seconds between must-read reminders

MAX_TEXT = 200  # names, titles, topics, ids
MAX_LIST = 100_000  # 'known' can list every document of a large profile
# Integers fit a JSON double and a signed 64-bit column: cursors, revisions, limits.
MAX_INT = 2**53 - 1


class ErrorCode:
    BAD_MESSAGE = "bad_message"  # malformed JSON / frame, unknown type, bad field
    UNSUPPORTED_PROTOCOL = "unsupported_protocol"
    AUTH_FAILED = "auth_failed"  # same text for unknown user and wrong password
    AUTH_THROTTLED = "auth_throttled"
    NOT_SIGNED_IN = "not_signed_in"
    NOT_FOUND = "not_found"  # also for documents the user may not see
    FORBIDDEN = "forbidden"  # visible, but the user may not do this
    INVALID_UPDATE = "invalid_update"  # CRDT bytes that do not decode
    CONFLICT = "conflict"  # e.g. creating a document id that exists
    TOO_LARGE = "too_large"
    RATE_LIMITED = "rate_limited"  # over a token bucket: try again after ``retry_after`` s
    TOO_MANY_CONNECTIONS = "too_many_connections"  # this user has too many sockets open
    INTERNAL = "internal"


@dataclass(frozen=True, slots=True)
class Field:
    kind: type  # str, int, bool, list (of str), dict
    required: bool = True
    max_len: int = MAX_TEXT


def _f(kind: type, required: bool = True, max_len: int = MAX_TEXT) -> Field:
    return Field(kind, required, max_len)


_META_FIELDS = {
    "title": _f(str, False),
    "topics": _f(list, False, 50),
    "audience": _f(list, False, 10),
    "owner": _f(str, False),
    "editors": _f(list, False, 50),
    "review_required": _f(bool, False),
    "review_every": _f(int, False),  # days
}

META_FIELDS = tuple(_META_FIELDS)

CLIENT_MESSAGES: dict[str, dict[str, Field]] = {
    "hello": {
        "protocol": _f(int),
        "token": _f(str, False, 200),
        "user": _f(str, False),
        "password": _f(str, False, 1024),
        "client": _f(str, False),
    },
    "sync": {
        "cursor": _f(int),
        "known": _f(list, False, MAX_LIST),
        "records_from": _f(int, False),  # default: cursor (docs/protocol.md, section 4)
        "working": _f(list, False, MAX_LIST),  # ids whose working copy the client holds
    },
    "open": {"doc": _f(str)},
    "close": {"doc": _f(str)},
    "create_doc": {"id": _f(str), "body": _f(str, False, 1_000_000), **_META_FIELDS},
    "set_meta": {"doc": _f(str), **_META_FIELDS},
    "logout": {},
    # Flags, comments, private notes, watches and notifications (docs/protocol.md, section 4).
    "flag": {
        "id": _f(str, True, fb.MAX_ID),
        "doc": _f(str),
        "reason": _f(str),
        "note": _f(str, False, fb.MAX_FLAG_NOTE),
        "urgency": _f(str, False),
        "anchor": _f(dict, False, fb.MAX_ANCHOR_JSON),
    },
    "flag_state": {
        "id": _f(str, True, fb.MAX_ID),
        "state": _f(str),
        "expect": _f(str),
        "note": _f(str, False, fb.MAX_FLAG_NOTE),
    },
    "comment": {
        "id": _f(str, True, fb.MAX_ID),
        "doc": _f(str),
        "body": _f(str, True, fb.MAX_COMMENT),
        "parent": _f(str, False, fb.MAX_ID),
        "anchor": _f(dict, False, fb.MAX_ANCHOR_JSON),
    },
    "comment_state": {"id": _f(str, True, fb.MAX_ID), "resolved": _f(bool)},
    "note": {
        "id": _f(str, True, fb.MAX_ID),
        "doc": _f(str),
        "body": _f(str, True, fb.MAX_PRIVATE_NOTE),
        "anchor": _f(dict, False, fb.MAX_ANCHOR_JSON),
    },
    "note_edit": {
        "id": _f(str, True, fb.MAX_ID),
        "body": _f(str, True, fb.MAX_PRIVATE_NOTE),
        "anchor": _f(dict, False, fb.MAX_ANCHOR_JSON),
    },
    "note_delete": {"id": _f(str, True, fb.MAX_ID)},
    "watch": {"doc": _f(str, False), "topic": _f(str, False), "level": _f(str)},
    "read": {"ids": _f(list, True, fb.MAX_READ_IDS), "read": _f(bool, False)},
    "flag_inbox": {},
    "flag_report": {"state": _f(str, False)},
    # Publishing and governance (docs/protocol.md, section 5). ``id`` is the
    # client's uuid for the request: a resend is answered again, never done twice.
    "publish": {
        "id": _f(str, True, fb.MAX_ID),
        "doc": _f(str),
        "note": _f(str, False, MAX_NOTE),
        "must_read": _f(dict, False, MAX_MUST_READ_JSON),  # {for, due?, remind_every?}
    },
    "submit": {"id": _f(str, True, fb.MAX_ID), "doc": _f(str), "note": _f(str, False, MAX_NOTE)},
    "review": {
        "id": _f(str, True, fb.MAX_ID),
        "doc": _f(str),
        "decision": _f(str),
        "note": _f(str, False, MAX_NOTE),
    },
    "restore": {
        "id": _f(str, True, fb.MAX_ID),
        "doc": _f(str),
        "rev": _f(int),
        "note": _f(str, False, MAX_NOTE),
    },
    "archive": {"id": _f(str, True, fb.MAX_ID), "doc": _f(str), "archived": _f(bool)},
    "verify": {"id": _f(str, True, fb.MAX_ID), "doc": _f(str)},
    "history": {"doc": _f(str)},
    "revision": {"doc": _f(str), "rev": _f(int)},
    "review_queue": {},
    "overdue": {},
    "audit": {
        "doc": _f(str, False),
        "user": _f(str, False),
        "since": _f(str, False, 40),
        "limit": _f(int, False),
    },
    # Must-reads and broadcasts (docs/attention.md). ``id`` as above.
    "require_reading": {
        "id": _f(str, True, fb.MAX_ID),
        "doc": _f(str),
        "rev": _f(int, False),  # default: the published revision
        "for": _f(list, True, MAX_AUDIENCE),
        "due": _f(str, False, 40),
        "remind_every": _f(int, False),  # seconds
        "note": _f(str, False, MAX_NOTE),
    },
    "acknowledge": {"doc": _f(str), "rev": _f(int)},  # "I have read this"
    "opened": {"doc": _f(str), "rev": _f(int)},
    "coverage": {"doc": _f(str), "rev": _f(int, False), "live": _f(bool, False)},
    "must_reads": {},
    "broadcast": {
        "id": _f(str, True, fb.MAX_ID),
        "text": _f(str, True, MAX_BROADCAST),
        "severity": _f(str, False),
        "for": _f(list, True, MAX_AUDIENCE),
        "expires": _f(int),  # seconds from now
        "link": _f(str, False),
    },
    "end_broadcast": {"id": _f(str, True, fb.MAX_ID)},
    "broadcasts": {},
    "broadcast_seen": {"id": _f(str, True, fb.MAX_ID)},
}

# Changes that go through the request outbox and are answered ``saved``.
REVISION_CHANGES = frozenset({"publish", "submit", "review", "restore", "archive", "verify"})
REVISION_MESSAGES = REVISION_CHANGES | {"history", "revision", "review_queue", "overdue", "audit"}

ATTENTION_CHANGES = frozenset({"require_reading", "broadcast", "end_broadcast"})
ATTENTION_MESSAGES = ATTENTION_CHANGES | {
    "acknowledge",
    "opened",
    "coverage",
    "must_reads",
    "broadcasts",
    "broadcast_seen",
}

FEEDBACK_MESSAGES = frozenset(
    {
        "flag",
        "flag_state",
        "comment",
        "comment_state",
        "note",
        "note_edit",
        "note_delete",
        "watch",
        "read",
        "flag_inbox",
        "flag_report",
    }
)


def _check_field(name: str, value: Any, spec: Field) -> None:
    if spec.kind is int:
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_INT:
            raise ProtocolError(f"field '{name}' must be an integer from 0 to 2^53-1")
    elif spec.kind is str:
        if not isinstance(value, str):
            raise ProtocolError(f"field '{name}' must be a string")
        if len(value) > spec.max_len:
            raise ProtocolError(f"field '{name}' is longer than {spec.max_len} characters")
    elif spec.kind is list:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ProtocolError(f"field '{name}' must be a list of strings")
        if len(value) > spec.max_len:
            raise ProtocolError(f"field '{name}' has more than {spec.max_len} items")
        if any(len(v) > MAX_TEXT for v in value):
            raise ProtocolError(f"field '{name}' has an item longer than {MAX_TEXT} characters")
    elif spec.kind is bool and not isinstance(value, bool):
        raise ProtocolError(f"field '{name}' must be true or false")
    elif spec.kind is dict:
        if not isinstance(value, dict):
            raise ProtocolError(f"field '{name}' must be an object")
        if len(json.dumps(value, separators=(",", ":"))) > spec.max_len:
            raise ProtocolError(f"field '{name}' is larger than {spec.max_len} characters")


def _refuse_constant(name: str) -> Any:
    raise ProtocolError(f"control frame is not valid JSON ({name})")


def _has_surrogate(value: Any) -> bool:
    """A lone surrogate (``"\\ud800"``) decodes to a str that cannot be encoded as
    UTF-8: refuse it at the door, not in the database driver or the log."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def parse_client_message(text: str) -> dict[str, Any]:
    """Decode and validate one inbound JSON control frame. Raises ProtocolError only."""
    try:
        # ValueError also covers integers of more than 4,300 digits.
        msg = json.loads(text, parse_constant=_refuse_constant)
    except ProtocolError:
        raise
    except (ValueError, RecursionError) as exc:
        raise ProtocolError("control frame is not valid JSON") from exc
    if _has_surrogate(msg):
        raise ProtocolError("control frame has text that is not valid Unicode")
    if not isinstance(msg, dict):
        raise ProtocolError("control frame must be a JSON object")
    kind = msg.get("type")
    if not isinstance(kind, str) or kind not in CLIENT_MESSAGES:
        raise ProtocolError(f"unknown message type {kind!r}")
    spec = CLIENT_MESSAGES[kind]
    ref = msg.get("ref")
    if ref is not None and (not isinstance(ref, str) or len(ref) > MAX_TEXT):
        raise ProtocolError("field 'ref' must be a short string")
    for name, value in msg.items():
        if name in ("type", "ref"):
            continue
        if name not in spec:
            raise ProtocolError(f"unknown field '{name}' for '{kind}'")
        _check_field(name, value, spec[name])
    for name, field in spec.items():
        if field.required and name not in msg:
            raise ProtocolError(f"'{kind}' needs field '{name}'")
    return msg


def validate_meta(meta: dict[str, Any]) -> None:
    """Semantic checks on document metadata beyond field types."""
    every = meta.get("review_every")
    if every is not None and not 1 <= every <= MAX_REVIEW_DAYS:
        raise ProtocolError(f"review_every is a number of days from 1 to {MAX_REVIEW_DAYS}")
    for role in meta.get("audience", []):
        if role not in AUDIENCES:
            raise ProtocolError(f"audience '{role}' is not a role, '{EVERYONE}' or '{PUBLIC}'")
    if "title" in meta and not meta["title"].strip():
        raise ProtocolError("title must not be empty")


def valid_doc_id(doc_id: str) -> bool:
    """Ids are file-name safe: they name Markdown files on export."""
    return (
        0 < len(doc_id) <= MAX_TEXT
        and doc_id.strip() == doc_id
        and not doc_id.startswith(".")
        and all(c.isalnum() or c in "-_." for c in doc_id)
    )


def encode(kind: str, **fields: Any) -> str:
    return json.dumps({"type": kind, **fields}, ensure_ascii=False, separators=(",", ":"))


def error(code: str, message: str, **extra: Any) -> str:
    return encode("error", code=code, message=message, **extra)
