"""The narrow view of the server that sessions and services depend on.

``ws_session``, ``y_session``, the feedback, publishing and attention services,
``visibility`` and the web side see the server only through these Protocols, never through
``kmserver.server.Server``: the server imports them, they import this, and
no import runs in a circle (``tests/server/test_layering.py`` checks it).
This module imports only what sits below every session: the hub, the
writer, the limits, the state cache and the store.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from kmserver.hub import Hub
from kmserver.limits import Buckets, Limits
from kmserver.state_cache import CachedState
from kmserver.writer import Writer

T = TypeVar("T")


class Handler(Protocol):
    """Answers one family of client messages (``msg`` is already schema-checked)."""

    async def handle(self, session: Any, msg: dict[str, Any]) -> None: ...


class FeedbackAPI(Handler, Protocol):
    async def send_sync_records(
        self, session: Any, since: int, upto: int, new_docs: set[str]
    ) -> None: ...

    async def last_seen(self, account: Any) -> dict | None: ...

    def session_ended(self, session: Any) -> None: ...


class PublishingAPI(Handler, Protocol):
    async def tick(self) -> None: ...


class AttentionAPI(Handler, Protocol):
    """Must-reads and broadcasts (kmserver/attention/)."""

    async def tick(self) -> None: ...

    async def resend(self, session: Any) -> None: ...


class RateLimits(Protocol):
    """Per-user token buckets shared by all of a user's sockets."""

    limits: Limits
    updates: Buckets
    update_bytes: Buckets
    requests: Buckets


class ServerAPI(Protocol):
    @property
    def hub(self) -> Hub: ...

    @property
    def writer(self) -> Writer: ...

    @property
    def feedback(self) -> FeedbackAPI: ...

    @property
    def publishing(self) -> PublishingAPI: ...

    @property
    def attention(self) -> AttentionAPI: ...

    @property
    def rates(self) -> RateLimits: ...

    async def read(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(db_session, *args)`` on the reader pool."""
        ...

    async def run_blocking(self, fn: Callable[..., T], *args: Any) -> T: ...

    async def doc_state(self, doc_id: str, published: bool) -> CachedState:
        """A document's whole published or working state, cached until it changes."""
        ...

    async def sign_out(self, token: str) -> None:
        """Revoke one session token (logout)."""
        ...
