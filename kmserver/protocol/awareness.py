"""Yjs awareness updates: ``varUint(n)`` then n times
``varUint(clientID) varUint(clock) varString(JSON state)``.

The server only relays them, but it must remember which client ids a
connection spoke for, so it can announce their removal (state ``null``) when
the connection goes, as y-websocket's own server does.
"""

from __future__ import annotations

from kmserver.protocol.codec import ProtocolError, Reader, write_var_string, write_var_uint

MAX_CLIENTS_PER_UPDATE = 1000


def parse(payload: bytes) -> list[tuple[int, int, str]]:
    reader = Reader(payload)
    count = reader.read_var_uint()
    if count > MAX_CLIENTS_PER_UPDATE:
        raise ProtocolError("awareness update names too many clients")
    return [
        (reader.read_var_uint(), reader.read_var_uint(), reader.read_var_string())
        for _ in range(count)
    ]


def encode(states: list[tuple[int, int, str]]) -> bytes:
    out = [write_var_uint(len(states))]
    for client_id, clock, state in states:
        out += [write_var_uint(client_id), write_var_uint(clock), write_var_string(state)]
    return b"".join(out)


def removal(clocks: dict[int, int]) -> bytes:
    """An update that marks these clients gone (clock + 1, state null)."""
    return encode([(cid, clock + 1, "null") for cid, clock in clocks.items()])
