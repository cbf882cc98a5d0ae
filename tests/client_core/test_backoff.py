"""Reconnect delays: growth, cap, jitter bounds and the reset after a stable connection."""

from __future__ import annotations

import random

from kmclient.net.backoff import Backoff


def test_delays_grow_exponentially_within_jitter_bounds_up_to_the_cap() -> None:
    backoff = Backoff(base=1.0, factor=2.0, cap=30.0, rng=random.Random(7))
    delays = [backoff.next_delay() for _ in range(10)]
    steps = [min(30.0, 2.0**n) for n in range(10)]
    for delay, step in zip(delays, steps, strict=True):
        assert step / 2 <= delay <= step
    assert max(delays) <= 30.0
    assert delays[-1] >= 15.0  # capped steps stay at least half the cap


def test_jitter_spreads_clients_that_failed_together() -> None:
    firsts = {
        round(Backoff(base=1.0, rng=random.Random(seed)).next_delay(), 3) for seed in range(20)
    }
    assert len(firsts) > 10


def test_a_stable_connection_resets_the_delay_a_short_one_does_not() -> None:
    backoff = Backoff(base=1.0, cap=30.0, stable_after=10.0, rng=random.Random(1))
    for _ in range(5):
        backoff.next_delay()
    backoff.connection_ended(lasted=2.0)
    assert backoff.next_delay() >= 16.0  # still climbing
    backoff.connection_ended(lasted=12.0)
    assert backoff.next_delay() <= 1.0  # back to the first step
