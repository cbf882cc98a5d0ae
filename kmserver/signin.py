"""Sign-in: the /ws hello, password and token checks, throttling and lockout.

Three rules, from issue 10:

- A password check never holds the database's write lock and never blocks the
  writer: the account is read, argon2 runs on its own small pool (bounded
  queue), and the new token is written by the writer thread like any job.
- A flood of bad sign-ins is cheap to refuse: a throttled attempt gets its
  answer without hashing anything, after a short tarpit (a looping attacker
  waits; its socket counts against the per-address cap meanwhile).
- Lockout slows an attacker without locking the real user out. Failures are
  counted per (name, address) and per address, so an attacker's address is
  throttled, not the account everywhere; a name failing from many addresses
  (a distributed attack) is closed only to addresses it never signed in
  from. Unknown names are treated exactly like known ones, so neither the
  answers nor the lockout tell which names exist.

State is in memory, per server process (a restart forgets it).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kmserver.limits import Buckets, Clock, Limits
from kmserver.peer import close_draining
from kmserver.protocol import messages as m
from kmserver.protocol.codec import ProtocolError
from kmserver.protocol.messages import ErrorCode
from kmserver.store.accounts import TOKEN_TTL, Account, Accounts, AuthFailed, add_token
from kmserver.writer import Job, WriteContext

log = logging.getLogger(__name__)

CLOSE_AUTH = 4001
CLOSE_PROTOCOL = 4002
CLOSE_TRY_LATER = 1013  # too many connections of this user: try again later
FIRST_LOCK_SECONDS = 5.0
KNOWN_ADDRESSES_PER_NAME = 32
MAX_TRACKED = 100_000  # (name, address) pairs and names remembered
HASHING_NICE = 19


@dataclass
class _Pair:
    failures: int = 0
    locked_until: float = 0.0


class Gate:
    """Who may try a password now. Pure bookkeeping on an injectable clock."""

    def __init__(self, limits: Limits, clock: Clock = time.monotonic) -> None:
        self.limits = limits
        self.clock = clock
        self.per_address = Buckets(limits.signin_failures_per_address, clock, MAX_TRACKED)
        self.per_name = Buckets(limits.signin_failures_per_name, clock, MAX_TRACKED)
        self._pairs: OrderedDict[tuple[str, str], _Pair] = OrderedDict()
        self._known: OrderedDict[str, OrderedDict[str, None]] = OrderedDict()

    def retry_after(self, name: str | None, address: str) -> float | None:
        """Seconds this attempt must wait, or None if it may be checked now."""
        waits = []
        bucket = self.per_address.get(address)
        if bucket.retry_after() > 0:
            waits.append(bucket.retry_after())
        if name is not None:
            pair = self._pairs.get((name, address))
            if pair is not None and pair.locked_until > self.clock():
                waits.append(pair.locked_until - self.clock())
            by_name = self.per_name.get(name)
            if by_name.retry_after() > 0 and address not in self._known.get(name, ()):
                waits.append(by_name.retry_after())
        return max(waits) if waits else None

    def failed(self, name: str | None, address: str) -> None:
        self.per_address.take(address)
        if name is None:
            return  # a bad token: counts for the address only
        self.per_name.take(name)
        key = (name, address)
        pair = self._pairs.get(key)
        if pair is None:
            pair = self._pairs[key] = _Pair()
            if len(self._pairs) > MAX_TRACKED:
                self._pairs.popitem(last=False)
        else:
            self._pairs.move_to_end(key)
        pair.failures += 1
        over = pair.failures - self.limits.signin_lock_after
        if over >= 0:
            lock = min(self.limits.signin_lock_max, FIRST_LOCK_SECONDS * 2 ** min(over, 30))
            pair.locked_until = self.clock() + lock

    def unlock(self, name: str) -> None:
        """An admin lifted NAME's lockout: forget its failures from every address.
        (The per-address buckets stay: they throttle an address, not a user.)"""
        for key in [k for k in self._pairs if k[0] == name]:
            del self._pairs[key]
        self.per_name.forget(name)

    def succeeded(self, name: str, address: str) -> None:
        self._pairs.pop((name, address), None)
        known = self._known.get(name)
        if known is None:
            known = self._known[name] = OrderedDict()
            if len(self._known) > MAX_TRACKED:
                self._known.popitem(last=False)
        else:
            self._known.move_to_end(name)
        known[address] = None
        known.move_to_end(address)
        while len(known) > KNOWN_ADDRESSES_PER_NAME:
            known.popitem(last=False)


class Throttled(Exception):
    def __init__(self, retry_after: float, text: str) -> None:
        super().__init__(text)
        self.retry_after = max(1, int(retry_after + 0.999))


@dataclass(eq=False)
class TokenJob(Job):
    """Write a new session token on the writer thread (never a second writer)."""

    account: Account | None = None
    label: str = ""
    issued: tuple[str, datetime] | None = field(default=None, init=False)

    def apply(self, ctx: WriteContext) -> int | None:
        assert self.account is not None
        self.issued = add_token(ctx.s, self.account, TOKEN_TTL, self.label)
        return None


@dataclass
class Welcome:
    account: Account
    token: str
    expires: datetime
    from_cookie: bool = False  # the web app's: the token stays in its HttpOnly cookie


class SignIn:
    """Password and token checks for /ws hellos (and anything else that signs in)."""

    def __init__(
        self,
        accounts: Accounts,
        limits: Limits,
        submit: Callable[[Job], asyncio.Future],
        read_pool: Callable[..., Any],
        clock: Clock = time.monotonic,
    ) -> None:
        self.accounts = accounts
        self.limits = limits
        self.gate = Gate(limits, clock)
        self._submit = submit
        self._run_blocking = read_pool  # async (fn, *args) on the reader pool
        self._hashers = ThreadPoolExecutor(
            limits.signin_workers, thread_name_prefix="kmserver-auth", initializer=_background
        )
        self._waiting = 0
        self._checking: dict[str, int] = {}  # password checks in progress, per address
        # Counted in /metrics (set by the server): method, result -> None
        self.on_result: Callable[[str, str], None] = lambda _method, _result: None
        self.throttled = 0

    def shutdown(self) -> None:
        self._hashers.shutdown(wait=False, cancel_futures=True)

    def unlock(self, name: str) -> None:
        log.info("sign-in lockout of %s lifted by an admin", name)
        self.gate.unlock(name)

    async def password(self, name: str, password: str, address: str, label: str = "") -> Welcome:
        """Check a password and issue a token; AuthFailed or Throttled."""
        wait = self.gate.retry_after(name, address)
        if wait is not None:
            self._throttled("password", name, address, "too many failures")
            raise Throttled(wait, f"too many failed sign-ins; try again in {int(wait) + 1} s")
        # One address never fills the queue: a flood from it waits for its own turn.
        mine = self._checking.get(address, 0)
        busy = self._waiting >= self.limits.signin_queue + self.limits.signin_workers
        if busy or mine >= self.limits.signin_concurrent_per_address:
            self._throttled("password", name, address, "busy")
            raise Throttled(1, "the server is busy signing others in; try again in a moment")
        self._waiting += 1
        self._checking[address] = mine + 1
        try:
            loop = asyncio.get_running_loop()
            account = await loop.run_in_executor(
                self._hashers, _check, self.accounts, name, password
            )
        finally:
            self._waiting -= 1
            if self._checking[address] <= 1:
                del self._checking[address]
            else:
                self._checking[address] -= 1
        if account is None:
            self.gate.failed(name, address)
            self.on_result("password", "failed")
            log.info("sign-in failed: user %r from %s (password)", name[:64], address)
            raise AuthFailed()
        self.gate.succeeded(name, address)
        job = await self._submit(TokenJob(account=account, label=label))
        if job.error is not None or job.issued is None:
            raise RuntimeError(job.error.message if job.error else "no token written")
        token, expires = job.issued
        self.on_result("password", "ok")
        log.info("signed in: user %r from %s (password)", account.name, address)
        return Welcome(account, token, expires)

    async def token(self, token: str, address: str) -> Welcome:
        """The account behind a session token; AuthFailed or Throttled."""
        wait = self.gate.retry_after(None, address)
        if wait is not None:
            self._throttled("token", None, address, "too many failures")
            raise Throttled(wait, f"too many failed sign-ins; try again in {int(wait) + 1} s")
        resolved = await self._run_blocking(self.accounts.resolve_token, token)
        if resolved is None:
            self.gate.failed(None, address)
            self.on_result("token", "failed")
            log.info("sign-in failed: unknown or expired token from %s", address)
            raise AuthFailed()
        self.on_result("token", "ok")
        log.info("signed in: user %r from %s (token)", resolved[0].name, address)
        return Welcome(resolved[0], token, resolved[1])

    def _throttled(self, method: str, name: str | None, address: str, why: str) -> None:
        """Counted always, logged sparingly: a flood must not flood the log too."""
        self.on_result(method, "throttled")
        self.throttled += 1
        if self.throttled in (1, 10, 100) or self.throttled % 1000 == 0:
            who = f"user {name[:64]!r}" if name is not None else "a token"
            log.warning(
                "sign-in throttled (%s): %s from %s (%s); %d throttled since the start",
                why, who, address, method, self.throttled,
            )  # fmt: skip

    async def hello(self, conn: Any, address: str, cookie: Welcome | None = None) -> Welcome | None:
        """Read and answer the first frame of a /ws socket; None if it was refused
        (the socket is then closed, after a clear error). ``cookie``: the session of
        the web app's cookie, checked at the handshake; a hello without credentials
        then signs in with it."""

        async def refuse(code: str, text: str, close: int, **extra: Any) -> None:
            await conn.send(m.error(code, text, **extra))
            await close_draining(conn, close, text[:120])

        try:
            frame = await asyncio.wait_for(conn.recv(), self.limits.hello_timeout)
        except TimeoutError:
            await refuse(ErrorCode.NOT_SIGNED_IN, "send hello first", CLOSE_AUTH)
            return None
        try:
            if not isinstance(frame, str):
                raise ProtocolError("the first frame must be a JSON hello")
            msg = m.parse_client_message(frame)
            if msg["type"] != "hello":
                raise ProtocolError("the first frame must be a hello")
        except ProtocolError as exc:
            await refuse(ErrorCode.NOT_SIGNED_IN, str(exc), CLOSE_AUTH)
            return None
        if msg["protocol"] != m.PROTOCOL_VERSION:
            await refuse(
                ErrorCode.UNSUPPORTED_PROTOCOL,
                f"this server speaks protocol {m.PROTOCOL_VERSION}",
                CLOSE_PROTOCOL,
                supported=[m.PROTOCOL_VERSION],
            )
            return None
        try:
            if cookie is not None and not ("token" in msg or "user" in msg):
                welcome = cookie
            elif "token" in msg:
                welcome = await self.token(msg["token"], address)
            elif "user" in msg and "password" in msg:
                welcome = await self.password(
                    msg["user"], msg["password"], address, msg.get("client", "")
                )
            else:
                await refuse(
                    ErrorCode.NOT_SIGNED_IN, "hello needs a token or user and password", CLOSE_AUTH
                )
                return None
        except AuthFailed:
            text = (
                "session expired; sign in again"
                if "token" in msg
                else "wrong user name or password"
            )
            await refuse(ErrorCode.AUTH_FAILED, text, CLOSE_AUTH)
            return None
        except Throttled as exc:
            # The tarpit: a looping attacker waits for each refusal (bounded by the
            # per-address cap on sockets not yet signed in).
            await asyncio.sleep(min(self.limits.signin_tarpit, exc.retry_after))
            await refuse(
                ErrorCode.AUTH_THROTTLED, str(exc), CLOSE_AUTH, retry_after=exc.retry_after
            )
            return None
        return welcome

    @staticmethod
    def welcome_frame(welcome: Welcome, seq: int) -> str:
        account = welcome.account
        return m.encode(
            "welcome",
            protocol=m.PROTOCOL_VERSION,
            user={"name": account.name, "role": account.role, "topics": list(account.topics)},
            **({} if welcome.from_cookie else {"token": welcome.token}),
            expires=welcome.expires.isoformat(),
            seq=seq,
        )


def _background() -> None:
    """Password hashing runs at the lowest CPU priority: argon2 (and the lanes it starts,
    which inherit this) never takes the CPU from the event loop or the writer, so a
    flood of sign-ins slows sign-ins, not editing.

    Linux's SCHED_IDLE where there is one: a thread of any other policy that wakes
    (the event loop with an edit to acknowledge, the writer with a commit) takes the
    CPU from it at once. At nice 19 the hashing thread kept the CPU for the rest of
    its time slice (milliseconds, at every wake-up of the event loop: with the server
    on one busy core, a sign-in flood tripled honest editors' p99; docs/benchmarks.md).
    Elsewhere nice 19. Both are per thread on Linux."""
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))  # 0: this thread
        return
    except (AttributeError, OSError):
        pass
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), HASHING_NICE)


def hashing_priority() -> tuple[int, int]:
    """(scheduling policy, nice value) of the thread that checks passwords; for tests."""
    return os.sched_getscheduler(0), os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def _check(accounts: Accounts, name: str, password: str) -> Account | None:
    try:
        return accounts.authenticate(name, password)
    except AuthFailed:
        return None
