"""Flags, comments, private notes, watches and notifications: the pure wire rules.

Shared by server and client (stdlib only). Every record travels in one
envelope, the ``record`` frame::

    {"type": "record", "kind": "flag", "id": "<uuid>", "doc": "parking",
     "seq": 1234, "deleted": false, "data": {...}}

``(kind, id)`` names a record; a frame with a higher ``seq`` replaces the
one held. docs/protocol.md ("Flags, comments, notes and notifications")
documents every field.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import uuid
from typing import Any

from kmserver.protocol.codec import ProtocolError

RECORD_KINDS = (
    "flag",
    "comment",
    "note",
    "pref",
    "notification",
    "must_read",  # docs/attention.md
    "ack",
    "broadcast",
)

FLAG_REASONS = ("outdated", "incorrect", "unclear", "missing", "other")
URGENCIES = ("low", "normal", "high")
FLAG_STATES = ("open", "acknowledged", "resolved", "dismissed")
CLOSED_STATES = ("resolved", "dismissed")  # these need a note: the resolution or the reason
# What a user wants to be told about, per document or per topic (docs/feedback.md).
WATCH_LEVELS = ("all_edits", "digest", "mentions_only", "off")
DEFAULT_LEVEL = "default"  # `watch` with this level removes the setting: role defaults apply
WATCH_SCOPES = ("doc", "topic")

MAX_ID = 64
MAX_FLAG_NOTE = 4_000
MAX_COMMENT = 20_000
MAX_PRIVATE_NOTE = 100_000
MAX_QUOTE = 2_000
MAX_STICKY = 256  # base64 characters of one encoded sticky index (they are ~12-30 bytes)
MAX_ANCHOR_JSON = 2 * MAX_STICKY + 4 * MAX_QUOTE + 100  # quotes may escape to \uXXXX
MAX_READ_IDS = 1_000

_MENTION = re.compile(r"(?<![\w@])@([^\s@]+)")
_TRAILING = ".,;:!?)]}>'\""


def record_id(value: str) -> str:
    """The canonical form of a client-generated UUID, or ProtocolError."""
    try:
        return str(uuid.UUID(value))
    except (ValueError, AttributeError, TypeError) as exc:
        raise ProtocolError("ids are UUIDs made by the client (e.g. uuid4)") from exc


def _sticky(value: Any, name: str) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= MAX_STICKY:
        raise ProtocolError(f"anchor '{name}' must be a base64 string of a sticky index")
    try:
        base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ProtocolError(f"anchor '{name}' is not valid base64") from exc
    return value


def validate_anchor(anchor: Any) -> dict[str, str] | None:
    """``{"start": b64, "end": b64, "quote": "..."}``: two encoded pycrdt sticky
    indices (``StickyIndex.encode()``) and the passage as it read when anchored.
    The server keeps them opaque; clients resolve them against their copy."""
    if anchor is None:
        return None
    if not isinstance(anchor, dict) or set(anchor) - {"start", "end", "quote"}:
        raise ProtocolError("anchor must be an object with 'start', 'end' and 'quote'")
    quote = anchor.get("quote", "")
    if not isinstance(quote, str) or len(quote) > MAX_QUOTE:
        raise ProtocolError(f"anchor 'quote' must be text of at most {MAX_QUOTE} characters")
    return {
        "start": _sticky(anchor.get("start"), "start"),
        "end": _sticky(anchor.get("end"), "end"),
        "quote": quote,
    }


def mentions(body: str) -> list[str]:
    """``@name`` tokens in a comment, in order, without repeats or trailing punctuation."""
    found: list[str] = []
    for match in _MENTION.finditer(body):
        name = match.group(1).rstrip(_TRAILING)
        if name and name not in found:
            found.append(name)
    return found


def urgency_rank(urgency: str) -> int:
    """Higher is more urgent; unknown values count as normal."""
    return URGENCIES.index(urgency) if urgency in URGENCIES else 1


def pref_id(scope: str, key: str) -> str:
    """The id of a watch setting record: ``doc:<doc id>`` or ``topic:<topic>``."""
    return f"{scope}:{key}"


def content_hash(fields: dict[str, Any]) -> str:
    """A stable digest of what a create carried, to tell a resend from a conflict."""
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def record_wire(envelope: dict[str, Any], seq: int) -> dict[str, Any]:
    """A stored envelope as clients see it (the server-side ``owner`` stays home)."""
    return {
        "kind": envelope["kind"],
        "id": envelope["id"],
        "doc": envelope.get("doc"),
        "seq": seq,
        "deleted": bool(envelope.get("deleted")),
        "data": envelope.get("data") or {},
    }


def record_frame(envelope: dict[str, Any], seq: int) -> str:
    """The ``record`` frame for a stored envelope (kind, id, doc, owner, deleted, data)."""
    return json.dumps(
        {"type": "record", **record_wire(envelope, seq)}, ensure_ascii=False, separators=(",", ":")
    )
