"""How ``kmserver serve`` keeps the interpreter's housekeeping off the edit path: the
GIL's hand-offs between the event loop and the writer, and the cyclic garbage collector.

A collection holds the GIL: while it runs, no socket is read and no commit is
acknowledged. What it walks, measured under 50 rooms x 10 stock Yjs clients at
500 edits/s (benchmarks/gc_probe, docs/benchmarks.md "Where the rest goes"):

* every young collection walks the objects each connection keeps while it waits
  for its next frame (a coroutine chain, a future, a frame: about 13 per socket
  that received something since the last collection), about 6,500 objects at 500
  sockets: 2-4 ms each, with Python's default threshold (700) about once a second;
* a full collection walks everything the connections hold (about 45,000 objects
  at 500 sockets): 28-44 ms, about once a minute, and it grows with the sockets.

Collections are counted in allocations that outlive their statement, so a larger
first threshold makes all three generations proportionally rarer without making
one longer (what a young collection walks is bounded by the open sockets, not by
the threshold). At ``GEN0_THRESHOLD`` the same load ran 38 s with no collection
at all. The price: reference cycles that became garbage wait longer to be freed,
a few thousand small objects at most. Objects without cycles are freed by
reference counting as always.

What start-up loaded (the catalog, the hub's documents, the modules) lives as
long as the process: :func:`after_start` moves it out of the collector's sight.
"""

from __future__ import annotations

import gc
import sys

GEN0_THRESHOLD = 7000  # Python's default is 700

# The event loop and the writer thread hand work to each other all the time; with
# Python's default 5 ms GIL switch interval a thread back from fsync can wait that
# long for the loop to let go. 0.5 ms cut p99 from 24 to 4-5 ms at 500 edits/s.
SWITCH_INTERVAL = 0.0005


def before_start() -> None:
    sys.setswitchinterval(SWITCH_INTERVAL)


def after_start() -> None:
    """Once the server is up: freeze what start-up made, then collect rarely."""
    gc.collect()
    gc.freeze()
    _, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(GEN0_THRESHOLD, gen1, gen2)
