"""What the connection thread hands to the owner thread: plain data, no Docs.

Every event carries the number of the socket session it came from, so the
owner can tell a reply on the current socket from a late one on the last.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Credentials:
    """How to sign in: a password for the first sign-in, a token afterwards."""

    user: str | None = None
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)

    def hello(self, protocol: int, client: str) -> dict[str, Any]:
        msg: dict[str, Any] = {"type": "hello", "protocol": protocol, "client": client}
        if self.password is not None and self.user:
            msg.update(user=self.user, password=self.password)
        elif self.token:
            msg["token"] = self.token
        else:
            raise ValueError("sign-in needs a token or a user name and password")
        return msg


@dataclass(frozen=True, slots=True)
class Connecting:
    attempt: int  # 0 for the first try after start() or a lost connection


@dataclass(frozen=True, slots=True)
class Welcome:
    session: int
    msg: dict[str, Any]  # the server's welcome: user, token, expires, seq


@dataclass(frozen=True, slots=True)
class Control:
    session: int
    msg: dict[str, Any]  # a JSON control frame, decoded


@dataclass(frozen=True, slots=True)
class Binary:
    session: int
    data: bytes  # wrap(doc_id, y-protocols message)


# Why a connection ended (Disconnected.code).
UNREACHABLE = "unreachable"  # no connection at all: refused, DNS, timeout, TLS, HTTP error
LOST = "lost"  # an established connection dropped
AUTH_FAILED = "auth_failed"  # wrong user name or password
TOKEN_EXPIRED = "token_expired"  # the saved session token is no longer valid
THROTTLED = "throttled"  # too many failed sign-ins
INCOMPATIBLE = "incompatible"  # protocol version, bad address: retrying cannot help
STOPPED = "stopped"  # stop() was called


@dataclass(frozen=True, slots=True)
class Disconnected:
    session: int | None  # None if it never got as far as a welcome
    code: str
    message: str  # for people: what happened (retry_in says what happens next)
    retry_in: float | None  # seconds until the next attempt; None: gave up

    @property
    def signed_out(self) -> bool:
        return self.code in (AUTH_FAILED, TOKEN_EXPIRED, THROTTLED)


NetEvent = Connecting | Welcome | Control | Binary | Disconnected
