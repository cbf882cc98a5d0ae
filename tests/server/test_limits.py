"""The limits of kmserver/limits.py: their flags, the table in docs/server.md, and
the token bucket (pure; a fake clock)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from kmserver.cli import _parser
from kmserver.limits import MIB, Buckets, Counter, Limits, Rate, TokenBucket, describe, parse_rate

DOCS = Path(__file__).resolve().parents[2] / "docs" / "server.md"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_every_limit_has_a_flag_and_a_row_in_docs_server_md() -> None:
    text = DOCS.read_text(encoding="utf-8")
    defaults = Limits()
    for name, flag, kind, _ in Limits.specs():
        row = re.search(rf"^\| `{re.escape(flag)}` \| ([^|]+) \|", text, re.MULTILINE)
        assert row, f"{flag} is not in docs/server.md"
        assert row.group(1).strip() == describe(getattr(defaults, name), kind), flag


def test_flags_reach_the_server_config() -> None:
    args = _parser().parse_args(
        [
            "serve",
            "--update-rate",
            "5/s,burst=7",
            "--max-send-queue",
            "2MiB",
            "--hello-timeout",
            "3",
        ]
    )
    from kmserver.limits import from_arguments

    limits = from_arguments(args)
    assert limits.update_rate == Rate(5, 7)
    assert limits.max_send_queue == 2 * MIB and limits.hello_timeout == 3.0
    assert limits.request_rate == Limits().request_rate  # the rest stay default


@pytest.mark.parametrize(
    ("text", "rate"),
    [("50/s", Rate(50, 50)), ("30/m,burst=10", Rate(0.5, 10)), ("2/10s", Rate(0.2, 2))],
)
def test_rates_parse(text: str, rate: Rate) -> None:
    assert parse_rate(text) == rate


@pytest.mark.parametrize("text", ["fast", "5", "-1/s", "5/s,bust=3", "0/s"])
def test_bad_rates_are_refused(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        parse_rate(text)


def test_token_bucket() -> None:
    clock = Clock()
    bucket = TokenBucket(Rate(2, 4), clock)
    assert [bucket.take() for _ in range(5)] == [True] * 4 + [False]
    assert bucket.retry_after() == pytest.approx(0.5)
    clock.now += 0.5
    assert bucket.take() and not bucket.take()
    clock.now += 100
    assert bucket.full
    assert bucket.take(10)  # more than the burst passes when full: nothing is refused forever
    assert not bucket.take()


def test_buckets_are_per_key_and_bounded() -> None:
    clock = Clock()
    buckets = Buckets(Rate(1, 1), clock, size=3)
    assert buckets.take("a") and not buckets.take("a") and buckets.take("b")
    for key in "cde":
        buckets.take(key)
    assert len(buckets) == 3


def test_counter_caps_per_key_and_in_all() -> None:
    counter = Counter(total_cap=3, per_key_cap=2)
    assert counter.try_add("x") and counter.try_add("x") and not counter.try_add("x")
    assert counter.try_add("y") and not counter.try_add("z")
    counter.remove("x")
    assert counter.try_add("z") and counter.count("x") == 1
