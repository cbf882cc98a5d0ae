"""Answers to client requests on /ws: ``saved`` after a change, ``error`` with what it was about."""

from __future__ import annotations

import json
from typing import Any

from kmserver.protocol import messages as m


def ref(msg: dict[str, Any]) -> dict[str, Any]:
    """The request's ``ref``, to echo in its answer."""
    return {"ref": msg["ref"]} if "ref" in msg else {}


def reply_error(session: Any, msg: dict[str, Any], code: str, message: str, **more: Any) -> None:
    extra: dict[str, Any] = {"reply_to": msg["type"], **ref(msg), **more}
    if isinstance(msg.get("id"), str):
        extra["id"] = msg["id"]
    session.send(m.error(code, message, **extra))


def reply_saved(session: Any, msg: dict[str, Any], kind: str, fields: dict[str, Any]) -> None:
    reply = {"type": "saved", "kind": kind, **fields, **ref(msg)}  # encode() takes 'kind'
    session.send(json.dumps(reply, ensure_ascii=False, separators=(",", ":")))
