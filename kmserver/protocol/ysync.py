"""y-protocols messages (sync and awareness) and the /ws document envelope.

A y-protocols message is ``varUint(type)`` followed by, for SYNC,
``varUint(step) + varBytes(payload)`` and, for AWARENESS, ``varBytes(payload)``.
On ``/ws`` every such message is prefixed by ``varString(doc_id)`` so one
socket carries all documents (the Hocuspocus envelope idea).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from kmserver.protocol.codec import (
    ProtocolError,
    Reader,
    write_var_bytes,
    write_var_string,
    write_var_uint,
)

MAX_DOC_ID_BYTES = 200 + 16  # an id and, for a published stream, "@published"


class MessageType(IntEnum):
    SYNC = 0
    AWARENESS = 1
    AUTH = 2
    QUERY_AWARENESS = 3


class SyncStep(IntEnum):
    STEP1 = 0  # payload: state vector
    STEP2 = 1  # payload: update with what the peer lacks
    UPDATE = 2  # payload: update


@dataclass(frozen=True, slots=True)
class YMessage:
    type: MessageType
    payload: bytes = b""
    step: SyncStep | None = None  # only for SYNC


def sync_step1(state_vector: bytes) -> bytes:
    return bytes([MessageType.SYNC, SyncStep.STEP1]) + write_var_bytes(state_vector)


def sync_step2(update: bytes) -> bytes:
    return bytes([MessageType.SYNC, SyncStep.STEP2]) + write_var_bytes(update)


def sync_update(update: bytes) -> bytes:
    return bytes([MessageType.SYNC, SyncStep.UPDATE]) + write_var_bytes(update)


def awareness(payload: bytes) -> bytes:
    return write_var_uint(MessageType.AWARENESS) + write_var_bytes(payload)


def parse_message(data: bytes) -> YMessage:
    """Parse one y-protocols message; raise ProtocolError on anything else."""
    reader = Reader(data)
    try:
        kind = MessageType(reader.read_var_uint())
    except ValueError as exc:
        if isinstance(exc, ProtocolError):
            raise
        raise ProtocolError("unknown y-protocols message type") from exc
    if kind == MessageType.SYNC:
        try:
            step = SyncStep(reader.read_var_uint())
        except ValueError as exc:
            if isinstance(exc, ProtocolError):
                raise
            raise ProtocolError("unknown sync step") from exc
        payload = reader.read_var_bytes()
        return YMessage(kind, payload, step)
    if kind == MessageType.AWARENESS:
        return YMessage(kind, reader.read_var_bytes())
    if kind == MessageType.QUERY_AWARENESS:
        return YMessage(kind)
    return YMessage(kind, reader.read_rest())


def wrap(doc_id: str, message: bytes) -> bytes:
    """Envelope a y-protocols message for the /ws socket."""
    return write_var_string(doc_id) + message


def unwrap(frame: bytes) -> tuple[str, bytes]:
    """Split a /ws binary frame into (doc_id, y-protocols message)."""
    reader = Reader(frame)
    length = reader.read_var_uint()
    if length == 0 or length > MAX_DOC_ID_BYTES:
        raise ProtocolError("stream name must be 1 to 216 bytes")
    raw = reader.read_bytes(length)
    try:
        doc_id = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError("document id is not valid UTF-8") from exc
    return doc_id, reader.read_rest()
