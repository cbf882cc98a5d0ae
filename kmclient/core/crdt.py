"""pycrdt's update merge, imported when first used.

pycrdt takes ~25 ms to import (with anyio and its version lookup), and nothing
on the way to a window's first paint needs it: a profile's documents are
loaded as metadata, and a CRDT is first merged or built when a sync brings an
update or a document is opened. Modules that only name pycrdt's types import
them under ``TYPE_CHECKING``; those that build Docs import them where they do.
A window, once built, has it imported on a thread of its own (:func:`preload`),
so that the first document opened does not wait for it on the GUI thread
(measured at 10,000 documents: 46-107 ms for the first document opened right
after the start without it, 20-55 ms with it). It waits for the search index
to open first: beside Whoosh's import, GUI stalls of 50-80 ms were seen.
"""

from __future__ import annotations

import threading
from collections.abc import Callable


def preload(after: Callable[[], object] | None = None) -> threading.Thread:
    """Import pycrdt (and what opening a document needs with it) on a thread of its own,
    once ``after()`` has returned there."""
    thread = threading.Thread(target=_import, args=(after,), name="kmclient-preload", daemon=True)
    thread.start()
    return thread


def _import(after: Callable[[], object] | None) -> None:
    if after is not None:
        after()
    import kmclient.core.anchors  # noqa: F401  # flags' passages
    import kmserver.protocol.ytext  # noqa: F401  # a document's Doc and its text


def merge_updates(*updates: bytes) -> bytes:
    from pycrdt import merge_updates as merge  # in sys.modules after the first call

    return merge(*updates)
