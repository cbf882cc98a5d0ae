"""Logs every collection of Python's garbage collector in a ``kmserver serve`` process.

Python imports ``sitecustomize`` at start-up from ``PYTHONPATH``, so this watches any
kmserver checkout (``ours`` and ``before`` alike) without changing it:

    KMBENCH_GC_LOG=/tmp/gc.log PYTHONPATH=benchmarks/gc_probe \\
        python benchmarks/edit_latency.py --targets before,ours --before ../old --output r.json
    python benchmarks/gc_pauses.py /tmp/gc.log r.json

One line per collection: unix time at its end, pid, generation, pause in ms, objects
collected, thread. Other processes (clients, the Node servers) log nothing.
"""

import os
import sys

if os.environ.get("KMBENCH_GC_LOG") and "serve" in sys.argv:  # kmserver serve (-m: argv[0] is "-m")
    import gc
    import threading
    import time

    _log = open(os.environ["KMBENCH_GC_LOG"], "a", buffering=1)  # noqa: SIM115 (process-long)
    _started = [0.0]

    def _on_gc(phase: str, info: dict) -> None:
        if phase == "start":
            _started[0] = time.perf_counter()
            return
        took = (time.perf_counter() - _started[0]) * 1e3
        _log.write(
            f"{time.time():.3f} {os.getpid()} {info['generation']} {took:.3f} "
            f"{info['collected']} {threading.current_thread().name}\n"
        )

    gc.callbacks.append(_on_gc)
