"""Shared by the edit-latency benchmark's parts: paths, constants, logging,
/proc readings and percentiles.
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORK = HERE / ".work"
RESULTS_FILE = HERE / "results" / "edit_latency.json"
NODE_SERVER = HERE / "node_modules" / "y-websocket" / "bin" / "server.cjs"
HOCUSPOCUS_SCRIPT = HERE / "hocuspocus_server.cjs"  # needs node_modules/@hocuspocus/server
HOCUSPOCUS_PKG = HERE / "node_modules" / "@hocuspocus" / "server" / "package.json"
TEXT_NAME = "body"  # the Y.Text every kmserver document keeps its Markdown in
ROOM_PREFIX = "bench-room-"
CLK_TCK = os.sysconf("SC_CLK_TCK")

# Environment variables server.cjs / utils.cjs / callback.cjs read, besides HOST and PORT.
# YPERSISTENCE would switch on y-leveldb persistence, CALLBACK_URL an HTTP callback on
# every update, GC=false/0 disables garbage collection; none must leak into the benchmark.
NODE_ENV_STRIP = (
    "YPERSISTENCE",
    "CALLBACK_URL",
    "CALLBACK_OBJECTS",
    "CALLBACK_TIMEOUT",
    "CALLBACK_DEBOUNCE_WAIT",
    "CALLBACK_DEBOUNCE_MAXWAIT",
    "GC",
)


def log(msg: str) -> None:
    print(f"[edit_latency] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------
# /proc helpers (server CPU time and memory)
# --------------------------------------------------------------------------------------


def _stat_fields(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # comm may contain spaces and parentheses: split after the last ')'
    return raw[raw.rindex(")") + 2 :].split()


def _children(pid: int) -> list[int]:
    kids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        fields = _stat_fields(int(entry))
        if fields and int(fields[1]) == pid:  # fields[1] is ppid
            kids.append(int(entry))
    return kids


def process_tree(pid: int) -> list[int]:
    tree, todo = [], [pid]
    while todo:
        p = todo.pop()
        tree.append(p)
        todo.extend(_children(p))
    return tree


def tree_cpu_seconds(pid: int) -> float | None:
    """utime+stime of pid and its live descendants, plus children it already reaped."""
    total = 0.0
    root = _stat_fields(pid)
    if root is None:
        return None
    # fields after ')': state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14)
    total += int(root[13]) + int(root[14])
    for p in process_tree(pid):
        f = _stat_fields(p)
        if f:
            total += int(f[11]) + int(f[12])
    return total / CLK_TCK


def main_thread_cpu_seconds(pid: int) -> float | None:
    """utime+stime of the process's main thread alone (/proc/<pid>/task/<pid>): the
    event loop of kmserver and of the Python relays, Node's JavaScript thread; the
    rest of the process's CPU is its other threads (kmserver's writer and compactor)."""
    try:
        fields = Path(f"/proc/{pid}/task/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def tree_runqueue_wait_s(pid: int) -> float | None:
    """Time the threads of pid and its descendants spent runnable but waiting for a CPU
    (/proc/<tid>/schedstat field 2): how much other load on the machine delayed them."""
    total, seen = 0, False
    for p in process_tree(pid):
        with contextlib.suppress(OSError):
            for tid in os.listdir(f"/proc/{p}/task"):
                with contextlib.suppress(OSError, ValueError, IndexError):
                    total += int(Path(f"/proc/{p}/task/{tid}/schedstat").read_text().split()[1])
                    seen = True
    return total / 1e9 if seen else None


def cpu_pressure_us() -> int | None:
    """Cumulative 'some' CPU pressure stall time of the whole machine (PSI), microseconds."""
    try:
        first = Path("/proc/pressure/cpu").read_text().splitlines()[0]
        return int(first.rsplit("total=", 1)[1])
    except (OSError, IndexError, ValueError):
        return None


def _status_kib(pid: int, key: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def tree_memory_kib(pid: int) -> dict:
    """Sum over the process tree of VmHWM (peak RSS) and VmRSS; None once pid has exited."""
    pids = process_tree(pid)
    if _status_kib(pid, "VmHWM") is None:  # gone or a zombie
        return {"processes": 0, "peak_rss_kib": None, "rss_end_kib": None}
    hwm = [_status_kib(p, "VmHWM") or 0 for p in pids]
    rss = [_status_kib(p, "VmRSS") or 0 for p in pids]
    return {"processes": len(pids), "peak_rss_kib": sum(hwm), "rss_end_kib": sum(rss)}


# --------------------------------------------------------------------------------------
# statistics
# --------------------------------------------------------------------------------------


def percentile(sorted_values: list[float], p: float) -> float | None:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(p / 100.0 * len(sorted_values)))
    return sorted_values[rank - 1]


def summarize(values: list[float]) -> dict:
    v = sorted(values)
    if not v:
        return {"count": 0, "p50": None, "p95": None, "p99": None, "max": None, "mean": None}
    return {
        "count": len(v),
        "p50": round(percentile(v, 50), 3),
        "p95": round(percentile(v, 95), 3),
        "p99": round(percentile(v, 99), 3),
        "max": round(v[-1], 3),
        "mean": round(sum(v) / len(v), 3),
    }


# ======================================================================================
# client worker (a separate process; all websocket clients live here)
# ======================================================================================
