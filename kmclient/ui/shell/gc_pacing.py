"""When Python's cyclic garbage collector may stop the GUI thread.

A full collection (generation 2) walks every tracked object of the process:
the modules, classes and Qt wrappers loaded at start, and, during a large
first sync, the metadata of thousands of documents. Measured in a 10,000
document first sync: full collections of 40-190 ms on the GUI thread, at the
moments the heap had grown by a quarter (Python's rule), several per sync.

The app paces them:

* :func:`install` (once per process, when the application starts) moves what
  exists then into the permanent generation (``gc.freeze()``): long-lived by
  nature, never scanned again (the server does the same after its start-up);
* while any engine syncs (:func:`hold` / :func:`release`, counted per engine)
  full collections are held off; young generations are collected as usual;
* after a large sync the objects it brought (document metadata, kept as long
  as the profile is open) are frozen too, so the next full collection does
  not walk them either.

The price: reference cycles that are garbage at a freeze are never collected
(objects without cycles are freed by reference counting as always). Startup
and a sync leave few of those.
"""

from __future__ import annotations

import gc

HELD_THRESHOLD = 1_000_000_000  # generation-2 threshold while held: never reached

_installed = False
_holders = 0
_saved: tuple[int, int, int] | None = None


def install() -> None:
    """Freeze what the process holds now (its imports); the first call only."""
    global _installed
    if not _installed:
        _installed = True
        gc.freeze()


def hold() -> None:
    """No full collection until the matching :func:`release` (nested: counted)."""
    global _holders, _saved
    _holders += 1
    if _holders == 1:
        _saved = gc.get_threshold()
        gc.set_threshold(_saved[0], _saved[1], HELD_THRESHOLD)


def release(*, freeze: bool = False) -> None:
    """End one :func:`hold`; with ``freeze``, first keep the survivors out of
    future full collections (after a large sync)."""
    global _holders, _saved
    if _holders == 0:
        return
    if freeze:
        gc.freeze()
    _holders -= 1
    if _holders == 0 and _saved is not None:
        gc.set_threshold(*_saved)
        _saved = None


def held() -> bool:
    return _holders > 0
