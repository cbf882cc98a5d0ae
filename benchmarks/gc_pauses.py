"""Collections of Python's garbage collector inside each run's measured window.

Reads the log of ``benchmarks/gc_probe`` (one line per collection in a kmserver
process) and the JSON of ``edit_latency.py`` (each run's server pid and measured
window), and prints per run: collections by generation, their total and longest
pause. A collection holds the GIL, so every socket and the writer wait for it.

    python benchmarks/gc_pauses.py GC_LOG RESULTS_JSON
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path


def read_log(path: Path) -> dict[int, list[tuple[float, int, float]]]:
    """pid -> [(unix time, generation, pause ms)]."""
    by_pid: dict[int, list[tuple[float, int, float]]] = defaultdict(list)
    for line in path.read_text().splitlines():
        at, pid, generation, pause_ms, *_ = line.split()
        by_pid[int(pid)].append((float(at), int(generation), float(pause_ms)))
    return by_pid


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("log", type=Path)
    parser.add_argument("results", type=Path)
    args = parser.parse_args()
    collections = read_log(args.log)
    runs = json.loads(args.results.read_text())["runs"]
    print(f"{'target':12} {'C':>3} {'rnd':>3}  collections in the measured window")
    for run in runs:
        server = run["server"]
        window = server.get("measured_window_unix")
        if not window or server.get("pid") not in collections:
            continue  # not a kmserver process, or a result from before the window was kept
        start, end = window
        seen = [(g, ms) for at, g, ms in collections[server["pid"]] if start <= at <= end]
        by_gen: dict[int, list[float]] = defaultdict(list)
        for generation, pause_ms in seen:
            by_gen[generation].append(pause_ms)
        parts = [
            f"gen{g}: {len(p)} ({sum(p):.0f} ms, longest {max(p):.1f})"
            for g, p in sorted(by_gen.items())
        ]
        total = sum(ms for _, ms in seen)
        print(
            f"{run['target']:12} {run['clients_per_room']:>3} {run['round']:>3}  "
            f"{len(seen)} in {end - start:.0f} s, {total:.0f} ms held: "
            + ("; ".join(parts) if parts else "none")
        )


if __name__ == "__main__":
    main()
