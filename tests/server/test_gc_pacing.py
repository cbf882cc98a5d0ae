"""kmserver/gc_pacing.py: what ``kmserver serve`` does to the collector once it is up."""

from __future__ import annotations

import gc

from kmserver import gc_pacing


def test_after_start_freezes_what_exists_and_raises_the_young_threshold() -> None:
    saved = gc.get_threshold()
    frozen = gc.get_freeze_count()
    kept = [[index] for index in range(200)]  # tracked objects alive at the freeze
    try:
        gc_pacing.after_start()
        assert gc.get_threshold() == (gc_pacing.GEN0_THRESHOLD, saved[1], saved[2])
        assert gc.get_freeze_count() >= frozen + len(kept)
    finally:
        gc.set_threshold(*saved)
