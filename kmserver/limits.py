"""Every resource a peer can make the server hold, bounded: the limits, their
defaults and command-line flags, token buckets and connection counters.

Defaults suit a centre of 2,000 reps, possibly all behind one NAT address
(so per-address caps are generous; per-user and per-connection ones are
tight). docs/server.md lists every limit with its flag; a test checks the
two agree.

Pure and clock-injectable: no sockets, no asyncio.
"""

from __future__ import annotations

import argparse
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field, fields
from typing import Any

Clock = Callable[[], float]

KIB = 1024
MIB = 1024 * KIB


@dataclass(frozen=True, slots=True)
class Rate:
    """A token bucket's shape: ``burst`` tokens at most, ``per_second`` refilled."""

    per_second: float
    burst: float

    def __str__(self) -> str:
        return f"{_num(self.per_second)}/s, burst {_num(self.burst)}"


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


# Rates are immutable; named here so the dataclass defaults are plain values.
UPDATE_RATE = Rate(50, 10_000)
UPDATE_BYTES = Rate(1 * MIB, 64 * MIB)
REQUEST_RATE = Rate(20, 1_000)
AWARENESS_RATE = Rate(30, 300)
SIGNIN_PER_ADDRESS = Rate(1 / 3, 20)
SIGNIN_PER_NAME = Rate(1 / 60, 100)


def _meta(flag: str, help: str, kind: str = "int") -> dict[str, str]:
    return {"flag": flag, "help": help, "kind": kind}


@dataclass(frozen=True)
class Limits:
    """What one peer, address or user may make the server hold or do."""

    # -- connections ------------------------------------------------------------
    max_connections: int = field(
        default=10_000,
        metadata=_meta(
            "--max-connections", "open sockets in all (desktop, /y/, not yet signed in)"
        ),
    )
    max_connections_per_address: int = field(
        default=5_000,
        metadata=_meta(
            "--max-connections-per-address",
            "open sockets from one IP address (a centre may sit behind one NAT address)",
        ),
    )
    max_unauthenticated: int = field(
        default=1_000, metadata=_meta("--max-unauthenticated", "sockets not yet signed in, in all")
    )
    max_unauthenticated_per_address: int = field(
        default=64,
        metadata=_meta(
            "--max-unauthenticated-per-address", "sockets not yet signed in, from one address"
        ),
    )
    max_connections_per_user: int = field(
        default=16,
        metadata=_meta("--max-connections-per-user", "signed-in sockets of one user (/ws and /y/)"),
    )
    handshake_timeout: float = field(
        default=10.0,
        metadata=_meta("--handshake-timeout", "seconds to complete the HTTP upgrade", "seconds"),
    )
    hello_timeout: float = field(
        default=10.0,
        metadata=_meta(
            "--hello-timeout", "seconds from the upgrade to the hello on /ws", "seconds"
        ),
    )
    # -- bytes --------------------------------------------------------------------
    max_frame_before_signin: int = field(
        default=16 * KIB,
        metadata=_meta(
            "--max-frame-before-signin", "largest frame before sign-in (a hello)", "bytes"
        ),
    )
    max_frame: int = field(
        default=4 * MIB, metadata=_meta("--max-frame", "largest frame once signed in", "bytes")
    )
    max_received_frames: int = field(
        default=8,
        metadata=_meta(
            "--max-received-frames",
            "frames read ahead of the session per socket before reading pauses (TCP backpressure)",
        ),
    )
    max_send_queue: int = field(
        default=16 * MIB,
        metadata=_meta(
            "--max-send-queue",
            "bytes queued for one socket; a reader further behind is closed (4008) and resyncs",
            "bytes",
        ),
    )
    max_awareness: int = field(
        default=64 * KIB,
        metadata=_meta("--max-awareness", "largest awareness (caret) message", "bytes"),
    )
    max_open_rooms: int = field(
        default=256,
        metadata=_meta(
            "--max-open-rooms", "documents one /ws session may have open at once (carets)"
        ),
    )
    # -- rates (token buckets; over the rate: a rate_limited error, not a close) --
    update_rate: Rate = field(
        default=UPDATE_RATE,
        metadata=_meta(
            "--update-rate",
            "CRDT update frames per user (an outbox sent after a day offline fits the burst)",
            "rate",
        ),
    )
    update_bytes: Rate = field(
        default=UPDATE_BYTES,
        metadata=_meta("--update-bytes", "CRDT update bytes per user", "byterate"),
    )
    request_rate: Rate = field(
        default=REQUEST_RATE,
        metadata=_meta(
            "--request-rate", "control requests and state requests (sync step 1) per user", "rate"
        ),
    )
    awareness_rate: Rate = field(
        default=AWARENESS_RATE,
        metadata=_meta(
            "--awareness-rate", "awareness messages per socket (dropped beyond)", "rate"
        ),
    )
    # -- sign-in --------------------------------------------------------------------
    signin_failures_per_address: Rate = field(
        default=SIGNIN_PER_ADDRESS,
        metadata=_meta(
            "--signin-failures-per-address",
            "failed sign-ins (any name, bad tokens too) per address before it is throttled",
            "rate",
        ),
    )
    signin_lock_after: int = field(
        default=5,
        metadata=_meta(
            "--signin-lock-after",
            "failures for one name from one address before that pair waits (5 s, doubling)",
        ),
    )
    signin_lock_max: float = field(
        default=900.0,
        metadata=_meta(
            "--signin-lock-max", "longest wait for one name from one address", "seconds"
        ),
    )
    signin_failures_per_name: Rate = field(
        default=SIGNIN_PER_NAME,
        metadata=_meta(
            "--signin-failures-per-name",
            "failures for one name from all addresses; beyond, only addresses the user signed "
            "in from before may try",
            "rate",
        ),
    )
    signin_workers: int = field(
        default=1,
        metadata=_meta(
            "--signin-workers", "threads checking passwords (argon2 uses 64 MiB and ~0.1 s each)"
        ),
    )
    signin_concurrent_per_address: int = field(
        default=2,
        metadata=_meta(
            "--signin-concurrent-per-address",
            "password checks from one address at a time; beyond: throttled (a flood from "
            "one address never delays the others' sign-ins)",
        ),
    )
    signin_queue: int = field(
        default=16,
        metadata=_meta("--signin-queue", "password checks waiting for a worker; beyond: throttled"),
    )
    signin_tarpit: float = field(
        default=2.0,
        metadata=_meta(
            "--signin-tarpit",
            "seconds a throttled sign-in waits for its answer (slows looping attackers)",
            "seconds",
        ),
    )

    @classmethod
    def specs(cls) -> list[tuple[str, str, str, str]]:
        """(field, flag, kind, help) of every limit, in declaration order."""
        return [
            (f.name, f.metadata["flag"], f.metadata["kind"], f.metadata["help"])
            for f in fields(cls)
        ]


