#!/usr/bin/env python3
"""The disk's own commit latency: what a durable server cannot go below.

kmserver commits every update (a SQLite WAL append and an fdatasync) before it
forwards it; the in-memory reference servers write nothing. This probe does
the least a durable commit can do, at the benchmark's commit rate, on the
filesystem of the benchmark's database: overwrite one 4 KiB block of a
preallocated file and ``fdatasync`` it. Latency is measured from the moment the
commit was due, so a stall also delays the commits queued behind it, as it
does in a server.

    python benchmarks/disk_floor.py --rate 500 --seconds 10 --dir benchmarks/.work
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from latency_common import summarize

BLOCK = 4096
BLOCKS = 1024  # a 4 MiB file, like SQLite's WAL at its default checkpoint size


def measure(directory: Path, rate: float, seconds: float) -> dict:
    """p50..max of ``rate`` 4 KiB write + fdatasync per second for ``seconds``, and
    the worst second's p99 (disk stalls come in bursts)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "disk-floor.probe"
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.pwrite(fd, bytes(BLOCK * BLOCKS), 0)
        os.fsync(fd)  # the file's size is on disk: later syncs write data only
        block = os.urandom(BLOCK)
        latencies: list[float] = []
        per_second: dict[int, list[float]] = {}
        count = max(1, int(rate * seconds))
        start = time.perf_counter()
        for i in range(count):
            due = start + i / rate
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            os.pwrite(fd, block, (i % BLOCKS) * BLOCK)
            os.fdatasync(fd)
            ms = (time.perf_counter() - due) * 1000
            latencies.append(ms)
            per_second.setdefault(int(due - start), []).append(ms)
    finally:
        os.close(fd)
        path.unlink(missing_ok=True)
    worst = max(summarize(v)["p99"] for v in per_second.values())
    return {
        "rate_per_s": rate,
        "seconds": seconds,
        "directory": str(directory),
        "latency_ms": summarize(latencies),
        "worst_second_p99_ms": worst,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rate", type=float, default=500.0, help="commits per second")
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--dir", type=Path, default=Path(__file__).parent / ".work")
    a = p.parse_args(argv)
    if a.rate <= 0 or a.seconds <= 0:
        p.error("--rate and --seconds must be > 0")
    print(json.dumps(measure(a.dir, a.rate, a.seconds), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
