"""Who gets a socket: caps on connections from TCP accept to close.

Counting starts in ``connection_made``, before a byte of HTTP is read, so a
peer that opens sockets and sends nothing (or half a frame) is capped too.
Until it signs in a socket counts as *unauthenticated* (tight caps per
address and in all, a small frame limit); after, it counts for its user
(``max_connections_per_user``) and may send frames up to ``max_frame``.
Refusals at accept are an immediate close: no handshake, no work.

A socket whose frame websockets refused (too large for its state, malformed) has
its close frame sent; websockets would then read and discard whatever else the
peer sends until it closes, which an attacker streaming a 4 MiB frame never
does. Such a socket is no longer read at all (TCP backpressure stops the
sender) and is dropped ``FAILED_LINGER`` seconds later, time enough for a
client that reads to see its close code.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from websockets.asyncio.server import ServerConnection

from kmserver.limits import Counter, Limits

log = logging.getLogger(__name__)

FAILED_LINGER = 5.0  # seconds a socket whose frame was refused is kept, unread


def peer_address(transport: asyncio.BaseTransport | None) -> str:
    peer = transport.get_extra_info("peername") if transport is not None else None
    if isinstance(peer, tuple) and peer:
        return str(peer[0])
    return "unknown"


def set_max_frame(conn: ServerConnection, size: int) -> None:
    """The largest frame this socket may send from now on."""
    protocol: Any = conn.protocol
    if hasattr(protocol, "max_message_size"):  # websockets >= 15
        protocol.max_message_size = size
    else:
        protocol.max_size = size


class Admission:
    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.sockets = Counter(limits.max_connections, limits.max_connections_per_address)
        self.unauthenticated = Counter(
            limits.max_unauthenticated, limits.max_unauthenticated_per_address
        )
        self.users = Counter(10**9, limits.max_connections_per_user)
        self.refused = 0  # sockets closed at accept, for the log and benchmarks
        self.silenced: dict[Any, asyncio.TimerHandle] = {}  # refused a frame: not read

    def _silence(self, conn: Any) -> None:
        """Stop reading a socket whose frame was refused; drop it after a while."""
        if conn in self.silenced or conn.transport is None:
            return
        conn.transport.pause_reading()
        self.silenced[conn] = asyncio.get_running_loop().call_later(
            FAILED_LINGER, conn.transport.abort
        )

    def drop_silenced(self) -> None:
        """Drop every socket that is no longer read now (the server is stopping)."""
        for conn, timer in list(self.silenced.items()):
            timer.cancel()
            conn.transport.abort()

    def connection_class(self) -> type[ServerConnection]:
        admission = self

        class AdmittedConnection(ServerConnection):
            km_address = "unknown"
            km_state = "refused"  # refused -> unauthenticated -> signed in
            km_user: str | None = None

            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                super().connection_made(transport)
                self.km_address = peer_address(transport)
                if not admission._accept(self):
                    transport.abort()  # type: ignore[attr-defined]

            def data_received(self, data: bytes) -> None:
                super().data_received(data)
                if self.protocol.parser_exc is not None and self.km_state != "closed":
                    admission._silence(self)

            def connection_lost(self, exc: Exception | None) -> None:
                super().connection_lost(exc)
                admission._release(self)

        return AdmittedConnection

    def _accept(self, conn: Any) -> bool:
        address = conn.km_address
        if not self.sockets.try_add(address):
            self._refuse(address, "connections")
            return False
        if not self.unauthenticated.try_add(address):
            self.sockets.remove(address)
            self._refuse(address, "sockets not yet signed in")
            return False
        conn.km_state = "unauthenticated"
        return True

    def _refuse(self, address: str, what: str) -> None:
        self.refused += 1
        if self.refused in (1, 10, 100) or self.refused % 1000 == 0:
            log.warning(
                "refused a socket from %s: too many %s (%d refused)", address, what, self.refused
            )

    def sign_in(self, conn: Any, user: str) -> bool:
        """The socket signed in as ``user``; False if that user has too many sockets
        (the socket stays unauthenticated and should be closed)."""
        if conn.km_state != "unauthenticated":
            return conn.km_state == "signed in" and conn.km_user == user
        if not self.users.try_add(user):
            return False
        self.unauthenticated.remove(conn.km_address)
        conn.km_state, conn.km_user = "signed in", user
        set_max_frame(conn, self.limits.max_frame)
        return True

    def _release(self, conn: Any) -> None:
        timer = self.silenced.pop(conn, None)
        if timer is not None:
            timer.cancel()
        state, conn.km_state = conn.km_state, "closed"
        if state == "unauthenticated":
            self.unauthenticated.remove(conn.km_address)
        elif state == "signed in":
            self.users.remove(conn.km_user)
        else:
            return
        self.sockets.remove(conn.km_address)
