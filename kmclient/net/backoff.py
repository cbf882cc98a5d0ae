"""Reconnect delays: exponential, jittered, capped, reset after a stable connection.

Jitter matters here: after a server restart every desk in the centre
reconnects at once; random delays spread them out instead of hitting the
server in waves.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass
class Backoff:
    base: float = 0.5  # seconds before the first retry (before jitter)
    factor: float = 2.0
    cap: float = 30.0
    stable_after: float = 10.0  # a connection up this long resets the delays
    rng: random.Random = field(default_factory=random.Random, repr=False)
    attempts: int = 0  # failures since the last stable connection

    def next_delay(self) -> float:
        """The delay before the next attempt; each call counts one more failure.

        "Equal jitter": between half and all of the exponential step, so a
        retry never comes immediately but the herd is still spread out.
        """
        step = min(self.cap, self.base * self.factor**self.attempts)
        self.attempts += 1
        return step / 2 + self.rng.uniform(0, step / 2)

    def connection_ended(self, lasted: float) -> None:
        """Tell how long the connection stayed up; a stable one resets the count."""
        if lasted >= self.stable_after:
            self.attempts = 0