# -- command line ------------------------------------------------------------------

_UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_BYTES = {
    "": 1,
    "b": 1,
    "k": KIB,
    "kib": KIB,
    "m": MIB,
    "mib": MIB,
    "g": 1024 * MIB,
    "gib": 1024 * MIB,
}


def parse_bytes(text: str) -> int:
    """``4194304``, ``64KiB``, ``4MiB``, ``1G``."""
    raw = text.strip().lower()
    digits = raw.rstrip("abcdefghijklmnopqrstuvwxyz")
    unit = raw[len(digits) :].strip()
    if unit not in _BYTES or not digits:
        raise argparse.ArgumentTypeError(f"'{text}' is not a size like 65536, 64KiB or 4MiB")
    try:
        value = int(float(digits) * _BYTES[unit])
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a size") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("a size must be positive")
    return value


def parse_seconds(text: str) -> float:
    raw = text.strip().lower()
    unit = _UNITS.get(raw[-1:])
    try:
        value = float(raw[:-1] if unit else raw) * (unit or 1.0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a duration like 10, 10s or 2m") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("a duration must be positive")
    return value


def parse_rate(text: str, *, sizes: bool = False) -> Rate:
    """``N/PERIOD[,burst=B]``: e.g. ``50/s``, ``30/m,burst=30``, ``1MiB/s,burst=64MiB``."""
    head, _, tail = text.partition(",")
    amount, slash, period = head.partition("/")
    if not slash:
        raise argparse.ArgumentTypeError(f"'{text}' is not a rate like 50/s or 30/m,burst=30")
    count = float(parse_bytes(amount)) if sizes else _positive(amount, text)
    seconds = parse_seconds(period if period[:1].isdigit() else f"1{period}")
    per_second = count / seconds
    burst = count
    if tail:
        key, eq, value = tail.partition("=")
        if key.strip() != "burst" or not eq:
            raise argparse.ArgumentTypeError(f"'{text}': after the comma, burst=N")
        burst = float(parse_bytes(value)) if sizes else _positive(value, text)
    return Rate(per_second, burst)


def _positive(text: str, whole: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{whole}' is not a rate like 50/s") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"'{whole}': amounts must be positive")
    return value


_PARSERS: dict[str, Callable[[str], Any]] = {
    "int": int,
    "seconds": parse_seconds,
    "bytes": parse_bytes,
    "rate": parse_rate,
    "byterate": lambda text: parse_rate(text, sizes=True),
}


def describe(value: Any, kind: str) -> str:
    """A default as the flag would be written."""
    if kind == "bytes":
        return _size(value)
    if kind == "seconds":
        return f"{_num(value)}s"
    if kind in ("rate", "byterate"):
        show = _size if kind == "byterate" else _num
        if value.per_second >= 1 or kind == "byterate":
            return f"{show(value.per_second)}/s,burst={show(value.burst)}"
        return f"{_num(value.per_second * 60)}/m,burst={_num(value.burst)}"
    return _num(value)


def _size(value: float) -> str:
    for unit, size in (("MiB", MIB), ("KiB", KIB)):
        if value >= size and value % size == 0:
            return f"{int(value // size)}{unit}"
    return str(int(value))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("limits (docs/server.md)")
    defaults = Limits()
    for name, flag, kind, text in Limits.specs():
        shown = describe(getattr(defaults, name), kind)
        group.add_argument(
            flag,
            dest=f"limit_{name}",
            type=_PARSERS[kind],
            default=None,
            metavar=kind.upper().replace("BYTERATE", "RATE"),
            help=f"{text} (default {shown})",
        )


def from_arguments(args: argparse.Namespace) -> Limits:
    given = {
        name: getattr(args, f"limit_{name}")
        for name, *_ in Limits.specs()
        if getattr(args, f"limit_{name}", None) is not None
    }
    return Limits(**given)


# -- token buckets -------------------------------------------------------------------


class TokenBucket:
    __slots__ = ("clock", "rate", "stamp", "tokens")

    def __init__(self, rate: Rate, clock: Clock = time.monotonic) -> None:
        self.rate = rate
        self.clock = clock
        self.tokens = float(rate.burst)
        self.stamp = clock()

    def _refill(self) -> None:
        now = self.clock()
        self.tokens = min(self.rate.burst, self.tokens + (now - self.stamp) * self.rate.per_second)
        self.stamp = now

    def take(self, amount: float = 1.0) -> bool:
        """Take ``amount`` tokens if there are that many (a request larger than the
        burst passes when the bucket is full, so no size is refused forever)."""
        self._refill()
        if self.tokens >= amount or self.tokens >= self.rate.burst:
            self.tokens -= amount
            return True
        return False

    def retry_after(self, amount: float = 1.0) -> float:
        """Seconds until ``take(amount)`` would pass."""
        self._refill()
        wanted = min(amount, self.rate.burst) - self.tokens
        return max(0.0, wanted / self.rate.per_second) if self.rate.per_second else float("inf")

    @property
    def full(self) -> bool:
        self._refill()
        return self.tokens >= self.rate.burst


class Buckets:
    """One token bucket per key (user, address), at most ``size`` of them: the
    least recently used full bucket is forgotten first (it holds no state)."""

    def __init__(self, rate: Rate, clock: Clock = time.monotonic, size: int = 100_000) -> None:
        self.rate = rate
        self.clock = clock
        self.size = size
        self._buckets: OrderedDict[Hashable, TokenBucket] = OrderedDict()

    def get(self, key: Hashable) -> TokenBucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = TokenBucket(self.rate, self.clock)
            if len(self._buckets) > self.size:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(key)
        return bucket

    def take(self, key: Hashable, amount: float = 1.0) -> bool:
        return self.get(key).take(amount)

    def __len__(self) -> int:
        return len(self._buckets)


# -- connection counts -----------------------------------------------------------------


class Counter:
    """Open things per key, with a cap per key and in all."""

    def __init__(self, total_cap: int, per_key_cap: int) -> None:
        self.total_cap = total_cap
        self.per_key_cap = per_key_cap
        self.total = 0
        self._by_key: dict[Hashable, int] = {}

    def try_add(self, key: Hashable) -> bool:
        count = self._by_key.get(key, 0)
        if self.total >= self.total_cap or count >= self.per_key_cap:
            return False
        self._by_key[key] = count + 1
        self.total += 1
        return True

    def remove(self, key: Hashable) -> None:
        count = self._by_key.get(key, 0)
        if count <= 0:
            return
        self.total -= 1
        if count == 1:
            del self._by_key[key]
        else:
            self._by_key[key] = count - 1

    def count(self, key: Hashable) -> int:
        return self._by_key.get(key, 0)


class UserRates:
    """The per-user token buckets of docs/server.md, shared by a user's sockets."""

    def __init__(self, limits: Limits, clock: Clock = time.monotonic) -> None:
        self.limits = limits
        self.updates = Buckets(limits.update_rate, clock)
        self.update_bytes = Buckets(limits.update_bytes, clock)
        self.requests = Buckets(limits.request_rate, clock)
