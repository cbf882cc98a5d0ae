"""No cyclic garbage collection while the app starts, until its window is painted.

Start-up imports (Qt, the engine, SQLAlchemy) and the first window (10,000
documents' metadata, the widgets) allocate hundreds of thousands of objects
that live as long as the process, and nearly no garbage with cycles; the
collector still ran ~175 collections over them meanwhile (measured at 10,000
documents: ~30 ms of the imports, median of 8 runs, 15-110 ms in single runs;
~30 ms of the window's opening). :func:`hold` turns it off
(``kmclient/app.py``, before importing anything heavy); :func:`release`, at
the first window's first paint or before a sign-in dialog waits for the user,
freezes what the start made (never scanned again, as
``kmclient.ui.shell.gc_pacing`` does) and turns the collector back on.

Qt-free and import-free on purpose: it must be importable before anything else.
"""

from __future__ import annotations

import gc

_held = False


def hold() -> None:
    """Turn the collector off until :func:`release` (if it was on)."""
    global _held
    if gc.isenabled():
        gc.disable()
        _held = True


def release() -> None:
    """Keep what the start made out of future collections; turn the collector on again.
    Only undoes :func:`hold`: a collector turned off by someone else stays off."""
    global _held
    if _held:
        _held = False
        gc.freeze()
        gc.enable()


def held() -> bool:
    return _held
