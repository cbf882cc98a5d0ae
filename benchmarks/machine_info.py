"""What the benchmarks record about the machine they ran on: docs/benchmarks.md puts the
machine, the date and the load beside every figure."""

from __future__ import annotations

import contextlib
from pathlib import Path


def cpu_model() -> str | None:
    """The processor's model name from /proc/cpuinfo, or None where there is none."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return None


def loadavg() -> list[str]:
    """The 1, 5 and 15 minute load averages, as the kernel prints them."""
    return Path("/proc/loadavg").read_text().split()[:3]
